import { type Content, image, text } from '../../core/content.js';
import type { EnvContext, EnvSpec, Oracle } from '../../core/env.js';
import { ValidationError } from '../../core/errors.js';
import type { Random } from '../../core/random.js';
import type { EnvDefinition } from '../../core/registry.js';
import type { JsonSchema } from '../../core/schema.js';
import type { Tool } from '../../core/tool.js';
import { type AnswerCheck, type Task, ToolEnv } from '../../core/tool-env.js';
import { type CoordinateFrame, checkBox, describeFrame } from '../../tools/image/frame.js';
import { createImageTools, type ZoomInArgs } from '../../tools/image/index.js';
import { TesseractOcr } from '../../tools/image/ocr.js';
import { PixelCache } from '../../tools/image/pixels.js';
import { type ContextBounds, describeBounds } from '../context-budget.js';
import { parseNameList } from '../options.js';
import { CHART_TYPES, type ChartGenerationOptions, type ChartType, generateTask } from './generate.js';
import { type ChartQASet, loadChartQA, readChartQAImage } from './load.js';
import { QUESTION_KINDS, type QuestionKind } from './questions.js';
import { renderChart } from './render.js';
import { CHART_ELEMENT_KINDS } from './scene.js';
import { goldFromLabel, scoreAnswer } from './score.js';
import { createChartOracle } from './solve.js';
import type { ChartState } from './state.js';

/** Longest side of a generated chart, and of a zoom_in result, in pixels. */
export const CHART_MAX_SIDE = 1024;
/** The turn limit. */
export const CHART_TURNS = 8;

/**
 * The bounds every chart-v0 observation keeps for generated charts at the largest options: the
 * longest text is an ocr or locate reply; the largest image is the chart itself or a zoom_in
 * result, both at most {@link CHART_MAX_SIDE} a side.
 */
export const CHART_BOUNDS: ContextBounds = {
  observationCharacters: 2000,
  image: { width: CHART_MAX_SIDE, height: CHART_MAX_SIDE, characters: 600 },
  turns: CHART_TURNS,
};

/** The options chart-v0 takes (after validation against {@link CHART_OPTIONS}). */
export interface ChartEnvOptions {
  /** Comma-separated chart types, or `all`. */
  readonly chartTypes: string;
  /** Comma-separated question kinds, or `all`. */
  readonly questionKinds: string;
  readonly coordinates: CoordinateFrame;
  readonly minWidth: number;
  readonly maxWidth: number;
  readonly minHeight: number;
  readonly maxHeight: number;
  readonly valueLabels: number;
  readonly locate: boolean;
  readonly ocr: boolean;
  /** Path of a ChartQA JSON file; empty for synthetic charts. */
  readonly chartqa: string;
  /** Folder of the ChartQA images; empty for `png/` beside the JSON. */
  readonly images: string;
}

/** JSON schema of the chart-v0 options. */
export const CHART_OPTIONS: JsonSchema = {
  type: 'object',
  properties: {
    chartTypes: {
      type: 'string',
      default: 'all',
      description: `Chart types to draw, comma-separated (${CHART_TYPES.join(', ')}), or all.`,
    },
    questionKinds: {
      type: 'string',
      default: 'all',
      description: `Question kinds to ask, comma-separated (${QUESTION_KINDS.join(', ')}), or all.`,
    },
    coordinates: {
      type: 'string',
      enum: ['pixel', 'qwen1000'],
      default: 'pixel',
      description: 'Coordinate frame of the image tools: absolute pixels, or Qwen2-VL normalised 0..1000.',
    },
    minWidth: { type: 'integer', minimum: 240, maximum: CHART_MAX_SIDE, default: 480, description: 'Smallest chart width in pixels.' },
    maxWidth: { type: 'integer', minimum: 240, maximum: CHART_MAX_SIDE, default: 1024, description: 'Largest chart width in pixels.' },
    minHeight: { type: 'integer', minimum: 200, maximum: CHART_MAX_SIDE, default: 360, description: 'Smallest chart height in pixels.' },
    maxHeight: { type: 'integer', minimum: 200, maximum: CHART_MAX_SIDE, default: 800, description: 'Largest chart height in pixels.' },
    valueLabels: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: 0.5,
      description: 'Probability that a bar or line chart prints its values (pie charts always do).',
    },
    locate: {
      type: 'boolean',
      default: true,
      description: 'List the privileged locate tool (synthetic charts only; never with chartqa).',
    },
    ocr: { type: 'boolean', default: true, description: 'List the ocr tool (tesseract.js, offline).' },
    chartqa: {
      type: 'string',
      default: '',
      description:
        'Path of a ChartQA JSON file ({imgname, query, label} list) to evaluate on instead of synthetic charts; seed i plays item i mod N.',
    },
    images: { type: 'string', default: '', description: 'Folder of the ChartQA images; default: png/ beside the JSON file.' },
  },
  additionalProperties: false,
};

const DOC = {
  description:
    'Answer a question about a chart (bar, horizontal bar, grouped bar, stacked bar, line, multi-line or pie), ChartQA style: ' +
    'value retrieval, comparison, extremum, difference, ratio, sum, average, trend and counting questions. Charts are drawn ' +
    'from seeded data with varied sizes, fonts (DejaVu, as glyph paths), palettes, legends and optional value labels; the ' +
    'same seed gives the same PNG bytes and question. With the chartqa option the env plays items of a ChartQA file instead.',
  tools:
    'zoom_in(x1, y1, x2, y2, factor) enlarges a region; crop(x1, y1, x2, y2) cuts one out; draw_horizontal_line(y) and ' +
    'draw_vertical_line(x) paint guide lines that stay on the image for later calls; ocr(x1, y1, x2, y2) reads printed ' +
    'text (tesseract.js, offline); locate(name, series?, kind?) gives the boxes of a named bar, point, wedge or label from ' +
    'the scene graph (privileged, synthetic data only; absent with chartqa); answer(answer) ends the episode. Coordinates ' +
    'are absolute pixels of the original chart, or Qwen2-VL 0..1000 units with coordinates=qwen1000.',
  observation:
    'Reset: the chart image and the question, with the image size and the coordinate frame. Tool calls: a line of text ' +
    'and, for zoom_in, crop and the line tools, an image (zoom and crop show the region with any lines drawn; the line ' +
    'tools show the whole chart with all lines so far). Errors (boxes outside the image, x2 <= x1) come back as text.',
  reward:
    'The answer scores 1 or 0: numbers by relaxed accuracy (within 5% of the gold value, as ChartQA; commas, %, currency ' +
    'signs and units are ignored), names and yes/no by case- and space-insensitive exact match. Tool calls earn no env ' +
    'reward; trajectory rewards add format, invalid-call, gated tool-use and efficiency terms.',
  episodeEnd: `Terminates when the model answers; truncates after maxTurns (${CHART_TURNS}) turns without an answer. Invalid calls cost a turn.`,
  options:
    'chartTypes and questionKinds (comma lists or all), coordinates (pixel | qwen1000), minWidth/maxWidth/minHeight/maxHeight, ' +
    'valueLabels (probability of printed values), locate and ocr (include those tools), chartqa (a ChartQA JSON path for ' +
    'evaluation; no scene graph, so no locate and no oracle) and images (its image folder, png/ beside the JSON by default). ' +
    `Charts are at most ${CHART_MAX_SIDE} px a side and zoom_in results are scaled to fit ${CHART_MAX_SIDE} px (the factor is lowered). ` +
    `${describeBounds(CHART_BOUNDS)} ChartQA images are shown at their own size.`,
  versionHistory:
    'v0: first version. v0 layout revision: the top tick label keeps clear of the title and a top legend; the axis ' +
    'maximum sits at least 6 px inside the plot, so no bar or point touches its edge; value labels of grouped bars never ' +
    'collide (upright when wider than their bar, smaller or left out when even that does not fit); no two text boxes overlap ' +
    '(checked over many seeds). Chart images change; data, questions and answers do not. Chart sizes up to 1024 px (was ' +
    '2048) and zoom_in results up to 1024 px a side, so an episode fits a 32k-token context. v0 rasteriser revision: ' +
    "charts are rasterised by thinkgym's own TypeScript rasteriser instead of librsvg (pixels within 0.05 of a level on " +
    'average, anti-aliasing only) and charts, views and drawn lines are encoded by its own PNG encoder, so PNG bytes ' +
    'change; data, questions and answers do not.',
};

/**
 * `zoom_in` whose result stays within `maxSide` pixels a side: the factor is lowered so the
 * enlarged region fits (never below 1), which keeps every image a model sees within the chart's
 * bounds. The reply states the factor used.
 */
function capZoom(tool: Tool<ChartState, ZoomInArgs>, maxSide: number): Tool<ChartState, never> {
  const capped: Tool<ChartState, ZoomInArgs> = {
    ...tool,
    description: `${tool.description} The result is at most ${maxSide} pixels a side (the factor is lowered to fit).`,
    run(args, context) {
      const checked = checkBox(args, context.state.coordinates, context.state.image);
      if (!checked.ok) return tool.run(args, context);
      const longest = Math.max(checked.region.width, checked.region.height);
      const factor = Math.max(1, Math.min(args.factor ?? 2, maxSide / longest));
      return tool.run({ ...args, factor }, context);
    },
  };
  return capped as Tool<ChartState, never>;
}

/** The spec of chart-v0 with instructions for a coordinate frame. */
export function chartSpec(frame: CoordinateFrame = 'pixel'): EnvSpec {
  return {
    id: 'chart-v0',
    version: 0,
    instructions:
      'You are shown a chart and a question about it. Inspect the chart with the tools: zoom in on small text and marks, and ' +
      'draw horizontal or vertical guide lines to read bars and points against the axis. Then call `answer` with the answer ' +
      'alone: a single number without units (e.g. 42.5) or a name exactly as printed in the chart (or Yes/No). Numbers within ' +
      `5% of the true value count as correct. ${describeFrame(frame)}`,
    maxTurns: CHART_TURNS,
    answers: true,
    options: CHART_OPTIONS,
    doc: DOC,
  };
}

/** The static spec (pixel frame), as registered. */
export const spec: EnvSpec = chartSpec('pixel');

/**
 * chart-v0: one chart, one question, answered with the help of image tools. Synthetic charts are
 * generated from the seed; with a ChartQA set, seed i plays item i mod N.
 */
export class ChartEnv extends ToolEnv<ChartState> {
  readonly spec: EnvSpec;
  protected readonly toolset: readonly Tool<ChartState, never>[];
  private readonly options: ChartEnvOptions;
  private readonly generation: ChartGenerationOptions;
  private readonly kinds: readonly QuestionKind[];
  private readonly chartqa: ChartQASet | undefined;
  private readonly ocr: TesseractOcr;
  /**
   * Decoded pixels for the image tools, owned by this env: emptied when an episode starts and when
   * the env closes, so a long run holds the pixels of the episodes in flight only.
   */
  private readonly pixels = new PixelCache();
  /**
   * The chart's pixels, drawn again for each episode: once the cache above is emptied nothing else
   * holds them, so one buffer (grown to the largest chart) serves the whole run instead of one
   * dropped per episode for the garbage collector.
   */
  private canvas: Buffer = Buffer.alloc(0);

  constructor(context: EnvContext, options: ChartEnvOptions, chartqa?: ChartQASet) {
    super(context);
    this.options = options;
    this.chartqa = chartqa;
    this.spec = chartSpec(options.coordinates);
    const chartTypes = parseNameList<ChartType>(options.chartTypes, CHART_TYPES, 'chart types');
    this.kinds = parseNameList<QuestionKind>(options.questionKinds, QUESTION_KINDS, 'question kinds');
    if (options.minWidth > options.maxWidth || options.minHeight > options.maxHeight) {
      throw new ValidationError('minWidth/minHeight must not exceed maxWidth/maxHeight.', ['size range is empty']);
    }
    this.generation = {
      chartTypes,
      minWidth: options.minWidth,
      maxWidth: options.maxWidth,
      minHeight: options.minHeight,
      maxHeight: options.maxHeight,
      valueLabels: options.valueLabels,
    };
    this.ocr = new TesseractOcr();
    this.toolset = createImageTools<ChartState>({
      frame: options.coordinates,
      pixels: this.pixels,
      ocr: options.ocr,
      ocrEngine: this.ocr,
      locate: options.locate && chartqa === undefined,
      locateKinds: CHART_ELEMENT_KINDS,
    }).map((tool) => (tool.name === 'zoom_in' ? capZoom(tool as Tool<ChartState, ZoomInArgs>, CHART_MAX_SIDE) : tool));
  }

  protected async createTask(random: Random, seed: number): Promise<Task<ChartState>> {
    this.pixels.clear();
    if (this.chartqa !== undefined) return this.chartQATask(this.chartqa, seed);
    const task = generateTask(random, this.generation, this.kinds);
    const bytes = task.chart.style.width * task.chart.style.height * 3;
    if (this.canvas.length < bytes) this.canvas = Buffer.alloc(bytes);
    const rendered = renderChart(task.chart, this.canvas);
    const ref = await this.context.images.put(rendered.png);
    this.pixels.remember(ref, rendered.raw);
    const state: ChartState = {
      image: ref,
      current: ref,
      coordinates: this.options.coordinates,
      scene: rendered.scene,
      question: task.question.text,
      gold: task.question.answer,
      task,
    };
    return { state, observation: this.observation(state) };
  }

  private async chartQATask(set: ChartQASet, seed: number): Promise<Task<ChartState>> {
    const index = ((seed % set.items.length) + set.items.length) % set.items.length;
    const item = set.items[index];
    if (item === undefined) throw new ValidationError(`ChartQA item ${index} is missing.`, ['empty set']);
    const ref = await this.context.images.put(await readChartQAImage(set, item));
    const state: ChartState = {
      image: ref,
      current: ref,
      coordinates: this.options.coordinates,
      question: item.query,
      gold: goldFromLabel(item.label),
      item: { imgname: item.imgname, index },
    };
    return { state, observation: this.observation(state) };
  }

  private observation(state: ChartState): Content {
    const frame =
      state.coordinates === 'pixel'
        ? `The chart is ${state.image.width}x${state.image.height} pixels; tool coordinates are absolute pixels of it (x from the left edge, y from the top edge).`
        : `The chart is ${state.image.width}x${state.image.height} pixels; tool coordinates are normalised 0..1000 on both axes (Qwen2-VL style), origin at the top-left.`;
    return [text('Here is the chart.'), image(state.image), text(`Question: ${state.question}\n${frame}\nAnswer with a number or a name.`)];
  }

  protected override checkAnswer(state: ChartState, answer: string): AnswerCheck {
    const score = scoreAnswer(answer, state.gold);
    return { score, success: score >= 1, expected: state.gold.text };
  }

  protected override describe(state: ChartState): Readonly<Record<string, unknown>> {
    if (state.task !== undefined) {
      return { source: 'synthetic', chartType: state.task.chart.data.type, questionKind: state.task.question.kind };
    }
    return { source: 'chartqa', item: state.item?.imgname ?? '', index: state.item?.index ?? -1 };
  }

  protected override createOracle(state: ChartState): Oracle | undefined {
    return state.task === undefined ? undefined : createChartOracle(state);
  }

  async close(): Promise<void> {
    this.pixels.clear();
    this.canvas = Buffer.alloc(0);
    await this.ocr.terminate();
  }
}

/** The chart-v0 definition the registry loads. */
export const definition: EnvDefinition = {
  spec,
  async create(options, context) {
    const parsed = options as unknown as ChartEnvOptions;
    const chartqa =
      parsed.chartqa.trim() === '' ? undefined : await loadChartQA(parsed.chartqa, parsed.images.trim() === '' ? undefined : parsed.images);
    return new ChartEnv(context, parsed, chartqa);
  },
};
