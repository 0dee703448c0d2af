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

/** The colours of an image: 8-bit RGB, or indexes into a palette of at most 256 RGB colours. */
export type PngColour = { readonly kind: 'rgb' } | { readonly kind: 'indexed'; readonly palette: Uint8Array };

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const MAX_MATCH = 258;
/** 1000 pixels per metre both ways (libvips' default, which sharp-encoded images carry). */
const PHYSICAL_SIZE = Uint8Array.of(0, 0, 0x03, 0xe8, 0, 0, 0x03, 0xe8, 1);
const ADLER_MODULUS = 65521;

/** Fixed-Huffman literal/length codes, bit-reversed for LSB-first output, and their lengths. */
const LITERAL_CODES = new Uint16Array(288);
const LITERAL_LENGTHS = new Uint8Array(288);
/** Per match length 3..258: its length symbol, extra bits and extra value. */
const LENGTH_SYMBOL = new Uint16Array(MAX_MATCH + 1);
const LENGTH_EXTRA_BITS = new Uint8Array(MAX_MATCH + 1);
const LENGTH_EXTRA = new Uint16Array(MAX_MATCH + 1);
/** Per distance 1..32768: the reversed 5-bit code, extra bits and extra value. */
const DISTANCE_CODE = new Uint8Array(32769);
const DISTANCE_EXTRA_BITS = new Uint8Array(32769);
const DISTANCE_EXTRA = new Uint16Array(32769);
const CRC_TABLE = new Int32Array(256);

function reverse(code: number, length: number): number {
  let result = 0;
  for (let bit = 0; bit < length; bit += 1) result |= ((code >>> bit) & 1) << (length - 1 - bit);
  return result;
}

{
  for (let symbol = 0; symbol < 288; symbol += 1) {
    const [code, length] =
      symbol < 144
        ? [0x30 + symbol, 8]
        : symbol < 256
          ? [0x190 + symbol - 144, 9]
          : symbol < 280
            ? [symbol - 256, 7]
            : [0xc0 + symbol - 280, 8];
    LITERAL_CODES[symbol] = reverse(code, length);
    LITERAL_LENGTHS[symbol] = length;
  }
  const lengthBases = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
  const lengthBits = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
  for (let code = 0; code < lengthBases.length; code += 1) {
    const base = lengthBases[code] as number;
    const end = code + 1 < lengthBases.length ? (lengthBases[code + 1] as number) : MAX_MATCH + 1;
    for (let length = base; length < end && length <= MAX_MATCH; length += 1) {
      LENGTH_SYMBOL[length] = 257 + code;
      LENGTH_EXTRA_BITS[length] = lengthBits[code] as number;
      LENGTH_EXTRA[length] = length - base;
    }
  }
  let base = 1;
  for (let code = 0; code < 30; code += 1) {
    const bits = code < 4 ? 0 : (code >> 1) - 1;
    for (let distance = base; distance < base + (1 << bits) && distance <= 32768; distance += 1) {
      DISTANCE_CODE[distance] = reverse(code, 5);
      DISTANCE_EXTRA_BITS[distance] = bits;
      DISTANCE_EXTRA[distance] = distance - base;
    }
    base += 1 << bits;
  }
  for (let byte = 0; byte < 256; byte += 1) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
    CRC_TABLE[byte] = crc;
  }
}

/** Fixed-Huffman code of each match length 3..258 with its extra bits appended, and its bit count. */
const LENGTH_CODE = new Uint32Array(MAX_MATCH + 1);
const LENGTH_BITS = new Uint8Array(MAX_MATCH + 1);
for (let length = 3; length <= MAX_MATCH; length += 1) {
  const symbol = LENGTH_SYMBOL[length] as number;
  const codeBits = LITERAL_LENGTHS[symbol] as number;
  LENGTH_CODE[length] = (LITERAL_CODES[symbol] as number) | ((LENGTH_EXTRA[length] as number) << codeBits);
  LENGTH_BITS[length] = codeBits + (LENGTH_EXTRA_BITS[length] as number);
}

/** Reused between calls: the rows of a band with their filter bytes, and the bits written for it. */
let rawScratch = new Uint8Array(1 << 16);
let bitScratch = new Uint8Array(1 << 16);

/**
 * A strip of whole rows of an image, compressed on its own: the fixed-Huffman deflate symbols of
 * its rows (filter byte 0 first, each byte a literal or a match one pixel back or one row up, the
 * first row matching nothing above it) and the Adler-32 sums of those bytes. Immutable; one band
 * can take part in any number of images of its width and colour type.
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
  /** The compressed bits shifted left by 0..7 bits, made when an image first needs them. */
  private readonly phases: (Uint8Array | undefined)[] = [
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
  ];

  private constructor(width: number, rows: number, pixelBytes: number, bits: Uint8Array, bitCount: number, sum1: number, sum2: number) {
    this.width = width;
    this.rows = rows;
    this.pixelBytes = pixelBytes;
    this.bits = bitCount;
    this.rawLength = (width * pixelBytes + 1) * rows;
    this.sum1 = sum1;
    this.sum2 = sum2;
    this.phases[0] = bits;
  }

  /**
   * Compresses rows `[firstRow, firstRow + rows)` of `pixels`, an image `width` pixels wide with
   * `pixelBytes` bytes per pixel (3 for RGB, 1 for palette indexes) and no filter bytes.
   */
  static compress(pixels: Uint8Array, width: number, pixelBytes: number, firstRow: number, rows: number): PngBand {
    if (!Number.isInteger(width) || !Number.isInteger(rows) || width < 1 || rows < 1 || (pixelBytes !== 1 && pixelBytes !== 3)) {
      throw new RangeError(`A PNG band needs positive integer sizes and 1 or 3 bytes per pixel, got ${width} x ${rows} x ${pixelBytes}.`);
    }
    const rowBytes = width * pixelBytes;
    if (!Number.isInteger(firstRow) || firstRow < 0 || (firstRow + rows) * rowBytes > pixels.length) {
      throw new RangeError(`Rows ${firstRow}..${firstRow + rows - 1} of ${width}-pixel rows are not inside ${pixels.length} pixel bytes.`);
    }
    const stride = rowBytes + 1;
    const length = stride * rows;
    if (rawScratch.length < length) rawScratch = new Uint8Array(length);
    const raw = rawScratch;
    for (let row = 0; row < rows; row += 1) {
      raw[row * stride] = 0;
      const from = (firstRow + row) * rowBytes;
      raw.set(pixels.subarray(from, from + rowBytes), row * stride + 1);
    }
    const { bytes, bitCount } = deflateRows(raw, length, pixelBytes, stride);
    const [sum1, sum2] = adler(raw, length);
    return new PngBand(width, rows, pixelBytes, bytes, bitCount, sum1, sum2);
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

/**
 * The deflate symbols of `raw[0, length)` (rows of `stride` bytes, filter byte first): at each byte
 * the longer of a match one pixel back and a match one row up, else a literal. Matches end inside
 * the row they start in and never reach before `raw[0]`. Returns a copy of the packed bits (least significant first) and their number.
 */
function deflateRows(raw: Uint8Array, length: number, pixelBytes: number, stride: number): { bytes: Uint8Array; bitCount: number } {
  // A literal takes at most 9 bits, so 9/8 of the input plus slack always fits.
  const capacity = length + (length >>> 3) + 16;
  if (bitScratch.length < capacity) bitScratch = new Uint8Array(capacity);
  const out = bitScratch;
  const words = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  let written = 0;
  let buffer = 0;
  let count = 0;
  const nearDistance = (DISTANCE_CODE[pixelBytes] as number) | ((DISTANCE_EXTRA[pixelBytes] as number) << 5);
  const nearBits = 5 + (DISTANCE_EXTRA_BITS[pixelBytes] as number);
  const upDistance = stride <= 32768 ? (DISTANCE_CODE[stride] as number) | ((DISTANCE_EXTRA[stride] as number) << 5) : 0;
  const upBits = 5 + (stride <= 32768 ? (DISTANCE_EXTRA_BITS[stride] as number) : 0);
  const upAllowed = stride <= 32768;
  for (let rowStart = 0; rowStart < length; rowStart += stride) {
    const end = rowStart + stride;
    let position = rowStart;
    while (position < end) {
      const limit = Math.min(MAX_MATCH, end - position);
      let best = 0;
      let up = false;
      const value = raw[position];
      if (position >= pixelBytes && raw[position - pixelBytes] === value) {
        best = matchLength(raw, words, position - pixelBytes, position, limit);
      }
      if (upAllowed && position >= stride && best < limit && raw[position - stride] === value) {
        const run = matchLength(raw, words, position - stride, position, limit);
        if (run > best) {
          best = run;
          up = true;
        }
      }
      if (best >= 3) {
        buffer |= (LENGTH_CODE[best] as number) << count;
        count += LENGTH_BITS[best] as number;
        while (count >= 8) {
          out[written++] = buffer & 0xff;
          buffer >>>= 8;
          count -= 8;
        }
        buffer |= (up ? upDistance : nearDistance) << count;
        count += up ? upBits : nearBits;
        position += best;
      } else {
        buffer |= (LITERAL_CODES[value as number] as number) << count;
        count += LITERAL_LENGTHS[value as number] as number;
        position += 1;
      }
      while (count >= 8) {
        out[written++] = buffer & 0xff;
        buffer >>>= 8;
        count -= 8;
      }
    }
  }
  const bitCount = written * 8 + count;
  if (count > 0) out[written++] = buffer & 0xff;
  return { bytes: out.slice(0, written), bitCount };
}

/** How many bytes from `position` on (at most `limit`) equal those from `from` on, four at a time while it can. */
function matchLength(raw: Uint8Array, words: DataView, from: number, position: number, limit: number): number {
  let length = 0;
  while (length + 4 <= limit && words.getUint32(from + length) === words.getUint32(position + length)) length += 4;
  while (length < limit && raw[from + length] === raw[position + length]) length += 1;
  return length;
}

/** The Adler-32 sums (s1 without its initial 1, s2) of `bytes[0, length)`. */
function adler(bytes: Uint8Array, length: number): [number, number] {
  let sum1 = 0;
  let sum2 = 0;
  for (let block = 0; block < length; block += 4096) {
    const end = Math.min(length, block + 4096);
    for (let index = block; index < end; index += 1) {
      sum1 += bytes[index] as number;
      sum2 += sum1;
    }
    sum1 %= ADLER_MODULUS;
    sum2 %= ADLER_MODULUS;
  }
  return [sum1, sum2];
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
  const palette = colour.kind === 'indexed' ? colour.palette : undefined;
  if (palette !== undefined && (palette.length % 3 !== 0 || palette.length === 0 || palette.length > 768)) {
    throw new RangeError(`A PNG palette holds 1 to 256 RGB colours, got ${palette.length} bytes.`);
  }
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
  offset = sealChunk(png, offset, 'IDAT', zlibLength);
  png.writeUInt32BE(0, offset);
  png.write('IEND', offset + 4, 'latin1');
  png.writeUInt32BE(crc32(png, offset + 4, offset + 8), offset + 8);
  return png;
}

/** Encodes one image as PNG: the whole image as one {@link PngBand}. */
export function encodePngPixels(width: number, height: number, colour: PngColour, pixels: Uint8Array): Buffer {
  const pixelBytes = colour.kind === 'rgb' ? 3 : 1;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`PNG size must be positive integers, got ${width} x ${height}.`);
  }
  if (pixels.length !== width * height * pixelBytes) {
    throw new RangeError(`Expected ${width * height * pixelBytes} pixel bytes for ${width} x ${height}, got ${pixels.length}.`);
  }
  return assemblePng(width, height, colour, [PngBand.compress(pixels, width, pixelBytes, 0, height)]);
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
