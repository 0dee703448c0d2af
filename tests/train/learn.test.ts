import { describe, expect, it } from 'vitest';
import { makeEnv } from '../../core/registry.js';
import { DEFAULT_REWARD_CONFIG } from '../../rewards/terms.js';
import { deriveActionSpace } from '../../train/action-space.js';
import { selectBackend } from '../../train/backend.js';
import type { CheckpointMeta } from '../../train/checkpoint.js';
import { evaluatePolicy } from '../../train/evaluate.js';
import { ClearableImageStore } from '../../train/image-store.js';
import { buildModel, type ModelConfig } from '../../train/model.js';
import { TfjsPolicy } from '../../train/policy.js';
import { type RlSettings, rlIteration } from '../../train/rl.js';
import { registerVisibleAnswerEnv, SIDES } from './visible-answer-env.js';

registerVisibleAnswerEnv();

const SETTINGS: RlSettings = {
  groupSize: 4,
  seedsPerIteration: 8,
  learningRate: 0.01,
  clip: 0.2,
  epochs: 2,
  batchSize: 32,
  advantage: 'grpo',
  klWeight: 0,
  entropyWeight: 0,
};

describe('GRPO on a one-step env with a visible answer', () => {
  it.each([
    { encoder: 'conv', backend: 'cpu' },
    // Patch blocks have every gradient kernel on wasm, so the update runs there (a missing kernel throws).
    { encoder: 'patch', backend: 'wasm' },
  ] as const)('learns to answer every held-out seed ($encoder blocks on $backend)', async ({ encoder, backend }) => {
    const { tf } = await selectBackend(backend);
    const images = new ClearableImageStore();
    const env = await makeEnv('visible-answer-v0', { images });
    const space = deriveActionSpace(env.tools, { answers: [...SIDES] });
    expect(space.candidates.map((candidate) => candidate.label)).toEqual(['answer(left)', 'answer(right)']);
    const config: ModelConfig = {
      imageSize: 8,
      channels: 6,
      filters: [4],
      hidden: 16,
      actions: space.candidates.length,
      ...(encoder === 'patch' ? { encoder, patches: [4] } : {}),
    };
    const meta: CheckpointMeta = {
      env: 'visible-answer-v0',
      envOptions: {},
      maxTurns: 1,
      model: config,
      actionSpace: space,
      stage: 'rl',
      iteration: 0,
    };
    const model = buildModel(tf, config, 7);
    // Start from a wrong prior: the head's bias favours "left", so the untrained policy answers left everywhere.
    const head = model.getLayer('actions');
    const [kernel] = head.getWeights();
    head.setWeights([kernel as never, tf.tensor1d([3, 0])]);
    const envs = [env, ...(await Promise.all([1, 2, 3].map(() => makeEnv('visible-answer-v0', { images }))))];
    const optimizer = tf.train.adam(SETTINGS.learningRate);
    const heldOut = Array.from({ length: 20 }, (_, index) => 5000 + index);
    const reward = { config: DEFAULT_REWARD_CONFIG };
    const before = await evaluatePolicy(env, new TfjsPolicy(tf, model, meta), heldOut, images, reward);
    let success = before.successRate;
    for (let iteration = 1; iteration <= 25 && success < 1; iteration += 1) {
      const seeds = Array.from({ length: SETTINGS.seedsPerIteration }, (_, index) => iteration * 100 + index);
      await rlIteration(tf, model, undefined, optimizer, meta, envs, images, seeds, SETTINGS, reward, iteration);
      if (iteration % 5 === 0) success = (await evaluatePolicy(env, new TfjsPolicy(tf, model, meta), heldOut, images, reward)).successRate;
    }
    const after = await evaluatePolicy(env, new TfjsPolicy(tf, model, meta), heldOut, images, reward);
    expect(after.successRate).toBe(1);
    expect(before.successRate).toBeGreaterThan(0.2);
    expect(before.successRate).toBeLessThan(0.8);
    expect(tf.getBackend()).toBe(backend);
    optimizer.dispose();
  });
});
