import { describe, expect, it } from 'vitest';
import { canonicalCodes, huffmanLengths, reverseBits } from '../../core/huffman.js';
import { Random } from '../../core/random.js';

/** Sum over the used symbols of 2^-length: exactly 1 for a complete prefix code. */
function kraft(lengths: Uint8Array): number {
  return [...lengths].reduce((sum, length) => (length === 0 ? sum : sum + 2 ** -length), 0);
}

/** Cost (frequency times length) of an unrestricted Huffman code, by repeatedly merging the two lightest. */
function huffmanCost(frequencies: readonly number[]): number {
  const queue = frequencies.filter((frequency) => frequency > 0).sort((a, b) => a - b);
  let cost = 0;
  while (queue.length > 1) {
    const merged = (queue.shift() as number) + (queue.shift() as number);
    cost += merged;
    queue.splice(queue.findIndex((value) => value > merged) === -1 ? queue.length : queue.findIndex((value) => value > merged), 0, merged);
  }
  return cost;
}

describe('huffmanLengths', () => {
  it('gives complete codes as cheap as Huffman when the limit does not bind', () => {
    const random = new Random(3);
    for (let trial = 0; trial < 20; trial += 1) {
      // Within a factor of 25 of each other, so no Huffman code here is longer than 15 bits.
      const frequencies = Array.from({ length: 286 }, () => (random.int(0, 3) === 0 ? 0 : random.int(200, 5000)));
      const lengths = huffmanLengths(frequencies, 15);
      expect(kraft(lengths)).toBeCloseTo(1, 12);
      const cost = frequencies.reduce((sum, frequency, symbol) => sum + frequency * (lengths[symbol] as number), 0);
      expect(cost).toBe(huffmanCost(frequencies));
      for (const [symbol, frequency] of frequencies.entries()) expect(lengths[symbol] === 0).toBe(frequency === 0);
    }
  });

  it('keeps codes within the limit where Huffman would go deeper, still complete', () => {
    // Fibonacci frequencies make an unrestricted Huffman tree as deep as there are symbols.
    const frequencies = [1, 1];
    while (frequencies.length < 30) frequencies.push((frequencies.at(-1) as number) + (frequencies.at(-2) as number));
    const lengths = huffmanLengths(frequencies, 15);
    expect(Math.max(...lengths)).toBe(15);
    expect(kraft(lengths)).toBeCloseTo(1, 12);
    const seven = huffmanLengths(frequencies.slice(0, 19), 7);
    expect(Math.max(...seven)).toBeLessThanOrEqual(7);
    expect(kraft(seven)).toBeCloseTo(1, 12);
  });

  it('gives a lone symbol a partner, and nothing for no symbols', () => {
    expect([...huffmanLengths([0, 0, 5, 0], 15)]).toEqual([1, 0, 1, 0]);
    expect([...huffmanLengths([7, 0], 15)]).toEqual([1, 1]);
    expect([...huffmanLengths([0, 0, 0], 15)]).toEqual([0, 0, 0]);
  });
});

describe('canonicalCodes', () => {
  it("gives RFC 1951's example codes (section 3.2.2), bit-reversed for LSB-first output", () => {
    const lengths = Uint8Array.of(3, 3, 3, 3, 3, 2, 4, 4);
    const codes = canonicalCodes(lengths);
    const plain = [...codes].map((code, symbol) =>
      reverseBits(code, lengths[symbol] as number)
        .toString(2)
        .padStart(lengths[symbol] as number, '0'),
    );
    expect(plain).toEqual(['010', '011', '100', '101', '110', '00', '1110', '1111']);
  });
});
