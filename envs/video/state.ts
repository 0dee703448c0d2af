import type { ImageRef } from '../../core/content.js';
import type { ImageToolState } from '../../tools/image/state.js';
import type { Gold, VideoQuestion } from './questions.js';
import type { Scenario } from './scenario.js';
import type { VideoSource } from './source.js';

/** The state of one video-v0 episode. `image` and `current` are the last frame returned, which `zoom_in` acts on. */
export interface VideoState extends ImageToolState {
  image: ImageRef;
  current: ImageRef;
  readonly coordinates: 'pixel';
  readonly source: VideoSource;
  /** The question as shown. */
  readonly question: string;
  readonly gold: Gold;
  /** The gold answer as text. */
  readonly expected: string;
  /** Whether the question names a time. */
  readonly namesTime: boolean;
  /** Generated episodes: the scenario and the full question (with its evidence), for the oracle. */
  readonly generated?: { readonly scenario: Scenario; readonly question: VideoQuestion };
  /** Dataset episodes: the 1-based line of the JSONL item. */
  readonly item?: { readonly line: number; readonly video: string };
  /** Frames `choose_frames` shows per call. */
  readonly perCall: number;
  readonly frameBudget: number;
  /** Frames returned so far, the opening frames included. */
  framesUsed: number;
  /** The index of the last frame returned. */
  lastFrame: number;
  /** `first-last` frame index spans already chosen. */
  readonly spans: string[];
  chooseCalls: number;
  /** `get_frame` calls. */
  timeQueries: number;
}
