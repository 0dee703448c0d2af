import type { ImageRef } from '../../core/content.js';
import type { AttributeValue } from './text-graph.js';

/** `ToolResult.data` of `get_node`. */
export interface NodeData {
  readonly tool: 'get_node';
  readonly id: string;
  readonly text: string;
  /** The class, or `null` when the node's class is not visible (or it has none). */
  readonly label: string | null;
  /** Number of visible edges. */
  readonly degree: number;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

/** One entry of a `neighbors` page. */
export interface NeighborEntry {
  readonly id: string;
  readonly hop: 1 | 2;
  /** For 2-hop entries, the 1-hop neighbour that links to this node. */
  readonly via: string | null;
}

/** `ToolResult.data` of `neighbors`. */
export interface NeighborsData {
  readonly tool: 'neighbors';
  readonly id: string;
  readonly hops: 1 | 2;
  /** Nodes within `hops` in all. */
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  /** Offset of the next page, or `null` on the last page. */
  readonly nextOffset: number | null;
  readonly neighbors: readonly NeighborEntry[];
}

/** One `search_nodes` result. */
export interface SearchEntry {
  readonly id: string;
  readonly score: number;
  readonly snippet: string;
}

/** `ToolResult.data` of `search_nodes`. */
export interface SearchData {
  readonly tool: 'search_nodes';
  readonly query: string;
  /** Nodes matching at least one query term. */
  readonly matches: number;
  readonly hits: readonly SearchEntry[];
}

/** `ToolResult.data` of `render_subgraph`. */
export interface RenderData {
  readonly tool: 'render_subgraph';
  readonly id: string;
  readonly hops: 1 | 2;
  /** Nodes drawn, the centre included. */
  readonly drawn: number;
  /** Nodes within `hops`, the centre excluded. */
  readonly total: number;
  readonly image: ImageRef;
}

/** Any graph tool's structured result. */
export type GraphToolData = NodeData | NeighborsData | SearchData | RenderData;

/** Reads a graph tool's data from `StepInfo.data`, or `undefined` when it is another tool's (or an error). */
export function readToolData<Name extends GraphToolData['tool']>(
  data: unknown,
  tool: Name,
): Extract<GraphToolData, { tool: Name }> | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  return (data as { tool?: unknown }).tool === tool ? (data as Extract<GraphToolData, { tool: Name }>) : undefined;
}
