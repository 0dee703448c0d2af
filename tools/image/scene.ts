/**
 * A scene graph: what an image shows and where, in pixels. Synthetic envs (charts, drawings) keep
 * one per rendered image so oracles can plan tool calls and privileged tools such as `locate` can
 * answer. Real images loaded from datasets have none.
 */

/**
 * An axis-aligned box in absolute pixels of the image: x to the right, y down, origin at the
 * top-left corner. `x1 < x2` and `y1 < y2`; values may be fractional (continuous coordinates, the
 * pixel in column c spans c..c+1).
 */
export interface PixelBox {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

/** One drawn thing in a scene: a bar, a point, a wedge, a label. */
export interface SceneElement {
  /** Stable id within the scene, e.g. `bar:0:3`. */
  readonly id: string;
  /** What it is, e.g. `bar`, `point`, `wedge`, `tick-label`, `legend-entry`, `title`. */
  readonly kind: string;
  /** The name a reader would use for it: a label's text, or the category a mark stands for. */
  readonly name: string;
  /** Where it is drawn. */
  readonly box: PixelBox;
  /** The series a data mark belongs to, when there are several. */
  readonly series?: string;
  /** The category a data mark or label stands for. */
  readonly category?: string;
  /** The data value a mark or label shows. */
  readonly value?: number;
}

/** The scene graph of one image. */
export interface ImageScene {
  readonly width: number;
  readonly height: number;
  readonly elements: readonly SceneElement[];
}

/** Width of a box in pixels. */
export function boxWidth(box: PixelBox): number {
  return box.x2 - box.x1;
}

/** Height of a box in pixels. */
export function boxHeight(box: PixelBox): number {
  return box.y2 - box.y1;
}

/** The smallest box holding all of `boxes` (which must not be empty). */
export function unionBox(boxes: readonly PixelBox[]): PixelBox {
  let x1 = Number.POSITIVE_INFINITY;
  let y1 = Number.POSITIVE_INFINITY;
  let x2 = Number.NEGATIVE_INFINITY;
  let y2 = Number.NEGATIVE_INFINITY;
  for (const box of boxes) {
    x1 = Math.min(x1, box.x1);
    y1 = Math.min(y1, box.y1);
    x2 = Math.max(x2, box.x2);
    y2 = Math.max(y2, box.y2);
  }
  return { x1, y1, x2, y2 };
}

/** `box` grown by `margin` pixels on every side and clipped to a `width` x `height` image. */
export function padBox(box: PixelBox, margin: number, width: number, height: number): PixelBox {
  return {
    x1: Math.max(0, box.x1 - margin),
    y1: Math.max(0, box.y1 - margin),
    x2: Math.min(width, box.x2 + margin),
    y2: Math.min(height, box.y2 + margin),
  };
}
