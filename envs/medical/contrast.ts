import type { RawImage } from '../../tools/image/pixels.js';

/**
 * Contrast-to-noise ratio of a round finding on the 8-bit pixels a model is shown, for the
 * necessity argument of medical-v0: `|mean(core) − mean(surround)| / std(surround)`, where the core
 * is the pixels within max(0.75, r/2) of the centre and the surround the ring from max(r + 2, 2r)
 * to max(r + 6, 3.5r), all in the shown image's pixels (grey = mean of the channels). A plane fitted
 * to the surround by least squares is the background (so a smooth ramp of anatomy is not counted as
 * noise); the noise is the deviation of the surround about that plane, floored at 1/√12 grey levels, the error of 8-bit quantisation, so a flat clipped region does not
 * divide by zero.
 *
 * Detectability follows Rose's criterion (Rose 1948; Burgess 1999): an object must stand 3 to 5
 * noise deviations above its background to be seen reliably. We call a finding undetectable below
 * {@link UNDETECTABLE_CNR} and detectable at {@link DETECTABLE_CNR} or more, the two ends of that band.
 */
export interface ContrastMeasure {
  readonly cnr: number;
  readonly contrast: number;
  readonly noise: number;
  readonly corePixels: number;
  readonly surroundPixels: number;
}

/** Below this a finding is not reliably seen (the low end of Rose's 3–5). */
export const UNDETECTABLE_CNR = 3;
/** At or above this a finding is reliably seen (the high end of Rose's 3–5). */
export const DETECTABLE_CNR = 5;

const QUANTISATION_NOISE = 1 / Math.sqrt(12);

/** Measures the CNR of a finding centred at (x, y) with radius r, all in `raw`'s pixels. */
export function measureContrast(raw: RawImage, x: number, y: number, radius: number): ContrastMeasure {
  const coreRadius = Math.max(0.75, radius / 2);
  const inner = Math.max(radius + 2, 2 * radius);
  const outer = Math.max(radius + 6, 3.5 * radius);
  const core = { sum: 0, u: 0, v: 0, count: 0 };
  const ring: { u: number; v: number; z: number }[] = [];
  const x0 = Math.max(0, Math.floor(x - outer));
  const x1 = Math.min(raw.width - 1, Math.ceil(x + outer));
  const y0 = Math.max(0, Math.floor(y - outer));
  const y1 = Math.min(raw.height - 1, Math.ceil(y + outer));
  for (let row = y0; row <= y1; row += 1) {
    for (let column = x0; column <= x1; column += 1) {
      const u = column + 0.5 - x;
      const v = row + 0.5 - y;
      const distance = Math.hypot(u, v);
      const index = (row * raw.width + column) * raw.channels;
      const grey = ((raw.data[index] as number) + (raw.data[index + 1] as number) + (raw.data[index + 2] as number)) / 3;
      if (distance <= coreRadius) {
        core.sum += grey;
        core.u += u;
        core.v += v;
        core.count += 1;
      } else if (distance >= inner && distance <= outer) {
        ring.push({ u, v, z: grey });
      }
    }
  }
  if (core.count === 0 || ring.length < 4) {
    return { cnr: 0, contrast: 0, noise: QUANTISATION_NOISE, corePixels: core.count, surroundPixels: ring.length };
  }
  const plane = fitPlane(ring);
  let squares = 0;
  for (const point of ring) {
    const residual = point.z - (plane.a + plane.b * point.u + plane.c * point.v);
    squares += residual * residual;
  }
  const noise = Math.max(QUANTISATION_NOISE, Math.sqrt(squares / ring.length));
  const background = plane.a + (plane.b * core.u) / core.count + (plane.c * core.v) / core.count;
  const contrast = Math.abs(core.sum / core.count - background);
  return { cnr: contrast / noise, contrast, noise, corePixels: core.count, surroundPixels: ring.length };
}

/**
 * The deviation of the values on the ring `inner..outer` around (x, y) about their least-squares
 * plane: the noise {@link measureContrast} sees, before quantisation, for a finding whose surround
 * is that ring. `value(column, row)` reads the image.
 */
export function surroundNoise(value: (column: number, row: number) => number, x: number, y: number, inner: number, outer: number): number {
  const ring: { u: number; v: number; z: number }[] = [];
  for (let row = Math.floor(y - outer); row <= Math.ceil(y + outer); row += 1) {
    for (let column = Math.floor(x - outer); column <= Math.ceil(x + outer); column += 1) {
      const u = column + 0.5 - x;
      const v = row + 0.5 - y;
      const distance = Math.hypot(u, v);
      if (distance >= inner && distance <= outer) ring.push({ u, v, z: value(column, row) });
    }
  }
  const plane = fitPlane(ring);
  let squares = 0;
  for (const point of ring) {
    const residual = point.z - (plane.a + plane.b * point.u + plane.c * point.v);
    squares += residual * residual;
  }
  return Math.sqrt(squares / ring.length);
}

/** Least-squares plane z = a + b·u + c·v through the points (a ramp of background removed before measuring noise). */
function fitPlane(points: readonly { u: number; v: number; z: number }[]): { a: number; b: number; c: number } {
  let n = 0;
  let su = 0;
  let sv = 0;
  let sz = 0;
  let suu = 0;
  let svv = 0;
  let suv = 0;
  let suz = 0;
  let svz = 0;
  for (const { u, v, z } of points) {
    n += 1;
    su += u;
    sv += v;
    sz += z;
    suu += u * u;
    svv += v * v;
    suv += u * v;
    suz += u * z;
    svz += v * z;
  }
  const m = [
    [n, su, sv],
    [su, suu, suv],
    [sv, suv, svv],
  ] as const;
  const r = [sz, suz, svz] as const;
  const det = (q: readonly (readonly number[])[]): number =>
    (q[0]?.[0] as number) * ((q[1]?.[1] as number) * (q[2]?.[2] as number) - (q[1]?.[2] as number) * (q[2]?.[1] as number)) -
    (q[0]?.[1] as number) * ((q[1]?.[0] as number) * (q[2]?.[2] as number) - (q[1]?.[2] as number) * (q[2]?.[0] as number)) +
    (q[0]?.[2] as number) * ((q[1]?.[0] as number) * (q[2]?.[1] as number) - (q[1]?.[1] as number) * (q[2]?.[0] as number));
  const base = det(m);
  if (Math.abs(base) < 1e-9) return { a: sz / n, b: 0, c: 0 };
  const column = (index: number): number[][] => m.map((row, i) => row.map((value, j) => (j === index ? (r[i] as number) : value)));
  return { a: det(column(0)) / base, b: det(column(1)) / base, c: det(column(2)) / base };
}
