import { analyzeBoard, isFrozen, UNREACHABLE } from './deadlock.js';
import { type Level, TILE_FLOOR } from './level.js';
import { DIRECTIONS, type Direction, directionOffset, Game } from './rules.js';

/** One push of a solution: the box on `box` moves one square in `direction`. */
export interface Push {
  readonly box: number;
  readonly direction: Direction;
}

/** How the solver searches and how much it may search. */
export interface SolveOptions {
  /**
   * Most states it stores before giving up (default 1,000,000). This budget alone bounds the search
   * by default, so a result depends only on the level, the position and the options, never on the
   * machine's speed.
   */
  readonly maxNodes?: number;
  /**
   * Most milliseconds it runs before giving up; none by default. A wall-clock limit makes the result
   * depend on the machine, so only benchmarks and interactive tools set it, never anything whose
   * result is recorded (generation, the oracle).
   */
  readonly timeLimitMs?: number;
  /**
   * `astar` (default): A* over pushes, heuristic = minimum-cost matching of boxes to goals on push
   * distances; push-optimal. `bfs`: breadth-first over pushes without a heuristic (a baseline).
   */
  readonly algorithm?: 'astar' | 'bfs';
  /** Prune dead squares and frozen boxes (default true). Off only for baselines. */
  readonly deadlocks?: boolean;
}

/** What the solver found. */
export interface SolveResult {
  /** `solved`, `unsolvable` (searched everything), or `budget` (node or time limit hit). */
  readonly status: 'solved' | 'unsolvable' | 'budget';
  /** The pushes, in order; empty unless solved. */
  readonly pushes: readonly Push[];
  /** The same solution as unit player moves (walks included); empty unless solved. */
  readonly moves: readonly Direction[];
  /** States stored. */
  readonly nodes: number;
  /** States expanded. */
  readonly expanded: number;
  readonly milliseconds: number;
}

/** A position to solve from. */
export interface Position {
  readonly player: number;
  readonly boxes: readonly number[];
}

/** The solver's default node budget. */
export const DEFAULT_MAX_NODES = 1_000_000;
const INFINITE = 1 << 20;
/** Transposition-table ranks are `pushes * MOVE_SCALE + moves`: fewest pushes first, then fewest moves. */
const MOVE_SCALE = 1 << 20;

/**
 * Solves a Sokoban position over pushes. States are the sorted box cells plus the player's
 * reachable region, named by its smallest cell; a transposition table keeps the best rank of each
 * state (fewest pushes, then fewest walking moves), so solutions are push-optimal and short in
 * moves, though not always move-optimal. With `deadlocks`, a push onto a dead square (precomputed by pulling boxes back
 * from the goals) or one that freezes a box off a goal (2x2 blocks included) is never tried.
 * Stops with `budget` at the node limit (or at `timeLimitMs`, when one is given), so it never hangs.
 */
export function solve(level: Level, position: Position = level, options: SolveOptions = {}): SolveResult {
  const started = performance.now();
  const search = new PushSearch(level, options);
  const outcome = search.run(position, started);
  const milliseconds = performance.now() - started;
  if (outcome.pushes === undefined) {
    return { status: outcome.status, pushes: [], moves: [], nodes: search.nodeCount, expanded: search.expanded, milliseconds };
  }
  const moves = expandPushes(level, position, outcome.pushes);
  return { status: 'solved', pushes: outcome.pushes, moves, nodes: search.nodeCount, expanded: search.expanded, milliseconds };
}

/** The unit moves that carry out `pushes` from `position`: a shortest walk to each push, then the push. */
export function expandPushes(level: Level, position: Position, pushes: readonly Push[]): Direction[] {
  const game = new Game(level, position);
  const moves: Direction[] = [];
  for (const push of pushes) {
    const stand = push.box - directionOffset(level.width, push.direction);
    const path = walkPath(game, stand);
    if (path === undefined) throw new Error(`solver produced an unreachable push at cell ${push.box}`);
    for (const direction of path) {
      game.move(direction);
      moves.push(direction);
    }
    const outcome = game.move(push.direction);
    if (outcome.kind !== 'push') throw new Error(`solver produced an impossible push at cell ${push.box}`);
    moves.push(push.direction);
  }
  return moves;
}

/** A shortest walk (no pushes) from the player to `target`, or undefined when it cannot be reached. */
export function walkPath(game: Game, target: number): Direction[] | undefined {
  if (game.player === target) return [];
  const size = game.level.tiles.length;
  const previous = new Int32Array(size).fill(-1);
  const via = new Uint8Array(size);
  const queue = new Int32Array(size);
  const offsets = DIRECTIONS.map((direction) => directionOffset(game.level.width, direction));
  previous[game.player] = game.player;
  queue[0] = game.player;
  let head = 0;
  let tail = 1;
  while (head < tail) {
    const cell = queue[head] as number;
    head += 1;
    for (let index = 0; index < 4; index += 1) {
      const next = cell + (offsets[index] as number);
      if (previous[next] !== -1 || !game.isFree(next)) continue;
      previous[next] = cell;
      via[next] = index;
      if (next === target) {
        const path: Direction[] = [];
        for (let at = next; at !== game.player; at = previous[at] as number) path.push(DIRECTIONS[via[at] as number] as Direction);
        return path.reverse();
      }
      queue[tail] = next;
      tail += 1;
    }
  }
  return undefined;
}

/** The search itself, over typed arrays indexed by node number. */
class PushSearch {
  nodeCount = 0;
  expanded = 0;
  private readonly level: Level;
  private readonly width: number;
  private readonly size: number;
  private readonly boxCount: number;
  private readonly maxNodes: number;
  private readonly timeLimitMs: number;
  private readonly astar: boolean;
  private readonly pruneDeadlocks: boolean;
  private readonly offsets: Int32Array;
  private readonly goalMask: Uint8Array;
  private readonly dead: Uint8Array;
  private readonly distances: readonly Uint16Array[];
  // Per-node storage, grown on demand.
  private nodeBoxes: Uint16Array;
  private nodePlayer: Int32Array;
  private nodeParent: Int32Array;
  private nodeCost: Int32Array;
  private nodeMoves: Int32Array;
  private nodePushBox: Int32Array;
  private nodePushDirection: Uint8Array;
  // Scratch space.
  private readonly boxMask: Uint8Array;
  private readonly marks: Uint8Array;
  private readonly reach: Int32Array;
  private readonly childReach: Int32Array;
  private readonly depth: Int32Array;
  private reachStamp = 0;
  private nodeKeys: string[] = [];
  private readonly queue: Int32Array;
  private readonly matching: Matching;
  private readonly childBoxes: Uint16Array;

  constructor(level: Level, options: SolveOptions) {
    this.level = level;
    this.width = level.width;
    this.size = level.tiles.length;
    this.boxCount = level.goals.length;
    this.maxNodes = options.maxNodes ?? DEFAULT_MAX_NODES;
    this.timeLimitMs = options.timeLimitMs ?? Number.POSITIVE_INFINITY;
    this.astar = (options.algorithm ?? 'astar') === 'astar';
    this.pruneDeadlocks = options.deadlocks ?? true;
    this.offsets = Int32Array.from(DIRECTIONS, (direction) => directionOffset(level.width, direction));
    this.goalMask = new Uint8Array(this.size);
    for (const goal of level.goals) this.goalMask[goal] = 1;
    const analysis = analyzeBoard(level);
    this.distances = analysis.distances;
    this.dead = new Uint8Array(this.size);
    for (let cell = 0; cell < this.size; cell += 1) {
      if (level.tiles[cell] === TILE_FLOOR && analysis.live[cell] !== 1) this.dead[cell] = 1;
    }
    const capacity = 1024;
    this.nodeBoxes = new Uint16Array(capacity * this.boxCount);
    this.nodePlayer = new Int32Array(capacity);
    this.nodeParent = new Int32Array(capacity);
    this.nodeCost = new Int32Array(capacity);
    this.nodeMoves = new Int32Array(capacity);
    this.nodePushBox = new Int32Array(capacity);
    this.nodePushDirection = new Uint8Array(capacity);
    this.boxMask = new Uint8Array(this.size);
    this.marks = new Uint8Array(this.size);
    this.reach = new Int32Array(this.size);
    this.childReach = new Int32Array(this.size);
    this.depth = new Int32Array(this.size);
    this.queue = new Int32Array(this.size);
    this.matching = new Matching(this.boxCount);
    this.childBoxes = new Uint16Array(this.boxCount);
  }

  run(position: Position, started: number): { status: SolveResult['status']; pushes?: Push[] } {
    const boxes = Uint16Array.from([...position.boxes].sort((a, b) => a - b));
    if (boxes.length !== this.boxCount) throw new Error(`position has ${boxes.length} boxes for ${this.boxCount} goals`);
    const startHeuristic = this.heuristic(boxes);
    if (this.solvedBoxes(boxes)) return { status: 'solved', pushes: [] };
    if (this.pruneDeadlocks && startHeuristic >= INFINITE) return { status: 'unsolvable' };
    this.loadBoxes(boxes);
    const rootKey = this.stateKey(boxes, this.flood(position.player, this.childReach));
    this.unloadBoxes(boxes);
    const root = this.addNode(boxes, position.player, -1, 0, 0, -1, 0, rootKey);
    const best = new Map<string, number>([[rootKey, 0]]);
    const open = new OpenList(this.astar);
    open.push(root, startHeuristic, 0, 0);
    let budgetHit = false;
    while (open.size > 0) {
      const node = open.pop();
      const cost = this.nodeCost[node] as number;
      this.expanded += 1;
      if (this.timeLimitMs !== Number.POSITIVE_INFINITY && (this.expanded & 255) === 0 && performance.now() - started > this.timeLimitMs) {
        budgetHit = true;
        break;
      }
      const base = node * this.boxCount;
      const parentBoxes = this.nodeBoxes.subarray(base, base + this.boxCount);
      const rank = cost * MOVE_SCALE + (this.nodeMoves[node] as number);
      if (this.astar && (best.get(this.nodeKeys[node] as string) ?? Number.POSITIVE_INFINITY) < rank) continue;
      const found = this.expand(node, parentBoxes, cost, best, open);
      if (found >= 0) return { status: 'solved', pushes: this.pushesTo(found) };
      if (this.nodeCount >= this.maxNodes) {
        budgetHit = true;
        break;
      }
    }
    return { status: budgetHit ? 'budget' : 'unsolvable' };
  }

  /** Generates the children of `node`; returns a solved child's node number, or -1. */
  private expand(node: number, parentBoxes: Uint16Array, cost: number, best: Map<string, number>, open: OpenList): number {
    const boxCount = this.boxCount;
    const boxes = Uint16Array.from(parentBoxes);
    this.loadBoxes(boxes);
    this.flood(this.nodePlayer[node] as number, this.reach, this.depth);
    const moves = this.nodeMoves[node] as number;
    const stamp = this.reachStamp;
    const childCost = cost + 1;
    for (let index = 0; index < boxCount; index += 1) {
      const box = boxes[index] as number;
      for (let direction = 0; direction < 4; direction += 1) {
        const offset = this.offsets[direction] as number;
        const target = box + offset;
        if (this.reach[box - offset] !== stamp) continue;
        if (this.level.tiles[target] !== TILE_FLOOR || this.boxMask[target] === 1) continue;
        if (this.pruneDeadlocks && this.dead[target] === 1) continue;
        // Apply the push.
        this.boxMask[box] = 0;
        this.boxMask[target] = 1;
        if (this.pruneDeadlocks && this.freezes(target, boxes, index)) {
          this.boxMask[target] = 0;
          this.boxMask[box] = 1;
          continue;
        }
        const child = this.childBoxes;
        child.set(boxes);
        child[index] = target;
        sortSmall(child);
        const solved = this.solvedBoxes(child);
        const heuristic = this.astar ? this.heuristic(child) : 0;
        let key = '';
        if (heuristic < INFINITE) key = this.stateKey(child, this.flood(box, this.childReach));
        this.boxMask[target] = 0;
        this.boxMask[box] = 1;
        if (heuristic >= INFINITE) continue;
        const previous = best.get(key);
        const childMoves = moves + (this.depth[box - offset] as number) + 1;
        // Breadth-first search is the plain baseline: a state is seen once, whatever the walk.
        const childRank = childCost * MOVE_SCALE + (this.astar ? childMoves : 0);
        if (previous !== undefined && previous <= childRank) continue;
        best.set(key, childRank);
        const added = this.addNode(child, box, node, childCost, childMoves, box, direction, key);
        if (solved) {
          this.unloadBoxes(boxes);
          return added;
        }
        open.push(added, heuristic, childCost, childMoves);
      }
    }
    this.unloadBoxes(boxes);
    return -1;
  }

  /** Whether the box just pushed onto `target` freezes some box that is off its goal. */
  private freezes(target: number, boxes: Uint16Array, movedIndex: number): boolean {
    const tiles = this.level.tiles;
    if (!isFrozen(tiles, this.boxMask, this.width, target, this.marks, this.dead)) return false;
    if (this.goalMask[target] !== 1) return true;
    for (let index = 0; index < boxes.length; index += 1) {
      if (index === movedIndex) continue;
      const other = boxes[index] as number;
      if (this.goalMask[other] !== 1 && isFrozen(tiles, this.boxMask, this.width, other, this.marks, this.dead)) return true;
    }
    return false;
  }

  private solvedBoxes(boxes: Uint16Array): boolean {
    for (const box of boxes) if (this.goalMask[box] !== 1) return false;
    return true;
  }

  /** Minimum-cost matching of boxes to goals on push distances; INFINITE when some box is stuck. */
  private heuristic(boxes: Uint16Array): number {
    const boxCount = this.boxCount;
    const matrix = this.matching.costs;
    for (let goal = 0; goal < boxCount; goal += 1) {
      const distance = this.distances[goal] as Uint16Array;
      for (let index = 0; index < boxCount; index += 1) {
        const value = distance[boxes[index] as number] as number;
        matrix[index * boxCount + goal] = value === UNREACHABLE ? INFINITE : value;
      }
    }
    const total = this.matching.solve();
    return Math.min(total, INFINITE);
  }

  private loadBoxes(boxes: Uint16Array): void {
    for (const box of boxes) this.boxMask[box] = 1;
  }

  private unloadBoxes(boxes: Uint16Array): void {
    for (const box of boxes) this.boxMask[box] = 0;
  }

  /**
   * Marks the player's reachable region in `reach` with a fresh stamp (and, with `depth`, the walk
   * length to each cell); returns its smallest cell.
   */
  private flood(start: number, reach: Int32Array, depth?: Int32Array): number {
    this.reachStamp += 1;
    const stamp = this.reachStamp;
    const queue = this.queue;
    reach[start] = stamp;
    if (depth !== undefined) depth[start] = 0;
    queue[0] = start;
    let head = 0;
    let tail = 1;
    let smallest = start;
    while (head < tail) {
      const cell = queue[head] as number;
      head += 1;
      for (let direction = 0; direction < 4; direction += 1) {
        const next = cell + (this.offsets[direction] as number);
        if (reach[next] === stamp || this.level.tiles[next] !== TILE_FLOOR || this.boxMask[next] === 1) continue;
        reach[next] = stamp;
        if (depth !== undefined) depth[next] = (depth[cell] as number) + 1;
        if (next < smallest) smallest = next;
        queue[tail] = next;
        tail += 1;
      }
    }
    return smallest;
  }

  private stateKey(boxes: Uint16Array, player: number): string {
    return String.fromCharCode(player, ...boxes);
  }

  private addNode(
    boxes: Uint16Array,
    player: number,
    parent: number,
    cost: number,
    moves: number,
    pushBox: number,
    pushDirection: number,
    key: string,
  ): number {
    const node = this.nodeCount;
    if (node >= this.nodePlayer.length) this.grow();
    this.nodeBoxes.set(boxes, node * this.boxCount);
    this.nodePlayer[node] = player;
    this.nodeParent[node] = parent;
    this.nodeCost[node] = cost;
    this.nodeMoves[node] = moves;
    this.nodePushBox[node] = pushBox;
    this.nodePushDirection[node] = pushDirection;
    if (this.astar) this.nodeKeys.push(key);
    this.nodeCount += 1;
    return node;
  }

  private grow(): void {
    const capacity = this.nodePlayer.length * 2;
    const grown = <T extends Uint16Array | Int32Array | Uint8Array>(array: T, make: (length: number) => T, length: number): T => {
      const next = make(length);
      next.set(array);
      return next;
    };
    this.nodeBoxes = grown(this.nodeBoxes, (length) => new Uint16Array(length), capacity * this.boxCount);
    this.nodePlayer = grown(this.nodePlayer, (length) => new Int32Array(length), capacity);
    this.nodeParent = grown(this.nodeParent, (length) => new Int32Array(length), capacity);
    this.nodeCost = grown(this.nodeCost, (length) => new Int32Array(length), capacity);
    this.nodeMoves = grown(this.nodeMoves, (length) => new Int32Array(length), capacity);
    this.nodePushBox = grown(this.nodePushBox, (length) => new Int32Array(length), capacity);
    this.nodePushDirection = grown(this.nodePushDirection, (length) => new Uint8Array(length), capacity);
  }

  private pushesTo(node: number): Push[] {
    const pushes: Push[] = [];
    for (let at = node; (this.nodeParent[at] as number) >= 0; at = this.nodeParent[at] as number) {
      pushes.push({ box: this.nodePushBox[at] as number, direction: DIRECTIONS[this.nodePushDirection[at] as number] as Direction });
    }
    return pushes.reverse();
  }
}

/** Insertion sort for the handful of boxes in a state. */
function sortSmall(values: Uint16Array): void {
  for (let index = 1; index < values.length; index += 1) {
    const value = values[index] as number;
    let at = index - 1;
    while (at >= 0 && (values[at] as number) > value) {
      values[at + 1] = values[at] as number;
      at -= 1;
    }
    values[at + 1] = value;
  }
}

/**
 * The open list: a binary heap on `pushes + heuristic`, ties broken towards the smaller heuristic
 * (deeper nodes), then fewer moves; in breadth-first mode a plain FIFO queue.
 */
class OpenList {
  private nodes = new Int32Array(1024);
  private keys = new Float64Array(1024);
  private head = 0;
  private length = 0;
  private readonly heap: boolean;

  constructor(heap: boolean) {
    this.heap = heap;
  }

  get size(): number {
    return this.length - this.head;
  }

  push(node: number, heuristic: number, cost: number, moves: number): void {
    if (this.length >= this.nodes.length) {
      const nodes = new Int32Array(this.nodes.length * 2);
      nodes.set(this.nodes);
      this.nodes = nodes;
      const keys = new Float64Array(this.keys.length * 2);
      keys.set(this.keys);
      this.keys = keys;
    }
    if (!this.heap) {
      this.nodes[this.length] = node;
      this.length += 1;
      return;
    }
    const key = ((cost + heuristic) * 4096 + heuristic) * MOVE_SCALE + Math.min(moves, MOVE_SCALE - 1);
    let at = this.length;
    this.length += 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      const parentKey = this.keys[parent] as number;
      if (parentKey <= key) break;
      this.nodes[at] = this.nodes[parent] as number;
      this.keys[at] = parentKey;
      at = parent;
    }
    this.nodes[at] = node;
    this.keys[at] = key;
  }

  pop(): number {
    if (!this.heap) {
      const node = this.nodes[this.head] as number;
      this.head += 1;
      return node;
    }
    const top = this.nodes[0] as number;
    this.length -= 1;
    const lastNode = this.nodes[this.length] as number;
    const lastKey = this.keys[this.length] as number;
    let at = 0;
    const half = this.length >> 1;
    while (at < half) {
      let child = 2 * at + 1;
      const right = child + 1;
      if (right < this.length && (this.keys[right] as number) < (this.keys[child] as number)) child = right;
      if ((this.keys[child] as number) >= lastKey) break;
      this.nodes[at] = this.nodes[child] as number;
      this.keys[at] = this.keys[child] as number;
      at = child;
    }
    this.nodes[at] = lastNode;
    this.keys[at] = lastKey;
    return top;
  }
}

/** Minimum-cost perfect matching of a square cost matrix (Hungarian algorithm, O(n³)). */
class Matching {
  /** Row-major costs: `costs[row * size + column]`. */
  readonly costs: Float64Array;
  private readonly size: number;
  private readonly u: Float64Array;
  private readonly v: Float64Array;
  private readonly match: Int32Array;
  private readonly way: Int32Array;
  private readonly minimum: Float64Array;
  private readonly used: Uint8Array;

  constructor(size: number) {
    this.size = size;
    this.costs = new Float64Array(size * size);
    this.u = new Float64Array(size + 1);
    this.v = new Float64Array(size + 1);
    this.match = new Int32Array(size + 1);
    this.way = new Int32Array(size + 1);
    this.minimum = new Float64Array(size + 1);
    this.used = new Uint8Array(size + 1);
  }

  /** The cost of the cheapest assignment of rows to columns. */
  solve(): number {
    const size = this.size;
    const { costs, u, v, match, way, minimum, used } = this;
    u.fill(0);
    v.fill(0);
    match.fill(0);
    way.fill(0);
    for (let row = 1; row <= size; row += 1) {
      match[0] = row;
      let column = 0;
      minimum.fill(Number.POSITIVE_INFINITY);
      used.fill(0);
      do {
        used[column] = 1;
        const matchedRow = match[column] as number;
        let delta = Number.POSITIVE_INFINITY;
        let nextColumn = 0;
        for (let candidate = 1; candidate <= size; candidate += 1) {
          if (used[candidate] === 1) continue;
          const reduced = (costs[(matchedRow - 1) * size + candidate - 1] as number) - (u[matchedRow] as number) - (v[candidate] as number);
          if (reduced < (minimum[candidate] as number)) {
            minimum[candidate] = reduced;
            way[candidate] = column;
          }
          if ((minimum[candidate] as number) < delta) {
            delta = minimum[candidate] as number;
            nextColumn = candidate;
          }
        }
        for (let candidate = 0; candidate <= size; candidate += 1) {
          if (used[candidate] === 1) {
            const assigned = match[candidate] as number;
            u[assigned] = (u[assigned] as number) + delta;
            v[candidate] = (v[candidate] as number) - delta;
          } else {
            minimum[candidate] = (minimum[candidate] as number) - delta;
          }
        }
        column = nextColumn;
      } while ((match[column] as number) !== 0);
      do {
        const previous = way[column] as number;
        match[column] = match[previous] as number;
        column = previous;
      } while (column !== 0);
    }
    return -(v[0] as number);
  }
}
