import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GymError } from '../../core/errors.js';
import { DigestSet } from '../../trajectories/writer-digests.js';

const digest = (value: number): string => createHash('sha256').update(String(value)).digest('hex');

describe('DigestSet', () => {
  it('counts distinct digests as a Set of the hex strings does, across many growths', () => {
    const digests = new DigestSet();
    const reference = new Set<string>();
    for (let index = 0; index < 30_000; index += 1) {
      // Every third value repeats an earlier one.
      const sha256 = digest(index % 3 === 0 ? Math.floor(index / 7) : index);
      expect(digests.add(sha256)).toBe(!reference.has(sha256));
      reference.add(sha256);
    }
    expect(digests.size).toBe(reference.size);
    expect(digests.size).toBeGreaterThan(15_000);
  });

  it('tells digests apart by their first 128 bits, whatever the first word', () => {
    const digests = new DigestSet();
    const base = digest(1);
    // Same first 32-bit word (same probe start), different later words: all distinct.
    for (const word of ['00000000', '00000001', 'ffffffff']) expect(digests.add(`${base.slice(0, 8)}${word}${base.slice(16)}`)).toBe(true);
    expect(digests.add(`${base.slice(0, 8)}00000001${base.slice(16)}`)).toBe(false);
    expect(digests.add('0'.repeat(64))).toBe(true);
    expect(digests.add('0'.repeat(64))).toBe(false);
    expect(digests.size).toBe(4);
  });

  it('refuses anything but 64 lower-case hex digits', () => {
    const digests = new DigestSet();
    for (const bad of ['', 'abc', digest(1).toUpperCase(), `${digest(1)}0`, `g${digest(1).slice(1)}`]) {
      expect(() => digests.add(bad)).toThrow(GymError);
    }
    expect(digests.size).toBe(0);
  });
});
