import { ValidationError } from '../../core/errors.js';
import type { Random } from '../../core/random.js';

/** Which way the target's stripes run. */
export type StripeOrientation = 'horizontal' | 'vertical';

/** The two answers, in the order the answer schema lists them. */
export const ORIENTATIONS: readonly StripeOrientation[] = ['horizontal', 'vertical'];

/** Pixels kept free between a square and its quadrant's (or slot's) edges. */
export const SQUARE_MARGIN = 4;

/** Stripe width in pixels; the stripes repeat every two widths. */
export const STRIPE_WIDTH = 2;

/** Grey levels: the stripes' black and white, and the plain squares (the stripes' mean). */
export const STRIPE_BLACK = 0;
export const STRIPE_WHITE = 254;
export const SQUARE_GREY = (STRIPE_BLACK + STRIPE_WHITE) / 2;

/** Slots per quadrant side at most: squares land in one of up to 2 × 2 slots of a quadrant. */
const MAX_SLOTS_PER_SIDE = 2;

/** The options of search-v0 as given (after schema validation, defaults filled). */
export interface SearchOptions {
  readonly size: number;
  readonly targetSize?: number;
  readonly distractors: number;
  readonly overviewSide?: number;
  readonly zoomSide: number;
}

/** The options with the size-dependent defaults resolved and the cross-option rules checked. */
export interface SearchSettings {
  readonly size: number;
  readonly targetSize: number;
  readonly distractors: number;
  readonly overviewSide: number;
  readonly zoomSide: number;
  /** Slots per quadrant side (1 or 2). */
  readonly slotsPerSide: number;
}

/** A square in pixels of the full image: left, top and side; `quadrant` 0..3 row-major. */
export interface Square {
  readonly x: number;
  readonly y: number;
  readonly side: number;
  readonly quadrant: number;
}

/** Control points of the background: a (cells + 1)² grid of RGB values, bilinearly interpolated. */
export interface Background {
  readonly cells: number;
  /** RGB per control point, row-major, `(cells + 1)² × 3` values in 0..255. */
  readonly points: Uint8Array;
}

/** One search task: the background, the striped target and the plain grey distractors. */
export interface SearchScene {
  readonly size: number;
  readonly background: Background;
  readonly target: Square;
  readonly orientation: StripeOrientation;
  readonly distractors: readonly Square[];
}

/** Background grid cells per side: a few, so the texture varies over hundreds of pixels at 1024. */
const BACKGROUND_CELLS = 4;

/** The default target side for an image side: max(16, round(size / 32)). */
export function defaultTargetSize(size: number): number {
  return Math.max(16, Math.round(size / 32));
}

/** The default overview side: 256, or size / 4 (rounded down) for images under 1024 px. */
export function defaultOverviewSide(size: number): number {
  return Math.min(256, Math.floor(size / 4));
}

/**
 * Resolves the size-dependent defaults and checks the rules the schema cannot state: the overview
 * at most a quarter of the image (so the 4 px stripe period always averages out), the target with
 * its margins inside a quadrant, and room for every square. Throws a `ValidationError` that says
 * which value to change.
 */
export function resolveSettings(options: SearchOptions): SearchSettings {
  const size = options.size;
  const targetSize = options.targetSize ?? defaultTargetSize(size);
  const overviewSide = options.overviewSide ?? defaultOverviewSide(size);
  const quarter = Math.floor(size / 4);
  if (overviewSide > quarter) {
    const message =
      `overviewSide ${overviewSide} is more than size / 4 (${quarter}) for size ${size}: the 4 px stripe period would show in ` +
      `the overview; use overviewSide <= ${quarter} or a larger size.`;
    throw new ValidationError(message, [`overviewSide: must be at most ${quarter} when size is ${size}`]);
  }
  const quadrant = Math.floor(size / 2);
  const cell = targetSize + 2 * SQUARE_MARGIN;
  const fit = Math.floor(quadrant / cell);
  if (fit < 1) {
    const most = quadrant - 2 * SQUARE_MARGIN;
    const message = `targetSize ${targetSize} does not fit in a ${quadrant} px quadrant of size ${size} with ${SQUARE_MARGIN} px margins; use targetSize <= ${most} or a larger size.`;
    throw new ValidationError(message, [`targetSize: must be at most ${most} when size is ${size}`]);
  }
  const slotsPerSide = Math.min(fit, MAX_SLOTS_PER_SIDE);
  const capacity = 4 * slotsPerSide * slotsPerSide;
  if (options.distractors + 1 > capacity) {
    const most = capacity - 1;
    const message =
      `${options.distractors} distractors and the target do not fit in size ${size} with targetSize ${targetSize} ` +
      `(room for ${capacity} squares); use distractors <= ${most}, a smaller targetSize or a larger size.`;
    throw new ValidationError(message, [`distractors: must be at most ${most} for size ${size} and targetSize ${targetSize}`]);
  }
  return { size, targetSize, distractors: options.distractors, overviewSide, zoomSide: options.zoomSide, slotsPerSide };
}

/**
 * Generates the task of a seed. The layout, the background and the orientation draw from separate
 * streams, so flipping the orientation leaves everything else in place.
 */
export function generateScene(random: Random, settings: SearchSettings): SearchScene {
  const size = settings.size;
  const background = generateBackground(random.fork('background'));
  const layout = random.fork('layout');
  const half = Math.floor(size / 2);
  const perSide = settings.slotsPerSide;
  const slotSide = Math.floor(half / perSide);
  const slots: { x: number; y: number; quadrant: number }[] = [];
  for (let quadrant = 0; quadrant < 4; quadrant += 1) {
    const originX = (quadrant % 2) * half;
    const originY = Math.floor(quadrant / 2) * half;
    for (let row = 0; row < perSide; row += 1) {
      for (let col = 0; col < perSide; col += 1) slots.push({ x: originX + col * slotSide, y: originY + row * slotSide, quadrant });
    }
  }
  const side = settings.targetSize;
  const room = slotSide - side - 2 * SQUARE_MARGIN;
  const squares = layout.sample(slots, settings.distractors + 1).map((slot) => ({
    x: slot.x + SQUARE_MARGIN + layout.int(0, room),
    y: slot.y + SQUARE_MARGIN + layout.int(0, room),
    side,
    quadrant: slot.quadrant,
  }));
  const orientation = random.fork('orientation').chance(0.5) ? 'horizontal' : 'vertical';
  const [target, ...distractors] = squares as [Square, ...Square[]];
  return { size, background, target, orientation, distractors };
}

/**
 * A dark, low-contrast colour field: one base colour per seed (each channel 30..80, well below
 * the squares' grey of 127) and control points within ±14 of it, four cells per side.
 */
function generateBackground(random: Random): Background {
  const base = [random.int(30, 80), random.int(30, 80), random.int(30, 80)];
  const count = (BACKGROUND_CELLS + 1) * (BACKGROUND_CELLS + 1);
  const points = new Uint8Array(count * 3);
  for (let point = 0; point < count; point += 1) {
    for (let channel = 0; channel < 3; channel += 1) points[point * 3 + channel] = (base[channel] as number) + random.int(-14, 14);
  }
  return { cells: BACKGROUND_CELLS, points };
}
