import type { Random } from '../../core/random.js';
import { type GraphNode, TextGraph } from '../../tools/graph/text-graph.js';

/** Settings of a generated stochastic-block-model graph. */
export interface SbmOptions {
  /** Number of nodes. */
  readonly nodes: number;
  /** Number of classes (blocks), 2 to {@link CLASS_NAMES}.length. */
  readonly classes: number;
  /** Edge probability between two nodes of the same class. */
  readonly pIn: number;
  /** Edge probability between two nodes of different classes. */
  readonly pOut: number;
  /** Words in each node's text. */
  readonly wordsPerNode: number;
  /** Chance that a word of a node's text is a shared noise word rather than one of its class's words. */
  readonly textNoise: number;
  /**
   * Triadic closure: after the block model, each pair of nodes with a common neighbour is linked
   * with this chance (once per common neighbour), as friends of friends are in social and citation
   * graphs. It gives link prediction a signal (a block model alone makes edges within a class
   * independent of each other). 0 keeps a pure block model.
   */
  readonly closure?: number;
}

/** Class names of generated graphs (the words of node texts are invented, so names carry no hint). */
export const CLASS_NAMES = [
  'astronomy',
  'biology',
  'chemistry',
  'economics',
  'geology',
  'history',
  'linguistics',
  'mathematics',
  'medicine',
  'music',
  'physics',
  'robotics',
] as const;

const CLASS_WORDS = 24;
const NOISE_WORDS = 48;
const ONSETS = ['b', 'br', 'd', 'dr', 'f', 'g', 'gl', 'k', 'kr', 'l', 'm', 'n', 'p', 'pl', 'r', 's', 'st', 't', 'tr', 'v', 'z'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou'];
const CODAS = ['', '', 'n', 'r', 'l', 's', 'k', 'm'];

/** A generated graph and the vocabularies its texts were drawn from (for tests and benches). */
export interface GeneratedGraph {
  readonly graph: TextGraph;
  /** Class name → the invented words of that class. */
  readonly vocabulary: Readonly<Record<string, readonly string[]>>;
  /** Words any node's text may contain. */
  readonly noiseWords: readonly string[];
}

/**
 * Generates a text-attributed stochastic-block-model graph. Each node gets a class uniformly at
 * random; each pair of nodes is joined with probability `pIn` (same class) or `pOut`; each text
 * draws words from its class's invented vocabulary or, with probability `textNoise`, from shared
 * noise words; so both structure and text carry the class. Components are then joined to the
 * largest one by one edge each, to a node of the same class where there is one, so every pair of
 * nodes is connected. Node ids are `n0`, `n1`, …; the same `random` state gives the same graph.
 */
export function generateSbmGraph(random: Random, options: SbmOptions): GeneratedGraph {
  const classCount = Math.max(2, Math.min(options.classes, CLASS_NAMES.length));
  const names = random.fork('classes').sample(CLASS_NAMES, classCount).sort();
  const words = random.fork('words');
  const used = new Set<string>();
  const vocabulary: Record<string, string[]> = {};
  for (const name of names) vocabulary[name] = inventWords(words, CLASS_WORDS, used);
  const noiseWords = inventWords(words, NOISE_WORDS, used);

  const assign = random.fork('assign');
  const labels = Array.from({ length: options.nodes }, () => assign.int(0, classCount - 1));
  const texts = random.fork('texts');
  const nodes: GraphNode[] = labels.map((label, index) => {
    const name = names[label] as string;
    const own = vocabulary[name] as string[];
    const parts: string[] = [];
    for (let word = 0; word < options.wordsPerNode; word += 1)
      parts.push(texts.chance(options.textNoise) ? texts.pick(noiseWords) : texts.pick(own));
    return { id: `n${index}`, text: parts.join(' '), label: name, attributes: {} };
  });

  const edges = sampleEdges(random.fork('edges'), labels, classCount, options.pIn, options.pOut);
  closeTriangles(random.fork('closure'), options.nodes, edges, options.closure ?? 0);
  const draft = new TextGraph({ name: 'generated', directed: false, nodes, edges });
  const components = draft.components();
  const largest = components[0] ?? [];
  if (components.length <= 1) return { graph: draft, vocabulary, noiseWords };
  const join = random.fork('join');
  for (const component of components.slice(1)) {
    const from = join.pick(component);
    const sameClass = largest.filter((index) => labels[index] === labels[from]);
    edges.push([from, join.pick(sameClass.length > 0 ? sameClass : largest)]);
  }
  return { graph: new TextGraph({ name: 'generated', directed: false, nodes, edges }), vocabulary, noiseWords };
}

/** Samples SBM edges in time proportional to their number, skipping absent pairs geometrically. */
function sampleEdges(random: Random, labels: readonly number[], classCount: number, pIn: number, pOut: number): [number, number][] {
  const members: number[][] = Array.from({ length: classCount }, () => []);
  labels.forEach((label, index) => {
    members[label]?.push(index);
  });
  const edges: [number, number][] = [];
  for (let a = 0; a < classCount; a += 1) {
    const left = members[a] as number[];
    const size = left.length;
    let row = 0;
    let rowStart = 0;
    let rowLength = size - 1;
    eachSelected(random, (size * (size - 1)) / 2, pIn, (k) => {
      while (k >= rowStart + rowLength) {
        rowStart += rowLength;
        row += 1;
        rowLength -= 1;
      }
      edges.push([left[row] as number, left[row + 1 + (k - rowStart)] as number]);
    });
    for (let b = a + 1; b < classCount; b += 1) {
      const right = members[b] as number[];
      eachSelected(random, size * right.length, pOut, (k) => {
        edges.push([left[Math.floor(k / right.length)] as number, right[k % right.length] as number]);
      });
    }
  }
  return edges;
}

/** Adds triadic-closure edges: each wedge u-w-v of the block-model graph closes with probability `p`. */
function closeTriangles(random: Random, size: number, edges: [number, number][], p: number): void {
  if (p <= 0) return;
  const adjacency: number[][] = Array.from({ length: size }, () => []);
  for (const [a, b] of edges) {
    adjacency[a]?.push(b);
    adjacency[b]?.push(a);
  }
  for (const list of adjacency) {
    list.sort((x, y) => x - y);
    for (let i = 0; i < list.length; i += 1) {
      for (let j = i + 1; j < list.length; j += 1) if (random.chance(p)) edges.push([list[i] as number, list[j] as number]);
    }
  }
}

/** Calls `emit` with each of `count` pair numbers kept with probability `p`, in increasing order. */
function eachSelected(random: Random, count: number, p: number, emit: (k: number) => void): void {
  if (p <= 0 || count <= 0) return;
  const logQ = Math.log(1 - p);
  let k = -1;
  for (;;) {
    k += 1 + (p >= 1 ? 0 : Math.floor(Math.log(1 - random.float()) / logQ));
    if (k >= count) return;
    emit(k);
  }
}

function inventWords(random: Random, count: number, used: Set<string>): string[] {
  const result: string[] = [];
  while (result.length < count) {
    const syllables = random.int(2, 3);
    let word = '';
    for (let index = 0; index < syllables; index += 1)
      word += random.pick(ONSETS) + random.pick(VOWELS) + (index === syllables - 1 ? random.pick(CODAS) : '');
    if (used.has(word)) continue;
    used.add(word);
    result.push(word);
  }
  return result;
}
