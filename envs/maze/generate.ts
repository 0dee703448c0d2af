import { GymError } from '../../core/errors.js';
import type { Random } from '../../core/random.js';
import { type Cell, createMaze, distancesFrom, FLOOR, type Maze, WALL } from './grid.js';

/** Size and shape of a generated maze. */
export interface GenerateOptions {
  /** Rooms per row (3..41); the grid is `2 * width + 1` squares wide. */
  readonly width: number;
  /** Rooms per column (3..41); the grid is `2 * height + 1` squares tall. */
  readonly height: number;
  /** Probability (0..1) of knocking out each remaining inner wall between two rooms; > 0 makes loops. */
  readonly loops: number;
}

/** The smallest and largest room count per side. */
export const MIN_ROOMS = 3;
export const MAX_ROOMS = 41;

/**
 * Generates a maze from the seeded generator alone: a perfect maze carved by randomized
 * depth-first search over `width` x `height` rooms (rooms sit at odd grid squares, walls between),
 * then extra inner walls knocked out with probability `loops`. The start is a random room; the goal
 * is the floor square farthest from it by breadth-first search (first in row-major order on ties).
 */
export function generateMaze(random: Random, options: GenerateOptions): Maze {
  const { width, height, loops } = options;
  for (const [name, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(value) || value < MIN_ROOMS || value > MAX_ROOMS) {
      throw new GymError('bad-maze-size', `Maze ${name} must be an integer in ${MIN_ROOMS}..${MAX_ROOMS}, got ${value}.`);
    }
  }
  if (!(loops >= 0 && loops <= 1)) throw new GymError('bad-maze-loops', `Maze loops must be in 0..1, got ${loops}.`);
  const rows = 2 * height + 1;
  const cols = 2 * width + 1;
  const squares: string[][] = Array.from({ length: rows }, () => Array.from({ length: cols }, () => WALL));
  carve(squares, random.fork('layout'), width, height);
  if (loops > 0) knockOutWalls(squares, random.fork('loops'), loops);
  const grid = squares.map((line) => line.join(''));
  const placement = random.fork('start');
  const start: Cell = { row: 2 * placement.int(0, height - 1) + 1, col: 2 * placement.int(0, width - 1) + 1 };
  const draft = createMazeWithoutGoal(grid, start);
  return createMaze(grid, start, farthestFrom(draft, start));
}

/** Randomized depth-first search with an explicit stack: every room is reached exactly once. */
function carve(squares: string[][], random: Random, width: number, height: number): void {
  const visited = new Uint8Array(width * height);
  const stack: number[] = [random.int(0, width * height - 1)];
  visited[stack[0] as number] = 1;
  open(squares, stack[0] as number, width);
  while (stack.length > 0) {
    const room = stack[stack.length - 1] as number;
    const x = room % width;
    const y = Math.floor(room / width);
    const candidates: number[] = [];
    if (y > 0) candidates.push(room - width);
    if (y < height - 1) candidates.push(room + width);
    if (x > 0) candidates.push(room - 1);
    if (x < width - 1) candidates.push(room + 1);
    const fresh = candidates.filter((candidate) => visited[candidate] === 0);
    if (fresh.length === 0) {
      stack.pop();
      continue;
    }
    const next = random.pick(fresh);
    visited[next] = 1;
    open(squares, next, width);
    const row = y + Math.floor(next / width) + 1;
    const col = x + (next % width) + 1;
    setSquare(squares, row, col, FLOOR);
    stack.push(next);
  }
}

/** Opens the room with index `room` (row-major over rooms). */
function open(squares: string[][], room: number, width: number): void {
  setSquare(squares, 2 * Math.floor(room / width) + 1, 2 * (room % width) + 1, FLOOR);
}

function setSquare(squares: string[][], row: number, col: number, value: string): void {
  const line = squares[row];
  if (line !== undefined) line[col] = value;
}

/** Knocks out inner walls that separate two rooms, each with probability `probability`. */
function knockOutWalls(squares: string[][], random: Random, probability: number): void {
  const rows = squares.length;
  const cols = squares[0]?.length ?? 0;
  for (let row = 1; row < rows - 1; row += 1) {
    for (let col = 1; col < cols - 1; col += 1) {
      const betweenRooms = (row % 2 === 1 && col % 2 === 0) || (row % 2 === 0 && col % 2 === 1);
      if (betweenRooms && squares[row]?.[col] === WALL && random.chance(probability)) setSquare(squares, row, col, FLOOR);
    }
  }
}

function createMazeWithoutGoal(grid: readonly string[], start: Cell): Maze {
  return { grid, rows: grid.length, cols: grid[0]?.length ?? 0, start, goal: start };
}

/** The reachable floor square farthest from `from`, first in row-major order on ties. */
export function farthestFrom(maze: Maze, from: Cell): Cell {
  const distances = distancesFrom(maze, from);
  let best = 0;
  let bestIndex = from.row * maze.cols + from.col;
  for (let index = 0; index < distances.length; index += 1) {
    const distance = distances[index] as number;
    if (distance > best) {
      best = distance;
      bestIndex = index;
    }
  }
  return { row: Math.floor(bestIndex / maze.cols), col: bestIndex % maze.cols };
}
