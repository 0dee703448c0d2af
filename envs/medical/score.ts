import { type CoordinateFrame, type ImageSize, toPixelBox } from '../../tools/image/frame.js';
import type { PixelBox } from '../../tools/image/scene.js';
import type { Gold } from './questions.js';

/** IoU a box answer needs to count as correct (the usual Acc@0.5 of grounding benchmarks). */
export const BOX_IOU_THRESHOLD = 0.5;

/** Lower-cases, trims, drops surrounding quotes, brackets and trailing punctuation, collapses spaces and hyphens. */
export function normalizeAnswer(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/^["'`“”‘’(\s]+|["'`“”‘’)\s]+$/g, '')
    .replace(/[.!?;:,]+$/g, '')
    .replace(/[\s_-]+/g, ' ')
    .trim();
}

/** Intersection over union of two pixel boxes (0 when either is empty). */
export function boxIoU(a: PixelBox, b: PixelBox): number {
  const width = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
  const height = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const intersection = width * height;
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - intersection;
  return union <= 0 ? 0 : intersection / union;
}

/** The four numbers of a box answer ("x1, y1, x2, y2", brackets and labels allowed), or undefined. */
export function parseBox(text: string): { x1: number; y1: number; x2: number; y2: number } | undefined {
  const numbers = text.match(/-?\d+(?:\.\d+)?/g);
  if (numbers === null || numbers.length !== 4) return undefined;
  const [x1, y1, x2, y2] = numbers.map(Number) as [number, number, number, number];
  if (x2 <= x1 || y2 <= y1) return undefined;
  return { x1, y1, x2, y2 };
}

/** How an answer scored: 1 or 0, and the IoU for box answers. */
export interface AnswerScore {
  readonly score: number;
  readonly iou?: number;
}

/**
 * Scores an answer: yes/no, names and letters by normalised exact match against the gold text and
 * its aliases; counts by the first whole number; boxes by IoU >= {@link BOX_IOU_THRESHOLD} after
 * converting the answer from the episode's frame to pixels.
 */
export function scoreAnswer(answer: string, gold: Gold, frame: CoordinateFrame, size: ImageSize): AnswerScore {
  switch (gold.type) {
    case 'number': {
      const match = answer.match(/-?\d+(?:\.\d+)?/);
      const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
      const value = match === null ? words.indexOf(normalizeAnswer(answer)) : Number(match[0]);
      return { score: value === gold.value ? 1 : 0 };
    }
    case 'box': {
      const parsed = parseBox(answer);
      if (parsed === undefined) return { score: 0, iou: 0 };
      const iou = boxIoU(toPixelBox(parsed, frame, size), gold.box);
      return { score: iou >= BOX_IOU_THRESHOLD ? 1 : 0, iou };
    }
    case 'text': {
      const given = normalizeAnswer(answer);
      const accepted = [gold.text, ...gold.aliases].map(normalizeAnswer);
      return { score: accepted.includes(given) ? 1 : 0 };
    }
  }
}
