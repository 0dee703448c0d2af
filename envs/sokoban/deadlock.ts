import { type Level, TILE_FLOOR } from './level.js';

/** Push distance meaning "this box can never reach that goal". */
export const UNREACHABLE = 0xffff;

/** Facts about a board that do not depend on where the boxes are. */
export interface BoardAnalysis {
  /** 1 on floor squares from which a lone box can still be pushed to some goal. */
  readonly live: Uint8Array;
  /**
   * `distances[g][cell]`: the fewest pushes that bring a lone box from `cell` to goal `g`
   * (`level.goals[g]`), ignoring other boxes; {@link UNREACHABLE} when impossible. A lower bound
   * of the true cost, which makes it an admissible heuristic.
   */
  readonly distances: readonly Uint16Array[];
}

const analyses = new WeakMap<Level, BoardAnalysis>();

/**
 * Dead squares and push distances of a board, computed once per level by pulling a box backwards
 * from every goal: a box at `p` can have come from `p - d` when the player had room at `p - 2d`.
 */
export function analyzeBoard(level: Level): BoardAnalysis {
  const cached = analyses.get(level);
  if (cached !== undefined) return cached;
  const size = level.tiles.length;
  const offsets = [-level.width, level.width, -1, 1];
  const live = new Uint8Array(size);
  const distances: Uint16Array[] = [];
  const queue = new Int32Array(size);
  for (const goal of level.goals) {
    const distance = new Uint16Array(size).fill(UNREACHABLE);
    distance[goal] = 0;
    queue[0] = goal;
    let head = 0;
    let tail = 1;
    while (head < tail) {
      const box = queue[head] as number;
      head += 1;
      const next = (distance[box] as number) + 1;
      for (const offset of offsets) {
        // The box came from `box + offset`, pushed by a player who stood at `box + 2 * offset`.
        const from = box + offset;
        const stand = from + offset;
        if (level.tiles[from] !== TILE_FLOOR || level.tiles[stand] !== TILE_FLOOR) continue;
        if (distance[from] !== UNREACHABLE) continue;
        distance[from] = next;
        queue[tail] = from;
        tail += 1;
      }
    }
    for (let cell = 0; cell < size; cell += 1) if (distance[cell] !== UNREACHABLE) live[cell] = 1;
    distances.push(distance);
  }
  const analysis: BoardAnalysis = { live, distances };
  analyses.set(level, analysis);
  return analysis;
}

/**
 * Whether the box on `cell` is frozen: it cannot move horizontally (a wall on either side, or a
 * frozen box there) nor vertically. Neighbouring boxes are checked recursively, each treating the
 * boxes already under examination as walls. With `dead`, a box flanked by dead squares on both
 * sides of an axis also counts as blocked on it (moving it there would be a simple deadlock).
 * `marks` is scratch space as long as the board, all zero on entry and on return.
 */
export function isFrozen(
  tiles: Uint8Array,
  boxMask: Uint8Array,
  width: number,
  cell: number,
  marks: Uint8Array,
  dead?: Uint8Array,
): boolean {
  marks[cell] = 1;
  const frozen =
    blockedOnAxis(tiles, boxMask, width, cell, 1, marks, dead) && blockedOnAxis(tiles, boxMask, width, cell, width, marks, dead);
  marks[cell] = 0;
  return frozen;
}

function blockedOnAxis(
  tiles: Uint8Array,
  boxMask: Uint8Array,
  width: number,
  cell: number,
  offset: number,
  marks: Uint8Array,
  dead: Uint8Array | undefined,
): boolean {
  const before = cell - offset;
  const after = cell + offset;
  if (tiles[before] !== TILE_FLOOR || tiles[after] !== TILE_FLOOR || marks[before] === 1 || marks[after] === 1) return true;
  if (dead !== undefined && dead[before] === 1 && dead[after] === 1) return true;
  if (boxMask[before] === 1 && isFrozen(tiles, boxMask, width, before, marks, dead)) return true;
  return boxMask[after] === 1 && isFrozen(tiles, boxMask, width, after, marks, dead);
}

/** Simple deadlocks in a position, for trainers that end hopeless episodes early. */
export interface DeadlockReport {
  /** Boxes off goals in a corner (a wall on one horizontal and one vertical side). */
  readonly corner: readonly number[];
  /** Boxes off goals that are frozen: blocked on both axes by walls or other frozen boxes. */
  readonly frozen: readonly number[];
  /** Boxes off goals on dead squares: squares from which no goal can be reached by pushing. */
  readonly deadSquare: readonly number[];
}

/** Finds corner, frozen and dead-square deadlocks among `boxes`. Any entry means the level can no longer be solved. */
export function findDeadlocks(level: Level, boxes: readonly number[]): DeadlockReport {
  const { live } = analyzeBoard(level);
  const boxMask = new Uint8Array(level.tiles.length);
  for (const box of boxes) boxMask[box] = 1;
  const goals = new Set(level.goals);
  const marks = new Uint8Array(level.tiles.length);
  const wall = (cell: number): boolean => level.tiles[cell] !== TILE_FLOOR;
  const corner: number[] = [];
  const frozen: number[] = [];
  const deadSquare: number[] = [];
  for (const box of boxes) {
    if (goals.has(box)) continue;
    const horizontal = wall(box - 1) || wall(box + 1);
    const vertical = wall(box - level.width) || wall(box + level.width);
    if (horizontal && vertical) corner.push(box);
    if (isFrozen(level.tiles, boxMask, level.width, box, marks)) frozen.push(box);
    if (live[box] !== 1) deadSquare.push(box);
  }
  return { corner, frozen, deadSquare };
}
