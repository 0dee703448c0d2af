import { describe, expect, it } from 'vitest';
import { compactSeeds, SeedRange, validateManifest } from '../../trajectories/schema.js';

const OLD_MANIFEST = {
  schemaVersion: 1,
  generator: 'thinkgym',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  envs: {},
  policy: 'oracle',
  format: 'hermes',
  rewards: { accuracy: 1, format: 0.1, invalidCall: 0.1, toolUse: 0.2, efficiency: 0.1, env: 0 },
  seeds: [{ start: 0, count: 3 }],
  counts: { episodes: 3, successes: 3, invalidActions: 0, images: 9 },
};

describe('manifest renderer versions', () => {
  it('are optional, so manifests written before them still read, and are checked when present', () => {
    const old = validateManifest(OLD_MANIFEST);
    expect(old.ok, old.ok ? '' : old.problems.join('; ')).toBe(true);
    const renderer = { sharp: '0.34.5', libvips: '8.17.3', packages: { 'dejavu-fonts-ttf': '2.37.3', 'opentype.js': '2.0.0' } };
    expect(validateManifest({ ...OLD_MANIFEST, renderer }).ok).toBe(true);
    expect(validateManifest({ ...OLD_MANIFEST, renderer: { sharp: '0.34.5' } }).ok).toBe(false);
  });

  it('records a billion requested seeds as one span without listing them', () => {
    const started = performance.now();
    expect(compactSeeds(new SeedRange(5, 1_000_000_000))).toEqual([{ start: 5, count: 1_000_000_000 }]);
    expect(compactSeeds(new SeedRange(5, 0))).toEqual([]);
    expect(performance.now() - started).toBeLessThan(100);
    expect([...new SeedRange(3, 3)]).toEqual([3, 4, 5]);
  });
});
