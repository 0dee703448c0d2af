import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRecipe } from '../../train/recipe.js';
import { RUN_FILES, runTraining } from '../../train/run.js';
import { registerVisibleAnswerEnv } from './visible-answer-env.js';

registerVisibleAnswerEnv();
const roots: string[] = [];

afterAll(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

function recipe(iterations: number) {
  return parseRecipe({
    name: 'visible',
    env: 'visible-answer-v0',
    actionSpace: { answers: ['left', 'right'] },
    model: { imageSize: 8, channels: 3, filters: [4], hidden: 16 },
    rl: { iterations, evalEvery: 2, groupSize: 4, seedsPerIteration: 4, learningRate: 0.01, batchSize: 32 },
    trainSeeds: { first: 0, count: 100 },
    evalSeeds: { first: 1000, count: 8 },
  });
}

describe('run directories', () => {
  it('writes config, metrics, log, checkpoint, curves and page, and resumes where it stopped', async () => {
    const root = await mkdtemp(join(tmpdir(), 'thinkgym-run-'));
    roots.push(root);
    const out = join(root, 'run');
    const lines: string[] = [];
    await runTraining(recipe(2), { out, backend: 'cpu', log: (line) => lines.push(line), progress: false });
    expect(lines[0]).toMatch(/^backend: cpu \(tfjs backend "cpu"\); skipped node-gpu: not tried/);
    expect(lines[1]).toBe('action space of visible-answer-v0: 2 candidates: answer ×2');
    for (const file of [RUN_FILES.config, RUN_FILES.metrics, RUN_FILES.log, RUN_FILES.curves, RUN_FILES.page, RUN_FILES.summary]) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    expect(existsSync(join(out, RUN_FILES.rlCheckpoint, 'model.json'))).toBe(true);
    const png = await readFile(join(out, RUN_FILES.curves));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    await expect(runTraining(recipe(3), { out, backend: 'cpu', log: () => undefined })).rejects.toThrow(/pass --resume/);
    const summary = await runTraining(recipe(3), { out, resume: true, backend: 'cpu', log: () => undefined, progress: false });
    const metrics = (await readFile(join(out, RUN_FILES.metrics), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(metrics.filter((entry) => entry.kind === 'rl-iteration').map((entry) => entry.iteration)).toEqual([1, 2, 3]);
    expect(metrics.filter((entry) => entry.kind === 'eval').map((entry) => entry.stage)).toEqual(['random', 'rl', 'rl']);
    expect(summary.rl?.episodes).toBe(8);
    expect(await readFile(join(out, RUN_FILES.page), 'utf8')).toContain('RL (GRPO)');
  });

  it('with validation seeds, keeps the best checkpoint there and reports its held-out result', async () => {
    const out = await mkdtemp(join(tmpdir(), 'thinkgym-run-'));
    roots.push(out);
    const withValidation = parseRecipe({
      name: 'visible-validated',
      env: 'visible-answer-v0',
      actionSpace: { answers: ['left', 'right'] },
      model: { imageSize: 8, channels: 3, filters: [4], hidden: 16 },
      rl: { iterations: 4, evalEvery: 2, groupSize: 4, seedsPerIteration: 4, learningRate: 0.01, batchSize: 32 },
      trainSeeds: { first: 0, count: 100 },
      validationSeeds: { first: 500, count: 8 },
      evalSeeds: { first: 1000, count: 8 },
    });
    const lines: string[] = [];
    const summary = await runTraining(withValidation, { out, backend: 'cpu', log: (line) => lines.push(line), progress: false });
    expect(existsSync(join(out, RUN_FILES.bestCheckpoint, 'model.json'))).toBe(true);
    const metrics = (await readFile(join(out, RUN_FILES.metrics), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    // The initial policy (no SFT) and iterations 2 and 4 are validated; the held-out seeds judge only the chosen one.
    expect(metrics.filter((entry) => entry.kind === 'validation').map((entry) => entry.iteration)).toEqual([0, 2, 4]);
    const selected = metrics.filter((entry) => entry.kind === 'eval' && entry.stage === 'selected');
    expect(selected).toHaveLength(1);
    expect(summary.selected?.iteration).toBe(selected[0].iteration);
    expect(summary.rl?.successRate).toBe(selected[0].successRate);
    const validation = metrics.filter((entry) => entry.kind === 'validation');
    const best = Math.max(...validation.map((entry) => entry.successRate));
    expect(summary.selected?.validationSuccess).toBe(best);
    expect(lines.some((line) => /^validation @0: success .* \(best so far, kept\)$/.test(line))).toBe(true);
    expect(() => parseRecipe({ ...withValidation, name: 'overlap', validationSeeds: { first: 90, count: 20 } })).toThrow(
      /validationSeeds 90\.\.109 overlap trainSeeds 0\.\.99/,
    );
  });

  it('refuses held-out seeds that overlap training seeds', () => {
    expect(() =>
      parseRecipe({ name: 'x', env: 'maze-v0', trainSeeds: { first: 0, count: 10 }, evalSeeds: { first: 5, count: 10 } }),
    ).toThrow(/evalSeeds 5\.\.14 overlap trainSeeds 0\.\.9/);
  });
});
