import type { ImageToolState } from '../../tools/image/state.js';
import type { Chart } from './generate.js';
import type { Gold, Question } from './questions.js';
import type { ChartScene } from './scene.js';

/** The state of one chart-v0 episode; the image tools act on its image fields. */
export interface ChartState extends ImageToolState {
  /** The chart's scene graph (synthetic charts only). */
  readonly scene?: ChartScene;
  /** The question shown to the model. */
  readonly question: string;
  readonly gold: Gold;
  /** Synthetic episodes: the chart drawn and the full question (kind, targets, explanation). */
  readonly task?: { readonly chart: Chart; readonly question: Question };
  /** ChartQA episodes: the item's image name and index. */
  readonly item?: { readonly imgname: string; readonly index: number };
}
