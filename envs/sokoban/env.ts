import { basename } from 'node:path';
import { type Content, image, text } from '../../core/content.js';
import type { EnvContext, EnvSpec, Oracle } from '../../core/env.js';
import { GymError } from '../../core/errors.js';
import type { ImageStore } from '../../core/image-store.js';
import type { Random } from '../../core/random.js';
import { type EnvDefinition, validateEnvOptions } from '../../core/registry.js';
import type { JsonSchema } from '../../core/schema.js';
import type { Tool } from '../../core/tool.js';
import { type Task, ToolEnv } from '../../core/tool-env.js';
import { type ContextBounds, describeBounds } from '../context-budget.js';
import { findDeadlocks } from './deadlock.js';
import { generateLevel } from './generate.js';
import { coordinatesOf, formatCell, formatGrid, type Level } from './level.js';
import { loadLevels } from './load.js';
import { SokobanOracle } from './oracle.js';
import { renderPng } from './render.js';
import { DEFAULT_REWARDS, type Direction, Game, type MoveKind, moveReward, type SokobanRewards } from './rules.js';

/** Which observation parts a step shows. */
export type SokobanObservation = 'both' | 'image' | 'ascii';

/** Options of sokoban-v0, after validation (defaults filled). */
export interface SokobanOptions {
  readonly levels?: string;
  readonly width: number;
  readonly height: number;
  readonly boxes?: number;
  readonly difficulty: number;
  readonly tileSize: number;
  readonly observation: SokobanObservation;
  readonly rewardStep: number;
  readonly rewardBoxOnGoal: number;
  readonly rewardBoxOffGoal: number;
  readonly rewardSolved: number;
}

/** The per-episode state the `move` tool acts on. */
export interface SokobanState {
  readonly level: Level;
  readonly game: Game;
  readonly observation: SokobanObservation;
  readonly tileSize: number;
  readonly rewards: SokobanRewards;
  /** Index of the level in the `levels` file, when one is used. */
  readonly levelIndex?: number;
}

/** Arguments of `move`, after validation. */
interface MoveArgs {
  readonly direction: Direction;
  readonly steps?: number;
}

const MAX_STEPS = 50;

/** Most squares per side of a board this env plays (generated or loaded), outer wall included. */
export const MAX_BOARD_SIDE = 12;
/** Most pixels per square in the image. */
export const MAX_TILE_SIZE = 32;
/** The turn limit: the oracle needs at most 25 turns at the largest options (12 x 12, 10 boxes). */
export const SOKOBAN_TURNS = 75;

/**
 * The bounds every sokoban-v0 observation keeps at the largest options (a 12 x 12 board, 32 px
 * squares, observation=both): a headline, the status line and the text grid; one image.
 */
export const SOKOBAN_BOUNDS: ContextBounds = {
  observationCharacters: 480,
  image: { width: MAX_BOARD_SIDE * MAX_TILE_SIZE, height: MAX_BOARD_SIDE * MAX_TILE_SIZE, characters: 480 },
  turns: SOKOBAN_TURNS,
};

const OPTIONS_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    levels: {
      type: 'string',
      description:
        'Path of a Boxoban or XSB level file, relative to the working directory. Seed i plays level i mod N. Omitted: levels are generated from the seed.',
    },
    width: {
      type: 'integer',
      minimum: 5,
      maximum: MAX_BOARD_SIDE,
      default: 10,
      description: 'Generated room width in squares, outer wall included.',
    },
    height: {
      type: 'integer',
      minimum: 5,
      maximum: MAX_BOARD_SIDE,
      default: 10,
      description: 'Generated room height in squares, outer wall included.',
    },
    boxes: {
      type: 'integer',
      minimum: 1,
      maximum: 10,
      description: 'Number of boxes in generated levels. Omitted: 2 or 3, drawn from the seed.',
    },
    difficulty: {
      type: 'integer',
      minimum: 1,
      maximum: 1000,
      default: 40,
      description: 'Reverse-play steps of the generator: more steps move the boxes further from their goals.',
    },
    tileSize: { type: 'integer', minimum: 8, maximum: MAX_TILE_SIZE, default: 32, description: 'Pixels per square in the image.' },
    observation: {
      type: 'string',
      enum: ['both', 'image', 'ascii'],
      default: 'both',
      description: 'What each observation shows: the image and the text grid (both), only the image, or only the text grid.',
    },
    rewardStep: { type: 'number', default: DEFAULT_REWARDS.step, description: 'Reward added for every unit move tried (a penalty).' },
    rewardBoxOnGoal: { type: 'number', default: DEFAULT_REWARDS.boxOnGoal, description: 'Reward added when a box is pushed onto a goal.' },
    rewardBoxOffGoal: {
      type: 'number',
      default: DEFAULT_REWARDS.boxOffGoal,
      description: 'Reward added when a box is pushed off a goal (a penalty).',
    },
    rewardSolved: { type: 'number', default: DEFAULT_REWARDS.solved, description: 'Reward added when the last box reaches a goal.' },
  },
  additionalProperties: false,
};

const INSTRUCTIONS = [
  'You play Sokoban. The board is a grid of squares; positions are (row, column), 0-based from the top-left corner.',
  'Walls block you. You walk up, down, left or right onto free floor. Walking into a box pushes it one square, but only if the square behind it is free floor: you cannot push a wall, cannot push two boxes at once, and can never pull a box.',
  'Goal: push every box onto a goal. The episode ends as soon as all boxes are on goals.',
  'Text grid symbols: # wall, _ floor, . goal, $ box, * box on a goal, @ you, + you on a goal. In the image: brown bricks are walls, sand is floor, pink rings are goals, amber crates are boxes (green once on a goal), the blue figure is you.',
  'Call `move` with a direction and optionally `steps` to repeat it; a move stops early when blocked. Think before pushing: a box pushed into a corner that is not a goal can never be moved out.',
].join('\n');

/** The static description of sokoban-v0. */
export const spec: EnvSpec = {
  id: 'sokoban-v0',
  version: 0,
  instructions: INSTRUCTIONS,
  maxTurns: SOKOBAN_TURNS,
  answers: false,
  options: OPTIONS_SCHEMA,
  doc: {
    description:
      'Classic Sokoban: push every box onto a goal in a walled room. Levels are generated from the seed (a random-walk room, ' +
      'then boxes pulled backwards from their goals, so every level is solvable) or read from a Boxoban or XSB level file. ' +
      'The board is shown as an image and as a text grid in the same step, so text-only and vision models can both play. ' +
      'An A* solver over pushes provides the oracle.',
    tools:
      '`move(direction, steps?)`: direction is up, down, left or right (up is towards row 0); steps (1-50, default 1) repeats ' +
      'the move and stops early when blocked or when the level is solved. Pushing follows Boxoban: one box at a time, only into ' +
      'free floor. A blocked move is not an error; it leaves the board unchanged and says why.',
    observation:
      'Reset: the task (level name, size, number of boxes), the text grid in XSB notation (# wall, _ floor, . goal, $ box, * box ' +
      'on goal, @ player, + player on goal) and a PNG of tileSize pixels per square. Each step: what the move did, boxes on goals, ' +
      'the player position, then the grid and the image (per the `observation` option).',
    reward:
      'Shaped as gym-sokoban and RAGEN, per unit move tried (blocked ones included): rewardStep (-0.1), plus rewardBoxOnGoal (+1) ' +
      'when a box lands on a goal, rewardBoxOffGoal (-1) when one leaves a goal, and rewardSolved (+10) on solving. A move call ' +
      'with steps sums its unit moves. All four values are options.',
    episodeEnd:
      `Terminated with success when every box is on a goal. Truncated at the turn limit (${SOKOBAN_TURNS} turns; a move with steps is one ` +
      'turn). info.extra reports boxesOnGoals, boxes, the player position, moves, pushes and simple deadlocks (boxes off goals ' +
      'in corners, frozen boxes, boxes on dead squares) with `deadlocked`, so trainers can end hopeless episodes early.',
    options:
      'levels (path of a Boxoban/XSB file; seed i plays level i mod N), width and height (generated room, default 10x10), boxes ' +
      '(default 2 or 3 by seed), difficulty (reverse-play steps, default 40), tileSize (default 32), observation (both | image | ' +
      `ascii, default both), rewardStep, rewardBoxOnGoal, rewardBoxOffGoal, rewardSolved. Boards, generated or loaded, are at most ` +
      `${MAX_BOARD_SIDE} x ${MAX_BOARD_SIDE} squares (a larger level in a file is refused when its seed comes up) and tileSize at ` +
      `most ${MAX_TILE_SIZE}. ${describeBounds(SOKOBAN_BOUNDS)}`,
    versionHistory:
      'v0: first version. v0 determinism and bounds revision: level generation and the oracle are bounded by solver nodes ' +
      '(no wall-clock limit), so a seed gives the same level and demonstration on any machine; boards at most ' +
      `${MAX_BOARD_SIDE} x ${MAX_BOARD_SIDE} (was 30), tileSize at most ${MAX_TILE_SIZE} (was 64), turn limit ${SOKOBAN_TURNS} (was 100), ` +
      'so an episode fits a 32k-token context. Levels of a seed at the allowed sizes are unchanged. v0 encoder revision: ' +
      "images are written by thinkgym's own PNG encoder in indexed colour, so image bytes change; pixels are unchanged. " +
      'v0 speed revision: each row of squares is compressed on its own, once per level and arrangement of sprites, so image ' +
      'bytes change; pixels are unchanged.',
  },
};

const moveTool: Tool<SokobanState, MoveArgs> = {
  name: 'move',
  description:
    'Move the player up (towards row 0), down, left (towards column 0) or right, `steps` times (default 1). Walking into a box ' +
    'pushes it if the square behind it is free floor. Stops early when blocked or when all boxes are on goals.',
  parameters: {
    type: 'object',
    properties: {
      direction: {
        type: 'string',
        enum: ['up', 'down', 'left', 'right'],
        description:
          'Direction on the board: up = towards row 0, down = towards the last row, left = towards column 0, right = away from it.',
      },
      steps: {
        type: 'integer',
        minimum: 1,
        maximum: MAX_STEPS,
        default: 1,
        description: `How many squares to move in that direction (1-${MAX_STEPS}, default 1); the move stops early when blocked.`,
      },
    },
    required: ['direction'],
    additionalProperties: false,
  },
  async run(args, { state, images }) {
    const game = state.game;
    const steps = args.steps ?? 1;
    let reward = 0;
    let moved = 0;
    let pushes = 0;
    let boxFrom = -1;
    let boxTo = -1;
    let blocked: MoveKind | undefined;
    for (let step = 0; step < steps && !game.solved; step += 1) {
      const outcome = game.move(args.direction);
      reward += moveReward(game, outcome, state.rewards);
      if (outcome.kind === 'wall' || outcome.kind === 'box-blocked') {
        blocked = outcome.kind;
        break;
      }
      moved += 1;
      if (outcome.kind === 'push') {
        if (pushes === 0) boxFrom = outcome.boxFrom ?? -1;
        boxTo = outcome.boxTo ?? -1;
        pushes += 1;
      }
    }
    const width = state.level.width;
    const parts: string[] = [];
    if (moved === 0) {
      parts.push(`You could not move ${args.direction}: ${blockedReason(blocked)}. Nothing changed.`);
    } else {
      let sentence = `Moved ${args.direction} ${moved === 1 ? '1 square' : `${moved} squares`}`;
      if (pushes > 0) {
        const goals = state.level.goals;
        const where = goals.includes(boxTo) ? ', onto a goal' : goals.includes(boxFrom) ? ', off its goal' : '';
        sentence += `, pushing the box at ${formatCell(width, boxFrom)} to ${formatCell(width, boxTo)}${where}`;
      }
      parts.push(`${sentence}.`);
      if (blocked !== undefined) parts.push(`Stopped after ${moved} of ${steps}: ${blockedReason(blocked)}.`);
    }
    if (game.solved) parts.push('All boxes are on goals: the puzzle is solved!');
    const content = await observe(state, images, parts.join(' '));
    return {
      content,
      reward: Math.round(reward * 1e6) / 1e6,
      terminated: game.solved,
      success: game.solved,
      data: { moved, pushes, blocked: blocked ?? null, player: game.player, boxes: game.boxes() },
    };
  },
};

function blockedReason(kind: MoveKind | undefined): string {
  return kind === 'box-blocked' ? 'the box ahead cannot move (a wall or another box is behind it)' : 'a wall is in the way';
}

/** The observation of the current position, after a headline. */
async function observe(state: SokobanState, images: ImageStore, headline: string): Promise<Content> {
  const game = state.game;
  const lines = [
    headline,
    `Boxes on goals: ${game.boxesOnGoals}/${game.boxCount}. You are at ${formatCell(state.level.width, game.player)}. Moves so far: ${game.moves}.`,
  ];
  if (state.observation !== 'image') lines.push(`Board (row 0 at the top):\n${formatGrid(state.level, game.player, game.boxes())}`);
  const content: Content = [text(lines.join('\n'))];
  if (state.observation === 'ascii') return content;
  const png = await renderPng(state.level, game.player, game.boxes(), state.tileSize);
  return [...content, image(await images.put(png))];
}

/** The sokoban-v0 environment. */
export class SokobanEnv extends ToolEnv<SokobanState> {
  readonly spec = spec;
  protected readonly toolset = [moveTool];
  private readonly options: SokobanOptions;

  constructor(context: EnvContext, options: SokobanOptions) {
    super(context);
    this.options = options;
  }

  protected async createTask(random: Random, seed: number, overrides: Readonly<Record<string, unknown>>): Promise<Task<SokobanState>> {
    const options =
      Object.keys(overrides).length === 0
        ? this.options
        : (validateEnvOptions(spec, { ...this.options, ...overrides }) as unknown as SokobanOptions);
    let level: Level;
    let levelIndex: number | undefined;
    if (options.levels !== undefined) {
      const levels = await loadLevels(options.levels);
      levelIndex = ((seed % levels.length) + levels.length) % levels.length;
      level = levels[levelIndex] as Level;
      if (level.width > MAX_BOARD_SIDE || level.height > MAX_BOARD_SIDE) {
        throw new GymError(
          'level-too-large',
          `Level ${level.name} (index ${levelIndex}) is ${level.width}x${level.height} squares; sokoban-v0 plays boards of at most ${MAX_BOARD_SIDE}x${MAX_BOARD_SIDE} so an episode fits a 32k-token context. Use a file of smaller levels.`,
        );
      }
    } else {
      level = generateLevel(random, {
        width: options.width,
        height: options.height,
        difficulty: options.difficulty,
        ...(options.boxes === undefined ? {} : { boxes: options.boxes }),
      });
    }
    const state: SokobanState = {
      level,
      game: new Game(level),
      observation: options.observation,
      tileSize: options.tileSize,
      rewards: {
        step: options.rewardStep,
        boxOnGoal: options.rewardBoxOnGoal,
        boxOffGoal: options.rewardBoxOffGoal,
        solved: options.rewardSolved,
      },
      ...(levelIndex === undefined ? {} : { levelIndex }),
    };
    const name = levelIndex === undefined ? `generated level (seed ${seed})` : `level ${level.name} of ${basename(options.levels ?? '')}`;
    const headline =
      `Sokoban, ${name}: ${level.height} rows x ${level.width} columns, ${level.goals.length} boxes. ` +
      'Push every box onto a goal using the move tool.';
    return { state, observation: await observe(state, this.context.images, headline) };
  }

  protected override describe(state: SokobanState): Readonly<Record<string, unknown>> {
    const game = state.game;
    const width = state.level.width;
    const boxes = game.boxes();
    const deadlocks = findDeadlocks(state.level, boxes);
    const cells = (list: readonly number[]) => list.map((cell) => coordinatesOf(width, cell));
    return {
      level: state.level.name,
      ...(state.levelIndex === undefined ? {} : { levelIndex: state.levelIndex }),
      player: coordinatesOf(width, game.player),
      boxes: game.boxCount,
      boxesOnGoals: game.boxesOnGoals,
      moves: game.moves,
      pushes: game.pushes,
      solved: game.solved,
      deadlocked: deadlocks.corner.length + deadlocks.frozen.length + deadlocks.deadSquare.length > 0,
      deadlocks: { corner: cells(deadlocks.corner), frozen: cells(deadlocks.frozen), deadSquare: cells(deadlocks.deadSquare) },
    };
  }

  protected override createOracle(state: SokobanState): Oracle {
    return new SokobanOracle(state.game);
  }
}

/** The registry definition of sokoban-v0. */
export const definition: EnvDefinition = {
  spec,
  create: (options, context) => new SokobanEnv(context, options as unknown as SokobanOptions),
};
