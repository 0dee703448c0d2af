import { image, text } from '../../core/content.js';
import type { Tool } from '../../core/tool.js';
import type { RenderData } from './data.js';
import { type DrawOptions, drawSubgraph } from './draw.js';
import { countLookup, type GraphToolState, resolveNode } from './state.js';

/** Arguments of `render_subgraph`. */
export interface RenderSubgraphArgs {
  readonly id: string;
  readonly hops: 1 | 2;
}

/**
 * `render_subgraph(id, hops)`: a picture of a node's neighbourhood for visual agents, with ids
 * written next to the nodes and visible classes as colours. Large neighbourhoods are cut to the
 * first nodes in graph order (the caption in the image and the reply say how many were drawn).
 */
export function renderSubgraphTool(options: DrawOptions = {}): Tool<GraphToolState, RenderSubgraphArgs> {
  return {
    name: 'render_subgraph',
    description:
      'Draw the neighbourhood of a node as an image: the node in the centre (thick outline), 1-hop neighbours on a circle around it, 2-hop ones on an outer circle (at 2 hops, only links between consecutive circles are drawn), node ids written next to each node, visible classes as colours (legend at the bottom, white = not visible). A caption on top gives the counts and says when only the first nodes are drawn.',
    parameters: {
      type: 'object',
      properties: {
        id: { type: 'string', minLength: 1, description: 'The centre node id, e.g. "n17".' },
        hops: {
          type: 'integer',
          minimum: 1,
          maximum: 2,
          default: 1,
          description: '1 or 2: 1 draws direct neighbours; 2 adds nodes two links away.',
        },
      },
      required: ['id'],
      additionalProperties: false,
    },
    annotations: { readOnly: true },
    async run(args, context) {
      const state = context.state;
      const resolved = resolveNode(state, args.id);
      if ('error' in resolved) return resolved.error;
      const hops = args.hops ?? 1;
      const drawing = await drawSubgraph(state, resolved.index, hops, options);
      const ref = await context.images.put(drawing.png);
      countLookup(state, 'render_subgraph');
      const cut =
        drawing.drawn - 1 < drawing.total ? ` (${drawing.drawn - 1} of ${drawing.total} drawn; use neighbors for the full list)` : '';
      const summary = `Neighbourhood of ${args.id} within ${hops} hop${hops === 2 ? 's' : ''}: ${drawing.total} node(s)${cut}, ${drawing.edges} edge(s) drawn.`;
      const data: RenderData = { tool: 'render_subgraph', id: args.id, hops, drawn: drawing.drawn, total: drawing.total, image: ref };
      return { content: [text(summary), image(ref)], data };
    },
  };
}
