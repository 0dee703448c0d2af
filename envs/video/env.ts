import { type ContentPart, image, text } from '../../core/content.js';
import type { EnvContext, EnvSpec, Oracle } from '../../core/env.js';
import type { Random } from '../../core/random.js';
import type { EnvDefinition } from '../../core/registry.js';
import type { JsonSchema } from '../../core/schema.js';
import type { Tool } from '../../core/tool.js';
import { type AnswerCheck, type Task, ToolEnv } from '../../core/tool-env.js';
import { createZoomInTool } from '../../tools/image/zoom-in.js';
import { defaultCacheDir, encodeVideo } from './encode.js';
import { type FfmpegBinary, findFfmpeg } from './ffmpeg.js';
import { itemGold, loadVideoSet, type VideoItem, type VideoSet } from './load.js';
import { generateQuestion, parseKinds, QUESTION_KINDS, type QuestionKind } from './questions.js';
import { generateScenario } from './scenario.js';
import { scoreAnswer } from './score.js';
import { createVideoOracle } from './solve.js';
import { fetchFrames, frameLabel, openingIndices, type VideoSource } from './source.js';
import type { VideoState } from './state.js';
import { budgetLine, chooseFramesTool, describeVideo, getFrameTool, videoInfoTool } from './tools.js';

/** Options of video-v0, after validation (defaults filled). */
export interface VideoOptions {
  readonly minutes: number;
  readonly fps: number;
  readonly width: number;
  readonly questionKinds: string;
  readonly tolerance: number;
  readonly openingFrames: number;
  readonly framesPerCall: number;
  readonly frameBudget: number;
  readonly cacheDir: string;
  readonly dataset: string;
}

/** Widest frame shown from a dataset video; larger videos are scaled down. */
export const MAX_DATASET_WIDTH = 640;

const OPTIONS: JsonSchema = {
  type: 'object',
  properties: {
    minutes: { type: 'number', minimum: 0.5, maximum: 600, default: 2, description: 'Length of a generated video in minutes (0.5..600).' },
    fps: { type: 'integer', minimum: 1, maximum: 2, default: 1, description: 'Frame rate of generated videos: 1 or 2 frames per second.' },
    width: {
      type: 'integer',
      minimum: 256,
      maximum: 1280,
      default: 448,
      description: 'Frame width of generated videos in pixels; the height is 9/16 of it (rounded to even). 448 gives 448x252.',
    },
    questionKinds: {
      type: 'string',
      default: 'all',
      description: `Question kinds, comma-separated (${QUESTION_KINDS.join(', ')}), or all.`,
    },
    tolerance: {
      type: 'number',
      minimum: 0,
      maximum: 600,
      default: 5,
      description: 'Seconds a "first" (when) answer may be off and still count.',
    },
    openingFrames: {
      type: 'integer',
      minimum: 1,
      maximum: 32,
      default: 8,
      description: 'Frames sampled evenly for the first observation.',
    },
    framesPerCall: { type: 'integer', minimum: 2, maximum: 32, default: 8, description: 'Frames one choose_frames call shows.' },
    frameBudget: {
      type: 'integer',
      minimum: 1,
      maximum: 1024,
      default: 64,
      description: 'Most frames an episode may see, the opening frames included.',
    },
    cacheDir: {
      type: 'string',
      default: '',
      description: 'Folder of encoded videos; empty for $XDG_CACHE_HOME/thinkgym/video (else ~/.cache/thinkgym/video).',
    },
    dataset: {
      type: 'string',
      default: '',
      description: 'Path of a video QA JSONL file ({video, question, answer, options?, span?}) to evaluate on; seed i plays item i mod N.',
    },
  },
  additionalProperties: false,
};

const DOC = {
  description:
    'Questions about events in long videos, answered by looking at a few frames (FrameThinker / DeepSport style). Generated videos ' +
    'come from seeded scenarios: scenes that cut, labelled shapes that appear, move, change colour and leave, a ticking counter, and a ' +
    'sign with a short word shown for a few seconds. Frames are drawn with sharp and encoded by ffmpeg (H.264 when the build has ' +
    'libx264, else MPEG-4) with a keyframe every 5 s; encoded videos are cached by (scenario version, seed, format, ffmpeg build). ' +
    'Questions: when an object first appears (time, with a tolerance), the order of first appearances (multiple choice), how many ' +
    'times a shape comes into view, the colour of an object at a time, and what the sign said. With dataset=<file.jsonl> the env ' +
    'plays real videos for evaluation. ffmpeg is found through THINKGYM_FFMPEG, ffmpeg-static, @ffmpeg-installer/ffmpeg, then PATH.',
  tools:
    'video_info() gives duration, fps, frame count and size. choose_frames(start, end, unit) shows framesPerCall (8) frames spread evenly ' +
    'over the span (seconds, or frame numbers with unit=frames), each labelled "frame i at M:SS (s s):"; the span must hold more frames than that and must not repeat an ' +
    'earlier span. get_frame(time) shows the frame at a time. zoom_in(x1, y1, x2, y2, factor) enlarges a box of the last frame ' +
    'returned (pixels). answer(answer) ends the episode. Frames are fetched by seeking; the whole file is never decoded.',
  observation:
    'Reset: a line on the video (duration, fps, frames, size), openingFrames (8) frames sampled at the centres of equal parts, each ' +
    'labelled with its frame number and time, the question, and the frame budget. Tool calls: labelled frames (or text for ' +
    'video_info), then the frames seen so far against the budget. Same seed, options and ffmpeg build: byte-identical frames.',
  reward:
    'The answer scores 1 or 0: times within tolerance seconds (seconds or M:SS), choices by letter or option text, counts as ' +
    'integers, colours and words case-insensitively. Tool calls earn no env reward; info.extra holds the frames seen, the budget, ' +
    'choose_frames and get_frame counts and whether the question names a time, for efficiency terms and the framethinker preset.',
  episodeEnd:
    'Terminates on an answer; truncates after 16 turns. Once the frame budget (64) is spent, frame tools return an error that asks for the answer.',
  options:
    'minutes (0.5..600, default 2), fps (1 or 2), width (256..1280, default 448; height 9/16), questionKinds (comma list or all), ' +
    'tolerance (s, default 5), openingFrames (8), framesPerCall (8), frameBudget (64), cacheDir (default ~/.cache/thinkgym/video), ' +
    'dataset (video QA JSONL for evaluation; no oracle).',
  versionHistory: 'v0: first version (scenario version 2: the sign is drawn over the objects).',
};

/** The spec of video-v0. */
export const spec: EnvSpec = {
  id: 'video-v0',
  version: 0,
  instructions:
    'You are asked a question about a long video. You cannot watch it all: you see a few frames sampled evenly, each labelled with ' +
    'its frame number and time. Use choose_frames(start, end) to see frames spread over a span (times in seconds), narrowing from ' +
    'coarse to fine spans, get_frame(time) to see one frame, and zoom_in to enlarge part of the last frame shown. Frames count ' +
    'against a budget, so look where the answer must be. Then call `answer` with the answer alone.',
  maxTurns: 16,
  answers: true,
  options: OPTIONS,
  doc: DOC,
};

/** video-v0: questions about generated or real videos, answered through frame tools. */
export class VideoEnv extends ToolEnv<VideoState> {
  readonly spec: EnvSpec = spec;
  protected readonly toolset: readonly Tool<VideoState, never>[] = [
    videoInfoTool as Tool<VideoState, never>,
    chooseFramesTool as Tool<VideoState, never>,
    getFrameTool as Tool<VideoState, never>,
    createZoomInTool<VideoState>({ frame: 'pixel' }) as Tool<VideoState, never>,
  ];
  private readonly options: VideoOptions;
  private readonly kinds: readonly QuestionKind[];
  private readonly ffmpeg: FfmpegBinary;
  private readonly set: VideoSet | undefined;

  constructor(context: EnvContext, options: VideoOptions, ffmpeg: FfmpegBinary, set?: VideoSet) {
    super(context);
    this.options = options;
    this.ffmpeg = ffmpeg;
    this.set = set;
    this.kinds = parseKinds(options.questionKinds);
  }

  protected async createTask(random: Random, seed: number): Promise<Task<VideoState>> {
    if (this.set !== undefined) return this.datasetTask(this.set, seed);
    const { fps, width } = this.options;
    const height = Math.round((width * 9) / 16 / 2) * 2;
    const format = { width, height, fps, frames: Math.max(8, Math.round(this.options.minutes * 60 * fps)) };
    const scenario = generateScenario(random.fork('scenario'), format);
    const question = generateQuestion(random.fork('question'), scenario, { kinds: this.kinds, tolerance: this.options.tolerance });
    const cacheDir = this.options.cacheDir.trim() === '' ? defaultCacheDir() : this.options.cacheDir;
    const encoded = await encodeVideo({ seed, scenario, ffmpeg: this.ffmpeg }, { cacheDir });
    const source: VideoSource = {
      path: encoded.path,
      fps,
      frames: format.frames,
      duration: format.frames / fps,
      width,
      height,
      ffmpeg: this.ffmpeg,
    };
    return this.start(source, question.text, {
      gold: question.gold,
      expected: question.answer,
      namesTime: question.namesTime,
      generated: { scenario, question },
    });
  }

  private async datasetTask(set: VideoSet, seed: number): Promise<Task<VideoState>> {
    const item = set.items[((seed % set.items.length) + set.items.length) % set.items.length] as VideoItem;
    const { probe } = item;
    const scale = Math.min(1, MAX_DATASET_WIDTH / probe.width);
    const width = Math.max(2, Math.round((probe.width * scale) / 2) * 2);
    const height = Math.max(2, Math.round((probe.height * scale) / 2) * 2);
    const source: VideoSource = {
      path: item.video,
      fps: probe.fps,
      frames: Math.max(1, Math.floor(probe.duration * probe.fps)),
      duration: probe.duration,
      width,
      height,
      ffmpeg: this.ffmpeg,
    };
    const options =
      item.options === undefined
        ? ''
        : `\n${item.options.map((option, index) => `${String.fromCharCode(65 + index)}. ${option}`).join('\n')}\nAnswer with the letter.`;
    const span = item.span === undefined ? '' : `\nThe part that matters lies between ${item.span[0]} and ${item.span[1]} s.`;
    const gold = itemGold(item);
    return this.start(source, `${item.question}${options}${span}`, {
      gold,
      expected: gold.type === 'choice' ? gold.letter : item.answer,
      namesTime: /\b\d{1,2}:\d{2}\b/.test(item.question),
      item: { line: item.line, video: item.video },
    });
  }

  private async start(
    source: VideoSource,
    question: string,
    facts: Pick<VideoState, 'gold' | 'expected' | 'namesTime' | 'generated' | 'item'>,
  ): Promise<Task<VideoState>> {
    const opening = await fetchFrames(source, openingIndices(source, this.options.openingFrames), this.context.images);
    const last = opening.at(-1);
    if (last === undefined) throw new Error('no opening frame');
    const state: VideoState = {
      image: last.image,
      current: last.image,
      coordinates: 'pixel',
      source,
      question,
      ...facts,
      perCall: this.options.framesPerCall,
      frameBudget: Math.max(this.options.frameBudget, opening.length),
      framesUsed: opening.length,
      lastFrame: last.index,
      spans: [],
      chooseCalls: 0,
      timeQueries: 0,
    };
    const parts: ContentPart[] = [text(`${describeVideo(state)} Here are ${opening.length} frames sampled evenly:`)];
    for (const frame of opening) parts.push(text(frameLabel(frame)), image(frame.image));
    parts.push(text(`Question: ${question}\n${budgetLine(state)}`));
    return { state, observation: parts };
  }

  protected override checkAnswer(state: VideoState, answer: string): AnswerCheck {
    const score = scoreAnswer(answer, state.gold);
    return { score, success: score >= 1, expected: state.expected };
  }

  protected override describe(state: VideoState): Readonly<Record<string, unknown>> {
    return {
      source: state.generated === undefined ? 'dataset' : 'generated',
      ...(state.generated === undefined ? {} : { questionKind: state.generated.question.kind }),
      ...(state.item === undefined ? {} : { line: state.item.line }),
      framesSeen: state.framesUsed,
      frameBudget: state.frameBudget,
      chooseFrames: state.chooseCalls,
      timeQueries: state.timeQueries,
      namesTime: state.namesTime,
      video: {
        duration: state.source.duration,
        fps: state.source.fps,
        frames: state.source.frames,
        width: state.source.width,
        height: state.source.height,
      },
      ffmpeg: { source: this.ffmpeg.source, version: this.ffmpeg.version, encoder: this.ffmpeg.encoder },
    };
  }

  protected override createOracle(state: VideoState): Oracle | undefined {
    return state.generated === undefined ? undefined : createVideoOracle(state, this.options.openingFrames);
  }
}

/** The video-v0 definition the registry loads. */
export const definition: EnvDefinition = {
  spec,
  async create(options, context) {
    const parsed = options as unknown as VideoOptions;
    const ffmpeg = findFfmpeg();
    const set = parsed.dataset.trim() === '' ? undefined : await loadVideoSet(parsed.dataset, ffmpeg);
    return new VideoEnv(context, parsed, ffmpeg, set);
  },
};
