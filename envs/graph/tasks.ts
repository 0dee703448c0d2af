import { GymError } from '../../core/errors.js';
import type { Random } from '../../core/random.js';
import type { AnswerCheck } from '../../core/tool-env.js';
import { emptyUsage, type GraphToolState } from '../../tools/graph/state.js';
import { edgeKey, type TextGraph } from '../../tools/graph/text-graph.js';

/** The task types of graph-v0. */
export const TASK_KINDS = ['classification', 'path', 'link'] as const;
/** One task type. */
export type TaskKind = (typeof TASK_KINDS)[number];

/** Classify a node whose class is hidden. */
export interface ClassificationTask {
  readonly kind: 'classification';
  readonly target: number;
  readonly answer: string;
  readonly classes: readonly string[];
}

/** Find a path between two nodes. */
export interface PathTask {
  readonly kind: 'path';
  readonly source: number;
  readonly target: number;
  /** Length of a shortest path, in edges. */
  readonly distance: number;
  /** One shortest path, node indices from source to target. */
  readonly shortest: readonly number[];
}

/** Say whether two nodes are linked; a true edge is hidden from the tools. */
export interface LinkTask {
  readonly kind: 'link';
  readonly source: number;
  readonly target: number;
  readonly linked: boolean;
}

/** A graph-v0 task. */
export type GraphTask = ClassificationTask | PathTask | LinkTask;

/** The per-episode state of graph-v0: what the graph tools need plus the task. */
export interface GraphState extends GraphToolState {
  readonly task: GraphTask;
  /** Fraction of labelled nodes (other than a classification target) whose class is visible. */
  readonly visibleFraction: number;
}

/** Options that shape tasks. */
export interface TaskOptions {
  /** A task type, or `mixed` to let the seed pick one. */
  readonly task: TaskKind | 'mixed';
  readonly visibleFraction: number;
  /** Longest shortest-path distance a path task asks for (at least 2). */
  readonly maxPathLength: number;
}

/** Score of a valid path from source to target that is longer than a shortest one. */
export const LONGER_PATH_SCORE = 0.5;

/**
 * Builds the state of one episode on `graph`: picks the task type (`mixed`: uniformly, from the
 * seed), the nodes it asks about, the visible classes and, for positive link tasks, the hidden
 * edge. Link tasks are positive on even seeds and negative on odd ones, so any run of consecutive
 * seeds is balanced. Throws {@link GymError} when the graph cannot hold the task (no classes for
 * classification, no edges for path or link tasks).
 */
export function createGraphState(random: Random, seed: number, graph: TextGraph, options: TaskOptions): GraphState {
  const kinds = TASK_KINDS.filter((kind) => kind !== 'classification' || graph.classes.length >= 2);
  const kind = options.task === 'mixed' ? random.fork('kind').pick(kinds) : options.task;
  const picker = random.fork('task');
  let task: GraphTask;
  if (kind === 'classification') task = classificationTask(picker, graph);
  else if (kind === 'path') task = pathTask(picker, graph, Math.max(2, options.maxPathLength));
  else task = linkTask(picker, graph, Math.abs(seed) % 2 === 0);
  const visibleLabels = chooseVisible(
    random.fork('visible'),
    graph,
    task.kind === 'classification' ? task.target : -1,
    options.visibleFraction,
  );
  const hiddenEdges = new Set<string>(task.kind === 'link' && task.linked ? [edgeKey(task.source, task.target)] : []);
  return { graph, task, visibleLabels, hiddenEdges, usage: emptyUsage(), visibleFraction: options.visibleFraction };
}

function classificationTask(random: Random, graph: TextGraph): ClassificationTask {
  const labelled = graph.nodes.flatMap((node, index) => (node.label === undefined ? [] : [index]));
  if (graph.classes.length < 2 || labelled.length === 0) {
    throw new GymError('no-classes', `Graph ${graph.name} has fewer than two classes; pick classAttribute, or use task=path or task=link.`);
  }
  const target = random.pick(labelled);
  return { kind: 'classification', target, answer: graph.node(target).label as string, classes: graph.classes };
}

function pathTask(random: Random, graph: TextGraph, maxPathLength: number): PathTask {
  const candidates = graph
    .components()
    .filter((component) => component.length >= 2)
    .flat();
  if (candidates.length === 0)
    throw new GymError('no-edges', `Graph ${graph.name} has no edges, so it has no path task; use task=classification.`);
  let fallback: PathTask | undefined;
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const source = random.pick(candidates);
    const { distance, parent } = breadthFirst(graph, source, maxPathLength);
    const far: number[] = [];
    const near: number[] = [];
    distance.forEach((value, node) => {
      if (value >= 2) far.push(node);
      else if (value === 1) near.push(node);
    });
    const pool = far.length > 0 ? far : near;
    if (pool.length === 0) continue;
    const target = random.pick(pool.sort((a, b) => a - b));
    const shortest = [target];
    for (let current = parent.get(target); current !== undefined; current = parent.get(current)) shortest.unshift(current);
    const task: PathTask = { kind: 'path', source, target, distance: distance.get(target) as number, shortest };
    if (far.length > 0) return task;
    fallback ??= task;
  }
  if (fallback === undefined) throw new GymError('no-edges', `Graph ${graph.name} has no pair of linked nodes for a path task.`);
  return fallback;
}

/** Distances (up to `limit`) and BFS parents from `source`; parents are the lowest-index predecessor. */
export function breadthFirst(
  graph: TextGraph,
  source: number,
  limit = Number.POSITIVE_INFINITY,
): { distance: Map<number, number>; parent: Map<number, number> } {
  const distance = new Map<number, number>([[source, 0]]);
  const parent = new Map<number, number>();
  const queue = [source];
  for (let head = 0; head < queue.length; head += 1) {
    const current = queue[head] as number;
    const depth = distance.get(current) as number;
    if (depth >= limit) continue;
    for (const next of graph.neighbors(current)) {
      if (distance.has(next)) continue;
      distance.set(next, depth + 1);
      parent.set(next, current);
      queue.push(next);
    }
  }
  return { distance, parent };
}

function linkTask(random: Random, graph: TextGraph, positive: boolean): LinkTask {
  const degree = (index: number): number => graph.neighbors(index).length;
  const edges = [...graph.edges()];
  if (edges.length === 0)
    throw new GymError('no-edges', `Graph ${graph.name} has no edges, so it has no link task; use task=classification.`);
  const order = (a: number, b: number): [number, number] => (random.chance(0.5) ? [a, b] : [b, a]);
  if (positive) {
    const kept = edges.filter(([a, b]) => degree(a) >= 2 && degree(b) >= 2);
    const [a, b] = random.pick(kept.length > 0 ? kept : edges);
    const [source, target] = order(a, b);
    return { kind: 'link', source, target, linked: true };
  }
  const linked = graph.nodes.flatMap((_, index) => (degree(index) >= 1 ? [index] : []));
  for (let attempt = 0; attempt < 1000; attempt += 1) {
    const a = random.pick(linked);
    const b = random.pick(linked);
    if (a !== b && !graph.hasEdge(a, b)) {
      const [source, target] = order(a, b);
      return { kind: 'link', source, target, linked: false };
    }
  }
  throw new GymError('no-negatives', `Graph ${graph.name} is (nearly) complete: no unlinked pair was found for a negative link task.`);
}

function chooseVisible(random: Random, graph: TextGraph, target: number, fraction: number): Set<number> {
  const labelled = graph.nodes.flatMap((node, index) => (node.label !== undefined && index !== target ? [index] : []));
  const count = Math.round(Math.min(1, Math.max(0, fraction)) * labelled.length);
  return new Set(random.sample(labelled, count));
}

/** The expected answer of a task, as a model should write it. */
export function expectedAnswer(state: GraphState): string {
  const task = state.task;
  if (task.kind === 'classification') return task.answer;
  if (task.kind === 'link') return task.linked ? 'yes' : 'no';
  return task.shortest.map((index) => state.graph.node(index).id).join(' > ');
}

/**
 * Scores an answer. Classification: the class name, case-insensitive (1 or 0). Link: `yes` or
 * `no` (1 or 0). Path: node ids joined by `>` (also `->` or commas) from the source to the target,
 * each consecutive pair an edge, no node twice: 1 for a shortest path, {@link LONGER_PATH_SCORE}
 * for a longer one, 0 otherwise. `success` means a score of 1.
 */
export function scoreAnswer(state: GraphState, answer: string): AnswerCheck {
  const expected = expectedAnswer(state);
  const task = state.task;
  let score = 0;
  if (task.kind === 'classification') score = normalize(answer) === normalize(task.answer) ? 1 : 0;
  else if (task.kind === 'link') {
    const said = yesNo(answer);
    score = said !== undefined && said === task.linked ? 1 : 0;
  } else score = scorePath(state, task, answer);
  return { score, success: score === 1, expected };
}

function scorePath(state: GraphState, task: PathTask, answer: string): number {
  const ids = parsePath(answer);
  const indices: number[] = [];
  for (const id of ids) {
    // An exact id first; else the id in lower case (generated ids are `n12`, and `N12` names the same node).
    const index = state.graph.indexOf(id) ?? state.graph.indexOf(id.toLowerCase());
    if (index === undefined) return 0;
    indices.push(index);
  }
  if (indices[0] !== task.source || indices[indices.length - 1] !== task.target) return 0;
  if (new Set(indices).size !== indices.length) return 0;
  for (let position = 1; position < indices.length; position += 1) {
    const a = indices[position - 1] as number;
    const b = indices[position] as number;
    if (!state.graph.hasEdge(a, b) || state.hiddenEdges.has(edgeKey(a, b))) return 0;
  }
  return indices.length - 1 === task.distance ? 1 : LONGER_PATH_SCORE;
}

/** The node ids of a path answer such as `n1 > n5 > n9` (`->`, `→` and commas also separate). */
export function parsePath(answer: string): string[] {
  const body = answer.trim().replace(/^[[("'`]+|[\])"'`.]+$/g, '');
  return body
    .split(/\s*(?:->|→|>|,)\s*/)
    .map((id) => id.trim().replace(/^["'`]+|["'`]+$/g, ''))
    .filter((id) => id !== '');
}

function normalize(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/^["'`]+|["'`.]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function yesNo(answer: string): boolean | undefined {
  const word = normalize(answer);
  if (['yes', 'y', 'true', 'linked', 'edge'].includes(word)) return true;
  if (['no', 'n', 'false', 'not linked', 'no edge'].includes(word)) return false;
  return undefined;
}
