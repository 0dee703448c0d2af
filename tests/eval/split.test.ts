import { describe, expect, it } from 'vitest';
import { checkSplits } from '../../core/check-splits.js';
import { contentFingerprint } from '../../core/fingerprint.js';
import { registry } from '../../core/registry.js';
import { SPLIT_NAMES, SPLIT_SEED_BASE, SPLIT_SIZE, splitIndex, splitOfFingerprint, splitOfSeed, splitSeed } from '../../core/split.js';
import '../../envs/index.js';

describe('split seeds', () => {
  it('are disjoint across splits, injective within one, and invertible', () => {
    const seen = new Map<number, string>();
    for (const split of SPLIT_NAMES) {
      for (const index of [0, 1, 2, 3, 1000, 2 ** 25, 2 ** 25 + 1, 2 ** 49, SPLIT_SIZE - 1]) {
        const seed = splitSeed('maze-v0', 0, split, index);
        expect(Number.isSafeInteger(seed)).toBe(true);
        expect(seed).toBeGreaterThanOrEqual(SPLIT_SEED_BASE);
        expect(splitOfSeed(seed)).toBe(split);
        expect(splitIndex('maze-v0', 0, seed)).toEqual({ split, index });
        expect(seen.get(seed)).toBeUndefined();
        seen.set(seed, `${split}/${index}`);
      }
    }
  });

  it('has no collision over the first 20,000 indices of a split', () => {
    const seeds = new Set<number>();
    for (let index = 0; index < 20_000; index += 1) seeds.add(splitSeed('chart-v0', 0, 'train', index));
    expect(seeds.size).toBe(20_000);
  });

  it('depends on the env, the version and the split', () => {
    const base = splitSeed('maze-v0', 0, 'test', 7);
    expect(splitSeed('maze-v0', 1, 'test', 7)).not.toBe(base);
    expect(splitSeed('sokoban-v0', 0, 'test', 7)).not.toBe(base);
    expect(splitSeed('maze-v0', 0, 'train', 7) - SPLIT_SEED_BASE).toBeLessThan(SPLIT_SIZE);
    expect(splitSeed('maze-v0', 0, 'test', 7)).toBe(base);
  });

  it('leaves raw seeds outside every split and refuses bad indices', () => {
    for (const seed of [0, 1, 1_000_000_000, SPLIT_SEED_BASE - 1, -5]) expect(splitOfSeed(seed)).toBeUndefined();
    expect(() => splitSeed('maze-v0', 0, 'train', -1)).toThrow(/split index/);
    expect(() => splitSeed('maze-v0', 0, 'train', SPLIT_SIZE)).toThrow(/split index/);
    expect(() => splitSeed('maze-v0', 0, 'train', 1.5)).toThrow(/split index/);
  });

  it('splits fixed task sets by fingerprint in the given shares', () => {
    const counts = { train: 0, validation: 0, test: 0 };
    for (let index = 0; index < 2000; index += 1) {
      counts[splitOfFingerprint(contentFingerprint([{ type: 'text', text: `task ${index}` }], String(index)))] += 1;
    }
    expect(counts.train).toBeGreaterThan(1500);
    expect(counts.validation).toBeGreaterThan(120);
    expect(counts.test).toBeGreaterThan(120);
    expect(splitOfFingerprint('00000000')).toBe('train');
    expect(splitOfFingerprint('ffffffff')).toBe('test');
    expect(() => splitOfFingerprint('xyz')).toThrow(/hex sha256/);
  });
});

describe('content fingerprints', () => {
  it('change with the text, the image hash and the expected answer, not with anything else', () => {
    const image = { sha256: 'a'.repeat(64), width: 10, height: 10, mime: 'image/png' as const };
    const base = contentFingerprint(
      [
        { type: 'text', text: 'q' },
        { type: 'image', image },
      ],
      '4',
    );
    expect(
      contentFingerprint(
        [
          { type: 'text', text: 'q' },
          { type: 'image', image },
        ],
        '4',
      ),
    ).toBe(base);
    expect(
      contentFingerprint(
        [
          { type: 'text', text: 'q ' },
          { type: 'image', image },
        ],
        '4',
      ),
    ).not.toBe(base);
    expect(
      contentFingerprint(
        [
          { type: 'text', text: 'q' },
          { type: 'image', image: { ...image, sha256: 'b'.repeat(64) } },
        ],
        '4',
      ),
    ).not.toBe(base);
    expect(
      contentFingerprint(
        [
          { type: 'text', text: 'q' },
          { type: 'image', image },
        ],
        '5',
      ),
    ).not.toBe(base);
  });
});

/** Tasks per split in the every-env check: small enough for the default test run (medical and video render slowly). */
const SPLIT_CHECK_N: Record<string, number> = { 'medical-v0': 1, 'video-v0': 2, 'chart-v0': 2 };

describe('check-splits over every registered env', () => {
  for (const { id } of registry.listEnvs()) {
    it(`${id}: no task in two splits`, async () => {
      const report = await checkSplits(registry, id, SPLIT_CHECK_N[id] ?? 4);
      expect(report.leaks).toEqual([]);
      expect(Object.values(report.distinct).every((count) => count === report.n)).toBe(true);
    }, 60_000);
  }
});
