/**
 * The deflate side of `core/png-encode.ts`: fixed-Huffman symbols for rows of PNG bytes (filter
 * byte first), each byte a literal or a match one pixel back or one row up, chosen greedily left to
 * right (the longer match, the one a pixel back on a tie). A run of rows can keep a log of where
 * each symbol starts in the bytes and in the bits; rows that then change in one range of columns
 * are recompressed from the log: the symbols before the change and those after it, once the
 * greedy choice falls back in step, are copied, and only the stretch between is searched again.
 * The bits are the same as compressing the changed rows from scratch.
 */

import { canonicalCodes, huffmanLengths, reverseBits } from './huffman.js';

const MAX_MATCH = 258;
const ADLER_MODULUS = 65521;

/** The first match length of each length symbol 257..285 (RFC 1951, 3.2.5), by symbol - 257. */
const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
/** Per match length 3..258: its length symbol (257..285), and how many extra bits follow it. */
const LENGTH_SYMBOL = new Uint16Array(MAX_MATCH + 1);
const LENGTH_EXTRA = new Uint8Array(MAX_MATCH + 1);
for (let code = 0; code < LENGTH_BASE.length; code += 1) {
  const base = LENGTH_BASE[code] as number;
  const end = code + 1 < LENGTH_BASE.length ? (LENGTH_BASE[code + 1] as number) : MAX_MATCH + 1;
  for (let length = base; length < end; length += 1) {
    LENGTH_SYMBOL[length] = 257 + code;
    LENGTH_EXTRA[length] = code === 28 || code < 8 ? 0 : (code >> 2) - 1;
  }
}

/** Deflate's distance symbol (0..29) of `distance` (1..32768), with its extra bits' count and value. */
function distanceSymbol(distance: number): { symbol: number; extraBits: number; extra: number } {
  let base = 1;
  for (let symbol = 0; symbol < 30; symbol += 1) {
    const extraBits = symbol < 4 ? 0 : (symbol >> 1) - 1;
    if (distance < base + (1 << extraBits)) return { symbol, extraBits, extra: distance - base };
    base += 1 << extraBits;
  }
  throw new RangeError(`A deflate distance is at most 32768, got ${distance}.`);
}

/** Fixed-Huffman literal/length codes, bit-reversed for LSB-first output, and their lengths. */
const LITERAL_CODES = new Uint16Array(288);
const LITERAL_LENGTHS = new Uint8Array(288);
for (let symbol = 0; symbol < 288; symbol += 1) {
  const [code, length] =
    symbol < 144
      ? [0x30 + symbol, 8]
      : symbol < 256
        ? [0x190 + symbol - 144, 9]
        : symbol < 280
          ? [symbol - 256, 7]
          : [0xc0 + symbol - 280, 8];
  LITERAL_CODES[symbol] = reverseBits(code, length);
  LITERAL_LENGTHS[symbol] = length;
}
/** Per match length 3..258: the fixed length code with its extra bits appended, and its bit count. */
const LENGTH_CODE = new Uint32Array(MAX_MATCH + 1);
const LENGTH_BITS = new Uint8Array(MAX_MATCH + 1);
for (let length = 3; length <= MAX_MATCH; length += 1) {
  const symbol = LENGTH_SYMBOL[length] as number;
  const codeBits = LITERAL_LENGTHS[symbol] as number;
  LENGTH_CODE[length] = (LITERAL_CODES[symbol] as number) | ((length - (LENGTH_BASE[symbol - 257] as number)) << codeBits);
  LENGTH_BITS[length] = codeBits + (LENGTH_EXTRA[length] as number);
}

/** The fixed-Huffman distance code of `distance` (1..32768) with its extra bits appended, and its bit count. */
function distanceCode(distance: number): { code: number; bits: number } {
  const { symbol, extraBits, extra } = distanceSymbol(distance);
  return { code: reverseBits(symbol, 5) | (extra << 5), bits: 5 + extraBits };
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

/**
 * The greedy choice at `position` (the row ends at `end`): 0 for a literal, else twice the match
 * length, plus 1 when the match is one row up rather than one pixel back.
 */
function chooseSymbol(shape: RowsShape, position: number, end: number): number {
  const { raw, words, pixelBytes, stride } = shape;
  const limit = Math.min(MAX_MATCH, end - position);
  const value = raw[position] as number;
  let best = 0;
  let up = 0;
  if (position >= pixelBytes && raw[position - pixelBytes] === value)
    best = matchLength(raw, words, position - pixelBytes, position, limit);
  if (shape.upBits > 0 && position >= stride && best < limit && raw[position - stride] === value) {
    const run = matchLength(raw, words, position - stride, position, limit);
    if (run > best) {
      best = run;
      up = 1;
    }
  }
  return best >= 3 ? 2 * best + up : 0;
}

/** Writes the symbol at `position` (the row ends at `end`) and returns the position after it. */
function writeSymbol(shape: RowsShape, position: number, end: number, sink: BitSink): number {
  const choice = chooseSymbol(shape, position, end);
  const best = choice >>> 1;
  const up = (choice & 1) === 1;
  const value = shape.raw[position] as number;
  if (best >= 3) {
    sink.put(LENGTH_CODE[best] as number, LENGTH_BITS[best] as number);
    if (up) sink.put(shape.upCode, shape.upBits);
    else sink.put(shape.nearCode, shape.nearBits);
    return position + best;
  }
  sink.put(LITERAL_CODES[value] as number, LITERAL_LENGTHS[value] as number);
  return position + 1;
}

/** Order in which a dynamic block sends the lengths of the code-length code (RFC 1951, 3.2.7). */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/**
 * The code lengths of the literal/length and distance codes as code-length symbols: 0..15 a
 * length, 16 repeats the previous one 3..6 times, 17 and 18 are runs of 3..10 and 11..138 zeros.
 * Each entry is the symbol, then its extra value (0 when it has none).
 */
function runLengths(lengths: Uint8Array): number[] {
  const symbols: number[] = [];
  let index = 0;
  while (index < lengths.length) {
    const length = lengths[index] as number;
    let run = 1;
    while (index + run < lengths.length && lengths[index + run] === length) run += 1;
    index += run;
    if (length === 0) {
      while (run >= 11) {
        const take = Math.min(run, 138);
        symbols.push(18, take - 11);
        run -= take;
      }
      if (run >= 3) {
        symbols.push(17, run - 3);
        run = 0;
      }
    } else {
      symbols.push(length, 0);
      run -= 1;
      while (run >= 3) {
        const take = Math.min(run, 6);
        symbols.push(16, take - 3);
        run -= take;
      }
    }
    for (; run > 0; run -= 1) symbols.push(length, 0);
  }
  return symbols;
}

/**
 * The symbols of the image being compressed by {@link deflateRowsDynamic}, between its two passes:
 * kept between calls (compression is synchronous), grown to the most symbols an image has had.
 */
let symbolScratch = new Uint16Array(1 << 16);

/** Extra bits after each code-length symbol 16, 17 and 18. */
const RUN_EXTRA_BITS: Readonly<Record<number, number>> = { 16: 2, 17: 3, 18: 7 };

/**
 * One final dynamic-Huffman deflate block (BFINAL set, BTYPE 2) for `rows` rows of `raw`: the same
 * greedy symbols as {@link deflateRows}, sent with Huffman codes built for this image's own symbol
 * frequencies (`core/huffman.ts`), so an image whose bytes are mostly a few values compresses to
 * far fewer bits than with the fixed codes. The symbols are chosen and counted once, kept, then
 * written.
 */
export function deflateRowsDynamic(raw: Uint8Array, rows: number, pixelBytes: number, stride: number): DeflatedRows {
  const shape = shapeOf(raw, pixelBytes, stride);
  const near = distanceSymbol(pixelBytes);
  const up = stride <= 32768 ? distanceSymbol(stride) : near;
  const literals = new Uint32Array(286);
  const distances = new Uint32Array(30);
  // Pass one: choose every symbol, count it, and keep it (a byte value, or 256 + the match choice).
  let symbols = symbolScratch;
  let count = 0;
  for (let row = 0; row < rows; row += 1) {
    const end = (row + 1) * stride;
    let position = row * stride;
    while (position < end) {
      if (count === symbols.length) {
        const larger = new Uint16Array(symbols.length * 2);
        larger.set(symbols);
        symbols = larger;
        symbolScratch = larger;
      }
      const choice = chooseSymbol(shape, position, end);
      if (choice === 0) {
        const value = raw[position] as number;
        literals[value] = (literals[value] as number) + 1;
        symbols[count++] = value;
        position += 1;
        continue;
      }
      const symbol = LENGTH_SYMBOL[choice >>> 1] as number;
      literals[symbol] = (literals[symbol] as number) + 1;
      const distance = (choice & 1) === 1 ? up.symbol : near.symbol;
      distances[distance] = (distances[distance] as number) + 1;
      symbols[count++] = 256 + choice;
      position += choice >>> 1;
    }
  }
  literals[256] = 1;
  // A block without matches still sends one distance code.
  if (distances.every((count) => count === 0)) distances[0] = 1;
  const literalLengths = huffmanLengths(literals, 15);
  const distanceLengths = huffmanLengths(distances, 15);
  const literalCount = Math.max(257, lastUsed(literalLengths) + 1);
  const distanceCount = Math.max(1, lastUsed(distanceLengths) + 1);
  const lengths = new Uint8Array(literalCount + distanceCount);
  lengths.set(literalLengths.subarray(0, literalCount));
  lengths.set(distanceLengths.subarray(0, distanceCount), literalCount);
  const runs = runLengths(lengths);
  const runCounts = new Uint32Array(19);
  for (let index = 0; index < runs.length; index += 2) runCounts[runs[index] as number] = (runCounts[runs[index] as number] as number) + 1;
  const runLengthsCode = huffmanLengths(runCounts, 7);
  let orderCount = CODE_LENGTH_ORDER.length;
  while (orderCount > 4 && runLengthsCode[CODE_LENGTH_ORDER[orderCount - 1] as number] === 0) orderCount -= 1;

  const sink = new BitSink((rows * stride) / 16 + 512);
  sink.put(1, 1);
  sink.put(2, 2);
  sink.put(literalCount - 257, 5);
  sink.put(distanceCount - 1, 5);
  sink.put(orderCount - 4, 4);
  for (let index = 0; index < orderCount; index += 1) sink.put(runLengthsCode[CODE_LENGTH_ORDER[index] as number] as number, 3);
  const runCodes = canonicalCodes(runLengthsCode);
  for (let index = 0; index < runs.length; index += 2) {
    const symbol = runs[index] as number;
    sink.put(runCodes[symbol] as number, runLengthsCode[symbol] as number);
    const extraBits = RUN_EXTRA_BITS[symbol];
    if (extraBits !== undefined) sink.put(runs[index + 1] as number, extraBits);
  }
  const literalCodes = canonicalCodes(literalLengths);
  const distanceCodes = canonicalCodes(distanceLengths);
  // A distance is its code, then its extra bits (up to 13 for a row of 32 KB): two writes, as a
  // write takes at most 24 bits.
  const nearCode = distanceCodes[near.symbol] as number;
  const nearBits = distanceLengths[near.symbol] as number;
  const upCode = distanceCodes[up.symbol] as number;
  const upBits = distanceLengths[up.symbol] as number;
  // Pass two: send the kept symbols with this block's codes.
  for (let index = 0; index < count; index += 1) {
    const entry = symbols[index] as number;
    if (entry < 256) {
      sink.put(literalCodes[entry] as number, literalLengths[entry] as number);
      continue;
    }
    const choice = entry - 256;
    const length = choice >>> 1;
    const symbol = LENGTH_SYMBOL[length] as number;
    sink.put(literalCodes[symbol] as number, literalLengths[symbol] as number);
    const extraBits = LENGTH_EXTRA[length] as number;
    if (extraBits > 0) sink.put(length - (LENGTH_BASE[symbol - 257] as number), extraBits);
    if ((choice & 1) === 1) {
      sink.put(upCode, upBits);
      if (up.extraBits > 0) sink.put(up.extra, up.extraBits);
    } else {
      sink.put(nearCode, nearBits);
      if (near.extraBits > 0) sink.put(near.extra, near.extraBits);
    }
  }
  sink.put(literalCodes[256] as number, literalLengths[256] as number);
  return { bytes: sink.finish(), bitCount: sink.length };
}

/** The highest index with a non-zero length, or -1. */
function lastUsed(lengths: Uint8Array): number {
  for (let index = lengths.length - 1; index >= 0; index -= 1) if (lengths[index] !== 0) return index;
  return -1;
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
