import {
  type Background,
  type SearchScene,
  SQUARE_GREY,
  type Square,
  STRIPE_BLACK,
  STRIPE_WHITE,
  type StripeOrientation,
} from './scene.js';

/** A rectangle of the full image in pixels: `x1, y1` included, `x2, y2` excluded. */
export interface Region {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

/** 8-bit RGB pixels, row-major, three bytes a pixel. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

/**
 * How the target is drawn: `full` with its stripes, `overview` as the stripes' mean grey (what
 * any view at a quarter of the resolution or less records; see {@link renderOverview}).
 */
export type TargetDrawing = 'full' | 'overview';

/**
 * Renders a region of the scene at full resolution: the bilinear background, the plain grey
 * distractors, and the target with 2 px stripes. Stripes are tied to absolute coordinates (a
 * black stripe starts at every multiple of 4), so any zoom shows the same stripes wherever it
 * starts. Integer arithmetic only: the same scene gives the same bytes everywhere.
 */
export function renderRegion(scene: SearchScene, region: Region, drawing: TargetDrawing = 'full'): RgbImage {
  const painter = new RowPainter(scene, region.x1, region.x2, drawing);
  const width = region.x2 - region.x1;
  const pixels = new Uint8Array(width * (region.y2 - region.y1) * 3);
  for (let y = region.y1; y < region.y2; y += 1)
    painter.paint(y, pixels.subarray((y - region.y1) * width * 3, (y - region.y1 + 1) * width * 3));
  return { width, height: region.y2 - region.y1, pixels };
}

/**
 * The overview: the whole image, area-averaged down to `side` × `side`. The target enters it as
 * its stripes' mean grey, exactly like a distractor. A plain area average would leave traces of
 * the 4 px stripes whenever the scale is not a multiple of 4, or the target's edges do not fall
 * on the overview's pixel edges, and those traces run along the stripes: a model could read the
 * answer from them without zooming. At a quarter of the resolution or less the stripes cannot be
 * resolved, so their mean is what the view should hold. Rows are rendered and reduced one at a
 * time, so the full image is never held.
 */
export function renderOverview(scene: SearchScene, side: number): RgbImage {
  const painter = new RowPainter(scene, 0, scene.size, 'overview');
  const reducer = new AreaReducer(scene.size, scene.size, side, side);
  const row = new Uint8Array(scene.size * 3);
  for (let y = 0; y < scene.size; y += 1) {
    painter.paint(y, row);
    reducer.add(row);
  }
  return reducer.result();
}

/**
 * Downscales by area averaging: each output pixel is the mean of the source area it covers,
 * partial source pixels weighted by the part covered. Weights are integers (the source and
 * output sides as units), sums exact, and the mean rounded half up, so results are exact and
 * the same on every machine.
 */
export function areaDownscale(source: RgbImage, width: number, height: number): RgbImage {
  const reducer = new AreaReducer(source.width, source.height, width, height);
  const line = source.width * 3;
  for (let y = 0; y < source.height; y += 1) reducer.add(source.pixels.subarray(y * line, (y + 1) * line));
  return reducer.result();
}

/** An area average fed one source row at a time (see {@link areaDownscale}). */
class AreaReducer {
  private readonly columns: readonly Span[];
  /** Source pixels per output pixel across, when a whole number. */
  private readonly block: number;
  private readonly across: Uint32Array;
  private readonly sums: Float64Array;
  private y = 0;

  constructor(
    private readonly sourceWidth: number,
    private readonly sourceHeight: number,
    private readonly width: number,
    private readonly height: number,
  ) {
    this.columns = spans(sourceWidth, width);
    this.block = sourceWidth % width === 0 ? sourceWidth / width : 0;
    this.across = new Uint32Array(width * 3);
    this.sums = new Float64Array(width * height * 3);
  }

  /** Adds the next source row (RGB). */
  add(row: Uint8Array): void {
    const across = this.across;
    const width = this.width;
    if (this.block > 0) {
      const block = this.block;
      const step = block * 3;
      for (let x = 0, at = 0; x < width; x += 1, at += step) {
        let red = 0;
        let green = 0;
        let blue = 0;
        for (let tap = at; tap < at + step; tap += 3) {
          red += row[tap] as number;
          green += row[tap + 1] as number;
          blue += row[tap + 2] as number;
        }
        across[x * 3] = red * block;
        across[x * 3 + 1] = green * block;
        across[x * 3 + 2] = blue * block;
      }
    } else {
      for (let x = 0; x < width; x += 1) {
        const span = this.columns[x] as Span;
        let red = 0;
        let green = 0;
        let blue = 0;
        for (let tap = 0; tap < span.weights.length; tap += 1) {
          const weight = span.weights[tap] as number;
          const at = (span.start + tap) * 3;
          red += (row[at] as number) * weight;
          green += (row[at + 1] as number) * weight;
          blue += (row[at + 2] as number) * weight;
        }
        across[x * 3] = red;
        across[x * 3 + 1] = green;
        across[x * 3 + 2] = blue;
      }
    }
    // This row covers [y·height, (y + 1)·height) in units where an output row is sourceHeight long.
    const start = this.y * this.height;
    const end = start + this.height;
    const line = width * 3;
    for (let out = Math.floor(start / this.sourceHeight); out * this.sourceHeight < end; out += 1) {
      const weight = Math.min(end, (out + 1) * this.sourceHeight) - Math.max(start, out * this.sourceHeight);
      const sums = this.sums.subarray(out * line, (out + 1) * line);
      for (let index = 0; index < line; index += 1) sums[index] = (sums[index] as number) + (across[index] as number) * weight;
    }
    this.y += 1;
  }

  /** The averaged image, once every source row was added. */
  result(): RgbImage {
    const denominator = this.sourceWidth * this.sourceHeight;
    const pixels = new Uint8Array(this.sums.length);
    for (let index = 0; index < pixels.length; index += 1) {
      pixels[index] = Math.floor((2 * (this.sums[index] as number) + denominator) / (2 * denominator));
    }
    return { width: this.width, height: this.height, pixels };
  }
}

/** The source pixels one output pixel covers: the first, and each one's overlap in 1/output units. */
interface Span {
  readonly start: number;
  readonly weights: readonly number[];
}

/**
 * Spans of an area average from `from` pixels to `to`, in units where a source pixel is `to`
 * long and an output pixel `from` long, so every overlap is an integer.
 */
function spans(from: number, to: number): Span[] {
  const result: Span[] = [];
  for (let out = 0; out < to; out += 1) {
    const start = out * from;
    const end = start + from;
    const first = Math.floor(start / to);
    const weights: number[] = [];
    for (let pixel = first; pixel * to < end; pixel += 1) {
      weights.push(Math.min(end, (pixel + 1) * to) - Math.max(start, pixel * to));
    }
    result.push({ start: first, weights });
  }
  return result;
}

/** Paints rows of a column range of the scene: background, distractors, then the target. */
class RowPainter {
  private readonly columnCell: Int32Array;
  private readonly columnFraction: Int32Array;
  private readonly blended: Int32Array;

  constructor(
    private readonly scene: SearchScene,
    private readonly x1: number,
    private readonly x2: number,
    private readonly drawing: TargetDrawing,
  ) {
    const cells = scene.background.cells;
    const width = x2 - x1;
    this.columnCell = new Int32Array(width);
    this.columnFraction = new Int32Array(width);
    for (let x = 0; x < width; x += 1) {
      const position = Math.floor(((2 * (x1 + x) + 1) * cells * 128) / scene.size);
      this.columnCell[x] = (position >> 8) * 3;
      this.columnFraction[x] = position & 255;
    }
    this.blended = new Int32Array((cells + 1) * 3);
  }

  /** Paints row `y` into `row` (RGB, `x2 - x1` pixels). */
  paint(y: number, row: Uint8Array): void {
    const { background, distractors, target, orientation } = this.scene;
    this.paintBackground(background, y, row);
    for (const square of distractors) this.paintSquare(square, y, row, undefined);
    this.paintSquare(target, y, row, this.drawing === 'full' ? orientation : undefined);
  }

  /** Bilinear between the control points, 8-bit fixed point. */
  private paintBackground(background: Background, y: number, row: Uint8Array): void {
    const cells = background.cells;
    const points = background.points;
    const stride = (cells + 1) * 3;
    const position = Math.floor(((2 * y + 1) * cells * 128) / this.scene.size);
    const top = (position >> 8) * stride;
    const fraction = position & 255;
    const blended = this.blended;
    for (let point = 0; point < stride; point += 1) {
      blended[point] = (points[top + point] as number) * (256 - fraction) + (points[top + stride + point] as number) * fraction;
    }
    const width = this.x2 - this.x1;
    const cellsAt = this.columnCell;
    const fractions = this.columnFraction;
    for (let x = 0, at = 0; x < width; x += 1, at += 3) {
      const left = cellsAt[x] as number;
      const share = fractions[x] as number;
      const rest = 256 - share;
      const red = (blended[left] as number) * rest + (blended[left + 3] as number) * share;
      const green = (blended[left + 1] as number) * rest + (blended[left + 4] as number) * share;
      const blue = (blended[left + 2] as number) * rest + (blended[left + 5] as number) * share;
      row[at] = (red + 32768) >> 16;
      row[at + 1] = (green + 32768) >> 16;
      row[at + 2] = (blue + 32768) >> 16;
    }
  }

  /** The part of a square on row `y`: striped along `stripes`, else plain grey. */
  private paintSquare(square: Square, y: number, row: Uint8Array, stripes: StripeOrientation | undefined): void {
    if (y < square.y || y >= square.y + square.side) return;
    const from = Math.max(this.x1, square.x);
    const to = Math.min(this.x2, square.x + square.side);
    if (from >= to) return;
    if (stripes === undefined || stripes === 'horizontal') {
      const value = stripes === undefined ? SQUARE_GREY : stripeValue(y);
      row.fill(value, (from - this.x1) * 3, (to - this.x1) * 3);
      return;
    }
    for (let x = from; x < to; x += 1) row.fill(stripeValue(x), (x - this.x1) * 3, (x - this.x1) * 3 + 3);
  }
}

/** The stripe grey at a coordinate across the stripes: black on 0 and 1, white on 2 and 3 (mod 4). */
function stripeValue(coordinate: number): number {
  return ((coordinate >> 1) & 1) === 0 ? STRIPE_BLACK : STRIPE_WHITE;
}
