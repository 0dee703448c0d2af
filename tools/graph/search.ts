import type { TextGraph } from './text-graph.js';

/** One ranked search result. */
export interface SearchHit {
  /** Index of the node in its graph. */
  readonly index: number;
  /** BM25 score; higher is better. */
  readonly score: number;
}

/** BM25 parameters (Robertson and Zaragoza's usual defaults). */
export interface Bm25Parameters {
  /** Term-frequency saturation. */
  readonly k1: number;
  /** Length normalisation, 0 (none) to 1 (full). */
  readonly b: number;
}

const DEFAULT_PARAMETERS: Bm25Parameters = { k1: 1.2, b: 0.75 };

const STOP_WORDS: ReadonlySet<string> = new Set(
  'a an and are as at be by for from has have in is it its of on or that the their this to was were which with'.split(' '),
);

/** Lower-cased word tokens of a text (letters and digits), stop words dropped. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    const token = match[0];
    if (!STOP_WORDS.has(token)) tokens.push(token);
  }
  return tokens;
}

/**
 * A BM25 ranking over documents numbered 0..n-1, with an inverted index built once. Queries touch
 * only the postings of their terms, so a search costs time in the matches, not in the corpus.
 */
export class Bm25Index {
  /** Number of documents. */
  readonly size: number;
  private readonly postings: ReadonlyMap<string, { readonly documents: Int32Array; readonly frequencies: Int32Array }>;
  private readonly lengths: Float64Array;
  private readonly averageLength: number;
  private readonly parameters: Bm25Parameters;

  constructor(documents: readonly string[], parameters: Bm25Parameters = DEFAULT_PARAMETERS) {
    this.size = documents.length;
    this.parameters = parameters;
    this.lengths = new Float64Array(documents.length);
    const lists = new Map<string, { documents: number[]; frequencies: number[] }>();
    documents.forEach((document, index) => {
      const counts = new Map<string, number>();
      const tokens = tokenize(document);
      this.lengths[index] = tokens.length;
      for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
      for (const [token, count] of counts) {
        let list = lists.get(token);
        if (list === undefined) {
          list = { documents: [], frequencies: [] };
          lists.set(token, list);
        }
        list.documents.push(index);
        list.frequencies.push(count);
      }
    });
    const postings = new Map<string, { documents: Int32Array; frequencies: Int32Array }>();
    for (const [token, list] of lists) {
      postings.set(token, { documents: Int32Array.from(list.documents), frequencies: Int32Array.from(list.frequencies) });
    }
    this.postings = postings;
    const total = this.lengths.reduce((sum, length) => sum + length, 0);
    this.averageLength = documents.length === 0 ? 0 : total / documents.length;
  }

  /** Number of distinct indexed terms. */
  get vocabularySize(): number {
    return this.postings.size;
  }

  /** How many documents contain at least one query term. */
  countMatches(query: string): number {
    const matched = new Set<number>();
    for (const token of new Set(tokenize(query))) for (const document of this.postings.get(token)?.documents ?? []) matched.add(document);
    return matched.size;
  }

  /** The `k` best documents for a query, best first; ties go to the lower index. */
  search(query: string, k: number): SearchHit[] {
    const { k1, b } = this.parameters;
    const scores = new Float64Array(this.size);
    const touched: number[] = [];
    for (const token of new Set(tokenize(query))) {
      const posting = this.postings.get(token);
      if (posting === undefined) continue;
      const frequency = posting.documents.length;
      const idf = Math.log(1 + (this.size - frequency + 0.5) / (frequency + 0.5));
      for (let position = 0; position < posting.documents.length; position += 1) {
        const document = posting.documents[position] as number;
        const termFrequency = posting.frequencies[position] as number;
        const length = this.lengths[document] as number;
        const norm = termFrequency + k1 * (1 - b + (b * length) / (this.averageLength || 1));
        if (scores[document] === 0) touched.push(document);
        scores[document] = (scores[document] as number) + (idf * termFrequency * (k1 + 1)) / norm;
      }
    }
    return topK(touched, scores, Math.max(0, k));
  }
}

/** The `k` best of the touched documents by score (ties: lower index first), without sorting them all. */
function topK(touched: readonly number[], scores: Float64Array, k: number): SearchHit[] {
  const best: SearchHit[] = [];
  if (k === 0) return best;
  const better = (a: SearchHit, b: SearchHit): boolean => a.score > b.score || (a.score === b.score && a.index < b.index);
  for (const index of touched) {
    const hit = { index, score: scores[index] as number };
    if (best.length === k && !better(hit, best[k - 1] as SearchHit)) continue;
    let position = Math.min(best.length, k - 1);
    if (best.length < k) best.push(hit);
    else best[position] = hit;
    while (position > 0 && better(hit, best[position - 1] as SearchHit)) {
      best[position] = best[position - 1] as SearchHit;
      best[position - 1] = hit;
      position -= 1;
    }
  }
  return best;
}

const indexes = new WeakMap<TextGraph, Bm25Index>();

/** The BM25 index over a graph's node texts, built on first use and kept for the graph's lifetime. */
export function searchIndexFor(graph: TextGraph): Bm25Index {
  let index = indexes.get(graph);
  if (index === undefined) {
    index = new Bm25Index(graph.nodes.map((node) => node.text));
    indexes.set(graph, index);
  }
  return index;
}
