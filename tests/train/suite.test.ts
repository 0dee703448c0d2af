import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GymError } from '../../core/errors.js';
import { readRecipeJson } from '../../train/recipe.js';
import { RUN_FILES } from '../../train/run.js';
import { isSuite, parseSuite, runSuite, SUITE_FILES } from '../../train/suite.js';
import { registerVisibleAnswerEnv } from './visible-answer-env.js';

registerVisibleAnswerEnv();
const roots: string[] = [];
afterAll(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

describe('recipes with variants', () => {
  it('expands the shipped search-zoom suite into its four arms, each a checked recipe', async () => {
    const { raw, file } = await readRecipeJson('search-zoom');
    expect(isSuite(raw)).toBe(true);
    const suite = parseSuite(raw, file);
    expect(suite.variants.map((variant) => variant.name)).toEqual(['no-tool', 'gated', 'ungated', 'gated-efficiency']);
    const [noTool, gated, ungated, efficient] = suite.variants.map((variant) => variant.recipe);
    expect(noTool?.actionSpace.exclude).toEqual(['zoom_in']);
    expect(noTool?.reward).toMatchObject({ config: { accuracy: 1, toolUse: 0 } });
    expect(gated?.reward).toMatchObject({ config: { accuracy: 1, toolUse: 0.5, efficiency: 0 } });
    expect(ungated?.reward).toEqual({ preset: 'tool-bonus', options: { weight: 0.1, gated: false } });
    // The gated arm plus one term: the quality-gated efficiency.
    expect(efficient?.reward).toMatchObject({ config: { accuracy: 1, toolUse: 0.5, efficiency: 0.5 } });
    // Shared fields reach every arm; each arm is named after the suite.
    for (const recipe of [noTool, gated, ungated, efficient]) {
      expect(recipe?.env).toBe('search-v0');
      expect(recipe?.rl?.iterations).toBe(suite.variants[1]?.recipe.rl?.iterations);
    }
    expect(gated?.name).toBe('search-zoom/gated');
  });

  it('merges objects key by key, drops a field set to null, and refuses bad variant names', () => {
    const base = {
      name: 'merge',
      env: 'visible-answer-v0',
      sft: { seeds: { first: 0, count: 4 } },
      rl: { iterations: 3, learningRate: 0.01 },
      evalSeeds: { first: 1000, count: 4 },
    };
    const suite = parseSuite({ ...base, variants: { short: { rl: { iterations: 1 } }, bare: { sft: null } } });
    expect(suite.variants[0]?.recipe.rl).toMatchObject({ iterations: 1, learningRate: 0.01 });
    expect(suite.variants[0]?.recipe.sft).toBeDefined();
    expect(suite.variants[1]?.recipe.sft).toBeUndefined();
    expect(() => parseSuite({ ...base, variants: { 'Bad Name': {} } })).toThrow(/lower-case letters/);
    expect(() => parseSuite({ ...base, variants: {} })).toThrow(GymError);
    expect(() => parseSuite({ ...base, variants: { overlap: { trainSeeds: { first: 1000, count: 10 } } } })).toThrow(/held-out seeds/);
  });

  it('runs every arm in its own folder and draws them in one picture with a table', async () => {
    const out = await mkdtemp(join(tmpdir(), 'thinkgym-suite-'));
    roots.push(out);
    const suite = parseSuite({
      name: 'pair',
      env: 'visible-answer-v0',
      actionSpace: { answers: ['left', 'right'] },
      model: { imageSize: 8, channels: 3, filters: [4], hidden: 8 },
      rl: { iterations: 2, evalEvery: 1, groupSize: 2, seedsPerIteration: 2, learningRate: 0.01, batchSize: 8 },
      trainSeeds: { first: 0, count: 50 },
      evalSeeds: { first: 1000, count: 4 },
      variants: { fast: { about: 'higher rate', rl: { learningRate: 0.05 } }, slow: { about: 'lower rate' } },
    });
    const lines: string[] = [];
    const outcomes = await runSuite(suite, { out, backend: 'cpu', progress: false, log: (line) => lines.push(line) });
    expect(outcomes.map((outcome) => outcome.variant.name)).toEqual(['fast', 'slow']);
    for (const name of ['fast', 'slow']) expect(existsSync(join(out, name, RUN_FILES.rlCheckpoint, 'model.json'))).toBe(true);
    // Held-out success at iterations 1 and 2 (no SFT stage, so no point at 0).
    expect(outcomes[0]?.success.map(([x]) => x)).toEqual([1, 2]);
    const png = await readFile(join(out, SUITE_FILES.success));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBeGreaterThan(400);
    const table = await readFile(join(out, SUITE_FILES.table), 'utf8');
    expect(table.split('\n').filter((line) => line.startsWith('| fast') || line.startsWith('| slow'))).toHaveLength(2);
    expect(await readFile(join(out, SUITE_FILES.page), 'utf8')).toContain('href="fast/index.html"');
    expect(lines.some((line) => line.startsWith('pair: variant 2/2 slow (lower rate)'))).toBe(true);
  });
});
