import type { Random } from '../../core/random.js';

/**
 * Integer painting on a scan under construction: a plane of values in the scan's own units (HU for
 * CT), one Int32 per pixel. Everything here is integer arithmetic or IEEE-exact operations (+, −, ×,
 * ÷, √) on values drawn from a seeded {@link Random}, so the same seed gives the same plane on every
 * machine.
 */
export interface Plane {
  readonly width: number;
  readonly height: number;
  readonly data: Int32Array;
}

/** A new plane filled with `value`. */
export function createPlane(width: number, height: number, value = 0): Plane {
  const data = new Int32Array(width * height);
  if (value !== 0) data.fill(value);
  return { width, height, data };
}

/** An axis-aligned ellipse in pixels. */
export interface Ellipse {
  readonly cx: number;
  readonly cy: number;
  readonly rx: number;
  readonly ry: number;
}

/** Calls `span(y, x0, x1)` for every row the ellipse covers, with its whole-pixel column range [x0, x1). */
export function ellipseSpans(plane: Plane, ellipse: Ellipse, span: (y: number, x0: number, x1: number) => void): void {
  const top = Math.max(0, Math.ceil(ellipse.cy - ellipse.ry));
  const bottom = Math.min(plane.height - 1, Math.floor(ellipse.cy + ellipse.ry));
  for (let y = top; y <= bottom; y += 1) {
    const t = (y + 0.5 - ellipse.cy) / ellipse.ry;
    if (t * t >= 1) continue;
    const half = ellipse.rx * Math.sqrt(1 - t * t);
    const x0 = Math.max(0, Math.round(ellipse.cx - half));
    const x1 = Math.min(plane.width, Math.round(ellipse.cx + half));
    if (x1 > x0) span(y, x0, x1);
  }
}

/** Sets every pixel inside the ellipse to `value`. */
export function setEllipse(plane: Plane, ellipse: Ellipse, value: number): void {
  ellipseSpans(plane, ellipse, (y, x0, x1) => plane.data.fill(value, y * plane.width + x0, y * plane.width + x1));
}

/** Adds `value` to every pixel inside the ellipse. */
export function addEllipse(plane: Plane, ellipse: Ellipse, value: number): void {
  ellipseSpans(plane, ellipse, (y, x0, x1) => {
    const row = y * plane.width;
    for (let x = x0; x < x1; x += 1) plane.data[row + x] = (plane.data[row + x] as number) + value;
  });
}

/**
 * Adds `amount × thickness(x, y)` where thickness is the chord length through an ellipsoid of the
 * given ellipse footprint, normalised to 1 at its centre: the shading of a projected solid (an
 * X-ray of a rounded organ), whose edges fade in rather than step.
 */
export function addEllipsoid(plane: Plane, ellipse: Ellipse, amount: number): void {
  ellipseSpans(plane, ellipse, (y, x0, x1) => {
    const row = y * plane.width;
    const t = (y + 0.5 - ellipse.cy) / ellipse.ry;
    for (let x = x0; x < x1; x += 1) {
      const s = (x + 0.5 - ellipse.cx) / ellipse.rx;
      const inside = 1 - s * s - t * t;
      if (inside > 0) plane.data[row + x] = (plane.data[row + x] as number) + Math.round(amount * Math.sqrt(inside));
    }
  });
}

/** Where a texture applies: pixels whose label is one of `labels`. */
export interface LabelMask {
  readonly map: Uint8Array;
  readonly labels: readonly number[];
}

/** One scale of a lumpy texture: random integers in ±`amplitude` on a grid every `cell` pixels. */
export interface Octave {
  readonly cell: number;
  readonly amplitude: number;
}

/**
 * Adds smooth value noise (a "lumpy" texture), the sum of `octaves`: for each, random integers on
 * a grid every `cell` pixels, blended with an integer smoothstep. `where`, when given, limits it to
 * pixels carrying one of its labels (and the loops to the columns where those labels occur).
 */
export function addValueNoise(plane: Plane, random: Random, octaves: readonly Octave[], where?: LabelMask): void {
  const { width, height, data } = plane;
  const allowed = new Uint8Array(256).fill(where === undefined ? 1 : 0);
  for (const label of where?.labels ?? []) allowed[label] = 1;
  const map = where?.map;
  const layers = octaves.map((octave) => {
    const { cell, amplitude } = octave;
    const columns = Math.ceil(width / cell) + 2;
    const rows = Math.ceil(height / cell) + 2;
    const grid = new Int32Array(columns * rows);
    for (let index = 0; index < grid.length; index += 1) grid[index] = random.int(-amplitude, amplitude);
    const ease = new Int32Array(cell + 1);
    for (let step = 0; step <= cell; step += 1) {
      const t = step / cell;
      ease[step] = Math.round(256 * t * t * (3 - 2 * t));
    }
    const cellOf = new Int32Array(width);
    const weightOf = new Int32Array(width);
    for (let x = 0; x < width; x += 1) {
      const gx = Math.floor(x / cell);
      cellOf[x] = gx;
      weightOf[x] = ease[x - gx * cell] as number;
    }
    return { cell, columns, grid, ease, cellOf, weightOf, blended: new Int32Array(columns) };
  });
  for (let y = 0; y < height; y += 1) {
    const row = y * width;
    let from = 0;
    let to = width;
    if (map !== undefined) {
      while (from < width && allowed[map[row + from] as number] === 0) from += 1;
      while (to > from && allowed[map[row + to - 1] as number] === 0) to -= 1;
      if (from >= to) continue;
    }
    for (const layer of layers) {
      const gy = Math.floor(y / layer.cell);
      const wy = layer.ease[y - gy * layer.cell] as number;
      const { grid, columns, blended } = layer;
      for (let column = 0; column < columns; column += 1) {
        blended[column] = (grid[gy * columns + column] as number) * (256 - wy) + (grid[(gy + 1) * columns + column] as number) * wy;
      }
    }
    for (let x = from; x < to; x += 1) {
      if (map !== undefined && allowed[map[row + x] as number] === 0) continue;
      let sum = 0;
      for (const layer of layers) {
        const gx = layer.cellOf[x] as number;
        const wx = layer.weightOf[x] as number;
        sum += ((layer.blended[gx] as number) * (256 - wx) + (layer.blended[gx + 1] as number) * wx + 32768) >> 16;
      }
      data[row + x] = (data[row + x] as number) + sum;
    }
  }
}

/**
 * Adds white noise of standard deviation about `deviation` (in units) to every pixel. A table of
 * 65,536 near-Gaussian integers is drawn first (each the sum of the four bytes of one 32-bit draw,
 * Irwin–Hall, std 147.8 before scaling); each row then reads it from a random start with a random
 * odd stride, which visits every entry once per 65,536 pixels and decorrelates rows, so the cost
 * is a table read per pixel rather than a generator call.
 */
export function addWhiteNoise(plane: Plane, random: Random, deviation: number): void {
  const { width, height, data } = plane;
  const factor = deviation / 147.8;
  const table = new Int32Array(65536);
  for (let index = 0; index < table.length; index += 1) {
    const word = random.uint32();
    const sum = (word & 255) + ((word >>> 8) & 255) + ((word >>> 16) & 255) + (word >>> 24) - 510;
    table[index] = Math.round(sum * factor);
  }
  for (let y = 0; y < height; y += 1) {
    const start = random.uint32() & 65535;
    const stride = (random.uint32() & 65535) | 1;
    const row = y * width;
    let position = start;
    for (let x = 0; x < width; x += 1) {
      data[row + x] = (data[row + x] as number) + (table[position] as number);
      position = (position + stride) & 65535;
    }
  }
}

/** A box blur of radius `radius` along rows then columns (integer running sums), in place. */
export function boxBlur(plane: Plane, radius: number): void {
  if (radius <= 0) return;
  const { width, height, data } = plane;
  const span = 2 * radius + 1;
  const line = new Int32Array(Math.max(width, height));
  for (let y = 0; y < height; y += 1) {
    const row = y * width;
    let sum = 0;
    for (let x = -radius; x <= radius; x += 1) sum += data[row + clamp(x, 0, width - 1)] as number;
    for (let x = 0; x < width; x += 1) {
      line[x] = sum;
      sum += (data[row + clamp(x + radius + 1, 0, width - 1)] as number) - (data[row + clamp(x - radius, 0, width - 1)] as number);
    }
    for (let x = 0; x < width; x += 1) data[row + x] = Math.round((line[x] as number) / span);
  }
  for (let x = 0; x < width; x += 1) {
    let sum = 0;
    for (let y = -radius; y <= radius; y += 1) sum += data[clamp(y, 0, height - 1) * width + x] as number;
    for (let y = 0; y < height; y += 1) {
      line[y] = sum;
      sum +=
        (data[clamp(y + radius + 1, 0, height - 1) * width + x] as number) - (data[clamp(y - radius, 0, height - 1) * width + x] as number);
    }
    for (let y = 0; y < height; y += 1) data[y * width + x] = Math.round((line[y] as number) / span);
  }
}

/** Clamps `value` into [low, high]. */
export function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
