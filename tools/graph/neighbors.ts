import { text } from '../../core/content.js';
import { type Tool, toolError } from '../../core/tool.js';
import type { NeighborEntry, NeighborsData } from './data.js';
import { countLookup, type GraphToolState, neighbourhood, resolveNode } from './state.js';

/** Arguments of `neighbors`. */
export interface NeighborsArgs {
  readonly id: string;
  readonly hops: 1 | 2;
  readonly limit: number;
  readonly offset: number;
}

/** Options of {@link neighborsTool}. */
export interface NeighborsOptions {
  /** Page size when the call gives none. */
  readonly defaultLimit?: number;
  /** Largest page a call may ask for. */
  readonly maxLimit?: number;
}

/**
 * `neighbors(id, hops, limit, offset)`: one page of the nodes within 1 or 2 hops, 1-hop nodes
 * first, each group in graph order, so pages are stable. 2-hop nodes name the 1-hop neighbour they
 * are reached through, which is enough to build a path. The page says the total and the next offset.
 */
export function neighborsTool(options: NeighborsOptions = {}): Tool<GraphToolState, NeighborsArgs> {
  const defaultLimit = options.defaultLimit ?? 20;
  const maxLimit = options.maxLimit ?? 200;
  return {
    name: 'neighbors',
    description:
      'List the nodes linked to a node, one page at a time, in a fixed order. hops=2 also lists nodes two links away, each with the 1-hop neighbour it is reached through ("n9 via n3"). The reply gives the total count and the offset of the next page.',
    parameters: {
      type: 'object',
      properties: {
        id: { type: 'string', minLength: 1, description: 'The node id, e.g. "n17".' },
        hops: {
          type: 'integer',
          minimum: 1,
          maximum: 2,
          default: 1,
          description: '1 or 2: 1 for direct neighbours; 2 adds nodes two links away.',
        },
        limit: { type: 'integer', minimum: 1, maximum: maxLimit, default: defaultLimit, description: `Page size, 1 to ${maxLimit}.` },
        offset: {
          type: 'integer',
          minimum: 0,
          default: 0,
          description: 'How many entries to skip: 0 for the first page, then the next offset a reply gives.',
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
      const limit = args.limit ?? defaultLimit;
      const offset = args.offset ?? 0;
      const reached = neighbourhood(state, resolved.index, hops);
      const total = reached.length;
      if (offset > 0 && offset >= total) {
        return toolError(
          `offset ${offset} is past the end: node "${args.id}" has ${total} node(s) within ${hops} hop(s). Use an offset below ${total}, or 0 for the first page.`,
        );
      }
      countLookup(state, 'neighbors');
      const page = reached.slice(offset, offset + limit);
      const nextOffset = offset + page.length < total ? offset + page.length : null;
      const idOf = (index: number): string => state.graph.node(index).id;
      const entries: NeighborEntry[] = page.map((entry) => ({
        id: idOf(entry.index),
        hop: entry.hop,
        via: entry.via === undefined ? null : idOf(entry.via),
      }));
      const firstHop = reached.filter((entry) => entry.hop === 1).length;
      const counts = hops === 2 ? ` (${firstHop} at 1 hop, ${total - firstHop} at 2 hops)` : '';
      const lines = [`Neighbors of ${args.id} within ${hops} hop${hops === 2 ? 's' : ''}: ${total} in total${counts}.`];
      if (total === 0) lines.push('This node has no visible edges.');
      else {
        lines.push(`Showing ${offset + 1}-${offset + page.length}:`);
        const near = entries.filter((entry) => entry.hop === 1).map((entry) => entry.id);
        const far = entries.filter((entry) => entry.hop === 2).map((entry) => `${entry.id} via ${entry.via ?? '?'}`);
        if (near.length > 0) lines.push(`${hops === 2 ? '1 hop: ' : ''}${near.join(', ')}`);
        if (far.length > 0) lines.push(`2 hops: ${far.join(', ')}`);
        lines.push(nextOffset === null ? 'End of list.' : `More: call neighbors with offset=${nextOffset}.`);
      }
      const data: NeighborsData = { tool: 'neighbors', id: args.id, hops, total, offset, limit, nextOffset, neighbors: entries };
      return { content: [text(lines.join('\n'))], data };
    },
  };
}
