import { GymError } from '../../core/errors.js';

/** A scalar node attribute, as graph files hold them. */
export type AttributeValue = string | number | boolean;

/** One node of a text-attributed graph. */
export interface GraphNode {
  /** The node's id, as tools take and show it. Unique within the graph. */
  readonly id: string;
  /** The node's text (a title, an abstract, a name); searchable, always shown. */
  readonly text: string;
  /** The node's class, when it has one. Tools show it only for nodes in the visible set. */
  readonly label: string | undefined;
  /** Other attributes, shown as they are (the class and text attributes are not repeated here). */
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

/** What {@link TextGraph} is built from. Edges are pairs of node indices. */
export interface TextGraphInput {
  /** A short name for prompts and logs, e.g. the file name or `generated`. */
  readonly name: string;
  /** Whether the source declared its edges directed (kept as a fact; navigation is undirected). */
  readonly directed: boolean;
  readonly nodes: readonly GraphNode[];
  /** Pairs of indices into `nodes`. Self loops are dropped; duplicates and reversed pairs merge. */
  readonly edges: Iterable<readonly [number, number]>;
}

/**
 * An immutable text-attributed graph. Nodes keep the order they were given in (the "graph
 * order"); every neighbour list is sorted in that order, so listings are stable. Edges are walked
 * in both directions whatever the source declared: thinkgym treats graphs as undirected.
 */
export class TextGraph {
  readonly name: string;
  readonly directed: boolean;
  readonly nodes: readonly GraphNode[];
  /** Number of distinct undirected edges (self loops dropped). */
  readonly edgeCount: number;
  /** Distinct class names, sorted. */
  readonly classes: readonly string[];
  private readonly ids: ReadonlyMap<string, number>;
  private readonly adjacency: readonly (readonly number[])[];

  constructor(input: TextGraphInput) {
    this.name = input.name;
    this.directed = input.directed;
    this.nodes = input.nodes;
    const ids = new Map<string, number>();
    input.nodes.forEach((node, index) => {
      if (ids.has(node.id))
        throw new GymError('duplicate-node', `Graph ${input.name} has two nodes with id "${node.id}"; ids must be unique.`);
      ids.set(node.id, index);
    });
    this.ids = ids;
    const sets = input.nodes.map(() => new Set<number>());
    for (const [a, b] of input.edges) {
      const first = sets[a];
      const second = sets[b];
      if (first === undefined || second === undefined) {
        throw new GymError('bad-edge', `Graph ${input.name} has an edge ${a}-${b} outside its ${input.nodes.length} nodes.`);
      }
      if (a === b) continue;
      first.add(b);
      second.add(a);
    }
    this.adjacency = sets.map((set) => [...set].sort((x, y) => x - y));
    this.edgeCount = this.adjacency.reduce((sum, list) => sum + list.length, 0) / 2;
    const classes = new Set<string>();
    for (const node of input.nodes) if (node.label !== undefined) classes.add(node.label);
    this.classes = [...classes].sort();
  }

  /** Number of nodes. */
  get size(): number {
    return this.nodes.length;
  }

  /** The index of a node id, or `undefined`. */
  indexOf(id: string): number | undefined {
    return this.ids.get(id);
  }

  /** The node at an index; throws on a bad index (a programming error). */
  node(index: number): GraphNode {
    const node = this.nodes[index];
    if (node === undefined) throw new RangeError(`No node at index ${index} in graph ${this.name}.`);
    return node;
  }

  /** Neighbour indices of a node, in graph order. */
  neighbors(index: number): readonly number[] {
    return this.adjacency[index] ?? [];
  }

  /** Whether an (undirected) edge joins two nodes. */
  hasEdge(a: number, b: number): boolean {
    const list = this.adjacency[a];
    if (list === undefined) return false;
    let low = 0;
    let high = list.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const value = list[middle] as number;
      if (value === b) return true;
      if (value < b) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }

  /** Every edge once, as `[a, b]` with `a < b`, in graph order. */
  *edges(): IterableIterator<[number, number]> {
    for (let a = 0; a < this.adjacency.length; a += 1) {
      for (const b of this.adjacency[a] ?? []) if (a < b) yield [a, b];
    }
  }

  /**
   * Connected components as arrays of node indices (each in graph order), largest first; ties
   * keep the order of their first node. `hidden` edges (keys from {@link edgeKey}) are ignored.
   */
  components(hidden: ReadonlySet<string> = new Set()): number[][] {
    const component = new Int32Array(this.size).fill(-1);
    const result: number[][] = [];
    for (let start = 0; start < this.size; start += 1) {
      if (component[start] !== -1) continue;
      const members = [start];
      component[start] = result.length;
      for (let head = 0; head < members.length; head += 1) {
        const current = members[head] as number;
        for (const next of this.neighbors(current)) {
          if (component[next] !== -1 || hidden.has(edgeKey(current, next))) continue;
          component[next] = result.length;
          members.push(next);
        }
      }
      result.push(members.sort((x, y) => x - y));
    }
    return result
      .map((members, order) => ({ members, order }))
      .sort((x, y) => y.members.length - x.members.length || x.order - y.order)
      .map((entry) => entry.members);
  }
}

/** The key of an undirected edge, the same for `(a, b)` and `(b, a)`. */
export function edgeKey(a: number, b: number): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}
