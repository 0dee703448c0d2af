/**
 * Region resampling of 8-bit RGB pixels in plain TypeScript: a two-pass separable convolution
 * (rows, then columns) with the weights of each output pixel computed once per call and rounded
 * to fixed-point integers, the same scheme as Pillow's `resize` (results within one level of it).
 * Linear and cubic weights come from plain IEEE arithmetic and every sum is an exact integer, so
 * the same pixels give the same bytes on any machine and Node version.
 *
 * Spans where every tap sees one colour, and rows equal to the row before, are copied rather than
 * computed. On charts and drawings, which are mostly such spans, an enlargement costs less than
 * libvips' (sharp's) affine one; on photographic content it costs more CPU (measured on noise:
 * about 1.4x, some 300 ms for a 2000x2000 view against 200 ms).
 */
import type { PixelRegion } from './frame.js';
import type { RawImage } from './pixels.js';

/**
 * Resampling kernels. `nearest` repeats source pixels; `linear` is the triangle filter (support
 * 1); `cubic` is Keys' cubic convolution with a = -0.5 (Catmull-Rom, support 2); `lanczos3` is the
 * windowed sinc of support 3. Kernels widen with the scale when shrinking, so reductions are
 * anti-aliased.
 */
export type ResampleKernel = 'nearest' | 'linear' | 'cubic' | 'lanczos3';

/** The kernels, for option enums and benches. */
export const RESAMPLE_KERNELS: readonly ResampleKernel[] = ['nearest', 'linear', 'cubic', 'lanczos3'];

/**
 * Fractional bits of the fixed-point weights: every sum of 8-bit samples times weights stays a
 * small integer (under 2^24), which V8 keeps in 32-bit registers; the rounding error of a weight
 * (2^-15) is far below one step of an 8-bit output.
 */
const PRECISION_BITS = 14;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);
const CHANNELS = 3;

interface Filter {
  readonly support: number;
  weight(x: number): number;
}

const FILTERS: Record<Exclude<ResampleKernel, 'nearest'>, Filter> = {
  linear: {
    support: 1,
    weight: (x) => {
      const distance = Math.abs(x);
      return distance < 1 ? 1 - distance : 0;
    },
  },
  cubic: {
    support: 2,
    weight: (x) => {
      const a = -0.5;
      const distance = Math.abs(x);
      if (distance < 1) return ((a + 2) * distance - (a + 3)) * distance * distance + 1;
      if (distance < 2) return (((distance - 5) * distance + 8) * distance - 4) * a;
      return 0;
    },
  },
  lanczos3: {
    support: 3,
    weight: (x) => (x > -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0),
  },
};

function sinc(x: number): number {
  if (x === 0) return 1;
  const angle = x * Math.PI;
  return Math.sin(angle) / angle;
}

/** Per output pixel along one axis: the first source index, the tap count and the weights. */
interface Taps {
  readonly first: Int32Array;
  readonly count: Int32Array;
  /** `size` weights per output pixel, fixed-point with {@link PRECISION_BITS} fraction bits. */
  readonly weights: Int32Array;
  readonly size: number;
}

/** The taps that map `inSize` source pixels onto `outSize` output pixels with `filter`. */
function computeTaps(inSize: number, outSize: number, filter: Filter): Taps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const size = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * size);
  const row = new Float64Array(size);
  const fixed = new Int32Array(size);
  for (let out = 0; out < outSize; out += 1) {
    const center = (out + 0.5) * scale;
    const start = Math.max(Math.trunc(center - support + 0.5), 0);
    const end = Math.min(Math.trunc(center + support + 0.5), inSize);
    let total = 0;
    for (let index = start; index < end; index += 1) {
      const weight = filter.weight((index - center + 0.5) / filterScale);
      row[index - start] = weight;
      total += weight;
    }
    for (let index = 0; index < end - start; index += 1) {
      const weight = total === 0 ? 0 : (row[index] as number) / total;
      fixed[index] = weight < 0 ? Math.trunc(weight * ONE - 0.5) : Math.trunc(weight * ONE + 0.5);
    }
    // Taps whose weight rounds to zero at either end cost time and change nothing.
    let low = 0;
    let high = end - start;
    while (high - low > 1 && fixed[low] === 0) low += 1;
    while (high - low > 1 && fixed[high - 1] === 0) high -= 1;
    first[out] = start + low;
    count[out] = high - low;
    weights.set(fixed.subarray(low, high), out * size);
  }
  return { first, count, weights, size };
}

/** The taps of the last few (size, kernel) pairs: a zoom's two axes often share them, and so do repeated zooms. */
const recentTaps = new Map<string, Taps>();
const RECENT_TAPS = 8;

/** {@link computeTaps}, remembered for the last {@link RECENT_TAPS} pairs (taps are never written to). */
function tapsFor(inSize: number, outSize: number, kernel: Exclude<ResampleKernel, 'nearest'>): Taps {
  const key = `${kernel}:${inSize}:${outSize}`;
  const known = recentTaps.get(key);
  if (known !== undefined) return known;
  const taps = computeTaps(inSize, outSize, FILTERS[kernel]);
  recentTaps.set(key, taps);
  if (recentTaps.size > RECENT_TAPS) recentTaps.delete(recentTaps.keys().next().value as string);
  return taps;
}

function clip(value: number): number {
  const shifted = value >> PRECISION_BITS;
  return shifted < 0 ? 0 : Math.min(shifted, 255);
}

/**
 * The row pass's output when a column pass follows and reads it at once: one buffer kept between
 * calls (resampling is synchronous), so a zoom allocates only the image it returns.
 */
let rowsScratch = Buffer.alloc(0);

/** The output of a `kept` resample or crop (see {@link resampleRegion}), kept between calls. */
let keptOutput = Buffer.alloc(0);

/** A buffer for `bytes` of output: fresh, or the kept one (valid until the next kept call). */
function outputBuffer(bytes: number, kept: boolean): Buffer {
  if (!kept) return Buffer.allocUnsafe(bytes);
  if (keptOutput.length < bytes) keptOutput = Buffer.allocUnsafe(bytes);
  return keptOutput.subarray(0, bytes);
}

/** `bytes` zeroed bytes of the kept row-pass buffer, grown when too small. */
function intermediateRows(bytes: number): Buffer {
  if (rowsScratch.length < bytes) rowsScratch = Buffer.alloc(bytes);
  const view = rowsScratch.subarray(0, bytes);
  view.fill(0);
  return view;
}

/**
 * Resamples each row of `source` (`rows` rows, `stride` bytes apart from `offset`, `inBytes`
 * bytes used of each). A row equal to the one above (common in charts and drawings: flat
 * backgrounds, bars) is not computed again but copied. With
 * `intermediate`, the output is the kept buffer, valid until the next call.
 */
function resampleRows(
  source: Buffer,
  offset: number,
  stride: number,
  inBytes: number,
  rows: number,
  taps: Taps,
  outWidth: number,
  outStride: number,
  intermediate: boolean,
  kept: boolean,
): Buffer {
  const rowBytes = outStride;
  const output = intermediate ? intermediateRows(outStride * rows) : outputBuffer(outStride * rows, kept).fill(0);
  const { first, count, weights, size } = taps;
  /** `repeats[x]`: how many pixels in a row, ending at `x`, are equal to it. */
  const repeats = new Int32Array(inBytes / CHANNELS);
  for (let y = 0; y < rows; y += 1) {
    const rowStart = offset + y * stride;
    let target = y * rowBytes;
    if (y > 0 && source.compare(source, rowStart - stride, rowStart - stride + inBytes, rowStart, rowStart + inBytes) === 0) {
      output.copyWithin(target, target - rowBytes, target);
      continue;
    }
    for (let x = 1, index = rowStart + CHANNELS; x < repeats.length; x += 1, index += CHANNELS) {
      const same =
        source[index] === source[index - 3] && source[index + 1] === source[index - 2] && source[index + 2] === source[index - 1];
      repeats[x] = same ? (repeats[x - 1] as number) + 1 : 0;
    }
    for (let x = 0; x < outWidth; x += 1) {
      let index = rowStart + (first[x] as number) * CHANNELS;
      const taken = count[x] as number;
      if ((repeats[(first[x] as number) + taken - 1] as number) >= taken - 1) {
        // Every tap sees the same colour, and the weights sum to one: the colour itself.
        output[target] = source[index] as number;
        output[target + 1] = source[index + 1] as number;
        output[target + 2] = source[index + 2] as number;
        target += CHANNELS;
        continue;
      }
      let red = HALF;
      let green = HALF;
      let blue = HALF;
      const weightStart = x * size;
      const end = weightStart + taken;
      for (let tap = weightStart; tap < end; tap += 1) {
        const weight = weights[tap] as number;
        red = (red + Math.imul(source[index] as number, weight)) | 0;
        green = (green + Math.imul(source[index + 1] as number, weight)) | 0;
        blue = (blue + Math.imul(source[index + 2] as number, weight)) | 0;
        index += CHANNELS;
      }
      output[target] = clip(red);
      output[target + 1] = clip(green);
      output[target + 2] = clip(blue);
      target += CHANNELS;
    }
  }
  return output;
}

/**
 * Four-tap column resampling of one output row, reading the source four bytes at a time: where
 * the four source words agree (flat areas) the bytes are copied, elsewhere computed. `words`
 * views `source`; `a`..`d` are byte offsets of the source rows, multiples of four.
 */
function columnsFourWords(
  source: Buffer,
  words: Uint32Array,
  a: number,
  b: number,
  c: number,
  d: number,
  w0: number,
  w1: number,
  w2: number,
  w3: number,
  output: Buffer,
  target: number,
  rowBytes: number,
): void {
  const full = rowBytes >>> 2;
  const aw = a >>> 2;
  const bw = b >>> 2;
  const cw = c >>> 2;
  const dw = d >>> 2;
  for (let word = 0; word < full; word += 1) {
    const at = word << 2;
    const wa = words[aw + word] as number;
    if (wa === words[bw + word] && wa === words[cw + word] && wa === words[dw + word]) {
      output[target + at] = source[a + at] as number;
      output[target + at + 1] = source[a + at + 1] as number;
      output[target + at + 2] = source[a + at + 2] as number;
      output[target + at + 3] = source[a + at + 3] as number;
      continue;
    }
    for (let index = at; index < at + 4; index += 1) {
      output[target + index] = clip(
        (HALF +
          Math.imul(source[a + index] as number, w0) +
          Math.imul(source[b + index] as number, w1) +
          Math.imul(source[c + index] as number, w2) +
          Math.imul(source[d + index] as number, w3)) |
          0,
      );
    }
  }
  for (let index = full << 2; index < rowBytes; index += 1) {
    output[target + index] = clip(
      (HALF +
        Math.imul(source[a + index] as number, w0) +
        Math.imul(source[b + index] as number, w1) +
        Math.imul(source[c + index] as number, w2) +
        Math.imul(source[d + index] as number, w3)) |
        0,
    );
  }
}

/**
 * Resamples each column of `source` (`inRows` rows of `rowBytes` bytes, `stride` bytes apart from
 * `offset`) to `outHeight` rows. Each output row is one pass over its source rows (up to four at a
 * time), so a sample is loaded once per tap and stored once. Where the source samples agree (flat
 * areas) the sample is copied, and where whole source rows agree the row is.
 */
function resampleColumns(
  source: Buffer,
  offset: number,
  stride: number,
  rowBytes: number,
  inRows: number,
  taps: Taps,
  outHeight: number,
  kept: boolean,
): Buffer {
  const output = outputBuffer(rowBytes * outHeight, kept);
  const { first, count, weights, size } = taps;
  /** `repeats[row]`: how many rows in a row, ending at `row`, are equal to it. */
  const repeats = new Int32Array(inRows);
  for (let row = 1; row < inRows; row += 1) {
    const start = offset + row * stride;
    if (source.compare(source, start - stride, start - stride + rowBytes, start, start + rowBytes) === 0)
      repeats[row] = (repeats[row - 1] as number) + 1;
  }
  const sums = new Int32Array(rowBytes);
  const aligned = source.byteOffset % 4 === 0 && offset % 4 === 0 && stride % 4 === 0;
  const words = aligned ? new Uint32Array(source.buffer, source.byteOffset, source.byteLength >>> 2) : undefined;
  for (let y = 0; y < outHeight; y += 1) {
    const w = y * size;
    const rows = count[y] as number;
    const firstRow = first[y] as number;
    const a = offset + firstRow * stride;
    const target = y * rowBytes;
    if ((repeats[firstRow + rows - 1] as number) >= rows - 1) {
      source.copy(output, target, a, a + rowBytes);
      continue;
    }
    const w0 = weights[w] as number;
    const b = a + stride;
    const w1 = weights[w + 1] as number;
    if (rows === 2) {
      for (let index = 0; index < rowBytes; index += 1) {
        const va = source[a + index] as number;
        const vb = source[b + index] as number;
        output[target + index] = va === vb ? va : clip((HALF + Math.imul(va, w0) + Math.imul(vb, w1)) | 0);
      }
      continue;
    }
    const c = b + stride;
    const w2 = weights[w + 2] as number;
    if (rows === 3) {
      for (let index = 0; index < rowBytes; index += 1) {
        const va = source[a + index] as number;
        const vb = source[b + index] as number;
        const vc = source[c + index] as number;
        output[target + index] = va === vb && vb === vc ? va : clip((HALF + Math.imul(va, w0) + Math.imul(vb, w1) + Math.imul(vc, w2)) | 0);
      }
      continue;
    }
    const d = c + stride;
    const w3 = weights[w + 3] as number;
    if (rows === 4 && words !== undefined) {
      columnsFourWords(source, words, a, b, c, d, w0, w1, w2, w3, output, target, rowBytes);
      continue;
    }
    if (rows === 4) {
      for (let index = 0; index < rowBytes; index += 1) {
        const va = source[a + index] as number;
        const vb = source[b + index] as number;
        const vc = source[c + index] as number;
        const vd = source[d + index] as number;
        output[target + index] =
          va === vb && vb === vc && vc === vd
            ? va
            : clip((HALF + Math.imul(va, w0) + Math.imul(vb, w1) + Math.imul(vc, w2) + Math.imul(vd, w3)) | 0);
      }
      continue;
    }
    sums.fill(HALF);
    for (let tap = 0; tap < rows; tap += 1) {
      const weight = weights[w + tap] as number;
      const rowStart = a + tap * stride;
      for (let index = 0; index < rowBytes; index += 1)
        sums[index] = ((sums[index] as number) + Math.imul(source[rowStart + index] as number, weight)) | 0;
    }
    for (let index = 0; index < rowBytes; index += 1) output[target + index] = clip(sums[index] as number);
  }
  return output;
}

/** Nearest-neighbour: each output pixel copies the source pixel under its centre. */
function nearest(raw: RawImage, region: PixelRegion, width: number, height: number, kept: boolean): Buffer {
  const output = outputBuffer(width * height * CHANNELS, kept);
  const columns = new Int32Array(width);
  for (let x = 0; x < width; x += 1) {
    columns[x] = (region.left + Math.min(Math.trunc(((x + 0.5) * region.width) / width), region.width - 1)) * CHANNELS;
  }
  const rowBytes = width * CHANNELS;
  let previous = -1;
  for (let y = 0; y < height; y += 1) {
    const sourceRow = region.top + Math.min(Math.trunc(((y + 0.5) * region.height) / height), region.height - 1);
    const target = y * rowBytes;
    if (sourceRow === previous) {
      output.copyWithin(target, target - rowBytes, target);
      continue;
    }
    previous = sourceRow;
    const rowStart = sourceRow * raw.width * CHANNELS;
    for (let x = 0; x < width; x += 1) {
      const index = rowStart + (columns[x] as number);
      const at = target + x * CHANNELS;
      output[at] = raw.data[index] as number;
      output[at + 1] = raw.data[index + 1] as number;
      output[at + 2] = raw.data[index + 2] as number;
    }
  }
  return output;
}

/** The pixels of `region` of `raw`, copied row by row (into the kept buffer with `kept`, as {@link resampleRegion}). */
export function cropRaw(raw: RawImage, region: PixelRegion, kept = false): RawImage {
  const rowBytes = region.width * CHANNELS;
  const data = outputBuffer(rowBytes * region.height, kept);
  const stride = raw.width * CHANNELS;
  for (let y = 0; y < region.height; y += 1) {
    const start = (region.top + y) * stride + region.left * CHANNELS;
    raw.data.copy(data, y * rowBytes, start, start + rowBytes);
  }
  return { data, width: region.width, height: region.height, channels: CHANNELS };
}

/**
 * `region` of `raw` resampled to `width` x `height` with `kernel`. Only pixels inside the region
 * contribute (the region is treated as an image of its own, as a crop followed by a resize). The
 * same input always gives the same bytes. With `kept`, the pixels are written to one buffer kept
 * between calls and stay valid only until the next kept call: for a view that is encoded at once,
 * so a long run does not allocate and drop an image per call.
 */
export function resampleRegion(
  raw: RawImage,
  region: PixelRegion,
  width: number,
  height: number,
  kernel: ResampleKernel,
  kept = false,
): RawImage {
  if (width === region.width && height === region.height) return cropRaw(raw, region, kept);
  if (kernel === 'nearest') return { data: nearest(raw, region, width, height, kept), width, height, channels: CHANNELS };
  const stride = raw.width * CHANNELS;
  const regionStart = region.top * stride + region.left * CHANNELS;
  const regionBytes = region.width * CHANNELS;
  // Rows padded to whole 32-bit words when a column pass follows, so it can compare four bytes at once.
  const rowsStride = height === region.height ? width * CHANNELS : (width * CHANNELS + 3) & ~3;
  const rows =
    width === region.width
      ? { data: raw.data, offset: regionStart, stride }
      : {
          data: resampleRows(
            raw.data,
            regionStart,
            stride,
            regionBytes,
            region.height,
            tapsFor(region.width, width, kernel),
            width,
            rowsStride,
            height !== region.height,
            kept,
          ),
          offset: 0,
          stride: rowsStride,
        };
  const data =
    height === region.height
      ? rows.data
      : resampleColumns(
          rows.data,
          rows.offset,
          rows.stride,
          width * CHANNELS,
          region.height,
          tapsFor(region.height, height, kernel),
          height,
          kept,
        );
  return { data, width, height, channels: CHANNELS };
}
