/**
 * A small PNG encoder in plain TypeScript: 8-bit RGB or indexed colour, every row with filter
 * type 0, one IDAT chunk of zlib data written with a fixed-Huffman deflate block whose matches
 * repeat the previous pixel or the row above. No zlib build and no native library takes part, so
 * the same pixels give the same bytes on every machine and Node version.
 *
 * A {@link PngBase} encodes many frames that differ from one base image in a band of rows (a
 * sprite moved over a fixed background): the compressed bits of the untouched rows are computed
 * once and reused, so a frame costs about as much as the rows that changed.
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

/** Bits written least significant first into a growing byte array. */
class BitWriter {
  bytes: Uint8Array;
  length = 0;
  private buffer = 0;
  private count = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(Math.max(64, capacity));
  }

  put(value: number, bits: number): void {
    let buffer = this.buffer | (value << this.count);
    let count = this.count + bits;
    if (count >= 8) {
      if (this.length + 4 > this.bytes.length) this.grow();
      const out = this.bytes;
      let length = this.length;
      do {
        out[length] = buffer & 0xff;
        length += 1;
        buffer >>>= 8;
        count -= 8;
      } while (count >= 8);
      this.length = length;
    }
    this.buffer = buffer;
    this.count = count;
  }

  /** Appends the first `bits` bits of a packed bit string. */
  append(chunk: RowBits): void {
    const whole = chunk.bits >>> 3;
    const { bytes } = chunk;
    this.reserve(whole + 8);
    const out = this.bytes;
    let length = this.length;
    const shift = this.count;
    let buffer = this.buffer;
    if (shift === 0) {
      out.set(bytes.subarray(0, whole), length);
      length += whole;
    } else {
      const back = 8 - shift;
      for (let index = 0; index < whole; index += 1) {
        const byte = bytes[index] as number;
        out[length] = (buffer | (byte << shift)) & 0xff;
        length += 1;
        buffer = byte >>> back;
      }
    }
    this.length = length;
    this.buffer = buffer;
    const rest = chunk.bits & 7;
    if (rest > 0) this.put((bytes[whole] as number) & ((1 << rest) - 1), rest);
  }

  /** Makes room for `bytes` more bytes. */
  reserve(bytes: number): void {
    while (this.length + bytes > this.bytes.length) this.grow();
  }

  /** The bits so far as a packed string; the last byte holds the bits not yet flushed. */
  finish(): RowBits {
    const bits = this.length * 8 + this.count;
    if (this.count > 0) {
      if (this.length === this.bytes.length) this.grow();
      this.bytes[this.length] = this.buffer & 0xff;
    }
    return { bytes: this.bytes.subarray(0, (bits + 7) >>> 3), bits };
  }

  private grow(): void {
    const larger = new Uint8Array(this.bytes.length * 2);
    larger.set(this.bytes);
    this.bytes = larger;
  }
}

/** The compressed bits of one row and the Adler-32 sums of its bytes. */
interface RowBits {
  readonly bytes: Uint8Array;
  readonly bits: number;
}

interface EncodedRow extends RowBits {
  readonly sum1: number;
  readonly sum2: number;
}

/**
 * The deflate symbols of one row of `raw` (filter byte first), written into `writer`: at each byte
 * the longer of a match one pixel back and a match one row up, else a literal. Matches stay inside
 * the row, so a row's bits depend on that row and the one above only.
 */
function deflateRow(raw: Uint8Array, start: number, end: number, pixelBytes: number, stride: number, writer: BitWriter): void {
  let position = start;
  while (position < end) {
    const limit = Math.min(MAX_MATCH, end - position);
    let best = 0;
    let distance = 0;
    if (position >= pixelBytes) {
      let length = 0;
      const from = position - pixelBytes;
      while (length < limit && raw[from + length] === raw[position + length]) length += 1;
      best = length;
      distance = pixelBytes;
    }
    if (position >= stride && best < limit) {
      let length = 0;
      const from = position - stride;
      while (length < limit && raw[from + length] === raw[position + length]) length += 1;
      if (length > best) {
        best = length;
        distance = stride;
      }
    }
    if (best >= 3) {
      const symbol = LENGTH_SYMBOL[best] as number;
      writer.put(LITERAL_CODES[symbol] as number, LITERAL_LENGTHS[symbol] as number);
      const lengthBits = LENGTH_EXTRA_BITS[best] as number;
      if (lengthBits > 0) writer.put(LENGTH_EXTRA[best] as number, lengthBits);
      writer.put(DISTANCE_CODE[distance] as number, 5);
      const distanceBits = DISTANCE_EXTRA_BITS[distance] as number;
      if (distanceBits > 0) writer.put(DISTANCE_EXTRA[distance] as number, distanceBits);
      position += best;
    } else {
      const literal = raw[position] as number;
      writer.put(LITERAL_CODES[literal] as number, LITERAL_LENGTHS[literal] as number);
      position += 1;
    }
  }
}

function encodeRow(raw: Uint8Array, row: number, pixelBytes: number, stride: number): EncodedRow {
  const start = row * stride;
  const writer = new BitWriter((stride >>> 1) + 16);
  deflateRow(raw, start, start + stride, pixelBytes, stride, writer);
  let sum1 = 0;
  let sum2 = 0;
  for (let block = start; block < start + stride; block += 4096) {
    const end = Math.min(start + stride, block + 4096);
    for (let index = block; index < end; index += 1) {
      sum1 += raw[index] as number;
      sum2 += sum1;
    }
    sum1 %= ADLER_MODULUS;
    sum2 %= ADLER_MODULUS;
  }
  return { ...writer.finish(), sum1: sum1 % ADLER_MODULUS, sum2: sum2 % ADLER_MODULUS };
}

/** Node's native CRC-32 (Node 20.15 and later); the same function as the table below, only faster. */
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

function crc32(bytes: Uint8Array, start: number, end: number): number {
  if (nativeCrc32 !== undefined) return nativeCrc32(bytes.subarray(start, end)) >>> 0;
  let crc = -1;
  for (let index = start; index < end; index += 1) crc = (CRC_TABLE[(crc ^ (bytes[index] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

/** Writes one chunk (length, type, data, CRC) at `offset`; returns the offset after it. */
function writeChunk(target: Buffer, offset: number, type: string, data: Uint8Array): number {
  target.writeUInt32BE(data.length, offset);
  target.write(type, offset + 4, 'latin1');
  target.set(data, offset + 8);
  target.writeUInt32BE(crc32(target, offset + 4, offset + 8 + data.length), offset + 8 + data.length);
  return offset + 12 + data.length;
}

/**
 * A base image and the compressed bits of each of its rows. {@link encode} writes a frame that
 * equals the base outside a band of rows, recompressing only that band and the row below it.
 */
export class PngBase {
  readonly width: number;
  readonly height: number;
  readonly colour: PngColour;
  private readonly pixelBytes: number;
  private readonly stride: number;
  /** The base's rows, each with its filter byte (0) first. */
  private readonly raw: Uint8Array;
  private readonly rows: EncodedRow[] = [];
  /** The base's rows again, where a frame's band is written while it is encoded. */
  private readonly scratch: Uint8Array;

  /** `pixels` holds `height` rows of `width` pixels, 3 bytes (rgb) or 1 byte (indexed) each. */
  constructor(width: number, height: number, colour: PngColour, pixels: Uint8Array) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new RangeError(`PNG size must be positive integers, got ${width} x ${height}.`);
    }
    this.width = width;
    this.height = height;
    this.colour = colour;
    this.pixelBytes = colour.kind === 'rgb' ? 3 : 1;
    if (colour.kind === 'indexed' && (colour.palette.length % 3 !== 0 || colour.palette.length === 0 || colour.palette.length > 768)) {
      throw new RangeError(`A PNG palette holds 1 to 256 RGB colours, got ${colour.palette.length} bytes.`);
    }
    this.stride = width * this.pixelBytes + 1;
    const rowBytes = this.stride - 1;
    if (pixels.length !== rowBytes * height) {
      throw new RangeError(`Expected ${rowBytes * height} pixel bytes for ${width} x ${height}, got ${pixels.length}.`);
    }
    this.raw = new Uint8Array(this.stride * height);
    for (let row = 0; row < height; row += 1) this.raw.set(pixels.subarray(row * rowBytes, (row + 1) * rowBytes), row * this.stride + 1);
    for (let row = 0; row < height; row += 1) this.rows.push(encodeRow(this.raw, row, this.pixelBytes, this.stride));
    this.scratch = this.raw.slice();
  }

  /** The base image as PNG bytes. */
  png(): Buffer {
    return assemble(this, this.stride, this.rows);
  }

  /**
   * A frame as PNG bytes: `frame` (laid out like the base's pixels) must equal the base outside
   * rows `[fromRow, toRow)`. The result equals encoding `frame` on its own.
   */
  encode(frame: Uint8Array, fromRow: number, toRow: number): Buffer {
    const rowBytes = this.stride - 1;
    if (frame.length !== rowBytes * this.height)
      throw new RangeError(`Expected ${rowBytes * this.height} pixel bytes, got ${frame.length}.`);
    const from = Math.max(0, Math.floor(fromRow));
    const to = Math.min(this.height, Math.ceil(toRow));
    if (to <= from) return this.png();
    const rows = this.rows.slice();
    const scratch = this.scratch;
    for (let row = from; row < to; row += 1) scratch.set(frame.subarray(row * rowBytes, (row + 1) * rowBytes), row * this.stride + 1);
    for (let row = from; row < Math.min(this.height, to + 1); row += 1) rows[row] = encodeRow(scratch, row, this.pixelBytes, this.stride);
    // Put the base back for the next frame.
    scratch.set(this.raw.subarray(from * this.stride, to * this.stride), from * this.stride);
    return assemble(this, this.stride, rows);
  }

  /**
   * Like {@link encode}, and the frame becomes the new base: for frames that each differ a little
   * from the one before (pieces moving on a board).
   */
  advance(frame: Uint8Array, fromRow: number, toRow: number): Buffer {
    const rowBytes = this.stride - 1;
    if (frame.length !== rowBytes * this.height)
      throw new RangeError(`Expected ${rowBytes * this.height} pixel bytes, got ${frame.length}.`);
    const from = Math.max(0, Math.floor(fromRow));
    const to = Math.min(this.height, Math.ceil(toRow));
    for (let row = from; row < to; row += 1) {
      const pixels = frame.subarray(row * rowBytes, (row + 1) * rowBytes);
      this.raw.set(pixels, row * this.stride + 1);
      this.scratch.set(pixels, row * this.stride + 1);
    }
    for (let row = from; row < Math.min(this.height, to + 1); row += 1)
      this.rows[row] = encodeRow(this.raw, row, this.pixelBytes, this.stride);
    return assemble(this, this.stride, this.rows);
  }
}

/** The PNG bytes of compressed rows: signature, IHDR, PLTE (indexed), pHYs, one IDAT, IEND. */
function assemble(
  image: { readonly width: number; readonly height: number; readonly colour: PngColour },
  stride: number,
  rows: readonly EncodedRow[],
): Buffer {
  let compressedBits = 3 + 7;
  let sum1 = 1;
  let sum2 = 0;
  for (const row of rows) {
    compressedBits += row.bits;
    // Adler-32 of the concatenation: each row's sums shifted by what came before.
    sum2 = (sum2 + row.sum2 + ((stride * sum1) % ADLER_MODULUS)) % ADLER_MODULUS;
    sum1 = (sum1 + row.sum1) % ADLER_MODULUS;
  }
  const writer = new BitWriter((compressedBits >>> 3) + 8);
  writer.put(0x78, 8);
  writer.put(0x01, 8);
  writer.put(1, 1); // last block
  writer.put(1, 2); // fixed Huffman codes
  for (const row of rows) writer.append(row);
  writer.put(LITERAL_CODES[256] as number, LITERAL_LENGTHS[256] as number);
  const deflated = writer.finish();
  const zlib = new Uint8Array(deflated.bytes.length + 4);
  zlib.set(deflated.bytes);
  new DataView(zlib.buffer).setUint32(deflated.bytes.length, ((sum2 << 16) | sum1) >>> 0);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, image.width);
  view.setUint32(4, image.height);
  header[8] = 8;
  header[9] = image.colour.kind === 'rgb' ? 2 : 3;
  const palette = image.colour.kind === 'indexed' ? image.colour.palette : undefined;
  const size = SIGNATURE.length + 25 + (palette === undefined ? 0 : 12 + palette.length) + 21 + 12 + zlib.length + 12;
  const png = Buffer.allocUnsafe(size);
  png.set(SIGNATURE, 0);
  let offset = writeChunk(png, SIGNATURE.length, 'IHDR', header);
  if (palette !== undefined) offset = writeChunk(png, offset, 'PLTE', palette);
  offset = writeChunk(png, offset, 'pHYs', PHYSICAL_SIZE);
  offset = writeChunk(png, offset, 'IDAT', zlib);
  writeChunk(png, offset, 'IEND', new Uint8Array(0));
  return png;
}
/**
 * PNGs of images built from a few kinds of rows (boards of tiles): the caller names the content of
 * each row together with the row above it (a key), and a row is compressed only the first time its
 * key comes up. Rows compress the same as in {@link PngBase}, so the bytes equal
 * {@link encodePngPixels} of the same pixels, provided equal keys mean equal pixels.
 */
export class PngRowCache {
  readonly width: number;
  readonly height: number;
  readonly colour: PngColour;
  private readonly pixelBytes: number;
  private readonly stride: number;
  private readonly cache = new Map<string, EncodedRow>();
  /** Two rows with their filter bytes: the row above and the row being compressed. */
  private readonly pair: Uint8Array;

  constructor(width: number, height: number, colour: PngColour) {
    this.width = width;
    this.height = height;
    this.colour = colour;
    this.pixelBytes = colour.kind === 'rgb' ? 3 : 1;
    this.stride = width * this.pixelBytes + 1;
    this.pair = new Uint8Array(this.stride * 2);
  }

  /** Number of distinct rows compressed so far. */
  get size(): number {
    return this.cache.size;
  }

  /** The PNG of `pixels`; `keys[r]` must name the pixels of rows `r - 1` and `r` together. */
  encode(pixels: Uint8Array, keys: readonly string[]): Buffer {
    const rowBytes = this.stride - 1;
    if (pixels.length !== rowBytes * this.height || keys.length !== this.height) {
      throw new RangeError(`Expected ${rowBytes * this.height} pixel bytes and ${this.height} row keys.`);
    }
    const rows: EncodedRow[] = [];
    for (let row = 0; row < this.height; row += 1) {
      const key = keys[row] as string;
      let encoded = this.cache.get(key);
      if (encoded === undefined) {
        const { pair, stride } = this;
        if (row === 0) {
          pair.set(pixels.subarray(0, rowBytes), 1);
          encoded = encodeRow(pair, 0, this.pixelBytes, stride);
        } else {
          pair.set(pixels.subarray((row - 1) * rowBytes, row * rowBytes), 1);
          pair.set(pixels.subarray(row * rowBytes, (row + 1) * rowBytes), stride + 1);
          encoded = encodeRow(pair, 1, this.pixelBytes, stride);
        }
        this.cache.set(key, encoded);
      }
      rows.push(encoded);
    }
    return assemble(this, this.stride, rows);
  }
}

/** Encodes one image as PNG (see {@link PngBase} for many frames over one background). */
export function encodePngPixels(width: number, height: number, colour: PngColour, pixels: Uint8Array): Buffer {
  return new PngBase(width, height, colour, pixels).png();
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
