/**
 * The deflate side of `core/png-encode.ts`: fixed-Huffman symbols for rows of PNG bytes (filter
 * byte first), each byte a literal or a match one pixel back or one row up, chosen greedily left to
 * right (the longer match, the one a pixel back on a tie). A run of rows can keep a log of where
 * each symbol starts in the bytes and in the bits; rows that then change in one range of columns
 * are recompressed from the log: the symbols before the change and those after it, once the
 * greedy choice falls back in step, are copied, and only the stretch between is searched again.
 * The bits are the same as compressing the changed rows from scratch.
 */

const MAX_MATCH = 258;
const ADLER_MODULUS = 65521;

/** Fixed-Huffman literal/length codes, bit-reversed for LSB-first output, and their lengths. */
const LITERAL_CODES = new Uint16Array(288);
const LITERAL_LENGTHS = new Uint8Array(288);
/** Per match length 3..258: the length code with its extra bits appended, and its bit count. */
const LENGTH_CODE = new Uint32Array(MAX_MATCH + 1);
const LENGTH_BITS = new Uint8Array(MAX_MATCH + 1);

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
    const symbol = 257 + code;
    const codeBits = LITERAL_LENGTHS[symbol] as number;
    for (let length = base; length < end && length <= MAX_MATCH; length += 1) {
      LENGTH_CODE[length] = (LITERAL_CODES[symbol] as number) | ((length - base) << codeBits);
      LENGTH_BITS[length] = codeBits + (lengthBits[code] as number);
    }
  }
}

/** The fixed-Huffman distance code of `distance` (1..32768) with its extra bits appended, and its bit count. */
function distanceCode(distance: number): { code: number; bits: number } {
  let base = 1;
  for (let code = 0; code < 30; code += 1) {
    const extra = code < 4 ? 0 : (code >> 1) - 1;
    if (distance < base + (1 << extra)) return { code: reverse(code, 5) | ((distance - base) << 5), bits: 5 + extra };
    base += 1 << extra;
  }
  throw new RangeError(`A deflate distance is at most 32768, got ${distance}.`);
}

/**
 * The bytes every {@link BitSink} writes into, kept between calls (compression is synchronous and
 * `finish` copies the bits out), so a long run does not allocate and drop a buffer per image.
 */
let sinkScratch = new Uint8Array(1 << 16);

/** Bits written least significant first into a byte array that grows as needed. */
class BitSink {
  bytes: Uint8Array;
  written = 0;
  private buffer = 0;
  private count = 0;

  constructor(capacity: number) {
    if (sinkScratch.length < capacity) sinkScratch = new Uint8Array(Math.max(64, capacity));
    this.bytes = sinkScratch;
  }

  /** Number of bits written so far. */
  get length(): number {
    return this.written * 8 + this.count;
  }

  /** Writes the low `bits` (at most 24) bits of `value`. */
  put(value: number, bits: number): void {
    let buffer = this.buffer | (value << this.count);
    let count = this.count + bits;
    if (count >= 8) {
      if (this.written + 4 > this.bytes.length) this.grow();
      const out = this.bytes;
      do {
        out[this.written++] = buffer & 0xff;
        buffer >>>= 8;
        count -= 8;
      } while (count >= 8);
    }
    this.buffer = buffer;
    this.count = count;
  }

  /** Appends bits `[from, to)` of a packed bit string. */
  copy(source: Uint8Array, from: number, to: number): void {
    let position = from;
    while (position < to) {
      const bits = Math.min(24, to - position);
      const byte = position >>> 3;
      const word =
        ((source[byte] ?? 0) | ((source[byte + 1] ?? 0) << 8) | ((source[byte + 2] ?? 0) << 16) | ((source[byte + 3] ?? 0) << 24)) >>> 0;
      this.put((word >>> (position & 7)) & ((1 << bits) - 1), bits);
      position += bits;
    }
  }

  /** A copy of the bits: whole bytes, the last one zero-padded. */
  finish(): Uint8Array {
    const bytes = this.bytes.slice(0, this.written + (this.count > 0 ? 1 : 0));
    if (this.count > 0) bytes[this.written] = this.buffer & 0xff;
    return bytes;
  }

  private grow(): void {
    const larger = new Uint8Array(this.bytes.length * 2);
    larger.set(this.bytes);
    this.bytes = larger;
    sinkScratch = larger;
  }
}

/** Where each symbol of compressed rows starts: its byte in the rows and its bit in the compressed bits. */
export interface SymbolLog {
  readonly starts: Int32Array;
  readonly bits: Int32Array;
  /** Per row, the index of its first symbol; one more entry holds the number of symbols. */
  readonly rowSymbols: Int32Array;
}

/** Growable arrays collecting a {@link SymbolLog}. */
class LogBuilder {
  starts: Int32Array;
  bits: Int32Array;
  size = 0;
  readonly rowSymbols: Int32Array;

  constructor(rows: number, capacity = 256) {
    this.rowSymbols = new Int32Array(rows + 1);
    this.starts = new Int32Array(Math.max(16, capacity));
    this.bits = new Int32Array(Math.max(16, capacity));
  }

  add(start: number, bit: number): void {
    if (this.size === this.starts.length) this.grow(this.size + 1);
    this.starts[this.size] = start;
    this.bits[this.size] = bit;
    this.size += 1;
  }

  /** Appends entries `[from, to)` of another log, their bits moved by `shift`. */
  addRange(log: SymbolLog, from: number, to: number, shift: number): void {
    if (to <= from) return;
    if (this.size + (to - from) > this.starts.length) this.grow(this.size + (to - from));
    this.starts.set(log.starts.subarray(from, to), this.size);
    const bits = this.bits;
    const source = log.bits;
    let target = this.size;
    for (let index = from; index < to; index += 1) bits[target++] = (source[index] as number) + shift;
    this.size = target;
  }

  private grow(needed: number): void {
    const capacity = Math.max(needed, this.starts.length * 2);
    const starts = new Int32Array(capacity);
    starts.set(this.starts.subarray(0, this.size));
    this.starts = starts;
    const bits = new Int32Array(capacity);
    bits.set(this.bits.subarray(0, this.size));
    this.bits = bits;
  }

  finish(rows: number): SymbolLog {
    this.rowSymbols[rows] = this.size;
    return { starts: this.starts.slice(0, this.size), bits: this.bits.slice(0, this.size), rowSymbols: this.rowSymbols };
  }
}

/** The geometry and codes shared by every symbol of one run of rows. */
interface RowsShape {
  readonly raw: Uint8Array;
  readonly words: DataView;
  readonly pixelBytes: number;
  readonly stride: number;
  readonly nearCode: number;
  readonly nearBits: number;
  readonly upCode: number;
  readonly upBits: number;
}

function shapeOf(raw: Uint8Array, pixelBytes: number, stride: number): RowsShape {
  const near = distanceCode(pixelBytes);
  const up = stride <= 32768 ? distanceCode(stride) : { code: 0, bits: 0 };
  return {
    raw,
    words: new DataView(raw.buffer, raw.byteOffset, raw.byteLength),
    pixelBytes,
    stride,
    nearCode: near.code,
    nearBits: near.bits,
    upCode: up.code,
    upBits: up.bits,
  };
}

/** How many bytes from `position` on (at most `limit`) equal those from `from` on, four at a time while it can. */
function matchLength(raw: Uint8Array, words: DataView, from: number, position: number, limit: number): number {
  let length = 0;
  while (length + 4 <= limit && words.getUint32(from + length) === words.getUint32(position + length)) length += 4;
  while (length < limit && raw[from + length] === raw[position + length]) length += 1;
  return length;
}

/** Writes the symbol at `position` (the row ends at `end`) and returns the position after it. */
function writeSymbol(shape: RowsShape, position: number, end: number, sink: BitSink): number {
  const { raw, words, pixelBytes, stride } = shape;
  const limit = Math.min(MAX_MATCH, end - position);
  const value = raw[position] as number;
  let best = 0;
  let up = false;
  if (position >= pixelBytes && raw[position - pixelBytes] === value)
    best = matchLength(raw, words, position - pixelBytes, position, limit);
  if (shape.upBits > 0 && position >= stride && best < limit && raw[position - stride] === value) {
    const run = matchLength(raw, words, position - stride, position, limit);
    if (run > best) {
      best = run;
      up = true;
    }
  }
  if (best >= 3) {
    sink.put(LENGTH_CODE[best] as number, LENGTH_BITS[best] as number);
    if (up) sink.put(shape.upCode, shape.upBits);
    else sink.put(shape.nearCode, shape.nearBits);
    return position + best;
  }
  sink.put(LITERAL_CODES[value] as number, LITERAL_LENGTHS[value] as number);
  return position + 1;
}

/** Compressed rows: the packed bits, their number, and the symbol log when asked for. */
export interface DeflatedRows {
  readonly bytes: Uint8Array;
  readonly bitCount: number;
  readonly log?: SymbolLog;
}

/** The symbols of `rows` rows of `raw` (each `stride` bytes, filter byte first), with their log when `keepLog`. */
export function deflateRows(raw: Uint8Array, rows: number, pixelBytes: number, stride: number, keepLog: boolean): DeflatedRows {
  const length = rows * stride;
  const shape = shapeOf(raw, pixelBytes, stride);
  const sink = new BitSink(length / 16 + 64);
  const log = keepLog ? new LogBuilder(rows) : undefined;
  for (let row = 0; row < rows; row += 1) {
    const end = (row + 1) * stride;
    let position = row * stride;
    if (log !== undefined) log.rowSymbols[row] = log.size;
    while (position < end) {
      log?.add(position, sink.length);
      position = writeSymbol(shape, position, end, sink);
    }
  }
  return { bytes: sink.finish(), bitCount: sink.length, log: log?.finish(rows) };
}

/**
 * Recompresses rows whose bytes changed only in `[changes[2r], changes[2r + 1])` of row `r`
 * (offsets in a row, filter byte at 0; an empty range for an unchanged row): `raw` holds the new
 * rows; `bytes`, `bitCount` and `log` are those of the old rows. Gives the bits (and, with
 * `keepLog`, the log) of compressing `raw` from scratch.
 */
export function deflatePatch(
  raw: Uint8Array,
  rows: number,
  pixelBytes: number,
  stride: number,
  old: { readonly bytes: Uint8Array; readonly bitCount: number; readonly log: SymbolLog },
  changes: Int32Array,
  keepLog = true,
): DeflatedRows {
  const shape = shapeOf(raw, pixelBytes, stride);
  const sink = new BitSink(old.bytes.length + 256);
  const { starts, bits, rowSymbols } = old.log;
  const log = keepLog ? new LogBuilder(rows, starts.length + 64) : undefined;
  const bitAt = (symbol: number): number => (symbol < starts.length ? (bits[symbol] as number) : old.bitCount);
  for (let row = 0; row < rows; row += 1) {
    const rowStart = row * stride;
    const end = rowStart + stride;
    const first = rowSymbols[row] as number;
    const last = rowSymbols[row + 1] as number;
    // A symbol reads its row and, for a match one row up, the row above over the same columns; a
    // row's first pixel also looks back at the end of the row above.
    let from = changes[2 * row] as number;
    let to = changes[2 * row + 1] as number;
    let tail = false;
    if (row > 0) {
      const above = [changes[2 * row - 2] as number, changes[2 * row - 1] as number] as const;
      if (above[1] > above[0]) {
        [from, to] = to > from ? [Math.min(from, above[0]), Math.max(to, above[1])] : above;
        tail = above[1] > stride - pixelBytes;
      }
    }
    if (log !== undefined) log.rowSymbols[row] = log.size;
    if (to <= from && !tail) {
      log?.addRange(old.log, first, last, sink.length - bitAt(first));
      sink.copy(old.bytes, bitAt(first), bitAt(last));
      continue;
    }
    if (tail) {
      from = 0;
      to = Math.max(to, 0);
    }
    const changeStart = rowStart + from;
    // Old symbols that saw no changed byte: a match read up to the byte after it, a literal up to two
    // past it. Symbols starting a whole match length or more before the change cannot reach it.
    let symbol = first;
    let high = last;
    while (symbol < high) {
      const middle = (symbol + high) >>> 1;
      if ((starts[middle] as number) + MAX_MATCH + 3 <= changeStart) symbol = middle + 1;
      else high = middle;
    }
    symbol = tail ? first : Math.max(first, symbol - 1);
    while (symbol < last && !tail) {
      const start = starts[symbol] as number;
      const next = symbol + 1 < last ? (starts[symbol + 1] as number) : end;
      const reach = next - start === 1 ? start + 3 : next + 1;
      if (reach > changeStart) break;
      symbol += 1;
    }
    log?.addRange(old.log, first, symbol, sink.length - bitAt(first));
    sink.copy(old.bytes, bitAt(first), bitAt(symbol));
    // Search again until a symbol starts where an old one did, past the change and its one-pixel look-back.
    let position = symbol < last ? (starts[symbol] as number) : end;
    const settled = rowStart + to + pixelBytes;
    let oldSymbol = symbol;
    while (position < end) {
      if (position >= settled) {
        while (oldSymbol < last && (starts[oldSymbol] as number) < position) oldSymbol += 1;
        if (oldSymbol < last && starts[oldSymbol] === position) break;
      }
      log?.add(position, sink.length);
      position = writeSymbol(shape, position, end, sink);
    }
    if (position < end) {
      log?.addRange(old.log, oldSymbol, last, sink.length - bitAt(oldSymbol));
      sink.copy(old.bytes, bitAt(oldSymbol), bitAt(last));
    }
  }
  return { bytes: sink.finish(), bitCount: sink.length, log: log?.finish(rows) };
}

/** Bytes summed between reductions: s2 stays below 2^30, so the sums stay small integers. */
const ADLER_BLOCK = 2048;

/** The Adler-32 sums (s1 without its initial 1, s2) of `bytes[0, length)`, four bytes a step. */
export function adlerSums(bytes: Uint8Array, length: number): [number, number] {
  let sum1 = 0;
  let sum2 = 0;
  let index = 0;
  for (let block = 0; block < length; block += ADLER_BLOCK) {
    const end = Math.min(length, block + ADLER_BLOCK);
    for (; index + 4 <= end; index += 4) {
      const b0 = bytes[index] as number;
      const b1 = bytes[index + 1] as number;
      const b2 = bytes[index + 2] as number;
      const b3 = bytes[index + 3] as number;
      sum2 = (sum2 + 4 * sum1 + 4 * b0 + 3 * b1 + 2 * b2 + b3) | 0;
      sum1 = (sum1 + b0 + b1 + b2 + b3) | 0;
    }
    for (; index < end; index += 1) {
      sum1 = (sum1 + (bytes[index] as number)) | 0;
      sum2 = (sum2 + sum1) | 0;
    }
    sum1 %= ADLER_MODULUS;
    sum2 %= ADLER_MODULUS;
  }
  return [sum1, sum2];
}

/**
 * The Adler-32 sums of bytes that differ from `old` (whose sums are given) only in
 * `[changes[2r], changes[2r + 1])` of each `stride`-byte row `r`: each changed byte moves s1 by its
 * change and s2 by its change times the number of bytes from it to the end.
 */
export function adlerPatch(
  raw: Uint8Array,
  old: Uint8Array,
  rows: number,
  stride: number,
  sums: readonly [number, number],
  changes: Int32Array,
): [number, number] {
  const length = rows * stride;
  let sum1 = sums[0];
  let sum2 = sums[1];
  for (let row = 0; row < rows; row += 1) {
    for (let index = row * stride + (changes[2 * row] as number); index < row * stride + (changes[2 * row + 1] as number); index += 1) {
      const change = (raw[index] as number) - (old[index] as number);
      if (change === 0) continue;
      sum1 += change;
      sum2 += change * (length - index);
    }
    sum1 %= ADLER_MODULUS;
    sum2 %= ADLER_MODULUS;
  }
  return [(sum1 + ADLER_MODULUS) % ADLER_MODULUS, (sum2 + ADLER_MODULUS) % ADLER_MODULUS];
}
