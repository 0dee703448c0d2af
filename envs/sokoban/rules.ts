import { type Level, TILE_FLOOR } from './level.js';

/** The four moves, named from the picture: up is towards row 0. */
export type Direction = 'up' | 'down' | 'left' | 'right';

/** All directions, in the fixed order the solver and the generator use. */
export const DIRECTIONS: readonly Direction[] = ['up', 'down', 'left', 'right'];

/** The cell-index offset of one step in `direction` on a board `width` wide. */
export function directionOffset(width: number, direction: Direction): number {
  switch (direction) {
    case 'up':
      return -width;
    case 'down':
      return width;
    case 'left':
      return -1;
    case 'right':
      return 1;
  }
}

/** The direction opposite to `direction`. */
export function opposite(direction: Direction): Direction {
  switch (direction) {
    case 'up':
      return 'down';
    case 'down':
      return 'up';
    case 'left':
      return 'right';
    case 'right':
      return 'left';
  }
}

/** What one unit move did. `wall` and `box-blocked` left the position unchanged. */
export type MoveKind = 'walk' | 'push' | 'wall' | 'box-blocked';

/** The outcome of one unit move. */
export interface MoveOutcome {
  readonly kind: MoveKind;
  /** For pushes: where the box was and where it went. */
  readonly boxFrom?: number;
  readonly boxTo?: number;
}

/** Shaped rewards, after the gym-sokoban / RAGEN convention; each value is added as is. */
export interface SokobanRewards {
  /** Added for every unit move tried, blocked ones included (default -0.1). */
  readonly step: number;
  /** Added when a box lands on a goal (default +1). */
  readonly boxOnGoal: number;
  /** Added when a box leaves a goal (default -1). */
  readonly boxOffGoal: number;
  /** Added when the last box reaches its goal (default +10). */
  readonly solved: number;
}

/** The default shaping: -0.1 per move, +1 box on goal, -1 box off goal, +10 on solving. */
export const DEFAULT_REWARDS: SokobanRewards = { step: -0.1, boxOnGoal: 1, boxOffGoal: -1, solved: 10 };

/**
 * A position in play, with the Boxoban push rules: the player walks onto free floor; walking into
 * a box pushes it one square when the square behind it is free floor (no wall, no other box), so
 * only one box moves at a time and boxes are never pulled.
 */
export class Game {
  readonly level: Level;
  player: number;
  /** 1 where a box stands. */
  readonly boxMask: Uint8Array;
  /** 1 where a goal is. */
  readonly goalMask: Uint8Array;
  moves = 0;
  pushes = 0;
  boxesOnGoals = 0;

  constructor(level: Level, position: { player: number; boxes: Iterable<number> } = level) {
    this.level = level;
    this.player = position.player;
    this.boxMask = new Uint8Array(level.tiles.length);
    this.goalMask = new Uint8Array(level.tiles.length);
    for (const goal of level.goals) this.goalMask[goal] = 1;
    for (const box of position.boxes) {
      this.boxMask[box] = 1;
      if (this.goalMask[box] === 1) this.boxesOnGoals += 1;
    }
  }

  /** Number of boxes (equal to the number of goals). */
  get boxCount(): number {
    return this.level.goals.length;
  }

  /** Whether every box is on a goal. */
  get solved(): boolean {
    return this.boxesOnGoals === this.boxCount;
  }

  /** Box cells, ascending. */
  boxes(): number[] {
    const cells: number[] = [];
    for (let cell = 0; cell < this.boxMask.length; cell += 1) if (this.boxMask[cell] === 1) cells.push(cell);
    return cells;
  }

  /** Whether `cell` is floor without a box. */
  isFree(cell: number): boolean {
    return this.level.tiles[cell] === TILE_FLOOR && this.boxMask[cell] !== 1;
  }

  /** Applies one unit move and returns what happened. */
  move(direction: Direction): MoveOutcome {
    const offset = directionOffset(this.level.width, direction);
    const target = this.player + offset;
    if (this.level.tiles[target] !== TILE_FLOOR) return { kind: 'wall' };
    if (this.boxMask[target] === 1) {
      const beyond = target + offset;
      if (!this.isFree(beyond)) return { kind: 'box-blocked' };
      this.boxMask[target] = 0;
      this.boxMask[beyond] = 1;
      this.boxesOnGoals += (this.goalMask[beyond] ?? 0) - (this.goalMask[target] ?? 0);
      this.player = target;
      this.moves += 1;
      this.pushes += 1;
      return { kind: 'push', boxFrom: target, boxTo: beyond };
    }
    this.player = target;
    this.moves += 1;
    return { kind: 'walk' };
  }

  /** A compact key of the position (player and boxes). */
  key(): string {
    return `${this.player}:${this.boxes().join(',')}`;
  }
}

/** The shaped reward of one unit move (its outcome and whether it solved the level). */
export function moveReward(game: Game, outcome: MoveOutcome, rewards: SokobanRewards): number {
  let reward = rewards.step;
  if (outcome.kind === 'push' && outcome.boxFrom !== undefined && outcome.boxTo !== undefined) {
    const wasOnGoal = game.goalMask[outcome.boxFrom] === 1;
    const isOnGoal = game.goalMask[outcome.boxTo] === 1;
    if (isOnGoal && !wasOnGoal) reward += rewards.boxOnGoal;
    if (wasOnGoal && !isOnGoal) reward += rewards.boxOffGoal;
    if (game.solved) reward += rewards.solved;
  }
  return reward;
}
