import { image, text } from '../../core/content.js';
import { type EnvContext, type EnvSpec, type Oracle, scriptedOracle } from '../../core/env.js';
import type { ImageStore } from '../../core/image-store.js';
import { encodePngPixels } from '../../core/png-encode.js';
import type { Random } from '../../core/random.js';
import type { EnvDefinition } from '../../core/registry.js';
import type { JsonSchema } from '../../core/schema.js';
import { ANSWER_TOOL, type Tool, type ToolSpec, toolError, toToolSpec } from '../../core/tool.js';
import { type AnswerCheck, type Task, ToolEnv } from '../../core/tool-env.js';
import { type ContextBounds, describeBounds } from '../context-budget.js';
import { areaDownscale, type Region, type RgbImage, renderOverview, renderRegion } from './render.js';
import { generateScene, ORIENTATIONS, resolveSettings, type SearchOptions, type SearchScene, type SearchSettings } from './scene.js';

/** The state of one search-v0 episode. */
export interface SearchState {
  readonly scene: SearchScene;
  readonly settings: SearchSettings;
  /** zoom_in calls carried out. */
  zooms: number;
  /** Whether a zoom has shown the whole target at half resolution or finer (stripes readable). */
  targetZoomed: boolean;
}

/** zoom_in's arguments: a box in pixels of the full image, right and bottom edges excluded. */
interface ZoomArgs {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

const MAX_TURNS = 6;

/** Pixels the oracle leaves around the target when it zooms. */
const ORACLE_MARGIN = 3;

/** JSON schema of the search-v0 options. */
export const SEARCH_OPTIONS: JsonSchema = {
  type: 'object',
  properties: {
    size: { type: 'integer', minimum: 64, maximum: 4096, default: 1024, description: 'Side of the full image in pixels.' },
    targetSize: {
      type: 'integer',
      minimum: 8,
      maximum: 2040,
      description:
        'Side of the target and distractor squares in pixels; default max(16, round(size / 32)). Must fit in a quadrant with 4 px margins.',
    },
    distractors: {
      type: 'integer',
      minimum: 0,
      maximum: 8,
      default: 2,
      description: 'Plain grey squares of the same size that look like the target in the overview.',
    },
    overviewSide: {
      type: 'integer',
      minimum: 16,
      maximum: 1024,
      description:
        'Side of the downscaled view shown at reset; default min(256, size / 4). At most size / 4, so the stripes never show in it.',
    },
    zoomSide: {
      type: 'integer',
      minimum: 32,
      maximum: 1024,
      default: 512,
      description: 'Longest side of a zoom_in image; larger regions are area-averaged down to it.',
    },
  },
  additionalProperties: false,
};

/** The largest observations of search-v0 (overview and zooms at most 1024 px, a few lines of text). */
export const SEARCH_BOUNDS: ContextBounds = {
  observationCharacters: 600,
  image: { width: 1024, height: 1024, characters: 500 },
  turns: MAX_TURNS,
};

const DOC = {
  description:
    'Visual search, as in V* Bench and DeepEyes-style "thinking with images" data: a small square with 2 px black and white ' +
    'stripes is hidden in a large seeded image (1024 px by default) over a dark, low-contrast colour texture, together with ' +
    'plain grey squares of the same size. The model sees the image downscaled to at most a quarter of its side, where the ' +
    'stripes average to the same grey as the plain squares, and must zoom in to tell which square is striped and which way ' +
    'its stripes run. Without zooming a model stays at chance (50%).',
  tools:
    'zoom_in(x1, y1, x2, y2) returns the box of the full image (pixels, 0..size, right and bottom edges excluded) at full ' +
    'resolution, area-averaged down only when its longest side passes zoomSide (512 px); answer(answer) ends the episode.',
  observation:
    'Reset: the question, the image size and the overview (overviewSide × overviewSide, the image area-averaged, the target ' +
    "drawn as its stripes' mean grey). zoom_in returns a line naming the region and its scale, and the image. A box with " +
    'x1 >= x2 or y1 >= y2 comes back as an error text; values outside 0..size fail the schema.',
  reward:
    "The answer scores 1 when it names the stripes' orientation (horizontal or vertical, any case), else 0. Tool calls earn no env reward.",
  episodeEnd: `Terminates when the model answers; truncates after maxTurns (${MAX_TURNS}) turns. Invalid calls cost a turn.`,
  options:
    `size (64..4096, default 1024), targetSize (default max(16, round(size / 32)), must fit in a quadrant with 4 px margins), ` +
    'distractors (0..8, default 2; at most 3 when two squares do not fit side by side in a quadrant), overviewSide (default ' +
    `min(256, size / 4), at most size / 4), zoomSide (32..1024, default 512). ${describeBounds(SEARCH_BOUNDS)}`,
  versionHistory: 'v0: first version.',
};

/** The spec of search-v0. */
export const spec: EnvSpec = {
  id: 'search-v0',
  version: 0,
  instructions:
    'You are shown a large image downscaled, and asked about a small detail in it that cannot be seen at this size. Call ' +
    '`zoom_in` with a box in pixels of the full image to see that region at full resolution, then call `answer` with ' +
    'horizontal or vertical.',
  maxTurns: MAX_TURNS,
  answers: true,
  options: SEARCH_OPTIONS,
  doc: DOC,
};

/** The answer tool of search-v0: the shared one with its two answers listed as an enum. */
const SEARCH_ANSWER_TOOL: ToolSpec = {
  ...ANSWER_TOOL,
  description: `${ANSWER_TOOL.description} Answer horizontal or vertical.`,
  parameters: {
    ...ANSWER_TOOL.parameters,
    properties: {
      answer: { type: 'string', enum: [...ORIENTATIONS], description: 'Which way the stripes of the striped square run.' },
    },
  },
};

/** Encodes pixels as PNG (core's deterministic encoder) and stores them. */
async function store(images: ImageStore, picture: RgbImage) {
  return images.put(encodePngPixels(picture.width, picture.height, { kind: 'rgb' }, picture.pixels));
}

/** The zoom_in tool for an image of `size` pixels: region at full resolution, capped at `zoomSide`. */
function createZoomTool(size: number): Tool<SearchState, ZoomArgs> {
  const coordinate = (description: string): JsonSchema => ({ type: 'integer', minimum: 0, maximum: size, description });
  return {
    name: 'zoom_in',
    description:
      `Show a box of the full ${size}×${size} image at full resolution (downscaled only when its longest side is too long). ` +
      'Coordinates are pixels of the full image; x2 and y2 are the right and bottom edges (excluded).',
    parameters: {
      type: 'object',
      properties: {
        x1: coordinate(`Left edge, 0..${size}.`),
        y1: coordinate(`Top edge, 0..${size}.`),
        x2: coordinate(`Right edge, 0..${size}, more than x1.`),
        y2: coordinate(`Bottom edge, 0..${size}, more than y1.`),
      },
      required: ['x1', 'y1', 'x2', 'y2'],
      additionalProperties: false,
    },
    annotations: { readOnly: true },
    async run(args, { state, images }) {
      if (args.x1 >= args.x2 || args.y1 >= args.y2) {
        return toolError(
          `the box must have x1 < x2 and y1 < y2 (got x1=${args.x1}, y1=${args.y1}, x2=${args.x2}, y2=${args.y2}); ` +
            `give its left, top, right and bottom edges in pixels of the ${size}×${size} image.`,
        );
      }
      const region: Region = args;
      const picture = zoomPicture(state.scene, region, state.settings.zoomSide);
      const ref = await store(images, picture);
      const width = region.x2 - region.x1;
      const height = region.y2 - region.y1;
      const factor = Math.max(width / picture.width, height / picture.height);
      state.zooms += 1;
      const target = state.scene.target;
      if (
        factor <= 2 &&
        region.x1 <= target.x &&
        region.y1 <= target.y &&
        region.x2 >= target.x + target.side &&
        region.y2 >= target.y + target.side
      ) {
        state.targetZoomed = true;
      }
      const scale = factor === 1 ? 'at full resolution' : `downscaled ${factor.toFixed(2)}× to ${picture.width}×${picture.height}`;
      return {
        content: [
          text(
            `Region x ${region.x1}..${region.x2}, y ${region.y1}..${region.y2} (${width}×${height} px of the ${size}×${size} image), ${scale}:`,
          ),
          image(ref),
        ],
        data: { region, width: picture.width, height: picture.height, factor },
      };
    },
  };
}

/** The zoom image of a region: full resolution, area-averaged down when its long side passes `zoomSide`. */
export function zoomPicture(scene: SearchScene, region: Region, zoomSide: number): RgbImage {
  const full = renderRegion(scene, region);
  const long = Math.max(full.width, full.height);
  if (long <= zoomSide) return full;
  const width = Math.max(1, Math.round((full.width * zoomSide) / long));
  const height = Math.max(1, Math.round((full.height * zoomSide) / long));
  return areaDownscale(full, width, height);
}

/** The reset text of a task. */
function taskText(settings: SearchSettings): string {
  const size = settings.size;
  const plain =
    settings.distractors === 0
      ? ''
      : ` ${settings.distractors === 1 ? 'One plain grey square looks' : `${settings.distractors} plain grey squares look`} the same in the view below.`;
  return (
    `A small square with black and white stripes is hidden in this image (${size}×${size} pixels; zoom_in takes pixels of it).` +
    `${plain} Are its stripes horizontal or vertical? The view below is downscaled to ${settings.overviewSide}×${settings.overviewSide}; ` +
    'zoom in to see the stripes. Answer horizontal or vertical.'
  );
}

/** search-v0: find the striped square in a large image and tell which way its stripes run. */
export class SearchEnv extends ToolEnv<SearchState> {
  readonly spec: EnvSpec = spec;
  protected readonly toolset: readonly Tool<SearchState, never>[];
  private readonly settings: SearchSettings;

  constructor(context: EnvContext, options: SearchOptions) {
    super(context);
    this.settings = resolveSettings(options);
    this.toolset = [createZoomTool(this.settings.size) as Tool<SearchState, never>];
  }

  override get tools(): readonly ToolSpec[] {
    return [...this.toolset.map(toToolSpec), SEARCH_ANSWER_TOOL];
  }

  protected async createTask(random: Random): Promise<Task<SearchState>> {
    const scene = generateScene(random, this.settings);
    const ref = await store(this.context.images, renderOverview(scene, this.settings.overviewSide));
    return {
      state: { scene, settings: this.settings, zooms: 0, targetZoomed: false },
      observation: [text(taskText(this.settings)), image(ref)],
    };
  }

  protected override checkAnswer(state: SearchState, answer: string): AnswerCheck {
    const given = answer.trim().toLowerCase().replace(/\.$/, '');
    const success = given === state.scene.orientation;
    return { score: success ? 1 : 0, success, expected: state.scene.orientation };
  }

  protected override describe(state: SearchState): Readonly<Record<string, unknown>> {
    return { zooms: state.zooms, targetZoomed: state.targetZoomed, targetQuadrant: state.scene.target.quadrant };
  }

  protected override createOracle(state: SearchState): Oracle {
    const { target, size, orientation } = state.scene;
    const box = {
      x1: Math.max(0, target.x - ORACLE_MARGIN),
      y1: Math.max(0, target.y - ORACLE_MARGIN),
      x2: Math.min(size, target.x + target.side + ORACLE_MARGIN),
      y2: Math.min(size, target.y + target.side + ORACLE_MARGIN),
    };
    return scriptedOracle(
      [
        {
          thought: `The grey squares look alike at this size; zoom in on the one at about (${target.x}, ${target.y}) to see whether it has stripes.`,
          action: { type: 'tool_call', name: 'zoom_in', arguments: box },
        },
        { thought: `At full resolution its stripes run ${orientation}.`, action: { type: 'answer', answer: orientation } },
      ],
      'search',
    );
  }
}

/** The registry definition of search-v0. */
export const definition: EnvDefinition = {
  spec,
  create: (options, context) => new SearchEnv(context, options as unknown as SearchOptions),
};
