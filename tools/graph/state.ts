import { type ToolResult, toolError } from '../../core/tool.js';
import { edgeKey, type TextGraph } from './text-graph.js';

/** Lookup counters an episode keeps; the graph tools add to them on every successful call. */
export interface GraphUsage {
  /** Successful calls of any graph tool. */
  lookups: number;
  /** Successful calls per tool name. */
  readonly byTool: Record<string, number>;
}

/**
 * What the graph tools need from an env's state: a graph, which classes may be shown, which
 * edges are hidden, and counters. Any env that holds a graph can expose these tools by putting
 * these fields in its state.
 */
export interface GraphToolState {
  readonly graph: TextGraph;
  /** Indices of the nodes whose class `get_node` shows. */
  readonly visibleLabels: ReadonlySet<number>;
  /** Edges (keys from `edgeKey`) that no tool reveals, e.g. the edge a link-prediction task asks about. */
  readonly hiddenEdges: ReadonlySet<string>;
  readonly usage: GraphUsage;
}

/** Fresh, zeroed counters. */
export function emptyUsage(): GraphUsage {
  return { lookups: 0, byTool: {} };
}

/** Counts one successful call of a tool. */
export function countLookup(state: GraphToolState, tool: string): void {
  state.usage.lookups += 1;
  state.usage.byTool[tool] = (state.usage.byTool[tool] ?? 0) + 1;
}

/** Neighbours of a node that the tools may show (hidden edges removed), in graph order. */
export function visibleNeighbors(state: GraphToolState, index: number): number[] {
  const all = state.graph.neighbors(index);
  if (state.hiddenEdges.size === 0) return all.slice();
  return all.filter((other) => !state.hiddenEdges.has(edgeKey(index, other)));
}

/** A node within reach of another: how many hops away, and through which 1-hop neighbour. */
export interface Reached {
  readonly index: number;
  readonly hop: 1 | 2;
  /** For 2-hop nodes, the first 1-hop neighbour (in graph order) that links to it. */
  readonly via: number | undefined;
}

/**
 * The nodes within `hops` (1 or 2) of a node over visible edges: first the 1-hop neighbours in graph
 * order, then the 2-hop ones in graph order. The node itself is never listed.
 */
export function neighbourhood(state: GraphToolState, index: number, hops: 1 | 2): Reached[] {
  const first = visibleNeighbors(state, index);
  const result: Reached[] = first.map((other) => ({ index: other, hop: 1, via: undefined }));
  if (hops === 1) return result;
  const seen = new Set<number>([index, ...first]);
  const second = new Map<number, number>();
  for (const middle of first) {
    for (const other of visibleNeighbors(state, middle)) {
      if (!seen.has(other) && !second.has(other)) second.set(other, middle);
    }
  }
  const sorted = [...second.keys()].sort((x, y) => x - y);
  for (const other of sorted) result.push({ index: other, hop: 2, via: second.get(other) });
  return result;
}

/** Resolves a node id for a tool: its index, or a tool error that names close ids. */
export function resolveNode(state: GraphToolState, id: string): { index: number } | { error: ToolResult } {
  const index = state.graph.indexOf(id);
  if (index !== undefined) return { index };
  const suggestions = suggestIds(state.graph, id);
  const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.map((candidate) => `"${candidate}"`).join(', ')}?` : '';
  const example = state.graph.nodes[0]?.id;
  const shape = example === undefined ? '' : ` Node ids look like "${example}".`;
  return {
    error: toolError(`there is no node with id "${id}".${hint}${shape} Use search_nodes to find nodes by their text.`, {
      tool: 'error',
      unknownId: id,
      suggestions,
    }),
  };
}

/**
 * Up to three ids close to `id`: the same id in another case or with spaces trimmed, nodes whose
 * text equals it, ids that contain it with a short prefix or suffix missing (`17` for `n17`), then
 * ids within a small edit distance, closest first.
 */
export function suggestIds(graph: TextGraph, id: string): string[] {
  const wanted = id.trim().toLowerCase();
  const exact: string[] = [];
  const scored: { id: string; distance: number; index: number }[] = [];
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  graph.nodes.forEach((node, index) => {
    const candidate = node.id.toLowerCase();
    if (candidate === wanted || node.text.trim().toLowerCase() === wanted) {
      exact.push(node.id);
      return;
    }
    if (wanted !== '' && candidate.includes(wanted) && candidate.length - wanted.length <= 2) {
      // "17" for "n17": a missing prefix or suffix ranks before other near misses.
      scored.push({ id: node.id, distance: (candidate.length - wanted.length) / 4, index });
      return;
    }
    if (Math.abs(candidate.length - wanted.length) > limit) return;
    const distance = editDistance(wanted, candidate, limit);
    if (distance <= limit) scored.push({ id: node.id, distance, index });
  });
  scored.sort((x, y) => x.distance - y.distance || x.index - y.index);
  return [...exact, ...scored.map((entry) => entry.id)].slice(0, 3);
}

/** Levenshtein distance, giving up (returning `limit + 1`) once it must exceed `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      const value = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
      current.push(value);
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length] as number;
}
