import { type Content, image, text } from '../../core/content.js';
import type { EnvContext, EnvSpec, Oracle } from '../../core/env.js';
import { ValidationError } from '../../core/errors.js';
import type { Random } from '../../core/random.js';
import type { EnvDefinition } from '../../core/registry.js';
import type { JsonSchema } from '../../core/schema.js';
import type { Tool } from '../../core/tool.js';
import { type AnswerCheck, type Task, ToolEnv } from '../../core/tool-env.js';
import { createAdjustWindowTool } from '../../tools/image/adjust-window.js';
import { createDrawBoxTool, type DrawBoxView } from '../../tools/image/draw-box.js';
import { type CoordinateFrame, describeFrame } from '../../tools/image/frame.js';
import { createMeasureTool } from '../../tools/image/measure.js';
import { encodeSamples, type SampleSource, type Samples, sharedSampleCache } from '../../tools/image/samples.js';
import { createWindowedRenderer, describeWindow, fitLongSide, fullRegion, renderWindowed } from '../../tools/image/window.js';
import { createZoomInTool } from '../../tools/image/zoom-in.js';
import { parseNameList } from '../options.js';
import { SCAN_FAMILIES, type ScanFamily } from './anatomy.js';
import { FINDING_KINDS, type FindingKind } from './findings.js';
import { generateScan } from './generate.js';
import { loadMedicalDataset, type MedicalDataset, readDatasetImage } from './load.js';
import { generateQuestion, QUESTION_KINDS, type QuestionKind } from './questions.js';
import { scoreAnswer } from './score.js';
import { createMedicalOracle } from './solve.js';
import type { MedicalState } from './state.js';

/** The options medical-v0 takes (after validation against {@link MEDICAL_OPTIONS}). */
export interface MedicalEnvOptions {
  /** Comma-separated scan families, or `all`. */
  readonly families: string;
  /** Comma-separated question kinds, or `all`. */
  readonly questionKinds: string;
  readonly coordinates: CoordinateFrame;
  readonly minSize: number;
  readonly maxSize: number;
  readonly overviewSide: number;
  readonly measure: boolean;
  /** Path of a VQA-RAD / SLAKE style JSON or JSONL file; empty for synthetic scans. */
  readonly dataset: string;
  /** Folder of the dataset's images; empty for the file's own folder. */
  readonly images: string;
}

/** JSON schema of the medical-v0 options. */
export const MEDICAL_OPTIONS: JsonSchema = {
  type: 'object',
  properties: {
    families: { type: 'string', default: 'all', description: `Scan families, comma-separated (${SCAN_FAMILIES.join(', ')}), or all.` },
    questionKinds: {
      type: 'string',
      default: 'all',
      description: `Question kinds, comma-separated (${QUESTION_KINDS.join(', ')}), or all.`,
    },
    coordinates: {
      type: 'string',
      enum: ['pixel', 'qwen1000'],
      default: 'pixel',
      description: 'Coordinate frame of the tools: absolute pixels of the scan, or Qwen2-VL normalised 0..1000.',
    },
    minSize: { type: 'integer', minimum: 2048, maximum: 8192, default: 2048, description: 'Smallest scan side in pixels.' },
    maxSize: { type: 'integer', minimum: 2048, maximum: 8192, default: 2304, description: 'Largest scan side in pixels.' },
    overviewSide: {
      type: 'integer',
      minimum: 224,
      maximum: 1024,
      default: 448,
      description: 'Long side in pixels of the downscaled scan shown at reset (and by adjust_window).',
    },
    measure: { type: 'boolean', default: true, description: 'List the privileged measure tool (mean and std of a box in the scan units).' },
    dataset: {
      type: 'string',
      default: '',
      description:
        'Path of a VQA-RAD / SLAKE style .json or .jsonl file ({image|image_name|img_name, question, answer, answer_type?, bbox?}) to evaluate on instead of synthetic scans; seed i plays item i mod N.',
    },
    images: {
      type: 'string',
      default: '',
      description: "Folder of the dataset's images (PNG, JPEG, TIFF or DICOM); default: the file's folder.",
    },
  },
  additionalProperties: false,
};

const DOC = {
  description:
    'Find and describe small findings (nodules, masses, calcifications; round or spiculated, well- or ill-defined) in large ' +
    '16-bit scans, as in Ophiuchus, ViTAR and MedVistaGym. Scans are generated from the seed, at least 2048x2048: chest ' +
    'radiographs, axial CT slices in Hounsfield units (air, fat, soft tissue, lung, bone) and H&E-like histology (RGB). ' +
    'The model first sees the scan downscaled to 448 pixels with a default window, where the findings cannot be seen: ' +
    'calcifications are smaller than one of its pixels and nodules and masses sit where the default window clips every ' +
    'value (ground glass in the black lung of a soft-tissue CT window, the white region behind the heart on a radiograph). ' +
    'Questions: presence, count, location (quadrant or a box scored by IoU), type and outline, some as multiple choice. ' +
    'With the dataset option the env plays VQA-RAD / SLAKE style items on PNG, JPEG, TIFF or DICOM images instead.',
  tools:
    'zoom_in(x1, y1, x2, y2, factor) returns a region at up to full resolution (factor 1 to 4) through the current window; ' +
    'adjust_window(center, width) sets the display window in the scan units (HU for CT) for every later image and returns ' +
    'the whole scan with it; draw_box(x1, y1, x2, y2, label?, color?) (shared with drawing-v0) marks a box, given in the ' +
    'scan frame, and returns the whole scan as adjust_window shows it (downscaled, current window) with every box drawn so ' +
    'far, scaled to that view; drawing again with a label already used moves that box; the boxes are kept for later draws ' +
    'but zoom_in and adjust_window show the scan without them (zooms read the full-depth data); measure(x1, y1, x2, y2) gives the mean and standard deviation of the stored values of a box ' +
    '(privileged: it reads the full-depth data); answer(answer) ends the episode. Coordinates are absolute pixels of the ' +
    'original scan, or Qwen2-VL 0..1000 units with coordinates=qwen1000.',
  observation:
    'Reset: the downscaled scan (448 pixels on the long side) with its default window, the scan size, units and window, ' +
    'and the question. zoom_in, adjust_window and draw_box return a line of text and an image; measure returns text. Errors ' +
    '(boxes outside the scan, a window narrower than 1) come back as text.',
  reward:
    'The answer scores 1 or 0: yes/no, names, quadrants and option letters by normalised exact match; counts exactly; boxes ' +
    'by IoU >= 0.5 with the finding. Tool calls earn no env reward; the Ophiuchus and DeepEyes-style presets in ' +
    'rewards/presets.ts add the gated tool bonus.',
  episodeEnd: 'Terminates when the model answers; truncates after maxTurns (12) turns. Invalid calls cost a turn.',
  options:
    'families and questionKinds (comma lists or all), coordinates (pixel | qwen1000), minSize/maxSize (scan sides, 2048 ' +
    'and up), overviewSide (the reset view), measure (list the privileged tool), dataset (a VQA-RAD / SLAKE style file for ' +
    'evaluation; no oracle) and images (its image folder).',
  versionHistory:
    'v0: first version. v0 draw_box revision: the shared draw_box tool is listed (boxes in the scan frame, drawn over the ' +
    'windowed overview); the tool list changes, scans, questions, answers and the oracle of a seed do not.',
};

/** The spec of medical-v0 for a coordinate frame. */
export function medicalSpec(frame: CoordinateFrame = 'pixel'): EnvSpec {
  return {
    id: 'medical-v0',
    version: 0,
    instructions:
      'You are shown a large medical image, downscaled, and a question about it. Small findings are not visible at this ' +
      'size: zoom in on regions to see them at full resolution, and adjust the display window (centre and width, in the ' +
      "image's units, e.g. Hounsfield units for CT) when a region looks flat black or white or its contrast is low; the " +
      'window applies to every later image. Then call `answer` with the answer alone: yes or no, a number, a name, a ' +
      `quadrant, an option letter, or a box as x1, y1, x2, y2. ${describeFrame(frame)}`,
    maxTurns: 12,
    answers: true,
    options: MEDICAL_OPTIONS,
    doc: DOC,
  };
}

/** The static spec (pixel frame), as registered. */
export const spec: EnvSpec = medicalSpec('pixel');

/** Finding kinds each family can hold. */
const FAMILY_KINDS: Record<ScanFamily, readonly FindingKind[]> = {
  ct: FINDING_KINDS,
  chest: FINDING_KINDS,
  histology: ['calcification'],
};

/**
 * medical-v0: one scan, one question, answered with zoom, window and measure tools. Synthetic scans
 * come from the seed; with a dataset, seed i plays item i mod N.
 */
export class MedicalEnv extends ToolEnv<MedicalState> {
  readonly spec: EnvSpec;
  protected readonly toolset: readonly Tool<MedicalState, never>[];
  private readonly options: MedicalEnvOptions;
  private readonly families: readonly ScanFamily[];
  private readonly kinds: readonly QuestionKind[];
  private readonly dataset: MedicalDataset | undefined;
  private readonly samples: SampleSource;

  constructor(context: EnvContext, options: MedicalEnvOptions, dataset?: MedicalDataset, samples: SampleSource = sharedSampleCache) {
    super(context);
    this.options = options;
    this.dataset = dataset;
    this.samples = samples;
    this.spec = medicalSpec(options.coordinates);
    this.families = parseNameList<ScanFamily>(options.families, SCAN_FAMILIES, 'scan families');
    this.kinds = parseNameList<QuestionKind>(options.questionKinds, QUESTION_KINDS, 'question kinds');
    if (options.minSize > options.maxSize) throw new ValidationError('minSize must not exceed maxSize.', ['size range is empty']);
    const frame = options.coordinates;
    const tools: Tool<MedicalState, never>[] = [
      createZoomInTool<MedicalState>({ frame, render: createWindowedRenderer<MedicalState>(samples) }) as Tool<MedicalState, never>,
      createAdjustWindowTool<MedicalState>({ overviewSide: options.overviewSide, samples }) as Tool<MedicalState, never>,
      createDrawBoxTool<MedicalState>({ frame, view: overviewView(options.overviewSide, samples) }) as Tool<MedicalState, never>,
    ];
    if (options.measure) tools.push(createMeasureTool<MedicalState>({ frame, samples }) as Tool<MedicalState, never>);
    this.toolset = tools;
  }

  protected async createTask(random: Random, seed: number): Promise<Task<MedicalState>> {
    if (this.dataset !== undefined) return this.datasetTask(this.dataset, seed);
    const family = random.fork('family').pick(this.families);
    const scan = generateScan(random.fork('scan'), { family, minSize: this.options.minSize, maxSize: this.options.maxSize });
    const size = { width: scan.samples.width, height: scan.samples.height };
    const question = generateQuestion(random.fork('question'), {
      findings: scan.findings,
      size,
      frame: this.options.coordinates,
      kinds: FAMILY_KINDS[family],
      allowed: this.kinds,
    });
    const { ref, overview } = await this.store(scan.samples, scan.calibration, scan.defaultWindow);
    const state: MedicalState = {
      image: ref,
      current: ref,
      coordinates: this.options.coordinates,
      calibration: scan.calibration,
      window: scan.defaultWindow,
      defaultWindow: scan.defaultWindow,
      question: question.text,
      gold: question.gold,
      overview,
      annotations: [],
      synthetic: { family, name: scan.name, findings: scan.findings, searchWindows: scan.searchWindows, task: question },
    };
    return { state, observation: this.observation(state, `a ${scan.name}`) };
  }

  private async datasetTask(dataset: MedicalDataset, seed: number): Promise<Task<MedicalState>> {
    const index = ((seed % dataset.items.length) + dataset.items.length) % dataset.items.length;
    const item = dataset.items[index];
    if (item === undefined) throw new ValidationError(`Dataset item ${index} is missing.`, ['empty set']);
    const decoded = await readDatasetImage(dataset, item);
    const { ref, overview } = await this.store(decoded.samples, decoded.calibration, decoded.window);
    const gold =
      item.bbox === undefined
        ? { type: 'text' as const, text: item.answer, aliases: [] }
        : { type: 'box' as const, box: item.bbox, text: item.answer };
    const state: MedicalState = {
      image: ref,
      current: ref,
      coordinates: this.options.coordinates,
      calibration: decoded.calibration,
      window: decoded.window,
      defaultWindow: decoded.window,
      question: item.question,
      gold,
      overview,
      annotations: [],
      item: { image: item.image, index, ...(item.answerType === undefined ? {} : { answerType: item.answerType }) },
    };
    return { state, observation: this.observation(state, 'an image') };
  }

  /** Stores the scan (full depth) and its default overview; the samples are remembered so no tool decodes them again. */
  private async store(samples: Samples, calibration: MedicalState['calibration'], window: MedicalState['window']) {
    const ref = await this.context.images.put(await encodeSamples(samples));
    this.samples.remember(ref, samples);
    const size = fitLongSide(samples.width, samples.height, this.options.overviewSide);
    const overview = await this.context.images.put(await renderWindowed(samples, calibration, window, fullRegion(samples), size));
    return { ref, overview };
  }

  private observation(state: MedicalState, what: string): Content {
    const size = `The image is ${state.image.width}x${state.image.height} pixels, shown here at ${state.overview.width}x${state.overview.height}`;
    const frame =
      state.coordinates === 'pixel'
        ? 'tool coordinates are absolute pixels of the full image (x from the left edge, y from the top edge)'
        : 'tool coordinates are normalised 0..1000 on both axes (Qwen2-VL style), origin at the top-left';
    const units = `Values are in ${state.calibration.unit}; the window is ${describeWindow(state.window, state.calibration)}.`;
    return [
      text(`Here is ${what}.`),
      image({ sha256: state.overview.sha256, width: state.overview.width, height: state.overview.height, mime: 'image/png' }),
      text(`Question: ${state.question}\n${size}; ${frame}. ${units}`),
    ];
  }

  protected override checkAnswer(state: MedicalState, answer: string): AnswerCheck {
    const result = scoreAnswer(answer, state.gold, state.coordinates, state.image);
    return { score: result.score, success: result.score >= 1, expected: state.gold.text };
  }

  protected override describe(state: MedicalState): Readonly<Record<string, unknown>> {
    const window = { center: state.window.center, width: state.window.width };
    if (state.synthetic !== undefined) {
      return {
        source: 'synthetic',
        family: state.synthetic.family,
        questionKind: state.synthetic.task.kind,
        scan: state.image.sha256,
        window,
      };
    }
    return { source: 'dataset', item: state.item?.image ?? '', index: state.item?.index ?? -1, scan: state.image.sha256, window };
  }

  protected override createOracle(state: MedicalState): Oracle | undefined {
    return state.synthetic === undefined ? undefined : createMedicalOracle(state);
  }
}

/**
 * What `draw_box` draws over in medical-v0: the whole scan downscaled to `overviewSide` pixels on
 * its long side through the current window, the view `adjust_window` returns. Zooms read the
 * full-depth samples and do not show the boxes.
 */
export function overviewView(overviewSide: number, samples: SampleSource = sharedSampleCache): DrawBoxView<MedicalState> {
  return {
    async render(state, images) {
      const stored = await samples.samples(state.image, images);
      const size = fitLongSide(stored.width, stored.height, overviewSide);
      return images.put(await renderWindowed(stored, state.calibration, state.window, fullRegion(stored), size));
    },
    description:
      `Boxes are drawn over the whole image downscaled to ${overviewSide} pixels on its long side, with the current window, ` +
      'and are kept for later draws; zoom_in and adjust_window show the image without them.',
  };
}

/** The medical-v0 definition the registry loads. */
export const definition: EnvDefinition = {
  spec,
  async create(options, context) {
    const parsed = options as unknown as MedicalEnvOptions;
    const dataset =
      parsed.dataset.trim() === ''
        ? undefined
        : await loadMedicalDataset(parsed.dataset, parsed.images.trim() === '' ? undefined : parsed.images);
    return new MedicalEnv(context, parsed, dataset);
  },
};
