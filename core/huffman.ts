/**
 * Length-limited Huffman codes for deflate's dynamic blocks (RFC 1951, section 3.2.7): code
 * lengths by package-merge, which gives the cheapest prefix code whose longest code fits the limit,
 * and the canonical codes for those lengths. Ties are broken by symbol number, so the same
 * frequencies always give the same code.
 */

/** A leaf (one symbol) or a package of two items, with the summed frequency. */
interface Item {
  readonly weight: number;
  readonly symbol: number;
  readonly left?: Item;
  readonly right?: Item;
}

/**
 * Code lengths (0 for a symbol that never occurs) of an optimal prefix code for `frequencies` whose
 * codes are at most `limit` bits. A lone symbol gets length 1 and so does one other (the lowest
 * numbered), since a deflate decoder wants a complete code; no symbols at all give all zeros.
 */
export function huffmanLengths(frequencies: ArrayLike<number>, limit: number): Uint8Array {
  const lengths = new Uint8Array(frequencies.length);
  const leaves: Item[] = [];
  for (let symbol = 0; symbol < frequencies.length; symbol += 1) {
    const weight = frequencies[symbol] as number;
    if (weight > 0) leaves.push({ weight, symbol });
  }
  if (leaves.length === 0) return lengths;
  if (leaves.length === 1) {
    const only = (leaves[0] as Item).symbol;
    lengths[only] = 1;
    lengths[only === 0 ? 1 : 0] = 1;
    return lengths;
  }
  if (leaves.length > 2 ** limit) throw new RangeError(`${leaves.length} symbols cannot have codes of at most ${limit} bits.`);
  leaves.sort((a, b) => a.weight - b.weight || a.symbol - b.symbol);
  // Package-merge: at each of `limit` levels, pair the previous level's items into packages and
  // merge them with the leaves; the cheapest 2n - 2 items of the last level hold each symbol as
  // many times as its code is long.
  let level: Item[] = leaves;
  for (let depth = 1; depth < limit; depth += 1) {
    const packages: Item[] = [];
    for (let index = 0; index + 1 < level.length; index += 2) {
      const left = level[index] as Item;
      const right = level[index + 1] as Item;
      packages.push({ weight: left.weight + right.weight, symbol: -1, left, right });
    }
    level = mergeByWeight(leaves, packages);
  }
  const stack = level.slice(0, 2 * leaves.length - 2);
  while (stack.length > 0) {
    const item = stack.pop() as Item;
    if (item.symbol >= 0) lengths[item.symbol] = (lengths[item.symbol] as number) + 1;
    else stack.push(item.left as Item, item.right as Item);
  }
  return lengths;
}

/** Leaves and packages, each sorted by weight, merged by weight (a leaf first on a tie). */
function mergeByWeight(leaves: readonly Item[], packages: readonly Item[]): Item[] {
  const merged: Item[] = [];
  let leaf = 0;
  let pack = 0;
  while (leaf < leaves.length || pack < packages.length) {
    const next = leaves[leaf];
    const other = packages[pack];
    if (next !== undefined && (other === undefined || next.weight <= other.weight)) {
      merged.push(next);
      leaf += 1;
    } else {
      merged.push(other as Item);
      pack += 1;
    }
  }
  return merged;
}

/**
 * The canonical codes of `lengths` (RFC 1951, 3.2.2), each bit-reversed so that writing its low
 * bits first sends the code most significant bit first, as deflate wants.
 */
export function canonicalCodes(lengths: Uint8Array): Uint16Array {
  const longest = lengths.reduce((most, length) => Math.max(most, length), 0);
  const counts = new Uint16Array(longest + 1);
  for (const length of lengths) if (length > 0) counts[length] = (counts[length] as number) + 1;
  const next = new Uint16Array(longest + 2);
  let code = 0;
  for (let bits = 1; bits <= longest; bits += 1) {
    code = (code + (counts[bits - 1] as number)) << 1;
    next[bits] = code;
  }
  const codes = new Uint16Array(lengths.length);
  lengths.forEach((length, symbol) => {
    if (length === 0) return;
    const value = next[length] as number;
    next[length] = value + 1;
    codes[symbol] = reverseBits(value, length);
  });
  return codes;
}

/** The low `length` bits of `code` in the opposite order. */
export function reverseBits(code: number, length: number): number {
  let result = 0;
  for (let bit = 0; bit < length; bit += 1) result |= ((code >>> bit) & 1) << (length - 1 - bit);
  return result;
}
