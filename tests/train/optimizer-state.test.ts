import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { GymError } from '../../core/errors.js';
import { selectBackend } from '../../train/backend.js';
import { buildModel, type ModelConfig } from '../../train/model.js';
import { loadOptimizerState, OPTIMIZER_FILES, saveOptimizerState } from '../../train/optimizer-state.js';

const dir = mkdtempSync(join(tmpdir(), 'thinkgym-optimizer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CONFIG: ModelConfig = { imageSize: 8, channels: 3, encoder: 'patch', filters: [4], patches: [4], hidden: 8, actions: 3 };

describe('optimizer state beside a checkpoint', () => {
  it('restores the Adam step count and moments, so the next update is the one an unbroken run makes', async () => {
    const { tf } = await selectBackend('cpu');
    const inputs = (): Tensor[] => [tf.randomUniform([4, 8, 8, 3], 0, 1, 'float32', 11), tf.randomUniform([4, 5], 0, 1, 'float32', 12)];
    const step = (model: ReturnType<typeof buildModel>, optimizer: ReturnType<typeof tf.train.adam>): void => {
      const [image, side] = inputs();
      optimizer.minimize(() => tf.mean(tf.square(model.apply([image as Tensor, side as Tensor]) as Tensor)) as never);
      tf.dispose([image as Tensor, side as Tensor]);
    };
    const model = buildModel(tf, CONFIG, 3);
    const optimizer = tf.train.adam(0.01);
    for (let index = 0; index < 3; index += 1) step(model, optimizer);
    await saveOptimizerState(optimizer, dir, 3);

    // A resumed run: a copy of the weights and a fresh Adam loaded from disk.
    const resumed = buildModel(tf, CONFIG, 3);
    resumed.setWeights(model.getWeights().map((weight) => weight.clone()));
    const fresh = tf.train.adam(0.01);
    expect(await loadOptimizerState(tf, fresh, dir)).toBe(3);
    const [savedState, loadedState] = [await optimizer.getWeights(), await fresh.getWeights()];
    expect(loadedState.map((entry) => entry.tensor.shape)).toEqual(savedState.map((entry) => entry.tensor.shape));
    loadedState.forEach((entry, index) => {
      expect(Array.from(entry.tensor.dataSync())).toEqual(Array.from((savedState[index] as (typeof savedState)[number]).tensor.dataSync()));
    });

    // Without the state, Adam's first step differs; with it, the step matches the unbroken run's.
    const restarted = buildModel(tf, CONFIG, 3);
    restarted.setWeights(model.getWeights().map((weight) => weight.clone()));
    step(model, optimizer);
    step(resumed, fresh);
    step(restarted, tf.train.adam(0.01));
    const flat = (network: ReturnType<typeof buildModel>): number[] =>
      network.getWeights().flatMap((weight) => Array.from(weight.dataSync()));
    const reference = flat(model);
    flat(resumed).forEach((value, index) => {
      expect(value).toBeCloseTo(reference[index] as number, 6);
    });
    expect(Math.max(...flat(restarted).map((value, index) => Math.abs(value - (reference[index] as number))))).toBeGreaterThan(1e-5);
  });

  it('says there is no state in a directory without one, and refuses a damaged file', async () => {
    const { tf } = await selectBackend('cpu');
    const empty = mkdtempSync(join(dir, 'empty-'));
    expect(await loadOptimizerState(tf, tf.train.adam(0.01), empty)).toBeUndefined();
    writeFileSync(join(dir, OPTIMIZER_FILES.values), Buffer.alloc(8));
    await expect(loadOptimizerState(tf, tf.train.adam(0.01), dir)).rejects.toThrow(GymError);
    await expect(loadOptimizerState(tf, tf.train.adam(0.01), dir)).rejects.toThrow(/Delete both optimizer files/);
    await expect(loadOptimizerState(tf, tf.train.sgd(0.01), dir)).rejects.toThrow(/holds Adam state/);
  });
});
