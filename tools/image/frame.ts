import type { PixelBox } from './scene.js';

/**
 * Coordinate frames the image tools speak. Every coordinate a model passes or receives is in the
 * frame of the ORIGINAL image of the episode (never of a zoomed or cropped result):
 * - `pixel`: absolute pixels, x from the left edge, y from the top edge, origin (0, 0) top-left;
 *   a box edge may lie anywhere in 0..width (x) and 0..height (y).
 * - `qwen1000`: Qwen2-VL's normalised frame, 0..1000 across the width (x) and the height (y),
 *   whatever the image's size in pixels.
 */
export type CoordinateFrame = 'pixel' | 'qwen1000';

/** The frames, for option enums. */
export const COORDINATE_FRAMES: readonly CoordinateFrame[] = ['pixel', 'qwen1000'];

/** The extent of the normalised `qwen1000` frame on both axes. */
export const QWEN_EXTENT = 1000;

/** A box as a model writes it, in the units of a {@link CoordinateFrame}. */
export interface FrameBox {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

/** A whole-pixel rectangle, as sharp's `extract` takes it. */
export interface PixelRegion {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** The size of an image in pixels. */
export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

/** Largest x and y a coordinate may take in `frame` for an image of `size`. */
export function frameExtent(frame: CoordinateFrame, size: ImageSize): { readonly x: number; readonly y: number } {
  return frame === 'pixel' ? { x: size.width, y: size.height } : { x: QWEN_EXTENT, y: QWEN_EXTENT };
}

/** One clause for tool descriptions: what coordinates mean in `frame`. */
export function describeFrame(frame: CoordinateFrame): string {
  return frame === 'pixel'
    ? 'Coordinates are absolute pixels of the original image: x from its left edge, y from its top edge, origin (0, 0) at the top-left.'
    : "Coordinates are Qwen2-VL normalised coordinates: 0..1000 across the original image's width (x) and height (y), " +
        'origin (0, 0) at the top-left, whatever the image size in pixels.';
}

/** A short unit name for parameter descriptions. */
export function frameUnits(frame: CoordinateFrame): string {
  return frame === 'pixel' ? 'absolute pixels of the original image' : 'normalised 0..1000 units of the original image';
}

/** Says the image size and the valid coordinate ranges, for error messages. */
export function describeSize(frame: CoordinateFrame, size: ImageSize): string {
  return frame === 'pixel'
    ? `the image is ${size.width}x${size.height} pixels, so x runs 0..${size.width} and y 0..${size.height}`
    : `the image is ${size.width}x${size.height} pixels and coordinates are normalised, so x and y run 0..${QWEN_EXTENT}`;
}

/** An x coordinate of `frame` in pixels (continuous). */
export function toPixelX(x: number, frame: CoordinateFrame, size: ImageSize): number {
  return frame === 'pixel' ? x : (x / QWEN_EXTENT) * size.width;
}

/** A y coordinate of `frame` in pixels (continuous). */
export function toPixelY(y: number, frame: CoordinateFrame, size: ImageSize): number {
  return frame === 'pixel' ? y : (y / QWEN_EXTENT) * size.height;
}

/** A pixel x in `frame` units (continuous). */
export function fromPixelX(x: number, frame: CoordinateFrame, size: ImageSize): number {
  return frame === 'pixel' ? x : (x / size.width) * QWEN_EXTENT;
}

/** A pixel y in `frame` units (continuous). */
export function fromPixelY(y: number, frame: CoordinateFrame, size: ImageSize): number {
  return frame === 'pixel' ? y : (y / size.height) * QWEN_EXTENT;
}

/** A frame box in continuous pixels. */
export function toPixelBox(box: FrameBox, frame: CoordinateFrame, size: ImageSize): PixelBox {
  return {
    x1: toPixelX(box.x1, frame, size),
    y1: toPixelY(box.y1, frame, size),
    x2: toPixelX(box.x2, frame, size),
    y2: toPixelY(box.y2, frame, size),
  };
}

/**
 * A pixel box in whole `frame` units, rounded outwards (so the result covers the box) and clipped
 * to the frame's extent. This is how boxes are shown to models and how oracles write their calls.
 */
export function fromPixelBox(box: PixelBox, frame: CoordinateFrame, size: ImageSize): FrameBox {
  const extent = frameExtent(frame, size);
  const clip = (value: number, max: number): number => Math.min(max, Math.max(0, value));
  return {
    x1: clip(Math.floor(fromPixelX(box.x1, frame, size) + 1e-9), extent.x),
    y1: clip(Math.floor(fromPixelY(box.y1, frame, size) + 1e-9), extent.y),
    x2: clip(Math.ceil(fromPixelX(box.x2, frame, size) - 1e-9), extent.x),
    y2: clip(Math.ceil(fromPixelY(box.y2, frame, size) - 1e-9), extent.y),
  };
}

/** A pixel coordinate in whole `frame` units (nearest). */
export function fromPixelRounded(value: number, axis: 'x' | 'y', frame: CoordinateFrame, size: ImageSize): number {
  const converted = axis === 'x' ? fromPixelX(value, frame, size) : fromPixelY(value, frame, size);
  return Math.round(converted);
}

/** Writes a frame box as `x1=…, y1=…, x2=…, y2=…` with at most one decimal. */
export function formatBox(box: FrameBox): string {
  const show = (value: number): string => String(Math.round(value * 10) / 10);
  return `x1=${show(box.x1)}, y1=${show(box.y1)}, x2=${show(box.x2)}, y2=${show(box.y2)}`;
}

/** The outcome of checking a model's box: a whole-pixel region, or a message for the model. */
export type BoxCheck =
  | { readonly ok: true; readonly region: PixelRegion; readonly box: PixelBox }
  | { readonly ok: false; readonly message: string };

/**
 * Checks a box a model passed and converts it to a whole-pixel region of the original image. Edges
 * outside the frame's range and empty boxes (x2 <= x1 or y2 <= y1) give a message that states the
 * valid ranges, so the model can fix the call.
 */
export function checkBox(box: FrameBox, frame: CoordinateFrame, size: ImageSize): BoxCheck {
  const extent = frameExtent(frame, size);
  const where = describeSize(frame, size);
  for (const [name, value, max] of [
    ['x1', box.x1, extent.x],
    ['y1', box.y1, extent.y],
    ['x2', box.x2, extent.x],
    ['y2', box.y2, extent.y],
  ] as const) {
    if (!Number.isFinite(value)) return { ok: false, message: `${name} must be a number; ${where}.` };
    if (value < 0 || value > max) {
      return { ok: false, message: `${name}=${value} is outside the image: ${name[0]} must be within 0..${max} (${where}).` };
    }
  }
  if (box.x2 <= box.x1) return { ok: false, message: `x2 must be greater than x1 (got x1=${box.x1}, x2=${box.x2}); ${where}.` };
  if (box.y2 <= box.y1) return { ok: false, message: `y2 must be greater than y1 (got y1=${box.y1}, y2=${box.y2}); ${where}.` };
  const pixels = toPixelBox(box, frame, size);
  const left = Math.max(0, Math.floor(pixels.x1 + 1e-9));
  const top = Math.max(0, Math.floor(pixels.y1 + 1e-9));
  const right = Math.min(size.width, Math.max(left + 1, Math.ceil(pixels.x2 - 1e-9)));
  const bottom = Math.min(size.height, Math.max(top + 1, Math.ceil(pixels.y2 - 1e-9)));
  if (right <= left || bottom <= top) return { ok: false, message: `the box covers no whole pixel; make it larger (${where}).` };
  return { ok: true, region: { left, top, width: right - left, height: bottom - top }, box: pixels };
}

/** The outcome of checking a line position: a pixel row or column, or a message for the model. */
export type LineCheck = { readonly ok: true; readonly pixel: number } | { readonly ok: false; readonly message: string };

/**
 * Checks the position of a horizontal (`y`) or vertical (`x`) line and converts it to the pixel
 * row or column it is drawn on (the nearest one, kept inside the image).
 */
export function checkLine(axis: 'x' | 'y', value: number, frame: CoordinateFrame, size: ImageSize): LineCheck {
  const extent = frameExtent(frame, size);
  const max = axis === 'x' ? extent.x : extent.y;
  const where = describeSize(frame, size);
  if (!Number.isFinite(value)) return { ok: false, message: `${axis} must be a number; ${where}.` };
  if (value < 0 || value > max)
    return { ok: false, message: `${axis}=${value} is outside the image: ${axis} must be within 0..${max} (${where}).` };
  const pixels = axis === 'x' ? toPixelX(value, frame, size) : toPixelY(value, frame, size);
  const limit = (axis === 'x' ? size.width : size.height) - 1;
  return { ok: true, pixel: Math.min(limit, Math.max(0, Math.round(pixels))) };
}

/** JSON-schema properties of a flat box argument `x1, y1, x2, y2`, described in `frame`. */
export function boxProperties(frame: CoordinateFrame, what: string): Record<string, { type: 'number'; description: string }> {
  const units = frameUnits(frame);
  const range = frame === 'pixel' ? ['0..image width', '0..image height'] : ['0..1000', '0..1000'];
  return {
    x1: { type: 'number', description: `Left edge of ${what}, in ${units} (${range[0]}).` },
    y1: { type: 'number', description: `Top edge of ${what}, in ${units} (${range[1]}).` },
    x2: { type: 'number', description: `Right edge of ${what}, in ${units} (${range[0]}); greater than x1.` },
    y2: { type: 'number', description: `Bottom edge of ${what}, in ${units} (${range[1]}); greater than y1.` },
  };
}
