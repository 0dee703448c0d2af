/**
 * A small PNG encoder in plain TypeScript: 8-bit RGB or indexed colour, every row with filter
 * type 0, one IDAT chunk of zlib data written with a fixed-Huffman deflate block whose matches
 * repeat the previous pixel or the row above. No zlib build and no native library takes part, so
 * the same pixels give the same bytes on every machine and Node version.
 *
 * An image is a stack of {@link PngBand}s, each a strip of whole rows compressed on its own (its
 * first row matches nothing above it). Frames built from a few kinds of strips (a board's rows of
 * squares, a maze row with or without the player) compress each strip once and
 * {@link assemblePng} stacks the compressed strips with a few copies, so a frame costs about as
 * much as the strips that are new.
 */
import * as zlib from 'node:zlib';
import { adlerPatch, adlerSums, type DeflatedRows, deflatePatch, deflateRows, deflateRowsDynamic, type SymbolLog } from './png-deflate.js';

/** The colours of an image: 8-bit RGB, or indexes into a palette of at most 256 RGB colours. */
export type PngColour = { readonly kind: 'rgb' } | { readonly kind: 'indexed'; readonly palette: Uint8Array };

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
/** 1000 pixels per metre both ways (libvips' default, which sharp-encoded images carry). */
const PHYSICAL_SIZE = Uint8Array.of(0, 0, 0x03, 0xe8, 0, 0, 0x03, 0xe8, 1);
const ADLER_MODULUS = 65521;

const CRC_TABLE = new Int32Array(256);
for (let byte = 0; byte < 256; byte += 1) {
  let crc = byte;
  for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  CRC_TABLE[byte] = crc;
}

/** Reused between calls: the rows of a band with their filter bytes. */
let rawScratch: Uint8Array = new Uint8Array(1 << 16);

/** What a band keeps to be patched: its rows with filter bytes, and where its symbols start. */
interface PatchBase {
  readonly raw: Uint8Array;
  readonly log: SymbolLog;
}

/**
 * A strip of whole rows of an image, compressed on its own: the fixed-Huffman deflate symbols of
 * its rows (filter byte 0 first, each byte a literal or a match one pixel back or one row up, the
 * first row matching nothing above it) and the Adler-32 sums of those bytes. Immutable; one band
 * can take part in any number of images of its width and colour type. A band compressed with
 * `patchable` also keeps its bytes and symbol log, so {@link patched} compresses a copy that differs
 * in a range of columns for about the cost of that range.
 */
export class PngBand {
  readonly width: number;
  readonly rows: number;
  /** Bytes per pixel: 3 (RGB) or 1 (indexed). */
  readonly pixelBytes: number;
  /** Number of compressed bits. */
  readonly bits: number;
  /** Uncompressed bytes, filter bytes included. */
  readonly rawLength: number;
  readonly sum1: number;
  readonly sum2: number;
  private readonly base: PatchBase | undefined;
  /** The compressed bits shifted left by 0..7 bits, made when an image first needs them. */
  private readonly phases: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(8).fill(undefined);

  private constructor(
    width: number,
    rows: number,
    pixelBytes: number,
    deflated: DeflatedRows,
    sums: readonly [number, number],
    raw?: Uint8Array,
  ) {
    this.width = width;
    this.rows = rows;
    this.pixelBytes = pixelBytes;
    this.bits = deflated.bitCount;
    this.rawLength = (width * pixelBytes + 1) * rows;
    this.sum1 = sums[0];
    this.sum2 = sums[1];
    this.phases[0] = deflated.bytes;
    this.base = raw === undefined || deflated.log === undefined ? undefined : { raw, log: deflated.log };
  }

  /**
   * Compresses rows `[firstRow, firstRow + rows)` of `pixels`, an image `width` pixels wide with
   * `pixelBytes` bytes per pixel (3 for RGB, 1 for palette indexes) and no filter bytes. With
   * `patchable`, the band keeps what {@link patched} needs (about its uncompressed size).
   */
  static compress(pixels: Uint8Array, width: number, pixelBytes: number, firstRow: number, rows: number, patchable = false): PngBand {
    const raw = withFilterBytes(pixels, width, pixelBytes, firstRow, rows, patchable ? undefined : rawScratch);
    if (!patchable) rawScratch = raw;
    const stride = width * pixelBytes + 1;
    const deflated = deflateRows(raw, rows, pixelBytes, stride, patchable);
    return new PngBand(width, rows, pixelBytes, deflated, adlerSums(raw, rows * stride), patchable ? raw : undefined);
  }

  /**
   * This band with pixel columns `[fromColumn, toColumn)` replaced: band pixel `(row, fromColumn + c)`
   * becomes pixel `(firstRow + row, firstColumn + c)` of `pixels`, an image `pixelsWidth` pixels
   * wide in this band's pixel format. The bits equal compressing the new rows from scratch, and the
   * result is patchable in turn. Needs a band compressed with `patchable`.
   */
  patched(fromColumn: number, toColumn: number, pixels: Uint8Array, pixelsWidth: number, firstRow = 0, firstColumn = 0): PngBand {
    const from = Math.max(0, Math.floor(fromColumn));
    const to = Math.min(this.width, Math.ceil(toColumn));
    const columns = new Int32Array(2 * this.rows);
    for (let row = 0; row < this.rows; row += 1) columns.set([from, to], 2 * row);
    return this.patchedRows(columns, pixels, pixelsWidth, firstRow, firstColumn + (from - fromColumn) - from);
  }

  /**
   * This band with, in each row `r`, pixel columns `[columns[2r], columns[2r + 1])` replaced (an
   * empty range keeps the row): band pixel `(row, x)` becomes pixel `(firstRow + row, x + shift)` of
   * `pixels`, an image `pixelsWidth` pixels wide in this band's pixel format. As {@link patched};
   * without `patchable` the result keeps no bytes or log (cheaper, for a band used once).
   */
  patchedRows(columns: Int32Array, pixels: Uint8Array, pixelsWidth: number, firstRow = 0, shift = 0, patchable = true): PngBand {
    const { base, width, rows, pixelBytes } = this;
    if (base === undefined) throw new RangeError('Only a band compressed with patchable = true can be patched.');
    if (columns.length !== 2 * rows) throw new RangeError(`Expected a column range for each of ${rows} rows, got ${columns.length / 2}.`);
    const stride = width * pixelBytes + 1;
    let raw: Uint8Array;
    if (patchable) raw = base.raw.slice();
    else {
      if (rawScratch.length < base.raw.length) rawScratch = new Uint8Array(base.raw.length);
      raw = rawScratch.subarray(0, base.raw.length);
      raw.set(base.raw);
    }
    const old = { bytes: this.phases[0] as Uint8Array, bitCount: this.bits, log: base.log };
    const changes = new Int32Array(2 * rows);
    let changed = 0;
    for (let row = 0; row < rows; row += 1) {
      const from = Math.max(0, columns[2 * row] as number);
      const to = Math.min(width, columns[2 * row + 1] as number);
      if (to <= from) continue;
      const source = ((firstRow + row) * pixelsWidth + from + shift) * pixelBytes;
      if (firstRow + row < 0 || from + shift < 0 || to + shift > pixelsWidth || source + (to - from) * pixelBytes > pixels.length) {
        throw new RangeError(
          `Columns ${from + shift}..${to + shift - 1} of row ${firstRow + row} are not inside the ${pixelsWidth}-pixel-wide source.`,
        );
      }
      raw.set(pixels.subarray(source, source + (to - from) * pixelBytes), row * stride + 1 + from * pixelBytes);
      changes[2 * row] = 1 + from * pixelBytes;
      changes[2 * row + 1] = 1 + to * pixelBytes;
      changed += (to - from) * pixelBytes;
    }
    if (changed === 0) return new PngBand(width, rows, pixelBytes, old, [this.sum1, this.sum2], patchable ? raw : undefined);
    const deflated = deflatePatch(raw, rows, pixelBytes, stride, old, changes, patchable);
    // Past half the bytes, summing every byte again is cheaper than following each change.
    const sums =
      2 * changed > rows * stride
        ? adlerSums(raw, rows * stride)
        : adlerPatch(raw, base.raw, rows, stride, [this.sum1, this.sum2], changes);
    return new PngBand(width, rows, pixelBytes, deflated, sums, patchable ? raw : undefined);
  }

  /** The compressed bits shifted left by `phase` (0..7) bits: the first byte's low bits are zero. */
  shifted(phase: number): Uint8Array {
    let bytes = this.phases[phase];
    if (bytes === undefined) {
      const source = this.phases[0] as Uint8Array;
      bytes = new Uint8Array((this.bits + phase + 7) >>> 3);
      let carry = 0;
      for (let index = 0; index < source.length; index += 1) {
        const byte = source[index] as number;
        bytes[index] = ((byte << phase) | carry) & 0xff;
        carry = byte >>> (8 - phase);
      }
      if (source.length < bytes.length) bytes[source.length] = carry;
      this.phases[phase] = bytes;
    }
    return bytes;
  }
}

/** Rows of `pixels` with a filter byte (0) before each, in `target` when it is large enough. */
function withFilterBytes(
  pixels: Uint8Array,
  width: number,
  pixelBytes: number,
  firstRow: number,
  rows: number,
  target?: Uint8Array,
): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(rows) || width < 1 || rows < 1 || (pixelBytes !== 1 && pixelBytes !== 3)) {
    throw new RangeError(`A PNG band needs positive integer sizes and 1 or 3 bytes per pixel, got ${width} x ${rows} x ${pixelBytes}.`);
  }
  const rowBytes = width * pixelBytes;
  if (!Number.isInteger(firstRow) || firstRow < 0 || (firstRow + rows) * rowBytes > pixels.length) {
    throw new RangeError(`Rows ${firstRow}..${firstRow + rows - 1} of ${width}-pixel rows are not inside ${pixels.length} pixel bytes.`);
  }
  const stride = rowBytes + 1;
  const raw = target !== undefined && target.length >= stride * rows ? target : new Uint8Array(stride * rows);
  for (let row = 0; row < rows; row += 1) {
    raw[row * stride] = 0;
    const from = (firstRow + row) * rowBytes;
    raw.set(pixels.subarray(from, from + rowBytes), row * stride + 1);
  }
  return raw;
}

/** Node's native CRC-32 (Node 20.15 and later); the same function as the table below, only faster. */
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

function crc32(bytes: Uint8Array, start: number, end: number): number {
  if (nativeCrc32 !== undefined) return nativeCrc32(bytes.subarray(start, end)) >>> 0;
  let crc = -1;
  for (let index = start; index < end; index += 1) crc = (CRC_TABLE[(crc ^ (bytes[index] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

/** Writes a chunk's length and type at `offset`, its data must already follow; returns the offset after its CRC. */
function sealChunk(target: Buffer, offset: number, type: string, length: number): number {
  target.writeUInt32BE(length, offset);
  target.write(type, offset + 4, 'latin1');
  target.writeUInt32BE(crc32(target, offset + 4, offset + 8 + length), offset + 8 + length);
  return offset + 12 + length;
}

/**
 * The PNG of an image `width` x `height` stacked from `bands`, top to bottom: signature, IHDR,
 * PLTE (indexed), pHYs, one IDAT holding one fixed-Huffman deflate block, IEND. The bands must be
 * `width` pixels wide, in the colour type of `colour`, and cover `height` rows together.
 */
export function assemblePng(width: number, height: number, colour: PngColour, bands: readonly PngBand[]): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`PNG size must be positive integers, got ${width} x ${height}.`);
  }
  const palette = paletteOf(colour);
  const pixelBytes = palette === undefined ? 3 : 1;
  let rows = 0;
  let bits = 3 + 7;
  for (const band of bands) {
    if (band.width !== width || band.pixelBytes !== pixelBytes) {
      throw new RangeError(
        `A band ${band.width} pixels wide at ${band.pixelBytes} bytes per pixel cannot join a ${width}-pixel ${colour.kind} PNG.`,
      );
    }
    rows += band.rows;
    bits += band.bits;
  }
  if (rows !== height) throw new RangeError(`The bands cover ${rows} rows; the image has ${height}.`);
  const zlibLength = 2 + ((bits + 7) >>> 3) + 4;
  const { png, offset } = startPng(width, height, palette, zlibLength);
  // IDAT: zlib header (deflate, 32K window, no dictionary), then the last block, fixed codes.
  let position = offset + 8;
  png[position++] = 0x78;
  png[position++] = 0x01;
  let pending = 0b011;
  let phase = 3;
  let sum1 = 1;
  let sum2 = 0;
  for (const band of bands) {
    const shifted = band.shifted(phase);
    png.set(shifted, position);
    png[position] = (pending | (shifted[0] as number)) & 0xff;
    const total = phase + band.bits;
    position += total >>> 3;
    phase = total & 7;
    pending = phase === 0 ? 0 : (shifted[total >>> 3] as number);
    // Adler-32 of the concatenation: each band's sums shifted by what came before.
    sum2 = (sum2 + band.sum2 + ((band.rawLength * sum1) % ADLER_MODULUS)) % ADLER_MODULUS;
    sum1 = (sum1 + band.sum1) % ADLER_MODULUS;
  }
  // End of block: seven zero bits, then zero padding to the byte.
  png[position] = pending;
  position += (phase + 7 + 7) >>> 3;
  if (phase + 7 > 8) png[position - 1] = 0;
  png.writeUInt32BE(((sum2 << 16) | sum1) >>> 0, position);
  finishPng(png, offset, zlibLength);
  return png;
}

/** The palette of an indexed colour type (checked: 1 to 256 RGB colours), undefined for RGB. */
function paletteOf(colour: PngColour): Uint8Array | undefined {
  if (colour.kind !== 'indexed') return undefined;
  const palette = colour.palette;
  if (palette.length % 3 !== 0 || palette.length === 0 || palette.length > 768) {
    throw new RangeError(`A PNG palette holds 1 to 256 RGB colours, got ${palette.length} bytes.`);
  }
  return palette;
}

/**
 * A PNG buffer sized for an IDAT of `zlibLength` bytes, with its signature, IHDR, PLTE (with a
 * palette) and pHYs written; `offset` is where the IDAT chunk starts (its data at `offset + 8`).
 */
function startPng(width: number, height: number, palette: Uint8Array | undefined, zlibLength: number): { png: Buffer; offset: number } {
  const paletteLength = palette === undefined ? 0 : 12 + palette.length;
  const png = Buffer.allocUnsafe(SIGNATURE.length + 25 + paletteLength + 21 + 12 + zlibLength + 12);
  png.set(SIGNATURE, 0);
  let offset = SIGNATURE.length;
  png.writeUInt32BE(width, offset + 8);
  png.writeUInt32BE(height, offset + 12);
  png.set([8, palette === undefined ? 2 : 3, 0, 0, 0], offset + 16);
  offset = sealChunk(png, offset, 'IHDR', 13);
  if (palette !== undefined) {
    png.set(palette, offset + 8);
    offset = sealChunk(png, offset, 'PLTE', palette.length);
  }
  png.set(PHYSICAL_SIZE, offset + 8);
  offset = sealChunk(png, offset, 'pHYs', PHYSICAL_SIZE.length);
  return { png, offset };
}

/** Seals the IDAT at `offset` (its `zlibLength` bytes already written) and writes IEND after it. */
function finishPng(png: Buffer, offset: number, zlibLength: number): void {
  const end = sealChunk(png, offset, 'IDAT', zlibLength);
  png.writeUInt32BE(0, end);
  png.write('IEND', end + 4, 'latin1');
  png.writeUInt32BE(crc32(png, end + 4, end + 8), end + 8);
}

/** How {@link encodePngPixels} codes its deflate block. */
export type PngCodes = 'fixed' | 'dynamic';

/**
 * Encodes one image as PNG. With `fixed` codes (the default) the whole image is one
 * {@link PngBand}, as grid frames are built. With `dynamic` codes the same symbols are sent with
 * Huffman codes made for this image (`deflateRowsDynamic`): on rendered charts the files are about
 * a quarter smaller than with fixed codes, and smaller than zlib's level 6, for a second pass over
 * the bytes.
 */
export function encodePngPixels(width: number, height: number, colour: PngColour, pixels: Uint8Array, codes: PngCodes = 'fixed'): Buffer {
  const pixelBytes = colour.kind === 'rgb' ? 3 : 1;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`PNG size must be positive integers, got ${width} x ${height}.`);
  }
  if (pixels.length !== width * height * pixelBytes) {
    throw new RangeError(`Expected ${width * height * pixelBytes} pixel bytes for ${width} x ${height}, got ${pixels.length}.`);
  }
  if (codes === 'fixed') return assemblePng(width, height, colour, [PngBand.compress(pixels, width, pixelBytes, 0, height)]);
  const palette = paletteOf(colour);
  const stride = width * pixelBytes + 1;
  const raw = withFilterBytes(pixels, width, pixelBytes, 0, height, rawScratch);
  rawScratch = raw;
  const deflated = deflateRowsDynamic(raw, height, pixelBytes, stride);
  const [sum1, sum2] = adlerSums(raw, height * stride);
  const zlibLength = 2 + deflated.bytes.length + 4;
  const { png, offset } = startPng(width, height, palette, zlibLength);
  const position = offset + 8;
  png[position] = 0x78;
  png[position + 1] = 0x01;
  png.set(deflated.bytes, position + 2);
  // Adler-32 starts s1 at 1: every byte counted in s2 carries that 1 too.
  const first = (sum1 + 1) % ADLER_MODULUS;
  const second = (sum2 + ((height * stride) % ADLER_MODULUS)) % ADLER_MODULUS;
  png.writeUInt32BE(((second << 16) | first) >>> 0, position + 2 + deflated.bytes.length);
  finishPng(png, offset, zlibLength);
  return png;
}

/** Pixels in palette form: the indexes and the palette, colours in order of first appearance. */
export interface IndexedPixels {
  readonly palette: Uint8Array;
  /** One index per pixel, per image given. */
  readonly indexes: Uint8Array[];
}

/**
 * Maps RGB images onto one shared palette, colours numbered in order of first appearance (first
 * image first). Undefined when they hold more than 256 colours together.
 */
export function toIndexed(images: readonly Uint8Array[]): IndexedPixels | undefined {
  const numbers = new Map<number, number>();
  const palette: number[] = [];
  const indexes: Uint8Array[] = [];
  for (const rgb of images) {
    const out = new Uint8Array(rgb.length / 3);
    for (let pixel = 0; pixel < out.length; pixel += 1) {
      const key = ((rgb[pixel * 3] as number) << 16) | ((rgb[pixel * 3 + 1] as number) << 8) | (rgb[pixel * 3 + 2] as number);
      let index = numbers.get(key);
      if (index === undefined) {
        if (numbers.size === 256) return undefined;
        index = numbers.size;
        numbers.set(key, index);
        palette.push(key >>> 16, (key >>> 8) & 0xff, key & 0xff);
      }
      out[pixel] = index;
    }
    indexes.push(out);
  }
  return { palette: Uint8Array.from(palette), indexes };
}
