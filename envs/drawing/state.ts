import type { AnnotationState } from '../../tools/image/annotations.js';
import type { Gold, Question } from './questions.js';
import type { DrawingScene } from './scene.js';

/** The state of one drawing-v0 episode; the drawing tools act on its image fields and layer. */
export interface DrawingState extends AnnotationState {
  readonly question: string;
  readonly gold: Gold;
  /** Synthetic episodes: the scene and the full question (kind, targets, the oracle's plan). */
  readonly task?: { readonly scene: DrawingScene; readonly question: Question; readonly difficulty: string };
  /** Dataset episodes: the line number of the item and how many images it has. */
  readonly item?: { readonly line: number; readonly images: number };
}
