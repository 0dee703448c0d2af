/**
 * Graph tools any env that holds a text-attributed graph can expose: put the fields of
 * {@link GraphToolState} in the env's state and list the tools from {@link graphTools}.
 */
import type { Tool } from '../../core/tool.js';
import { type GetNodeOptions, getNodeTool } from './get-node.js';
import { type NeighborsOptions, neighborsTool } from './neighbors.js';
import { renderSubgraphTool } from './render-subgraph.js';
import { type SearchNodesOptions, searchNodesTool } from './search-nodes.js';
import type { GraphToolState } from './state.js';

export * from './data.js';
export type { DrawOptions, SubgraphDrawing } from './draw.js';
export { drawSubgraph } from './draw.js';
export * from './get-node.js';
export * from './neighbors.js';
export * from './render-subgraph.js';
export * from './search.js';
export * from './search-nodes.js';
export * from './state.js';
export * from './text-graph.js';

/** Options of {@link graphTools}. */
export interface GraphToolsOptions extends GetNodeOptions, NeighborsOptions, SearchNodesOptions {
  /** Include `render_subgraph` (an image tool for visual agents). */
  readonly render?: boolean;
}

/** The graph tools, `get_node`, `neighbors`, `search_nodes` and optionally `render_subgraph`, in that order. */
export function graphTools(options: GraphToolsOptions = {}): Tool<GraphToolState, never>[] {
  const tools: Tool<GraphToolState, never>[] = [
    getNodeTool(options) as Tool<GraphToolState, never>,
    neighborsTool(options) as Tool<GraphToolState, never>,
    searchNodesTool(options) as Tool<GraphToolState, never>,
  ];
  if (options.render === true) tools.push(renderSubgraphTool() as Tool<GraphToolState, never>);
  return tools;
}
