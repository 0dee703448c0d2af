import type { Oracle, OracleStep, StepInfo } from '../../core/env.js';
import { type NeighborEntry, readToolData } from '../../tools/graph/data.js';
import type { GraphState } from './tasks.js';

/** What the oracle knows of a task: only what the task prompt says, never the hidden answer. */
export type OracleBrief =
  | { readonly kind: 'classification'; readonly target: string; readonly classes: readonly string[] }
  | { readonly kind: 'path'; readonly source: string; readonly target: string }
  | { readonly kind: 'link'; readonly source: string; readonly target: string };

/** Tuning of the graph oracle. */
export interface GraphOracleOptions {
  /** Page size of its `neighbors` calls. */
  readonly pageSize?: number;
  /** Most tool calls before it answers with what it has (keep below the env's turn limit). */
  readonly maxCalls?: number;
  /** Classification: most 1-hop neighbours whose class it reads. */
  readonly firstHopReads?: number;
  /** Classification: most 2-hop neighbours whose class it reads when 1-hop ones do not decide. */
  readonly secondHopReads?: number;
  /** Classification: most text-search hits whose class it reads when neighbours do not decide. */
  readonly searchReads?: number;
  /**
   * Link: with two or more common neighbours it answers yes; with one, yes only when at least this
   * share of the first node's neighbours lie within two hops of the second.
   */
  readonly linkReach?: number;
  /**
   * Whether the env lists `render_subgraph`. When it does, the oracle draws the neighbourhood it is
   * about to study once, before reading it through the text tools, so demonstrations show the
   * visual tool in use.
   */
  readonly render?: boolean;
}

/** The public facts of a graph-v0 task, as its prompt states them. */
export function briefOf(state: GraphState): OracleBrief {
  const id = (index: number): string => state.graph.node(index).id;
  const task = state.task;
  if (task.kind === 'classification') return { kind: 'classification', target: id(task.target), classes: task.classes };
  return { kind: task.kind, source: id(task.source), target: id(task.target) };
}

type Plan = Generator<OracleStep, OracleStep, StepInfo>;

/**
 * The graph-v0 expert. It acts only through the tools and reads only their results
 * (`StepInfo.data`), so its episodes are demonstrations a model could imitate:
 * - classification: reads the target, then the classes of its neighbours and takes a majority
 *   vote; when no neighbour's class is visible or the vote ties, it adds 2-hop neighbours (half
 *   weight), then nodes with similar text from `search_nodes` (quarter weight);
 * - path: lists both ends two hops deep (2-hop entries name their link, which gives parents), then
 *   runs a bidirectional breadth-first search one `neighbors` call per node, so its path is a
 *   shortest one;
 * - link: the hidden edge is invisible, so it measures how close the two nodes are: the share of
 *   the first node's neighbours within two hops of the second (and their common neighbours).
 * With `render`, it first draws the neighbourhood it studies (`render_subgraph`): the target's
 * neighbours for classification, the first node two hops deep for path and link.
 */
export function createGraphOracle(brief: OracleBrief, options: GraphOracleOptions = {}): Oracle {
  const settings: Required<GraphOracleOptions> = {
    pageSize: options.pageSize ?? 100,
    maxCalls: options.maxCalls ?? 26,
    firstHopReads: options.firstHopReads ?? 10,
    secondHopReads: options.secondHopReads ?? 8,
    searchReads: options.searchReads ?? 5,
    linkReach: options.linkReach ?? 0.3,
    render: options.render ?? false,
  };
  const budget = { calls: 0, max: settings.maxCalls };
  const plan: Plan =
    brief.kind === 'classification'
      ? classify(brief.target, brief.classes, settings, budget)
      : brief.kind === 'path'
        ? findPath(brief.source, brief.target, settings, budget)
        : predictLink(brief.source, brief.target, settings, budget);
  let started = false;
  let final: OracleStep | undefined;
  return {
    async next(last: { info: StepInfo }): Promise<OracleStep> {
      if (final !== undefined) return final;
      const result = started ? plan.next(last.info) : plan.next();
      started = true;
      if (result.done === true) final = result.value;
      return result.value;
    },
  };
}

interface Budget {
  calls: number;
  readonly max: number;
}

function call(budget: Budget, thought: string, name: string, args: Record<string, unknown>): OracleStep {
  budget.calls += 1;
  return { thought, action: { type: 'tool_call', name, arguments: args } };
}

/** Draws a neighbourhood with `render_subgraph` when the env has it; nothing otherwise. */
function* look(
  id: string,
  hops: 1 | 2,
  thought: string,
  settings: Required<GraphOracleOptions>,
  budget: Budget,
): Generator<OracleStep, void, StepInfo> {
  if (!settings.render || budget.calls >= budget.max) return;
  yield call(budget, thought, 'render_subgraph', { id, hops });
}

function answer(thought: string, value: string): OracleStep {
  return { thought, action: { type: 'answer', answer: value } };
}

/** Lists a node's neighbourhood, page after page (at most `maxPages`), within the budget. */
function* listAll(
  id: string,
  hops: 1 | 2,
  thought: string,
  settings: Required<GraphOracleOptions>,
  budget: Budget,
  maxPages = 8,
): Generator<OracleStep, NeighborEntry[], StepInfo> {
  const entries: NeighborEntry[] = [];
  let offset = 0;
  for (let page = 0; page < maxPages && budget.calls < budget.max; page += 1) {
    const args = offset === 0 ? { id, hops, limit: settings.pageSize } : { id, hops, limit: settings.pageSize, offset };
    const info: StepInfo = yield call(budget, page === 0 ? thought : `The list of ${id} goes on; read the next page.`, 'neighbors', args);
    const data = readToolData(info.data, 'neighbors');
    if (data === undefined) break;
    entries.push(...data.neighbors);
    if (data.nextOffset === null) break;
    offset = data.nextOffset;
  }
  return entries;
}

class Votes {
  private readonly weights = new Map<string, number>();

  add(label: string, weight: number): void {
    this.weights.set(label, (this.weights.get(label) ?? 0) + weight);
  }

  /** Classes by weight, heaviest first; ties keep the order classes were first seen. */
  ranked(): [string, number][] {
    return [...this.weights].sort((a, b) => b[1] - a[1]);
  }

  /** Whether one class leads and `remaining` more votes of `weight` cannot overtake it. */
  settled(remaining: number, weight: number): boolean {
    const [first, second] = this.ranked();
    if (first === undefined) return false;
    return first[1] - (second?.[1] ?? 0) > remaining * weight;
  }

  /** Whether one class strictly leads. */
  decided(): boolean {
    return this.settled(0, 0);
  }

  describe(): string {
    const ranked = this.ranked();
    return ranked.length === 0
      ? 'no visible class yet'
      : ranked.map(([label, weight]) => `${label} ${Number(weight.toFixed(2))}`).join(', ');
  }
}

/** Reads the classes of `ids` with `get_node`, adding visible ones to `votes`; stops once the vote is settled. */
function* readClasses(
  ids: readonly string[],
  weight: number,
  role: string,
  votes: Votes,
  budget: Budget,
): Generator<OracleStep, void, StepInfo> {
  for (let position = 0; position < ids.length; position += 1) {
    if (budget.calls >= budget.max || votes.settled(ids.length - position, weight)) return;
    const id = ids[position] as string;
    const info: StepInfo = yield call(
      budget,
      `Read the class of ${role} ${id} (${position + 1} of ${ids.length}); votes so far: ${votes.describe()}.`,
      'get_node',
      { id },
    );
    const label = readToolData(info.data, 'get_node')?.label;
    if (label !== undefined && label !== null) votes.add(label, weight);
  }
}

function* classify(target: string, classes: readonly string[], settings: Required<GraphOracleOptions>, budget: Budget): Plan {
  const first: StepInfo = yield call(budget, `I must find the class of ${target}. First read its text and degree.`, 'get_node', {
    id: target,
  });
  const targetText = readToolData(first.data, 'get_node')?.text ?? '';
  yield* look(
    target,
    1,
    `Draw ${target}'s neighbours: the picture colours each one by its class where that class is visible, a first view of the vote.`,
    settings,
    budget,
  );
  const read = new Set([target]);
  const votes = new Votes();
  const near = (yield* listAll(
    target,
    1,
    `Linked nodes tend to share a class; list the neighbours of ${target}.`,
    settings,
    budget,
    1,
  )).map((entry) => entry.id);
  const nearReads = near.slice(0, settings.firstHopReads);
  for (const id of nearReads) read.add(id);
  yield* readClasses(nearReads, 1, 'neighbour', votes, budget);
  if (!votes.decided() && budget.calls < budget.max) {
    const why = votes.ranked().length === 0 ? 'No neighbour shows its class' : `The neighbours tie (${votes.describe()})`;
    const around = yield* listAll(target, 2, `${why}; look two hops away.`, settings, budget, 1);
    const far = around
      .filter((entry) => entry.hop === 2 && !read.has(entry.id))
      .map((entry) => entry.id)
      .slice(0, settings.secondHopReads);
    for (const id of far) read.add(id);
    yield* readClasses(far, 0.5, '2-hop node', votes, budget);
  }
  if (!votes.decided() && targetText.trim() !== '' && budget.calls < budget.max) {
    const query = targetText.split(/\s+/).slice(0, 30).join(' ');
    const info: StepInfo = yield call(
      budget,
      `Still undecided (${votes.describe()}); find nodes whose text resembles ${target}'s.`,
      'search_nodes',
      { query, k: 8 },
    );
    const hits = (readToolData(info.data, 'search_nodes')?.hits ?? [])
      .map((hit) => hit.id)
      .filter((id) => !read.has(id))
      .slice(0, settings.searchReads);
    yield* readClasses(hits, 0.25, 'similar node', votes, budget);
  }
  const best = votes.ranked()[0]?.[0] ?? classes[0] ?? '';
  const reason =
    votes.ranked().length === 0
      ? `No visible class was found; guess ${best}.`
      : `Visible classes weigh ${votes.describe()}; the majority is ${best}.`;
  return answer(reason, best);
}

/** Breadth-first search state from one end: depth and parent of each node reached. */
class Side {
  readonly root: string;
  readonly reached = new Map<string, { depth: number; parent: string | null }>();
  /** Depth up to which every node is known. */
  depth = 0;

  constructor(root: string) {
    this.root = root;
    this.reached.set(root, { depth: 0, parent: null });
  }

  add(id: string, depth: number, parent: string): boolean {
    if (this.reached.has(id)) return false;
    this.reached.set(id, { depth, parent });
    return true;
  }

  /** Records a 2-hop listing of the root: 1-hop entries hang from the root, 2-hop ones from their link. */
  addListing(entries: readonly NeighborEntry[]): void {
    for (const entry of entries) this.add(entry.id, entry.hop, entry.hop === 1 ? this.root : (entry.via ?? this.root));
    this.depth = 2;
  }

  frontier(): string[] {
    return [...this.reached].filter(([, value]) => value.depth === this.depth).map(([id]) => id);
  }

  /** The path from the root to `id`, root first. */
  pathTo(id: string): string[] {
    const path: string[] = [];
    for (let current: string | null = id; current !== null; current = this.reached.get(current)?.parent ?? null) path.unshift(current);
    return path;
  }
}

function joined(from: Side, to: Side, meeting: string): string {
  return [...from.pathTo(meeting), ...to.pathTo(meeting).reverse().slice(1)].join(' > ');
}

function* findPath(source: string, target: string, settings: Required<GraphOracleOptions>, budget: Budget): Plan {
  const start = new Side(source);
  const end = new Side(target);
  yield* look(
    source,
    2,
    `Draw everything within two hops of ${source} to see how far ${target} might be, then list it to get the ids.`,
    settings,
    budget,
  );
  start.addListing(
    yield* listAll(
      source,
      2,
      `Search outward from ${source}: list everything within two hops (2-hop entries say which link they hang from).`,
      settings,
      budget,
    ),
  );
  if (start.reached.has(target)) {
    const path = start.pathTo(target);
    return answer(`${target} is ${path.length - 1} hop(s) from ${source}; follow the links back.`, path.join(' > '));
  }
  end.addListing(
    yield* listAll(target, 2, `${target} is farther than two hops; list the nodes within two hops of ${target} too.`, settings, budget),
  );
  let meeting: string | undefined;
  let best = Number.POSITIVE_INFINITY;
  for (const [id, value] of start.reached) {
    const other = end.reached.get(id);
    if (other !== undefined && value.depth + other.depth < best) {
      best = value.depth + other.depth;
      meeting = id;
    }
  }
  if (meeting !== undefined)
    return answer(`Both neighbourhoods contain ${meeting}; join the two halves there (${best} edges).`, joined(start, end, meeting));
  for (;;) {
    const sides = start.frontier().length <= end.frontier().length ? [start, end] : [end, start];
    const [side, other] = sides as [Side, Side];
    const frontier = side.frontier();
    if (frontier.length === 0) break;
    for (const id of frontier) {
      if (budget.calls >= budget.max) break;
      const entries = yield* listAll(id, 1, `No meeting yet; expand ${id} (distance ${side.depth} from ${side.root}).`, settings, budget);
      for (const entry of entries) {
        if (!side.add(entry.id, side.depth + 1, id)) continue;
        if (other.reached.has(entry.id)) {
          return answer(`${entry.id} links the two searches; the path is complete.`, joined(start, end, entry.id));
        }
      }
    }
    if (budget.calls >= budget.max) break;
    side.depth += 1;
  }
  return answer(`The search ran out of calls without joining ${source} and ${target}; give the direct guess.`, `${source} > ${target}`);
}

function* predictLink(source: string, target: string, settings: Required<GraphOracleOptions>, budget: Budget): Plan {
  yield* look(
    source,
    2,
    `Is ${source} linked to ${target}? Draw ${source}'s neighbourhood two hops deep to see how close ${target} sits.`,
    settings,
    budget,
  );
  const near = (yield* listAll(
    source,
    1,
    `Is ${source} linked to ${target}? A hidden edge will not be listed, so first see who ${source} is linked to.`,
    settings,
    budget,
  )).map((entry) => entry.id);
  if (near.includes(target)) return answer(`${target} is listed among the neighbours of ${source}.`, 'yes');
  const around = yield* listAll(
    target,
    2,
    `Now list ${target}'s neighbourhood within two hops, to see how close ${source}'s neighbours are to it.`,
    settings,
    budget,
  );
  const firstHop = new Set(around.filter((entry) => entry.hop === 1).map((entry) => entry.id));
  const reach = new Set(around.map((entry) => entry.id));
  const common = near.filter((id) => firstHop.has(id)).length;
  const close = near.filter((id) => reach.has(id)).length;
  const share = near.length === 0 ? 0 : close / near.length;
  const linked = common >= 2 || (common === 1 && share >= settings.linkReach);
  const reason = `${common} common neighbour(s); ${close} of ${source}'s ${near.length} neighbours lie within two hops of ${target} (${Math.round(share * 100)}%), so they are ${linked ? 'likely' : 'unlikely'} to be linked.`;
  return answer(reason, linked ? 'yes' : 'no');
}
