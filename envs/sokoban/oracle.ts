import type { Oracle, OracleStep } from '../../core/env.js';
import { GymError } from '../../core/errors.js';
import { formatCell } from './level.js';
import { type Direction, directionOffset, Game } from './rules.js';
import { DEFAULT_MAX_NODES, type SolveOptions, solve } from './solve.js';

/** One planned `move` call: a run of identical unit moves, with its rationale. */
export interface PlannedCall {
  readonly direction: Direction;
  readonly steps: number;
  readonly thought: string;
  /** The position key (`Game.key()`) the call expects to start from. */
  readonly from: string;
}

const SIDE_FOR_PUSH: Readonly<Record<Direction, string>> = {
  right: 'to the left of',
  left: 'to the right of',
  up: 'below',
  down: 'above',
};

/** What one run of identical moves does, found by playing it out. */
interface Run {
  readonly direction: Direction;
  readonly steps: number;
  readonly walked: number;
  readonly pushed: number;
  readonly boxFrom: number;
  readonly boxTo: number;
  readonly from: string;
  readonly playerAfter: number;
  readonly solvedAfter: boolean;
  readonly boxesOnGoalsAfter: number;
}

/**
 * Turns a solution (unit moves from `game`'s position) into `move` calls: consecutive identical
 * directions become one call with `steps`, each with a one-sentence rationale such as
 * "Walk right 2 to the box at (3,4) and push it right 1 square onto the goal at (3,6)."
 */
export function planCalls(game: Game, moves: readonly Direction[]): PlannedCall[] {
  const play = new Game(game.level, { player: game.player, boxes: game.boxes() });
  const runs: Run[] = [];
  let index = 0;
  while (index < moves.length) {
    const direction = moves[index] as Direction;
    let steps = 0;
    while (moves[index + steps] === direction) steps += 1;
    const from = play.key();
    let walked = 0;
    let pushed = 0;
    let boxFrom = -1;
    let boxTo = -1;
    for (let step = 0; step < steps; step += 1) {
      const outcome = play.move(direction);
      if (outcome.kind === 'push') {
        if (pushed === 0) boxFrom = outcome.boxFrom ?? -1;
        boxTo = outcome.boxTo ?? -1;
        pushed += 1;
      } else if (outcome.kind === 'walk') {
        walked += 1;
      } else {
        throw new GymError('oracle-failed', `The Sokoban plan tried to move ${direction} into a ${outcome.kind}; this is a solver bug.`);
      }
    }
    runs.push({
      direction,
      steps,
      walked,
      pushed,
      boxFrom,
      boxTo,
      from,
      playerAfter: play.player,
      solvedAfter: play.solved,
      boxesOnGoalsAfter: play.boxesOnGoals,
    });
    index += steps;
  }
  const width = game.level.width;
  const goals = new Set(game.level.goals);
  const total = game.boxCount;
  return runs.map((run, position) => {
    let thought: string;
    if (run.pushed === 0) {
      const next = runs.slice(position + 1).find((later) => later.pushed > 0);
      if (next === undefined) {
        thought = `Walk ${run.direction} ${squares(run.steps)}.`;
      } else {
        const offset = directionOffset(width, next.direction);
        const side = SIDE_FOR_PUSH[next.direction];
        const box = formatCell(width, next.boxFrom);
        const walk = `Walk ${run.direction} ${squares(run.steps)}`;
        if (run.playerAfter === next.boxFrom - offset) {
          thought = `${walk} to stand ${side} the box at ${box}, ready to push it ${next.direction}.`;
        } else if (runs[position + 1] === next && run.playerAfter === next.boxFrom - offset * (next.walked + 1)) {
          thought = `${walk} to line up ${side} the box at ${box}, ready to push it ${next.direction}.`;
        } else {
          thought = `${walk} on the way ${side} the box at ${box}, which I will push ${next.direction} next.`;
        }
      }
    } else {
      const box = formatCell(width, run.boxFrom);
      const target = formatCell(width, run.boxTo);
      const onGoal = goals.has(run.boxTo);
      const offGoal = !onGoal && goals.has(run.boxFrom);
      const start =
        run.walked > 0
          ? `Walk ${run.direction} ${squares(run.walked)} to the box at ${box} and push it ${run.direction} ${squares(run.pushed)}`
          : `Push the box at ${box} ${run.direction} ${squares(run.pushed)}`;
      const end = onGoal ? ` onto the goal at ${target}` : offGoal ? ` off its goal to ${target}, to make room` : ` to ${target}`;
      const after = run.solvedAfter
        ? ' That puts the last box on its goal.'
        : onGoal
          ? ` (${run.boxesOnGoalsAfter}/${total} boxes on goals.)`
          : '';
      thought = `${start}${end}.${after}`;
    }
    return { direction: run.direction, steps: run.steps, thought, from: run.from };
  });
}

function squares(count: number): string {
  return count === 1 ? '1 square' : `${count} squares`;
}

/**
 * Node budget of the oracle's solver. The oracle's moves are recorded in datasets, so its search is
 * bounded by nodes alone, never by time: the same position gives the same moves on any machine.
 */
export const ORACLE_MAX_NODES = DEFAULT_MAX_NODES;

/**
 * The Sokoban expert: solves the live position with {@link solve} (node budget
 * {@link ORACLE_MAX_NODES}, no time limit) and plays the solution as grouped `move` calls. When the position is not the one its plan expects (someone else moved),
 * it solves again from there. Throws `GymError('oracle-failed')` when the position cannot be
 * solved within the budget (e.g. a box was already pushed into a deadlock).
 */
export class SokobanOracle implements Oracle {
  private readonly game: Game;
  private readonly options: SolveOptions;
  private plan: PlannedCall[] = [];

  constructor(game: Game, options: Pick<SolveOptions, 'maxNodes' | 'algorithm'> = {}) {
    this.game = game;
    this.options = { maxNodes: ORACLE_MAX_NODES, ...options };
  }

  async next(): Promise<OracleStep> {
    const key = this.game.key();
    if (this.plan[0]?.from !== key) this.plan = this.solveFromHere();
    const call = this.plan.shift();
    if (call === undefined) {
      throw new GymError('oracle-failed', 'The Sokoban level is already solved; the episode should have terminated.');
    }
    const args = call.steps === 1 ? { direction: call.direction } : { direction: call.direction, steps: call.steps };
    return { thought: call.thought, action: { type: 'tool_call', name: 'move', arguments: args } };
  }

  private solveFromHere(): PlannedCall[] {
    const result = solve(this.game.level, { player: this.game.player, boxes: this.game.boxes() }, this.options);
    if (result.status !== 'solved') {
      const why =
        result.status === 'unsolvable' ? 'cannot be solved from here (a box is stuck)' : 'was not solved within the search budget';
      throw new GymError('oracle-failed', `The Sokoban position ${why}; the oracle has no move to suggest.`, {
        data: { status: result.status, nodes: result.nodes },
      });
    }
    return planCalls(this.game, result.moves);
  }
}
