import { type Content, type ContentPart, image, text } from '../../core/content.js';
import type { EnvContext, EnvSpec, Oracle } from '../../core/env.js';
import { GymError } from '../../core/errors.js';
import type { Random } from '../../core/random.js';
import type { EnvDefinition } from '../../core/registry.js';
import { type Tool, type ToolContext, type ToolResult, toolError } from '../../core/tool.js';
import { type Task, ToolEnv } from '../../core/tool-env.js';
import { parsePointList } from '../../tools/image/draw-path.js';
import { type ContextBounds, describeBounds } from '../context-budget.js';
import { asciiView, VIEW_CHARACTERS } from './ascii.js';
import { generateMaze, MIN_ROOMS } from './generate.js';
import {
  type Cell,
  DIRECTIONS,
  type Direction,
  directionBetween,
  formatCell,
  inside,
  isOpen,
  type Maze,
  neighbour,
  sameCell,
} from './grid.js';
import { loadMazeFile, type MazeLevel } from './load.js';
import { MAZE_COLOURS, MazeRenderer } from './render.js';
import { MazeOracle, ORACLE_MAX_DRAW_POINTS, ORACLE_MAX_MOVE_STEPS } from './solve.js';

/** What each observation shows: the image, the ASCII view, or both. */
export type MazeObservationMode = 'both' | 'image' | 'ascii';

/** Options of `maze-v0`, after validation (defaults filled). */
export interface MazeOptions {
  readonly width: number;
  readonly height: number;
  readonly loops: number;
  readonly cellSize: number;
  readonly stepPenalty: number;
  readonly observation: MazeObservationMode;
  readonly levels?: string;
}

/** The per-episode state tools act on. `player` changes as the agent moves. */
export interface MazeState {
  readonly maze: Maze;
  player: Cell;
  /** `move` calls so far, blocked ones included. */
  moves: number;
  readonly settings: Pick<MazeOptions, 'cellSize' | 'stepPenalty' | 'observation'>;
  /** Renders frames of this maze; made on the first image. */
  renderer?: MazeRenderer;
  /** The last rendered image, reused while the player has not moved. */
  rendered?: { readonly player: Cell; readonly png: Buffer };
}

/** Most squares one `move` covers. */
export const MAX_MOVE_STEPS = ORACLE_MAX_MOVE_STEPS;
/** Most points one `draw_path` takes. */
export const MAX_DRAW_POINTS = ORACLE_MAX_DRAW_POINTS;

/**
 * Most rooms per side of a generated maze in this env (the generator itself goes to
 * `MAX_ROOMS`): 8 x 8 rooms make a 17 x 17 grid, whose episodes fit a 32k-token context.
 */
export const MAX_ENV_ROOMS = 8;
/** Most squares per side of any maze this env plays, generated or loaded. */
export const MAX_SQUARES = 2 * MAX_ENV_ROOMS + 1;
/** Most pixels per square in the image. */
export const MAX_CELL_SIZE = 24;
/**
 * The turn limit of every maze. The oracle needs one turn per straight run of the route plus one:
 * at most 31 for 7 x 7 rooms and 39 for 8 x 8 over 300 seeds each.
 */
export const MAZE_TURNS = 50;

/**
 * The bounds every maze-v0 observation keeps at the largest options (17 x 17 squares, 24 px each,
 * observation=both): the longest text is a draw_path report with its ASCII view; the image is the
 * grid plus its ruler.
 */
export const MAZE_BOUNDS: ContextBounds = {
  observationCharacters: 900,
  image: { width: MAX_SQUARES * MAX_CELL_SIZE + 24, height: MAX_SQUARES * MAX_CELL_SIZE + 24, characters: 900 },
  turns: MAZE_TURNS,
};

const OPTIONS_SCHEMA = {
  type: 'object',
  properties: {
    width: {
      type: 'integer',
      minimum: MIN_ROOMS,
      maximum: MAX_ENV_ROOMS,
      default: 7,
      description: `Rooms per row of a generated maze (${MIN_ROOMS}..${MAX_ENV_ROOMS}); the grid is 2*width+1 squares wide.`,
    },
    height: {
      type: 'integer',
      minimum: MIN_ROOMS,
      maximum: MAX_ENV_ROOMS,
      default: 7,
      description: `Rooms per column of a generated maze (${MIN_ROOMS}..${MAX_ENV_ROOMS}); the grid is 2*height+1 squares tall.`,
    },
    loops: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: 0,
      description:
        'Probability of knocking out each inner wall left between two rooms; 0 gives a perfect maze (one route), more gives loops.',
    },
    cellSize: {
      type: 'integer',
      minimum: 4,
      maximum: MAX_CELL_SIZE,
      default: 24,
      description: `Pixels per grid square in the image (4..${MAX_CELL_SIZE}); a ruler of indices runs along the top and left.`,
    },
    stepPenalty: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: 0.01,
      description: 'Reward subtracted for every move call (blocked ones included).',
    },
    observation: {
      type: 'string',
      enum: ['both', 'image', 'ascii'],
      default: 'both',
      description: 'What observations show: the image and the ASCII view (both), only the image, or only the ASCII view (no PNG rendered).',
    },
    levels: {
      type: 'string',
      description: 'Path of an ASCII maze file; seed i plays maze i mod N of the file and width, height and loops are ignored.',
    },
  },
  additionalProperties: false,
} as const;

const DEFAULT_OPTIONS: MazeOptions = { width: 7, height: 7, loops: 0, cellSize: 24, stepPenalty: 0.01, observation: 'both' };

const COORDINATES = 'Squares are (row, col), 0-based: row 0 is the top row, col 0 the leftmost column.';

/** The spec of `maze-v0` (with the turn limit of the default 7 x 7 maze). */
export const spec: EnvSpec = {
  id: 'maze-v0',
  version: 0,
  instructions:
    'You are in a grid maze seen from above. Walls are dark squares (# in the text view), floor is light (.); ' +
    'you are the red circle (@) and the goal is the green square (G). Reach the goal with `move`, which slides ' +
    'you up, down, left or right a number of squares until a wall stops you. `draw_path` sketches a route over the ' +
    `image and checks it without moving you; use it to plan. ${COORDINATES} In the image, column numbers run along the top ` +
    'and row numbers down the left side, each centred on its square. Fewer moves is better.',
  maxTurns: MAZE_TURNS,
  answers: false,
  options: OPTIONS_SCHEMA,
  doc: {
    description:
      'Navigate a grid maze from the start to the goal. Mazes are generated from the seed: a perfect maze of width x height rooms ' +
      'carved by randomized depth-first search (rooms at odd squares of a (2*height+1) x (2*width+1) grid, walls between), ' +
      'optionally with loops; the start is a random room and the goal the square farthest from it. With `levels`, mazes come ' +
      'from an ASCII file instead. The oracle draws the shortest route first, then walks it one straight run per move.',
    tools:
      `move {direction: up|down|left|right, steps: 1..${MAX_MOVE_STEPS} = 1}: slides the player square by square until ` +
      '`steps` are done, a wall blocks, or the goal is reached; says how far it went and whether it was blocked. A move ' +
      'blocked at once is a tool error (isError) that names the wall and the open directions. ' +
      'draw_path {points: "r,c; r,c; ..."}: square centres in (row, col) order, consecutive points sharing a row or a ' +
      'column; draws the polyline over the current image (and marks it in the text view) and reports walls crossed, ' +
      'whether it starts at the player and ends at the goal, and its length in squares. It never moves the player. ' +
      'A malformed point list is a tool error that shows the format.',
    observation:
      'Text, then one PNG image (unless observation=ascii). The text holds a line on what happened, the position line ' +
      '"You are at (r, c); the goal is at (r, c).", and (unless observation=image) the ASCII view: # wall, . floor, ' +
      '@ player, G goal, with column digits above (tens digit every tenth column) and row numbers at the left; after ' +
      'draw_path, * marks the drawn path on floor and X where it crosses a wall. The image is cellSize pixels per square: ' +
      'walls dark, floor light, the goal a green square, the player a red circle; a drawn path is blue, or orange when ' +
      'it crosses a wall. A ruler frames the grid: column indices along the top, row indices along the left, each centred ' +
      'on its square, in the (row, col) convention of draw_path (every index when squares are wide enough for ' +
      'its digits, else every 2nd or 5th). The digits are glyph paths from the bundled DejaVu Sans; same seed and options give byte-identical images.',
    reward:
      'Every move call earns -stepPenalty (default 0.01), blocked ones included; the move that reaches the goal earns ' +
      '+1 on top (so 0.99 by default). draw_path and invalid calls earn 0. There are no answers; success is reaching the goal.',
    episodeEnd:
      'Terminated with success when the player reaches the goal (also when a move passes over it: the move stops there). ' +
      `Truncated at the turn limit, ${MAZE_TURNS} turns for every maze; the oracle needs at most one turn per straight run ` +
      'of the route plus one (at most 39 over 300 seeds of 8 x 8 rooms). makeEnv(..., { maxTurns }) overrides it.',
    options:
      `width, height (rooms, 3..${MAX_ENV_ROOMS}, default 7), loops (0..1, default 0), cellSize (px per square, 4..${MAX_CELL_SIZE}, default 24), ` +
      'stepPenalty (default 0.01), observation (both|image|ascii, default both), levels (path of an ASCII maze file). ' +
      'Maze file format: one character per square, "#" wall, " " or "." floor, "S" start, "G" goal (exactly one of each); ' +
      'mazes separated by blank lines or ";" lines (as in Boxoban files, "; 7" names the next maze); short rows are ' +
      `padded with walls; mazes larger than ${MAX_SQUARES} x ${MAX_SQUARES} squares are refused. Seed i plays maze i mod N ` +
      `(negative seeds wrap too). ${describeBounds(MAZE_BOUNDS)}`,
    versionHistory:
      'v0: first version. v0 bounds and ruler revision: images carry a ruler of row and column indices (image bytes change); ' +
      `generated mazes go up to ${MAX_ENV_ROOMS} x ${MAX_ENV_ROOMS} rooms (was 41), cellSize up to ${MAX_CELL_SIZE} px (was 64), ` +
      `loaded mazes up to ${MAX_SQUARES} x ${MAX_SQUARES} squares, and the turn limit is ${MAZE_TURNS} for every maze, so an ` +
      'episode fits a 32k-token context. Mazes of a seed are unchanged. v0 encoder revision: images are written by ' +
      "thinkgym's own PNG encoder (indexed colour when at most 256 colours), so image bytes change; pixels are unchanged. " +
      'v0 speed revision: an image is a stack of bands (the ruler rows, then each row of squares) compressed on their own and ' +
      "once per position, and draw_path's route is drawn in memory instead of as an SVG overlay by sharp, so image bytes " +
      'change; frames without a route keep their pixels, and route pixels differ from the overlay by a few levels at their anti-aliased edges.',
  },
};

/** The `maze-v0` env: seeded or file-loaded mazes, `move` and `draw_path` tools, and a BFS oracle. */
export class MazeEnv extends ToolEnv<MazeState> {
  readonly spec: EnvSpec = spec;
  protected readonly toolset: readonly Tool<MazeState, never>[] = [moveTool, drawPathTool];
  private readonly options: MazeOptions;
  private readonly levels: readonly MazeLevel[] | undefined;

  /** `levels`, when given, replaces generation: seed i plays `levels[i mod N]`. */
  constructor(options: MazeOptions, context: EnvContext, levels?: readonly MazeLevel[]) {
    super(context);
    this.options = options;
    this.levels = levels;
  }

  protected async createTask(random: Random, seed: number, _options: Readonly<Record<string, unknown>>): Promise<Task<MazeState>> {
    const { cellSize, stepPenalty, observation } = this.options;
    let maze: Maze;
    let origin: string;
    if (this.levels === undefined) {
      maze = generateMaze(random, this.options);
      origin = `A ${this.options.width} x ${this.options.height}-room maze`;
    } else {
      const index = ((seed % this.levels.length) + this.levels.length) % this.levels.length;
      const level = this.levels[index] as MazeLevel;
      maze = level.maze;
      origin = `Maze ${index + 1} of ${this.levels.length}${level.name === undefined ? '' : ` ("${level.name}")`}`;
    }
    const state: MazeState = { maze, player: maze.start, moves: 0, settings: { cellSize, stepPenalty, observation } };
    const headline = `${origin}: ${maze.rows} rows x ${maze.cols} columns of squares. ${COORDINATES}`;
    return { state, observation: await observe(state, this.context.images, headline) };
  }

  protected override describe(state: MazeState): Readonly<Record<string, unknown>> {
    return { position: [state.player.row, state.player.col], goal: [state.maze.goal.row, state.maze.goal.col], moves: state.moves };
  }

  protected override createOracle(state: MazeState): Oracle {
    return new MazeOracle(state);
  }
}

/** Arguments of `move`. */
interface MoveArgs {
  readonly direction: Direction;
  readonly steps: number;
}

const moveTool: Tool<MazeState, MoveArgs> = {
  name: 'move',
  description:
    'Move the player up (row - 1), down (row + 1), left (col - 1) or right (col + 1), square by square, until `steps` are done, ' +
    'a wall blocks the way, or the goal is reached. Squares are (row, col), 0-based, row 0 at the top.',
  parameters: {
    type: 'object',
    properties: {
      direction: { type: 'string', enum: [...DIRECTIONS], description: 'Which way to move: up, down, left or right.' },
      steps: {
        type: 'integer',
        minimum: 1,
        maximum: MAX_MOVE_STEPS,
        default: 1,
        description: `How many squares to move (1..${MAX_MOVE_STEPS}); the move stops early at a wall or at the goal.`,
      },
    },
    required: ['direction'],
    additionalProperties: false,
  },
  async run(args: MoveArgs, context: ToolContext<MazeState>): Promise<ToolResult> {
    const state = context.state;
    const { maze } = state;
    const from = state.player;
    state.moves += 1;
    const penalty = -state.settings.stepPenalty;
    let moved = 0;
    let blocker: Cell | undefined;
    let position = from;
    while (moved < args.steps) {
      const next = neighbour(position, args.direction);
      if (!isOpen(maze, next)) {
        blocker = next;
        break;
      }
      position = next;
      moved += 1;
      if (sameCell(position, maze.goal)) break;
    }
    state.player = position;
    if (moved === 0) {
      const what = blocker !== undefined && inside(maze, blocker) ? `a wall at ${formatCell(blocker)}` : 'the edge of the maze';
      const open = DIRECTIONS.filter((direction) => isOpen(maze, neighbour(from, direction)));
      return {
        ...toolError(
          `cannot move ${args.direction} from ${formatCell(from)}: ${what} is in the way, so you did not move. ` +
            `Open directions from here: ${open.join(', ') || 'none'}.`,
          { moved: 0, blocked: true, position: [from.row, from.col] },
        ),
        reward: penalty,
      };
    }
    const squares = `${moved} ${moved === 1 ? 'square' : 'squares'}`;
    const data = { moved, blocked: blocker !== undefined, position: [position.row, position.col] };
    if (sameCell(position, maze.goal)) {
      const headline = `Moved ${args.direction} ${squares}: ${formatCell(from)} -> ${formatCell(position)}. You reached the goal in ${state.moves} ${state.moves === 1 ? 'move' : 'moves'}!`;
      return { content: await observe(state, context.images, headline), data, reward: penalty + 1, terminated: true, success: true };
    }
    const partial = moved < args.steps ? ` of the ${args.steps} asked` : '';
    const blocked =
      blocker === undefined
        ? ''
        : inside(maze, blocker)
          ? `; blocked by a wall at ${formatCell(blocker)}`
          : '; blocked by the edge of the maze';
    const headline = `Moved ${args.direction} ${squares}${partial}: ${formatCell(from)} -> ${formatCell(position)}${blocked}.`;
    return { content: await observe(state, context.images, headline), data, reward: penalty };
  },
};

/** Arguments of `draw_path`. */
interface DrawPathArgs {
  readonly points: string;
}

const DRAW_EXAMPLE = '"1,1; 1,5; 3,5"';

const drawPathTool: Tool<MazeState, DrawPathArgs> = {
  name: 'draw_path',
  description:
    'Draw a route over the maze image to check it, without moving: a polyline through square centres given as (row, col), ' +
    '0-based, row 0 at the top. Consecutive points must share a row or a column. Reports walls crossed, whether it starts ' +
    'at you and ends at the goal, and its length.',
  parameters: {
    type: 'object',
    properties: {
      points: {
        type: 'string',
        description: `Squares "row,col" in order, separated by ";" (2 to ${MAX_DRAW_POINTS} points), e.g. ${DRAW_EXAMPLE}.`,
      },
    },
    required: ['points'],
    additionalProperties: false,
  },
  annotations: { readOnly: true },
  async run(args: DrawPathArgs, context: ToolContext<MazeState>): Promise<ToolResult> {
    const state = context.state;
    const { maze } = state;
    const parsed = parsePointList(args.points, { integers: true, example: DRAW_EXAMPLE });
    if (!parsed.ok) return toolError(`${parsed.message} Points are (row, col) squares.`);
    const points = parsed.pairs.map(([row, col]) => ({ row, col }));
    if (points.length < 2 || points.length > MAX_DRAW_POINTS) {
      return toolError(`give between 2 and ${MAX_DRAW_POINTS} points (got ${points.length}), e.g. ${DRAW_EXAMPLE}.`);
    }
    for (const [index, point] of points.entries()) {
      if (!inside(maze, point)) {
        return toolError(
          `point ${index + 1} ${formatCell(point)} is outside the maze, whose rows are 0..${maze.rows - 1} and columns 0..${maze.cols - 1}.`,
        );
      }
    }
    const squares: Cell[] = [points[0] as Cell];
    for (let index = 1; index < points.length; index += 1) {
      const a = points[index - 1] as Cell;
      const b = points[index] as Cell;
      if (sameCell(a, b)) continue;
      const direction = directionBetween(a, b);
      if (direction === undefined) {
        return toolError(
          `points ${index} ${formatCell(a)} and ${index + 1} ${formatCell(b)} share neither a row nor a column; ` +
            `add a corner between them, such as ${formatCell({ row: a.row, col: b.col })} or ${formatCell({ row: b.row, col: a.col })}.`,
        );
      }
      let square = a;
      while (!sameCell(square, b)) {
        square = neighbour(square, direction);
        squares.push(square);
      }
    }
    const walls: Cell[] = [];
    const seen = new Set<number>();
    for (const square of squares) {
      const key = square.row * maze.cols + square.col;
      if (!isOpen(maze, square) && !seen.has(key)) {
        seen.add(key);
        walls.push(square);
      }
    }
    const first = points[0] as Cell;
    const last = points[points.length - 1] as Cell;
    const startsAtPlayer = sameCell(first, state.player);
    const reachesGoal = sameCell(last, maze.goal);
    const length = squares.length - 1;
    const valid = walls.length === 0 && startsAtPlayer && reachesGoal;
    const wallText =
      walls.length === 0
        ? 'none'
        : `${walls.length}, first at ${formatCell(walls[0] as Cell)}${walls.length > 1 ? `; also ${walls.slice(1, 6).map(formatCell).join(', ')}${walls.length > 6 ? ', ...' : ''}` : ''}`;
    const verdict = valid
      ? 'Verdict: a clear route from you to the goal; follow it with move.'
      : `Verdict: not a clear route from you to the goal (${[
          walls.length > 0 ? 'it crosses walls' : '',
          startsAtPlayer ? '' : `it does not start at you, ${formatCell(state.player)}`,
          reachesGoal ? '' : `it does not end at the goal, ${formatCell(maze.goal)}`,
        ]
          .filter((reason) => reason !== '')
          .join('; ')}).`;
    const report = [
      `Drew a path through ${points.length} points, ${length} ${length === 1 ? 'square' : 'squares'} long, from ${formatCell(first)} to ${formatCell(last)}.`,
      `Starts at you ${formatCell(state.player)}: ${startsAtPlayer ? 'yes' : 'no'}. Ends at the goal ${formatCell(maze.goal)}: ${reachesGoal ? 'yes' : 'no'}.`,
      `Walls crossed: ${wallText}.`,
      verdict,
      `You are at ${formatCell(state.player)}; the goal is at ${formatCell(maze.goal)}. (draw_path does not move you.)`,
    ];
    const parts: ContentPart[] = [];
    const mode = state.settings.observation;
    if (mode !== 'image') {
      const marks = new Map<number, string>();
      for (const square of squares) {
        marks.set(square.row * maze.cols + square.col, isOpen(maze, square) ? VIEW_CHARACTERS.path : VIEW_CHARACTERS.pathOnWall);
      }
      report.push(asciiView(maze, state.player, marks));
    }
    parts.push(text(report.join('\n')));
    if (mode !== 'ascii') {
      const cellSize = state.settings.cellSize;
      state.renderer ??= new MazeRenderer(maze, cellSize);
      const drawn = await state.renderer.drawnPng(state.player, points, {
        colour: walls.length === 0 ? MAZE_COLOURS.path : MAZE_COLOURS.pathBlocked,
        width: Math.max(2, Math.round(cellSize / 5)),
        opacity: 0.9,
        vertexRadius: Math.max(1.5, cellSize / 7),
      });
      parts.push(image(await context.images.put(drawn)));
    }
    return {
      content: parts,
      data: { length, startsAtPlayer, reachesGoal, wallsCrossed: walls.map((wall) => [wall.row, wall.col]), valid },
    };
  },
};

/** The maze image with the player where it is now, rendered once per position. */
async function currentImage(state: MazeState): Promise<Buffer> {
  if (state.rendered !== undefined && sameCell(state.rendered.player, state.player)) return state.rendered.png;
  state.renderer ??= new MazeRenderer(state.maze, state.settings.cellSize);
  const png = await state.renderer.png(state.player);
  state.rendered = { player: state.player, png };
  return png;
}

/** An observation: the headline, the position line, the ASCII view and the image, as the mode asks. */
async function observe(state: MazeState, images: ToolContext<MazeState>['images'], headline: string): Promise<Content> {
  const lines = [headline, `You are at ${formatCell(state.player)}; the goal is at ${formatCell(state.maze.goal)}.`];
  const mode = state.settings.observation;
  if (mode !== 'image') lines.push(asciiView(state.maze, state.player));
  const parts: ContentPart[] = [text(lines.join('\n'))];
  if (mode !== 'ascii') parts.push(image(await images.put(await currentImage(state))));
  return parts;
}

/** The registry's entry point for `maze-v0`. */
export const definition: EnvDefinition = {
  spec,
  async create(options: Readonly<Record<string, unknown>>, context: EnvContext) {
    const resolved = { ...DEFAULT_OPTIONS, ...options } as MazeOptions;
    const levels = resolved.levels === undefined || resolved.levels === '' ? undefined : await loadMazeFile(resolved.levels);
    const large = (levels ?? []).flatMap((level, index) =>
      level.maze.rows > MAX_SQUARES || level.maze.cols > MAX_SQUARES
        ? [`maze ${index + 1} is ${level.maze.rows} x ${level.maze.cols}`]
        : [],
    );
    if (large.length > 0) {
      throw new GymError(
        'maze-too-large',
        `${resolved.levels}: ${large.slice(0, 5).join('; ')}${large.length > 5 ? `; ${large.length - 5} more` : ''}. maze-v0 plays mazes of at most ${MAX_SQUARES} x ${MAX_SQUARES} squares, so an episode fits a 32k-token context; split or crop larger mazes.`,
      );
    }
    return new MazeEnv(resolved, context, levels);
  },
};
