import { readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentImages } from '../../core/content.js';
import { DirectoryImageStore } from '../../core/image-store.js';
import {
  allOf,
  anyOf,
  dedupe,
  envIn,
  firstRejection,
  maxTurns,
  minReward,
  noInvalidActions,
  not,
  successOnly,
} from '../../trajectories/filters.js';
import type { EpisodeRecord } from '../../trajectories/record.js';
import { formatSummary, summarizeDataset } from '../../trajectories/summary.js';
import { makeProbeDataset } from '../helpers/probe-dataset.js';

let dataset: { dir: string; records: EpisodeRecord[] };

beforeAll(async () => {
  dataset = await makeProbeDataset('hermes');
});

afterAll(async () => {
  await rm(dataset.dir, { recursive: true, force: true });
});

describe('summarizeDataset', () => {
  it('sums up episodes, rewards, invalid actions, envs and images', async () => {
    const summary = await summarizeDataset(dataset.dir);
    const records = dataset.records;
    expect(summary.episodes).toBe(3);
    expect(summary.successes).toBe(2);
    expect(summary.successRate).toBeCloseTo(2 / 3, 6);
    expect(summary.turns).toEqual({ mean: 2, min: 1, max: 3 });
    expect(summary.invalidActions).toEqual({ total: 1, byReason: { 'bad-json': 1 } });
    const meanTotal = records.reduce((sum, record) => sum + record.totalReward, 0) / 3;
    expect(summary.totalReward.mean).toBeCloseTo(meanTotal, 6);
    expect(summary.rewardTerms.accuracy).toBeCloseTo(2 / 3, 6);
    expect(summary.rewardTerms.invalidCall).toBeCloseTo(-1 / 3, 6);
    expect(summary.envs['probe-v0']).toMatchObject({ episodes: 3, successes: 2, invalidActions: 1 });
    expect(summary.images).toEqual({ referenced: 4, present: 4, missing: [] });
    expect(summary.problems).toEqual([]);
    expect(summary.manifest?.counts.episodes).toBe(3);
    const text = formatSummary(summary);
    expect(text).toContain('episodes 3  success 2 (66.7%)');
    expect(text).toContain('bad-json 1');
    expect(text).toMatch(/probe-v0\s+3\s+66\.7%/);
  });

  it('lists corrupt lines and missing images', async () => {
    const file = join(dataset.dir, 'trajectories.jsonl');
    const original = await readFile(file, 'utf8');
    const lines = original.split('\n');
    await writeFile(file, [lines[0], 'garbage', lines[1], lines[2], ''].join('\n'));
    const zoom = contentImages(dataset.records[0]?.steps[0]?.observation ?? [])[0];
    const store = new DirectoryImageStore(dataset.dir);
    const path = store.pathOf(zoom?.sha256 ?? '');
    const png = await readFile(path);
    await unlink(path);
    try {
      const summary = await summarizeDataset(dataset.dir);
      expect(summary.episodes).toBe(3);
      expect(summary.problems.map((problem) => problem.line)).toEqual([2]);
      expect(summary.images).toEqual({ referenced: 4, present: 3, missing: [zoom?.sha256] });
      const text = formatSummary(summary);
      expect(text).toContain('1 MISSING');
      expect(text).toContain('line 2: not valid JSON');
    } finally {
      await writeFile(file, original);
      await writeFile(path, png);
    }
  });
});

describe('filters', () => {
  it('keep what they say and name the first rejection', () => {
    const [solvedTwoTurns, failed, solvedOneTurn] = dataset.records as [EpisodeRecord, EpisodeRecord, EpisodeRecord];
    expect(successOnly().accept(solvedTwoTurns)).toBe(true);
    expect(successOnly().accept(failed)).toBe(false);
    expect(maxTurns(2).accept(solvedTwoTurns)).toBe(true);
    expect(maxTurns(2).accept(failed)).toBe(false);
    expect(noInvalidActions().accept(failed)).toBe(false);
    expect(envIn(['other-v0']).accept(solvedOneTurn)).toBe(false);
    expect(minReward(solvedOneTurn.totalReward).accept(solvedOneTurn)).toBe(true);
    expect(minReward(solvedOneTurn.totalReward + 1).accept(solvedOneTurn)).toBe(false);
    expect(firstRejection([successOnly(), maxTurns(1)], failed)).toBe('success-only');
    expect(firstRejection([successOnly(), maxTurns(1)], solvedTwoTurns)).toBe('max-turns');
    expect(firstRejection([successOnly(), maxTurns(1)], solvedOneTurn)).toBeNull();
    expect(allOf([successOnly(), maxTurns(1)]).name).toBe('success-only+max-turns');
    expect(allOf([successOnly(), maxTurns(1)]).accept(solvedTwoTurns)).toBe(false);
    expect(anyOf([successOnly(), maxTurns(1)]).accept(solvedTwoTurns)).toBe(true);
    expect(not(successOnly()).accept(failed)).toBe(true);
  });

  it('dedupe keeps the first episode of each env, seed and policy', () => {
    const [first, second] = dataset.records as [EpisodeRecord, EpisodeRecord];
    const filter = dedupe();
    expect(filter.accept(first)).toBe(true);
    expect(filter.accept({ ...first, totalReward: 9 })).toBe(false);
    expect(filter.accept({ ...first, policy: 'oracle' })).toBe(true);
    expect(filter.accept(second)).toBe(true);
    expect(dedupe().accept(first)).toBe(true);
  });
});
