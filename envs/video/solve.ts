import { type Oracle, type OracleStep, scriptedOracle } from '../../core/env.js';
import { GymError } from '../../core/errors.js';
import { formatTime } from './scenario.js';
import { frameIndexAt, openingIndices } from './source.js';
import type { VideoState } from './state.js';

/**
 * The video-v0 oracle. It knows the timeline, so its answer is always right; it still acts the way
 * FrameThinker's policy does: from the opening frames it picks the span between the two samples
 * that bracket the event, scans it with choose_frames, narrows to a finer span when the first is
 * long, fetches the frames that prove the answer with get_frame (and zooms in on a sign), then
 * answers. Each call comes with a one-line rationale.
 */
export function createVideoOracle(state: VideoState, openingFrames: number): Oracle {
  return scriptedOracle(planSteps(state, openingFrames), 'video');
}

/** Every step of the oracle for a generated episode, the answer last. */
export function planSteps(state: VideoState, openingFrames: number): OracleStep[] {
  const generated = state.generated;
  if (generated === undefined)
    throw new GymError('no-oracle', 'The video oracle needs a generated episode; dataset items have no timeline.');
  const { source, perCall } = state;
  const { question } = generated;
  const { evidence } = question;
  const fps = source.fps;
  const steps: OracleStep[] = [];
  const seconds = (frame: number): number => frame / fps;
  const first = frameIndexAt(source, evidence.span[0]);
  const last = frameIndexAt(source, evidence.span[1]);
  const opening = openingIndices(source, openingFrames);
  let low = opening.filter((index) => index <= first).at(-1) ?? 0;
  let high = opening.find((index) => index >= last) ?? source.frames - 1;
  const widen = (minimum: number): void => {
    while (high - low + 1 < minimum && (low > 0 || high < source.frames - 1)) {
      low = Math.max(0, low - 1);
      high = Math.min(source.frames - 1, high + 1);
    }
  };
  widen(perCall + 1);
  const topic = TOPICS[question.kind];
  if (high - low + 1 > perCall) {
    steps.push({
      thought: `From the opening frames, ${topic} should lie between ${formatTime(seconds(low))} and ${formatTime(seconds(high))}; I'll scan that span.`,
      action: { type: 'tool_call', name: 'choose_frames', arguments: { start: seconds(low), end: seconds(high) } },
    });
    const coarse = [low, high];
    if (high - low + 1 > 3 * perCall) {
      const centre = Math.floor((first + last) / 2);
      const half = Math.max(Math.ceil((last - first) / 2) + 1, perCall);
      low = Math.max(coarse[0] as number, centre - half);
      high = Math.min(coarse[1] as number, centre + half);
      widen(perCall + 1);
      if ((high - low) * 2 <= (coarse[1] as number) - (coarse[0] as number) && high - low + 1 > perCall) {
        steps.push({
          thought: `Those frames narrow it to around ${formatTime(seconds(centre))}; I'll look closer between ${formatTime(seconds(low))} and ${formatTime(seconds(high))}.`,
          action: { type: 'tool_call', name: 'choose_frames', arguments: { start: seconds(low), end: seconds(high) } },
        });
      }
    }
  }
  evidence.times.forEach((time, position) => {
    steps.push({
      thought: `I'll check the frame at ${formatTime(time)}: ${evidence.notes[position] ?? 'it shows the answer'}.`,
      action: { type: 'tool_call', name: 'get_frame', arguments: { time } },
    });
  });
  if (evidence.zoom !== undefined) {
    steps.push({
      thought: 'The sign is small; I will zoom in on it to read the word.',
      action: { type: 'tool_call', name: 'zoom_in', arguments: { ...evidence.zoom, factor: 3 } },
    });
  }
  steps.push({
    thought: `${evidence.notes.join('; ')}. So the answer is ${question.answer}.`,
    action: { type: 'answer', answer: question.answer },
  });
  return steps;
}

const TOPICS = {
  first: 'the first appearance asked about',
  order: 'the first appearances to order',
  count: 'the entrances to count',
  colour: 'the time the question names',
  sign: 'the sign',
} as const;
