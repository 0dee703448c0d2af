import type { AnnotationState } from '../../tools/image/annotations.js';
import type { DisplayWindow, WindowedImageState } from '../../tools/image/window.js';
import type { ScanFamily } from './anatomy.js';
import type { Finding } from './findings.js';
import type { Gold, Question } from './questions.js';

/**
 * The state of one medical-v0 episode; the image tools act on its image and window fields, and
 * `draw_box` keeps its boxes (in the scan's pixels) in `annotations`.
 */
export interface MedicalState extends WindowedImageState, AnnotationState {
  /** The question shown to the model. */
  readonly question: string;
  readonly gold: Gold;
  /** The default observation (the scan downscaled, default window). */
  readonly overview: { readonly sha256: string; readonly width: number; readonly height: number };
  /** Synthetic episodes: what the scan holds and the full question. */
  readonly synthetic?: {
    readonly family: ScanFamily;
    readonly name: string;
    readonly findings: readonly Finding[];
    /** A window that shows each kind of finding this family holds. */
    readonly searchWindows: Readonly<Record<string, DisplayWindow>>;
    readonly task: Question;
  };
  /** Dataset episodes: the item's image and index. */
  readonly item?: { readonly image: string; readonly index: number; readonly answerType?: string };
}
