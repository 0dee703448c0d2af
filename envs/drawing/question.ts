import type { Random } from '../../core/random.js';
import type { PixelBox } from '../../tools/image/scene.js';
import type { Layout } from './generate.js';
import type { Point, SceneObject } from './scene.js';

/** The shapes of drawing-v0 questions and the helpers their builders share. */

export const QUESTION_KINDS = ['closer', 'direction', 'collinear', 'side', 'crosses', 'count', 'distance', 'angle'] as const;

/** A question kind. */
export type QuestionKind = (typeof QUESTION_KINDS)[number];

/** How hard the measurements are: how close the distances, offsets and margins get. */
export type Difficulty = 'easy' | 'medium' | 'hard';

/** The difficulty levels. */
export const DIFFICULTIES: readonly Difficulty[] = ['easy', 'medium', 'hard'];

/** The knobs a difficulty level sets. */
export interface Tuning {
  /** Relative difference of the two distances of `closer`. */
  readonly closer: readonly [number, number];
  /** Offset from the line, as a fraction of the line's length, for `collinear` (no) and `side`. */
  readonly offset: readonly [number, number];
  /** Least angle (degrees) between the target and the facing axes for `direction`. */
  readonly direction: number;
  /** Least clearance (pixels) between a path and the region's edge for `crosses`. */
  readonly region: number;
  /** Near misses added beside the line for `count`. */
  readonly nearMisses: number;
  /** Least gap (pixels) between a counted line and any object outline it does not cross, or its depth into one it crosses. */
  readonly countMargin: number;
}

/**
 * The gold answer: an option (answered by its letter or text), a number (scored by mean relative
 * accuracy), or, for benchmark items without options, a short text matched exactly.
 */
export type Gold =
  | { readonly type: 'choice'; readonly options: readonly string[]; readonly index: number }
  | { readonly type: 'number'; readonly value: number; readonly decimals: number }
  | { readonly type: 'text'; readonly text: string };

/** One drawing the oracle makes, in pixels, with its one-line rationale. */
export type PlanStep =
  | { readonly tool: 'draw_line'; readonly from: Point; readonly to: Point; readonly label: string; readonly thought: string }
  | { readonly tool: 'draw_box'; readonly box: PixelBox; readonly label: string; readonly thought: string }
  | {
      readonly tool: 'draw_shapes';
      readonly boxes: readonly { readonly box: PixelBox; readonly label: string }[];
      readonly thought: string;
    };

/** A generated question with its answer and the drawings that decide it. */
export interface Question {
  readonly kind: QuestionKind;
  readonly text: string;
  readonly gold: Gold;
  /** What the oracle draws, in order. */
  readonly steps: readonly PlanStep[];
  /** The oracle's last rationale: the measurements and the conclusion. */
  readonly conclusion: string;
  /** Names of the objects the question is about. */
  readonly targets: readonly string[];
}

/** The answer text of a gold answer: an option letter, or the number with its decimals. */
export function goldText(gold: Gold): string {
  if (gold.type === 'choice') return optionLetter(gold.index);
  return gold.type === 'number' ? gold.value.toFixed(gold.decimals) : gold.text;
}

/** `A`, `B`, … for option 0, 1, … */
export function optionLetter(index: number): string {
  return String.fromCharCode(65 + index);
}

/** Builds one question of a kind on a layout (moving objects as it needs), or null when this try fails. */
export type Builder = (random: Random, layout: Layout, tuning: Tuning) => Question | null;

/** The indices of the layout's labelled objects. */
export function indices(layout: Layout): number[] {
  return layout.objects.map((_, index) => index);
}

/** The labelled object at `index`. */
export function objectAt(layout: Layout, index: number): SceneObject {
  return layout.objects[index] as SceneObject;
}

/** `count` candidate points from `make` (null when a try yields none), for {@link Layout.relocate}. */
export function* candidates(count: number, make: () => Point | null): Generator<Point | null> {
  for (let index = 0; index < count; index += 1) yield make();
}

/** A pixel measure with one decimal. */
export function px(value: number): string {
  return value.toFixed(1);
}

/** `value` rounded to `decimals`. */
export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
