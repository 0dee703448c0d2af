import { type Content, image, text } from '../../core/content.js';
import type { EnvContext, EnvSpec, Oracle } from '../../core/env.js';
import { GymError, ValidationError } from '../../core/errors.js';
import type { Random } from '../../core/random.js';
import type { EnvDefinition } from '../../core/registry.js';
import type { JsonSchema } from '../../core/schema.js';
import type { Tool } from '../../core/tool.js';
import { type AnswerCheck, type Task, ToolEnv } from '../../core/tool-env.js';
import { type CoordinateFrame, describeFrame } from '../../tools/image/frame.js';
import { createDrawingTools } from '../../tools/image/index.js';
import { Layout } from './generate.js';
import { loadSpatialSet, readItemImage, type SpatialSet } from './load.js';
import { DIFFICULTIES, type Difficulty, goldText, makeQuestion, QUESTION_KINDS, type QuestionKind } from './questions.js';
import { renderScene } from './render.js';
import { formatOptions, scoreDrawingAnswer } from './score.js';
import { createDrawingOracle } from './solve.js';
import type { DrawingState } from './state.js';

/** The options drawing-v0 takes (after validation against {@link DRAWING_OPTIONS}). */
export interface DrawingEnvOptions {
  readonly difficulty: Difficulty;
  /** Labelled objects per scene. */
  readonly objects: number;
  /** Unlabelled distractors per scene. */
  readonly distractors: number;
  /** Question kinds, comma-separated, each optionally weighted (`closer:2,count`), or `all`. */
  readonly questionKinds: string;
  readonly coordinates: CoordinateFrame;
  /** A JSONL benchmark file to evaluate on instead of synthetic scenes; empty for synthetic. */
  readonly dataset: string;
}

/** JSON schema of the drawing-v0 options. */
export const DRAWING_OPTIONS: JsonSchema = {
  type: 'object',
  properties: {
    difficulty: {
      type: 'string',
      enum: [...DIFFICULTIES],
      default: 'medium',
      description:
        'How close the measurements get: easy (distances 8-15% apart), medium (2.5-6%), hard (1-3%); offsets and margins shrink alike.',
    },
    objects: { type: 'integer', minimum: 4, maximum: 14, default: 8, description: 'Labelled objects per scene.' },
    distractors: { type: 'integer', minimum: 0, maximum: 20, default: 6, description: 'Unlabelled distractor shapes per scene.' },
    questionKinds: {
      type: 'string',
      default: 'all',
      description: `Question kinds to ask, comma-separated, each optionally weighted as kind:weight (${QUESTION_KINDS.join(', ')}), or all.`,
    },
    coordinates: {
      type: 'string',
      enum: ['pixel', 'qwen1000'],
      default: 'pixel',
      description: 'Coordinate frame of the drawing tools: absolute pixels, or Qwen2-VL normalised 0..1000.',
    },
    dataset: {
      type: 'string',
      default: '',
      description:
        'Path of a JSONL benchmark file ({image or images, question, options?, answer}, image paths relative to it) to evaluate on; seed i plays item i mod N.',
    },
  },
  additionalProperties: false,
};

const DOC = {
  description:
    'Spatial reasoning by drawing, after ViLaSR: a seeded top-down room or tabletop with labelled objects of varied size (each ' +
    'centre marked with a cross), unlabelled distractors, a named region (rug or placemat) and a scale bar. Questions need ' +
    'measurement: which of two objects is closer to a third (distances a few percent apart), the direction of an object from a ' +
    'viewpoint (front/back, left/right), collinearity, the side of a line, whether a path crosses the region, how many objects a ' +
    'line passes through, a distance in the scene units, an angle. With the dataset option the env plays a spatial benchmark.',
  tools:
    'draw_box(x1, y1, x2, y2, label?, color?) and draw_line(x1, y1, x2, y2, label?, color?) draw labelled shapes (ViLaSR Object ' +
    'Mapper and Path Tracer) and return the image with every shape so far; a label already used redraws that shape; draw_line ' +
    'reports the length in pixels and the direction. draw_shapes(shapes) draws a JSON list of boxes and lines in one call. ' +
    'clear_drawings removes them all. answer(answer) ends the episode. Coordinates are pixels of the image or 0..1000 units.',
  observation:
    'Reset: the image, the question with lettered options (or a request for a number), the image size and the coordinate frame. ' +
    'Drawing tools: a sentence per shape (coordinates, size, length, direction) and the annotated image.',
  reward:
    'Multiple choice: 1 for the right option (its letter or its text), else 0. Numbers (distance, angle, count): VSI-Bench mean ' +
    'relative accuracy over thresholds 0.50..0.95 (1 within 5%, 0.8 at 10% off, 0.4 at 30% off, 0 from 50% off). Success means a score of 1.',
  episodeEnd: 'Terminates on an answer; truncates after maxTurns (10) turns. Invalid calls cost a turn.',
  options:
    'difficulty (easy | medium | hard), objects (4..14) and distractors (0..20), questionKinds (comma list with optional :weight, ' +
    'or all), coordinates (pixel | qwen1000), dataset (a JSONL benchmark file for evaluation; no oracle).',
  versionHistory: 'v0: first version.',
};

/** The spec of drawing-v0 with instructions for a coordinate frame. */
export function drawingSpec(frame: CoordinateFrame = 'pixel'): EnvSpec {
  return {
    id: 'drawing-v0',
    version: 0,
    instructions:
      'You are shown a top-down view and a spatial question about it. Reason by drawing: mark objects with draw_box and trace ' +
      'auxiliary lines with draw_line (each line reports its length in pixels and its direction); every drawing returns the image ' +
      'with all shapes so far. Distances are measured between object centres, each marked with a small cross. Then call `answer` ' +
      `with the option's letter (e.g. B) or, for numeric questions, the number alone. ${describeFrame(frame)}`,
    maxTurns: 10,
    answers: true,
    options: DRAWING_OPTIONS,
    doc: DOC,
  };
}

/** The static spec (pixel frame), as registered. */
export const spec: EnvSpec = drawingSpec('pixel');

/** Parses `closer:2,count,angle` (or `all`) into kinds with weights. */
export function parseKindMix(value: string): { kind: QuestionKind; weight: number }[] {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed === 'all') return QUESTION_KINDS.map((kind) => ({ kind, weight: 1 }));
  const mix = new Map<QuestionKind, number>();
  for (const part of trimmed.split(',')) {
    const [name = '', rawWeight] = part.split(':').map((piece) => piece.trim());
    if (name === '') continue;
    if (!(QUESTION_KINDS as readonly string[]).includes(name)) {
      throw new ValidationError(
        `Unknown question kind "${name}"; use a comma list of ${QUESTION_KINDS.join(', ')} (optionally kind:weight), or all.`,
        [`questionKinds: ${name}`],
      );
    }
    const weight = rawWeight === undefined ? 1 : Number(rawWeight);
    if (!Number.isFinite(weight) || weight <= 0) {
      throw new ValidationError(`Question kind weight "${rawWeight}" for ${name} must be a positive number.`, [`questionKinds: ${part}`]);
    }
    mix.set(name as QuestionKind, weight);
  }
  if (mix.size === 0) throw new ValidationError('questionKinds names no kind; use a comma list or all.', ['questionKinds: empty']);
  return [...mix].map(([kind, weight]) => ({ kind, weight }));
}

/** drawing-v0: one scene, one spatial question, answered with the help of drawings. */
export class DrawingEnv extends ToolEnv<DrawingState> {
  readonly spec: EnvSpec;
  protected readonly toolset: readonly Tool<DrawingState, never>[];
  private readonly options: DrawingEnvOptions;
  private readonly mix: readonly { kind: QuestionKind; weight: number }[];
  private readonly dataset: SpatialSet | undefined;

  constructor(context: EnvContext, options: DrawingEnvOptions, dataset?: SpatialSet) {
    super(context);
    this.options = options;
    this.dataset = dataset;
    this.spec = drawingSpec(options.coordinates);
    this.mix = parseKindMix(options.questionKinds);
    this.toolset = createDrawingTools<DrawingState>({ frame: options.coordinates });
  }

  protected async createTask(random: Random, seed: number): Promise<Task<DrawingState>> {
    if (this.dataset !== undefined) return this.datasetTask(this.dataset, seed);
    const kind = this.pickKind(random);
    for (let attempt = 0; attempt < 60; attempt += 1) {
      const layout = new Layout(random);
      if (!layout.placeObjects(random, this.options.objects)) continue;
      const question = makeQuestion(random, layout, kind, this.options.difficulty);
      if (question === null) continue;
      layout.placeDistractors(random, this.options.distractors);
      const scene = layout.scene();
      const ref = await this.context.images.put(await renderScene(scene));
      const state: DrawingState = {
        image: ref,
        current: ref,
        coordinates: this.options.coordinates,
        annotations: [],
        question: question.text,
        gold: question.gold,
        task: { scene, question, difficulty: this.options.difficulty },
      };
      return { state, observation: this.observation(state, [ref]) };
    }
    throw new GymError('no-scene', `drawing-v0 could not lay out a ${kind} question for seed ${seed}; lower objects or distractors.`);
  }

  private pickKind(random: Random): QuestionKind {
    const total = this.mix.reduce((sum, entry) => sum + entry.weight, 0);
    let draw = random.uniform(0, total);
    for (const entry of this.mix) {
      draw -= entry.weight;
      if (draw < 0) return entry.kind;
    }
    return (this.mix[this.mix.length - 1] as { kind: QuestionKind }).kind;
  }

  private async datasetTask(set: SpatialSet, seed: number): Promise<Task<DrawingState>> {
    const index = ((seed % set.items.length) + set.items.length) % set.items.length;
    const item = set.items[index];
    if (item === undefined) throw new ValidationError(`Dataset item ${index} is missing.`, ['empty set']);
    const refs = [];
    for (const path of item.images) refs.push(await this.context.images.put(await readItemImage(item, path)));
    const first = refs[0];
    if (first === undefined) throw new ValidationError(`Dataset item on line ${item.line} has no image.`, ['no image']);
    const state: DrawingState = {
      image: first,
      current: first,
      coordinates: this.options.coordinates,
      annotations: [],
      question: item.question,
      gold: item.gold,
      item: { line: item.line, images: refs.length },
    };
    return { state, observation: this.observation(state, refs) };
  }

  private observation(state: DrawingState, refs: readonly (typeof state.image)[]): Content {
    const size = `${state.image.width}x${state.image.height}`;
    const frame =
      state.coordinates === 'pixel'
        ? `The image is ${size} pixels; drawing coordinates are absolute pixels of it (x from the left edge, y from the top edge).`
        : `The image is ${size} pixels; drawing coordinates are normalised 0..1000 on both axes (Qwen2-VL style), origin at the top-left.`;
    const views = refs.length > 1 ? ` The drawing tools act on view 1.` : '';
    const gold = state.gold;
    const options = gold.type === 'choice' ? `\nOptions:\n${formatOptions(gold.options)}` : '';
    const request = options === '' ? 'Answer with a number (or a short phrase).' : "Answer with the option's letter.";
    const parts: Content = refs.flatMap((ref, position) => (refs.length > 1 ? [text(`View ${position + 1}:`), image(ref)] : [image(ref)]));
    return [
      text(refs.length > 1 ? 'Here are the views.' : 'Here is the top-down view.'),
      ...parts,
      text(`Question: ${state.question}${options}\n${frame}${views}\n${request}`),
    ];
  }

  protected override checkAnswer(state: DrawingState, answer: string): AnswerCheck {
    const score = scoreDrawingAnswer(answer, state.gold);
    return { score, success: score >= 1, expected: goldText(state.gold) };
  }

  protected override describe(state: DrawingState): Readonly<Record<string, unknown>> {
    if (state.task !== undefined) {
      return { source: 'synthetic', kind: state.task.question.kind, difficulty: state.task.difficulty, theme: state.task.scene.theme };
    }
    return { source: 'dataset', line: state.item?.line ?? -1 };
  }

  protected override createOracle(state: DrawingState): Oracle | undefined {
    return state.task === undefined ? undefined : createDrawingOracle(state.task.question, state.coordinates, state.image);
  }

  async close(): Promise<void> {}
}

/** The drawing-v0 definition the registry loads. */
export const definition: EnvDefinition = {
  spec,
  async create(options, context) {
    const parsed = options as unknown as DrawingEnvOptions;
    const dataset = parsed.dataset.trim() === '' ? undefined : await loadSpatialSet(parsed.dataset);
    return new DrawingEnv(context, parsed, dataset);
  },
};
