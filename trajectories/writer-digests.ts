import { GymError } from '../core/errors.js';

/** 32-bit words kept per digest: its first 128 bits. */
const WORDS = 4;
const HEX_DIGEST = /^[0-9a-f]{64}$/;

/**
 * A set of sha256 digests (lower-case hex) that keeps the first 128 bits of each in typed arrays:
 * 17 bytes a slot, a quarter to a half of the slots used, so 34 to 68 bytes a digest, where a `Set`
 * of the hex strings takes over 100. The writer counts a dataset's distinct images with it,
 * so a run of millions of images stays small. Two different images share a 128-bit prefix with
 * probability about n² / 2¹²⁹, which for any dataset that fits on a disk is nil.
 */
export class DigestSet {
  private words = new Uint32Array(16 * WORDS);
  private used = new Uint8Array(16);
  private count = 0;

  /** Number of distinct digests added. */
  get size(): number {
    return this.count;
  }

  /** Adds a digest; returns whether it was new. Throws on anything but 64 lower-case hex digits. */
  add(sha256: string): boolean {
    if (!HEX_DIGEST.test(sha256)) throw new GymError('bad-digest', `"${sha256}" is not a lower-case hex sha256 (64 digits).`);
    const key = [0, 1, 2, 3].map((word) => Number.parseInt(sha256.slice(word * 8, word * 8 + 8), 16) >>> 0);
    if (this.insert(key)) {
      this.count += 1;
      if (this.count * 2 > this.used.length) this.grow();
      return true;
    }
    return false;
  }

  /** Puts a key in its slot (linear probing from its first word); false when it is already there. */
  private insert(key: readonly number[]): boolean {
    const mask = this.used.length - 1;
    for (let slot = (key[0] as number) & mask; ; slot = (slot + 1) & mask) {
      if (this.used[slot] === 0) {
        this.used[slot] = 1;
        this.words.set(key, slot * WORDS);
        return true;
      }
      const base = slot * WORDS;
      if (key.every((word, index) => this.words[base + index] === word)) return false;
    }
  }

  private grow(): void {
    const words = this.words;
    const used = this.used;
    this.words = new Uint32Array(words.length * 2);
    this.used = new Uint8Array(used.length * 2);
    for (let slot = 0; slot < used.length; slot += 1) {
      if (used[slot] === 1) this.insert(Array.from(words.subarray(slot * WORDS, slot * WORDS + WORDS)));
    }
  }
}
