import { text } from '../../core/content.js';
import type { Tool } from '../../core/tool.js';
import type { NodeData } from './data.js';
import { countLookup, type GraphToolState, resolveNode, visibleNeighbors } from './state.js';

/** Arguments of `get_node`. */
export interface GetNodeArgs {
  readonly id: string;
}

/** Options of {@link getNodeTool}. */
export interface GetNodeOptions {
  /** Longest node text shown, in characters; longer texts are cut with an ellipsis. */
  readonly maxTextChars?: number;
}

/**
 * `get_node(id)`: a node's text, attributes, degree, and its class when the node is in the
 * visible set ("not visible" otherwise, the same words for every hidden class).
 */
export function getNodeTool(options: GetNodeOptions = {}): Tool<GraphToolState, GetNodeArgs> {
  const maxTextChars = options.maxTextChars ?? 1200;
  return {
    name: 'get_node',
    description:
      'Read one node: its text, its attributes, its degree (number of edges you can see) and its class when that class is visible. Ids are strings as listed by neighbors and search_nodes.',
    parameters: {
      type: 'object',
      properties: { id: { type: 'string', minLength: 1, description: 'The node id, e.g. "n17".' } },
      required: ['id'],
      additionalProperties: false,
    },
    annotations: { readOnly: true },
    async run(args, context) {
      const state = context.state;
      const resolved = resolveNode(state, args.id);
      if ('error' in resolved) return resolved.error;
      const node = state.graph.node(resolved.index);
      const label = state.visibleLabels.has(resolved.index) && node.label !== undefined ? node.label : null;
      const degree = visibleNeighbors(state, resolved.index).length;
      countLookup(state, 'get_node');
      const attributes = Object.entries(node.attributes).map(([key, value]) => `${key}=${String(value)}`);
      const shown = node.text.length > maxTextChars ? `${node.text.slice(0, maxTextChars)}…` : node.text;
      const lines = [
        `Node ${node.id}`,
        `class: ${label ?? 'not visible'}`,
        `degree: ${degree}`,
        `text: ${shown === '' ? '(none)' : shown}`,
        ...(attributes.length > 0 ? [`attributes: ${attributes.join(', ')}`] : []),
      ];
      const data: NodeData = { tool: 'get_node', id: node.id, text: node.text, label, degree, attributes: node.attributes };
      return { content: [text(lines.join('\n'))], data };
    },
  };
}
