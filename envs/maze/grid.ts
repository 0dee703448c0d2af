import { GymError } from '../../core/errors.js';

/**
 * The maze as a character grid shared by the generator and the ASCII loader: every character is
 * one square tile, `#` a wall and `.` floor. Coordinates are `(row, col)`, 0-based, row 0 at the
 * top and col 0 at the left; squares outside the grid count as walls.
 */

/** The wall character of a {@link Maze} row. */
export const WALL = '#';
/** The floor character of a {@link Maze} row. */
export const FLOOR = '.';

/** A square of the grid. */
export interface Cell {
  readonly row: number;
  readonly col: number;
}

/** A maze: its wall/floor rows (all of equal length), where the player starts, and the goal. */
export interface Maze {
  /** One string per grid row, each `cols` characters of `#` or `.`. */
  readonly grid: readonly string[];
  readonly rows: number;
  readonly cols: number;
  readonly start: Cell;
  readonly goal: Cell;
}

/** A move direction. */
export type Direction = 'up' | 'down' | 'left' | 'right';

/** The four directions, in the order searches try them. */
export const DIRECTIONS: readonly Direction[] = ['up', 'down', 'left', 'right'];

const OFFSETS: Readonly<Record<Direction, Cell>> = {
  up: { row: -1, col: 0 },
  down: { row: 1, col: 0 },
  left: { row: 0, col: -1 },
  right: { row: 0, col: 1 },
};

/**
 * Builds a maze from wall/floor rows, checking that rows are equal in length, hold only `#` and
 * `.`, and that start and goal are distinct floor squares. Throws a `GymError('bad-maze')`; the
 * ASCII loader reports file problems itself before calling this.
 */
export function createMaze(grid: readonly string[], start: Cell, goal: Cell): Maze {
  const rows = grid.length;
  const cols = grid[0]?.length ?? 0;
  if (rows === 0 || cols === 0) throw new GymError('bad-maze', 'A maze needs at least one row and one column.');
  for (const [index, line] of grid.entries()) {
    if (line.length !== cols) throw new GymError('bad-maze', `Maze row ${index} has ${line.length} squares; expected ${cols}.`);
    if (!/^[#.]*$/.test(line)) throw new GymError('bad-maze', `Maze row ${index} holds characters other than "#" and ".".`);
  }
  const maze: Maze = { grid, rows, cols, start, goal };
  if (!isOpen(maze, start)) throw new GymError('bad-maze', `The start ${formatCell(start)} is not a floor square.`);
  if (!isOpen(maze, goal)) throw new GymError('bad-maze', `The goal ${formatCell(goal)} is not a floor square.`);
  if (sameCell(start, goal)) throw new GymError('bad-maze', 'The start and the goal must be different squares.');
  return maze;
}

/** Whether a square is inside the grid. */
export function inside(maze: Maze, cell: Cell): boolean {
  return cell.row >= 0 && cell.row < maze.rows && cell.col >= 0 && cell.col < maze.cols;
}

/** Whether a square is floor (inside the grid and not a wall). */
export function isOpen(maze: Maze, cell: Cell): boolean {
  return inside(maze, cell) && maze.grid[cell.row]?.[cell.col] === FLOOR;
}

/** The square one step away in a direction. */
export function neighbour(cell: Cell, direction: Direction): Cell {
  const offset = OFFSETS[direction];
  return { row: cell.row + offset.row, col: cell.col + offset.col };
}

/** Whether two squares are the same. */
export function sameCell(a: Cell, b: Cell): boolean {
  return a.row === b.row && a.col === b.col;
}

/** `(row, col)`, the way observations write a square. */
export function formatCell(cell: Cell): string {
  return `(${cell.row}, ${cell.col})`;
}

/** The direction from `a` to `b` when they share a row or column and differ; otherwise undefined. */
export function directionBetween(a: Cell, b: Cell): Direction | undefined {
  if (a.row === b.row && a.col !== b.col) return b.col > a.col ? 'right' : 'left';
  if (a.col === b.col && a.row !== b.row) return b.row > a.row ? 'down' : 'up';
  return undefined;
}

/** Breadth-first distances from `from` over floor squares; -1 where unreachable. Row-major. */
export function distancesFrom(maze: Maze, from: Cell): Int32Array {
  const distances = new Int32Array(maze.rows * maze.cols).fill(-1);
  if (!isOpen(maze, from)) return distances;
  const queue = new Int32Array(maze.rows * maze.cols);
  let head = 0;
  let tail = 0;
  distances[from.row * maze.cols + from.col] = 0;
  queue[tail++] = from.row * maze.cols + from.col;
  while (head < tail) {
    const index = queue[head++] as number;
    const cell = { row: Math.floor(index / maze.cols), col: index % maze.cols };
    const distance = distances[index] as number;
    for (const direction of DIRECTIONS) {
      const next = neighbour(cell, direction);
      const nextIndex = next.row * maze.cols + next.col;
      if (isOpen(maze, next) && distances[nextIndex] === -1) {
        distances[nextIndex] = distance + 1;
        queue[tail++] = nextIndex;
      }
    }
  }
  return distances;
}

/**
 * A shortest path from `from` to `to` (both included), or undefined when `to` is unreachable.
 * Among the shortest paths it takes one with the fewest turns (so the fewest straight runs, hence
 * moves); remaining ties go to the directions in {@link DIRECTIONS} order, so it is deterministic.
 */
export function shortestPath(maze: Maze, from: Cell, to: Cell): Cell[] | undefined {
  const toGoal = distancesFrom(maze, to);
  const total = toGoal[from.row * maze.cols + from.col];
  if (total === undefined || total < 0) return undefined;
  if (total === 0) return [from];
  // Layered search over (square, direction of arrival) states on the shortest-path DAG.
  const size = maze.rows * maze.cols * DIRECTIONS.length;
  const turns = new Int32Array(size).fill(-1);
  const previous = new Int32Array(size).fill(-1);
  let layer: number[] = [];
  const expand = (cell: Cell, remaining: number, state: number, turnsSoFar: number, arrival: number): number[] => {
    const next: number[] = [];
    for (const [direction, name] of DIRECTIONS.entries()) {
      const candidate = neighbour(cell, name);
      const index = candidate.row * maze.cols + candidate.col;
      if (!isOpen(maze, candidate) || toGoal[index] !== remaining - 1) continue;
      const key = index * DIRECTIONS.length + direction;
      const cost = turnsSoFar + (arrival === -1 || arrival === direction ? 0 : 1);
      const known = turns[key] as number;
      if (known === -1) next.push(key);
      if (known === -1 || cost < known) {
        turns[key] = cost;
        previous[key] = state;
      }
    }
    return next;
  };
  layer = expand(from, total, -1, 0, -1);
  for (let remaining = total - 1; remaining > 0; remaining -= 1) {
    const next: number[] = [];
    for (const key of layer) {
      const index = Math.floor(key / DIRECTIONS.length);
      const cell = { row: Math.floor(index / maze.cols), col: index % maze.cols };
      next.push(...expand(cell, remaining, key, turns[key] as number, key % DIRECTIONS.length));
    }
    layer = next;
  }
  let best = -1;
  for (const key of layer) if (best === -1 || (turns[key] as number) < (turns[best] as number)) best = key;
  if (best === -1) return undefined;
  const path: Cell[] = [];
  for (let key = best; key !== -1; key = previous[key] as number) {
    const index = Math.floor(key / DIRECTIONS.length);
    path.push({ row: Math.floor(index / maze.cols), col: index % maze.cols });
  }
  path.push(from);
  return path.reverse();
}

/** Splits a path into straight runs: each run's direction, length and end square. */
export function straightRuns(path: readonly Cell[]): { direction: Direction; length: number; from: Cell; to: Cell }[] {
  const runs: { direction: Direction; length: number; from: Cell; to: Cell }[] = [];
  for (let index = 1; index < path.length; index += 1) {
    const previous = path[index - 1] as Cell;
    const cell = path[index] as Cell;
    const direction = directionBetween(previous, cell);
    if (direction === undefined)
      throw new GymError('bad-path', `Path squares ${formatCell(previous)} and ${formatCell(cell)} are not adjacent.`);
    const last = runs[runs.length - 1];
    if (last !== undefined && last.direction === direction) {
      runs[runs.length - 1] = { ...last, length: last.length + 1, to: cell };
    } else {
      runs.push({ direction, length: 1, from: previous, to: cell });
    }
  }
  return runs;
}
