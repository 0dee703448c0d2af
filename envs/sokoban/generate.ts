import { GymError } from '../../core/errors.js';
import type { Random } from '../../core/random.js';
import { type Level, TILE_FLOOR, TILE_WALL } from './level.js';
import { DIRECTIONS, directionOffset } from './rules.js';
import { solve } from './solve.js';

/** Options of {@link generateLevel}. */
export interface GenerateOptions {
  /** Board width including the outer wall (default 10, as Boxoban). */
  readonly width?: number;
  /** Board height including the outer wall (default 10). */
  readonly height?: number;
  /** Number of boxes; omitted, 2 or 3 drawn from the seed. */
  readonly boxes?: number;
  /** Reverse-play steps (pulls) per attempt: more steps scatter the boxes further (default 40). */
  readonly difficulty?: number;
}

/** Small carving patterns stamped along the random walk (offsets as [row, column]). */
const PATTERNS: readonly (readonly (readonly [number, number])[])[] = [
  [[0, 0]],
  [
    [0, 0],
    [0, 1],
  ],
  [
    [0, 0],
    [1, 0],
  ],
  [
    [0, -1],
    [0, 0],
    [0, 1],
  ],
  [
    [-1, 0],
    [0, 0],
    [1, 0],
  ],
  [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ],
  [
    [0, 0],
    [0, 1],
    [1, 1],
  ],
  [
    [0, 0],
    [1, 0],
    [1, 1],
  ],
];

const ATTEMPTS = 200;
const WALKS_PER_ROOM = 8;
/**
 * Node budget of the solvability check: cheap, so big rooms skip the check rather than wait. A node
 * budget, never a time limit: the level a seed maps to must not depend on the machine's speed.
 */
export const VERIFY_NODES = 20_000;

/**
 * Generates a solvable level the way gym-sokoban does, from `random` alone:
 * 1. carve a room by a random walk that stamps small floor patterns inside the outer wall;
 * 2. place the goals and the player on random floor squares, with every box on its goal;
 * 3. play backwards for `difficulty` steps, several times: each step the player walks to a
 *    random box it can reach and pulls it one square (the exact inverse of a push);
 * 4. keep the visited state with the best score, (number of times the pulled box changed) ×
 *    (total distance of the boxes from their goals), and start the player anywhere it could
 *    have walked to.
 * Every pull can be undone by a push, so the result is solvable by construction; the solver
 * double-checks within a small node budget ({@link VERIFY_NODES}; no time limit, so a seed gives the
 * same level on any machine), and a level it proves unsolvable, or solves in fewer
 * than `boxes + 1` pushes (too easy), is rejected.
 */
export function generateLevel(random: Random, options: GenerateOptions = {}): Level {
  const width = options.width ?? 10;
  const height = options.height ?? 10;
  const boxCount = options.boxes ?? random.int(2, 3);
  const difficulty = options.difficulty ?? 40;
  const interior = (width - 2) * (height - 2);
  if (width < 5 || height < 5)
    throw new GymError('bad-option', `Sokoban rooms need width and height of at least 5, got ${width}x${height}.`);
  if (boxCount < 1 || boxCount * 2 + 2 > interior) {
    throw new GymError('bad-option', `A ${width}x${height} room cannot hold ${boxCount} boxes; use fewer boxes or a larger room.`);
  }
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const tiles = carveRoom(random, width, height, boxCount);
    if (tiles === undefined) continue;
    const level = reversePlay(random, tiles, width, height, boxCount, difficulty);
    if (level === undefined) continue;
    const check = solve(level, level, { maxNodes: VERIFY_NODES });
    if (check.status === 'unsolvable') continue;
    if (check.status === 'solved' && check.pushes.length < Math.min(boxCount + 1, difficulty)) continue;
    return level;
  }
  throw new GymError(
    'generation-failed',
    `Could not generate a ${width}x${height} Sokoban level with ${boxCount} boxes in ${ATTEMPTS} attempts; use fewer boxes, a larger room or more difficulty steps.`,
  );
}

/** A random-walk room: floor carved inside the outer wall; undefined when too small. */
function carveRoom(random: Random, width: number, height: number, boxCount: number): Uint8Array | undefined {
  const tiles = new Uint8Array(width * height).fill(TILE_WALL);
  let row = random.int(1, height - 2);
  let column = random.int(1, width - 2);
  let direction = random.pick(DIRECTIONS);
  const steps = Math.round(1.5 * (width + height));
  for (let step = 0; step < steps; step += 1) {
    if (random.chance(0.35)) direction = random.pick(DIRECTIONS);
    for (const [rowOffset, columnOffset] of random.pick(PATTERNS)) {
      const carveRow = row + rowOffset;
      const carveColumn = column + columnOffset;
      if (carveRow >= 1 && carveRow <= height - 2 && carveColumn >= 1 && carveColumn <= width - 2) {
        tiles[carveRow * width + carveColumn] = TILE_FLOOR;
      }
    }
    const offset = directionOffset(width, direction);
    const nextRow = row + (offset === width ? 1 : offset === -width ? -1 : 0);
    const nextColumn = column + (offset === 1 ? 1 : offset === -1 ? -1 : 0);
    row = Math.min(Math.max(nextRow, 1), height - 2);
    column = Math.min(Math.max(nextColumn, 1), width - 2);
  }
  let floor = 0;
  for (const tile of tiles) if (tile === TILE_FLOOR) floor += 1;
  return floor >= boxCount * 2 + 3 ? tiles : undefined;
}

/** Places goals, boxes on them and the player, then plays backwards; undefined when nothing moved. */
function reversePlay(
  random: Random,
  tiles: Uint8Array,
  width: number,
  height: number,
  boxCount: number,
  difficulty: number,
): Level | undefined {
  const floorCells: number[] = [];
  for (let cell = 0; cell < tiles.length; cell += 1) if (tiles[cell] === TILE_FLOOR) floorCells.push(cell);
  const chosen = random.sample(floorCells, boxCount + 1);
  const goals = chosen.slice(0, boxCount).sort((a, b) => a - b);
  const start = chosen[boxCount] as number;
  const offsets = DIRECTIONS.map((direction) => directionOffset(width, direction));
  let best: { score: number; boxes: number[]; region: number[] } | undefined;
  for (let walk = 0; walk < WALKS_PER_ROOM; walk += 1) {
    const boxes = goals.slice();
    const boxMask = new Uint8Array(tiles.length);
    for (const box of boxes) boxMask[box] = 1;
    let player = start;
    let swaps = 0;
    let lastPulled = -1;
    for (let step = 0; step < difficulty; step += 1) {
      // Every pull the player can walk to: stand beside a box, step back into free floor, dragging it.
      const region = reachable(tiles, boxMask, player, offsets);
      const regionMask = new Uint8Array(tiles.length);
      for (const cell of region) regionMask[cell] = 1;
      const pulls: [number, number][] = [];
      boxes.forEach((box, index) => {
        for (const offset of offsets) {
          const stand = box + offset;
          const back = stand + offset;
          if (regionMask[stand] === 1 && tiles[back] === TILE_FLOOR && boxMask[back] !== 1) pulls.push([index, offset]);
        }
      });
      if (pulls.length === 0) break;
      const [index, offset] = random.pick(pulls);
      const box = boxes[index] as number;
      boxMask[box] = 0;
      boxMask[box + offset] = 1;
      boxes[index] = box + offset;
      player = box + 2 * offset;
      if (index !== lastPulled) swaps += 1;
      lastPulled = index;
      const score = swaps * displacement(boxes, goals, width);
      if (score > 0 && (best === undefined || score > best.score)) {
        best = { score, boxes: boxes.slice(), region: reachable(tiles, boxMask, player, offsets) };
      }
    }
  }
  if (best === undefined) return undefined;
  const onGoals = best.boxes.filter((box) => goals.includes(box)).length;
  if (onGoals === boxCount) return undefined;
  // Walking is reversible, so the player may start anywhere it could have walked to.
  const player = random.pick(best.region);
  return { width, height, tiles, goals, boxes: best.boxes.sort((a, b) => a - b), player, name: 'generated' };
}

/** The cells the player reaches from `start` without pushing, in discovery order. */
function reachable(tiles: Uint8Array, boxMask: Uint8Array, start: number, offsets: readonly number[]): number[] {
  const seen = new Uint8Array(tiles.length);
  const cells = [start];
  seen[start] = 1;
  for (let head = 0; head < cells.length; head += 1) {
    const cell = cells[head] as number;
    for (const offset of offsets) {
      const next = cell + offset;
      if (seen[next] === 1 || tiles[next] !== TILE_FLOOR || boxMask[next] === 1) continue;
      seen[next] = 1;
      cells.push(next);
    }
  }
  return cells;
}

/** Sum over boxes of the Manhattan distance from where each box started (its goal). */
function displacement(boxes: readonly number[], goals: readonly number[], width: number): number {
  let total = 0;
  boxes.forEach((box, index) => {
    const goal = goals[index] as number;
    total += Math.abs(Math.floor(box / width) - Math.floor(goal / width)) + Math.abs((box % width) - (goal % width));
  });
  return total;
}
