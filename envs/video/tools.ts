import { type ContentPart, image, text } from '../../core/content.js';
import { type Tool, type ToolResult, toolError } from '../../core/tool.js';
import { formatTime } from './scenario.js';
import { type FetchedFrame, fetchFrames, frameIndexAt, frameLabel, spreadIndices } from './source.js';
import type { VideoState } from './state.js';

/**
 * The video tools: `video_info`, `choose_frames(start, end)` and `get_frame(time)`. Times are
 * seconds from the start. Every frame returned counts against the episode's frame budget; the
 * last frame returned becomes the image `zoom_in` (from tools/image) acts on.
 */

/** Arguments of `choose_frames`. */
export interface ChooseFramesArgs {
  readonly start: number;
  readonly end: number;
  /** `seconds` (default) or `frames`: frame numbers, as FrameThinker's `choose frames between A and B`. */
  readonly unit?: 'seconds' | 'frames';
}

/** Arguments of `get_frame`. */
export interface GetFrameArgs {
  readonly time: number;
}

/** `video_info`: duration, frame rate, frame count and size. */
export const videoInfoTool: Tool<VideoState, Record<string, never>> = {
  name: 'video_info',
  description: 'Tells the video duration (seconds), frame rate, frame count and frame size, and how much of the frame budget is left.',
  parameters: { type: 'object', properties: {}, additionalProperties: false },
  annotations: { readOnly: true },
  async run(_args, { state }): Promise<ToolResult> {
    const { source } = state;
    return {
      content: [text(`${describeVideo(state)} ${budgetLine(state)}`)],
      data: { duration: source.duration, fps: source.fps, frames: source.frames, width: source.width, height: source.height },
    };
  },
};

/** `choose_frames(start, end)`: `state.perCall` frames spread evenly over the span, each labelled with its time. */
export const chooseFramesTool: Tool<VideoState, ChooseFramesArgs> = {
  name: 'choose_frames',
  description:
    'Shows frames spread evenly between two times (seconds from the start), first and last included, each labelled with its frame ' +
    'number and time. Use it to scan a span, then narrow down. The span must hold more frames than are shown; for one frame use get_frame.',
  parameters: {
    type: 'object',
    properties: {
      start: { type: 'number', minimum: 0, description: 'Start of the span in seconds from the start of the video.' },
      end: { type: 'number', minimum: 0, description: 'End of the span in seconds; greater than start, at most the duration.' },
      unit: {
        type: 'string',
        enum: ['seconds', 'frames'],
        default: 'seconds',
        description: 'What start and end count: seconds (default) or frame numbers (frame i is at i / fps seconds).',
      },
    },
    required: ['start', 'end'],
    additionalProperties: false,
  },
  annotations: { readOnly: true },
  async run(args, { state, images }): Promise<ToolResult> {
    const { source } = state;
    if (args.end <= args.start) return toolError(`end (${args.end}) must be greater than start (${args.start}).`);
    const span = args.unit === 'frames' ? { start: args.start / source.fps, end: args.end / source.fps } : args;
    if (span.start >= source.duration) {
      return toolError(
        `start ${span.start} s is past the end of the video (${round(source.duration)} s long); choose a span inside 0..${round(source.duration)}.`,
      );
    }
    const first = frameIndexAt(source, span.start);
    const last = frameIndexAt(source, Math.min(span.end, source.duration));
    const inside = last - first + 1;
    if (inside <= state.perCall) {
      return toolError(
        `the span ${round(span.start)}..${round(span.end)} s holds only ${inside} frames, not more than the ${state.perCall} choose_frames shows; ` +
          'choose a longer span, or use get_frame for single frames.',
      );
    }
    const key = `${first}-${last}`;
    if (state.spans.includes(key)) {
      return toolError(`you already chose frames between ${round(span.start)} and ${round(span.end)} s; choose a different span.`);
    }
    if (remaining(state) === 0) return budgetError(state);
    const indices = spreadIndices(first, last, Math.min(state.perCall, remaining(state)));
    state.spans.push(key);
    state.chooseCalls += 1;
    const frames = await fetchFrames(source, indices, images);
    const header = `${frames.length} frames between ${formatTime(first / source.fps)} and ${formatTime(last / source.fps)} (${round(first / source.fps)}..${round(last / source.fps)} s):`;
    return show(state, frames, header);
  },
};

/** `get_frame(time)`: the one frame shown at that time. */
export const getFrameTool: Tool<VideoState, GetFrameArgs> = {
  name: 'get_frame',
  description: 'Shows the single frame on screen at a time (seconds from the start), labelled with its frame number and time.',
  parameters: {
    type: 'object',
    properties: { time: { type: 'number', minimum: 0, description: 'Seconds from the start of the video, at most the duration.' } },
    required: ['time'],
    additionalProperties: false,
  },
  annotations: { readOnly: true },
  async run(args, { state, images }): Promise<ToolResult> {
    const { source } = state;
    if (args.time > source.duration) {
      return toolError(
        `time ${args.time} s is past the end of the video (${round(source.duration)} s long); give a time in 0..${round(source.duration)}.`,
      );
    }
    if (remaining(state) === 0) return budgetError(state);
    state.timeQueries += 1;
    const frames = await fetchFrames(source, [frameIndexAt(source, args.time)], images);
    return show(state, frames, `The frame at ${formatTime(args.time)} (${round(args.time)} s):`);
  },
};

/** A labelled list of frames, the budget line, and the state updated (the last frame becomes the zoom target). */
export function show(state: VideoState, frames: readonly FetchedFrame[], header: string): ToolResult {
  state.framesUsed += frames.length;
  const last = frames.at(-1);
  if (last !== undefined) {
    state.image = last.image;
    state.current = last.image;
    state.lastFrame = last.index;
  }
  const parts: ContentPart[] = [text(header)];
  for (const frame of frames) parts.push(text(frameLabel(frame)), image(frame.image));
  parts.push(text(budgetLine(state)));
  return { content: parts, data: { frames: frames.map((frame) => ({ index: frame.index, time: frame.time })) } };
}

/** One sentence on the video. */
export function describeVideo(state: VideoState): string {
  const { source } = state;
  return (
    `The video is ${formatTime(source.duration)} long (${round(source.duration)} s) at ${round(source.fps)} frames per second: ` +
    `${source.frames} frames, numbered 0..${source.frames - 1}, each ${source.width}x${source.height} pixels.`
  );
}

/** The frame budget line shown after frames. */
export function budgetLine(state: VideoState): string {
  return `Frames seen: ${state.framesUsed} of a budget of ${state.frameBudget}.`;
}

function remaining(state: VideoState): number {
  return Math.max(0, state.frameBudget - state.framesUsed);
}

function budgetError(state: VideoState): ToolResult {
  return toolError(`the frame budget is spent (${state.framesUsed} of ${state.frameBudget} frames seen); answer with what you have seen.`);
}

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}
