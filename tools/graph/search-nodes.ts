import { text } from '../../core/content.js';
import { type Tool, toolError } from '../../core/tool.js';
import type { SearchData, SearchEntry } from './data.js';
import { searchIndexFor, tokenize } from './search.js';
import { countLookup, type GraphToolState } from './state.js';

/** Arguments of `search_nodes`. */
export interface SearchNodesArgs {
  readonly query: string;
  readonly k: number;
}

/** Options of {@link searchNodesTool}. */
export interface SearchNodesOptions {
  /** Results when the call gives no `k`. */
  readonly defaultK?: number;
  /** Most results a call may ask for. */
  readonly maxK?: number;
  /** Length of each result's text snippet, in characters. */
  readonly snippetChars?: number;
}

/**
 * `search_nodes(query, k)`: the `k` nodes whose text best matches the query under BM25, best
 * first, with a snippet of each text. The inverted index is built once per graph.
 */
export function searchNodesTool(options: SearchNodesOptions = {}): Tool<GraphToolState, SearchNodesArgs> {
  const defaultK = options.defaultK ?? 5;
  const maxK = options.maxK ?? 20;
  const snippetChars = options.snippetChars ?? 80;
  return {
    name: 'search_nodes',
    description:
      'Rank nodes by how well their text matches a query (BM25 word matching, case-insensitive) and list the best k with a snippet of their text.',
    parameters: {
      type: 'object',
      properties: {
        query: { type: 'string', minLength: 1, description: 'Words to look for in node texts.' },
        k: { type: 'integer', minimum: 1, maximum: maxK, default: defaultK, description: `How many results, 1 to ${maxK}.` },
      },
      required: ['query'],
      additionalProperties: false,
    },
    annotations: { readOnly: true },
    async run(args, context) {
      const state = context.state;
      if (tokenize(args.query).length === 0) {
        return toolError(
          `the query "${args.query}" has no searchable words (only stop words or punctuation); search with content words from node texts.`,
        );
      }
      const index = searchIndexFor(state.graph);
      const k = args.k ?? defaultK;
      countLookup(state, 'search_nodes');
      const hits: SearchEntry[] = index.search(args.query, k).map((hit) => {
        const node = state.graph.node(hit.index);
        const snippet = node.text.length > snippetChars ? `${node.text.slice(0, snippetChars)}…` : node.text;
        return { id: node.id, score: Math.round(hit.score * 1000) / 1000, snippet };
      });
      const matches = index.countMatches(args.query);
      const lines =
        hits.length === 0
          ? [`No node text contains any word of "${args.query}".`]
          : [
              `Top ${hits.length} of ${matches} matching nodes for "${args.query}":`,
              ...hits.map((hit, rank) => `${rank + 1}. ${hit.id} (score ${hit.score.toFixed(2)}): ${hit.snippet}`),
            ];
      const data: SearchData = { tool: 'search_nodes', query: args.query, matches, hits };
      return { content: [text(lines.join('\n'))], data };
    },
  };
}
