import type { Content } from '../../core/content.js';
import type { Oracle, OracleStep, StepInfo } from '../../core/env.js';
import { GymError } from '../../core/errors.js';
import { type Cell, formatCell, type Maze, neighbour, shortestPath, straightRuns } from './grid.js';

/** What the oracle reads: the maze and the player's live position (the env's state object). */
export interface MazePosition {
  readonly maze: Maze;
  readonly player: Cell;
}

/** Most points the oracle puts in one `draw_path` call (the tool's own limit). */
export const ORACLE_MAX_DRAW_POINTS = 1000;
/** Most squares the oracle asks one `move` to cover (the tool's own limit). */
export const ORACLE_MAX_MOVE_STEPS = 100;

/**
 * The maze expert. Every call recomputes a breadth-first shortest path from the player's current
 * square, so it stays right whatever happened before. Its first turn draws the whole route with
 * `draw_path`; then each turn walks one straight run with a single `move` of that many squares.
 */
export class MazeOracle implements Oracle {
  private readonly state: MazePosition;
  private drawn = false;

  constructor(state: MazePosition) {
    this.state = state;
  }

  async next(_last: { observation: Content; info: StepInfo }): Promise<OracleStep> {
    const { maze, player } = this.state;
    const path = shortestPath(maze, player, maze.goal);
    if (path === undefined || path.length < 2) {
      throw new GymError('oracle-stuck', `The maze oracle found no move from ${formatCell(player)} to the goal ${formatCell(maze.goal)}.`);
    }
    const runs = straightRuns(path);
    if (!this.drawn) {
      this.drawn = true;
      const corners = [player, ...runs.map((run) => run.to)].slice(0, ORACLE_MAX_DRAW_POINTS);
      return {
        thought: `${describeRoute(player, maze.goal, path.length - 1, corners.slice(1, -1))} I'll draw it first.`,
        action: {
          type: 'tool_call',
          name: 'draw_path',
          arguments: { points: corners.map((cell) => `${cell.row},${cell.col}`).join('; ') },
        },
      };
    }
    const run = runs[0];
    if (run === undefined) throw new GymError('oracle-stuck', 'The maze oracle computed an empty route.');
    const steps = Math.min(run.length, ORACLE_MAX_MOVE_STEPS);
    const finishes = runs.length === 1 && steps === run.length;
    const unit = steps === 1 ? 'square' : 'squares';
    let target = player;
    for (let step = 0; step < steps; step += 1) target = neighbour(target, run.direction);
    const thought = finishes
      ? `The goal is ${steps} ${unit} ${run.direction} of ${formatCell(player)}; one last move reaches it.`
      : `Next straight run of the route: ${run.direction} ${steps} ${unit} from ${formatCell(player)} to ${formatCell(target)}.`;
    return { thought, action: { type: 'tool_call', name: 'move', arguments: { direction: run.direction, steps } } };
  }
}

function describeRoute(from: Cell, goal: Cell, length: number, turns: readonly Cell[]): string {
  const base = `The shortest route from ${formatCell(from)} to the goal at ${formatCell(goal)} is ${length} ${length === 1 ? 'square' : 'squares'} long`;
  if (turns.length === 0) return `${base} and runs straight.`;
  const shown = turns.slice(0, 8).map(formatCell);
  const more = turns.length > shown.length ? ` and ${turns.length - shown.length} more corners` : '';
  const listed = shown.length === 1 ? (shown[0] as string) : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
  return more === '' ? `${base} and turns at ${listed}.` : `${base} and turns at ${shown.join(', ')}${more}.`;
}
