import { runEpisode } from '../agents/episode.js';
import { makeEnv } from '../core/registry.js';
import '../envs/maze/index.js';
import { deriveActionSpace } from '../train/action-space.js';
import { onTrainingBackend, selectBackend } from '../train/backend.js';
import type { CheckpointMeta } from '../train/checkpoint.js';
import { ClearableImageStore } from '../train/image-store.js';
import { buildModel, type ModelConfig } from '../train/model.js';
import { type ActedStep, TfjsPolicy } from '../train/policy.js';
import { trainSft } from '../train/sft.js';
import type { BenchRow, BenchRun } from './report.js';

const EPISODES = 12;
const OPTIONS = { width: 3, height: 3, observation: 'image', cellSize: 8 } as const;

/**
 * The trainer per TensorFlow.js backend (wasm against cpu), on the network of the maze-7x7
 * recipe: rollout env steps/s (render, downscale, forward pass, sample, parse, step) over 12
 * episodes of a 7 x 7-square maze, and update examples/s (one behaviour-cloning pass over the
 * rollouts' steps; under wasm the gradients run on cpu, as in training).
 */
export const run: BenchRun = async () => {
  const results = new Map<string, { steps: number; update: number; wall: number }>();
  for (const backend of ['cpu', 'wasm'] as const) {
    const started = performance.now();
    const { tf } = await selectBackend(backend);
    const images = new ClearableImageStore();
    const env = await makeEnv('maze-v0', { options: OPTIONS, images, maxTurns: 20 });
    const space = deriveActionSpace(env.tools, { maxIntegerValues: 6 });
    const config: ModelConfig = { imageSize: 16, channels: 3, filters: [8], hidden: 64, actions: space.candidates.length };
    const meta: CheckpointMeta = {
      env: 'maze-v0',
      envOptions: OPTIONS,
      maxTurns: 20,
      model: config,
      actionSpace: space,
      stage: 'bench',
      iteration: 0,
    };
    const model = buildModel(tf, config, 1);
    const acted: ActedStep[] = [];
    const policy = new TfjsPolicy(tf, model, meta, { mode: 'sample', onStep: (step) => acted.push(step) });
    const rolloutStart = performance.now();
    for (let seed = 0; seed < EPISODES; seed += 1) await runEpisode(env, policy, { seed, images });
    const steps = acted.length / ((performance.now() - rolloutStart) / 1000);
    const updateStart = performance.now();
    await onTrainingBackend(tf, () =>
      trainSft(
        tf,
        model,
        config,
        acted.map((step) => ({ features: step.features, action: step.action })),
        { epochs: 1, batchSize: 64, learningRate: 1e-3, seed: 1, maxTurns: 20 },
      ),
    );
    const update = acted.length / ((performance.now() - updateStart) / 1000);
    results.set(backend, { steps, update, wall: (performance.now() - started) / 1000 });
  }
  const cpu = results.get('cpu') as { steps: number; update: number; wall: number };
  const wasm = results.get('wasm') as { steps: number; update: number; wall: number };
  const rows: BenchRow[] = [
    {
      name: 'rollout steps/s (wasm)',
      value: wasm.steps,
      unit: 'steps/s',
      baseline: { name: 'cpu', value: cpu.steps },
      higherIsBetter: true,
    },
    { name: 'rollout steps/s (cpu)', value: cpu.steps, unit: 'steps/s', higherIsBetter: true },
    {
      name: 'update examples/s (wasm run)',
      value: wasm.update,
      unit: 'ex/s',
      baseline: { name: 'cpu', value: cpu.update },
      higherIsBetter: true,
    },
    { name: 'update examples/s (cpu)', value: cpu.update, unit: 'ex/s', higherIsBetter: true },
    { name: 'wall time (wasm)', value: wasm.wall, unit: 's', baseline: { name: 'cpu', value: cpu.wall }, higherIsBetter: false },
  ];
  return {
    title: 'trainer per backend (maze-7x7 network: 16 x 16 RGB, one 8-filter conv block, 64 hidden, 24 candidates)',
    rows,
    notes: [
      `${EPISODES} sampled episodes of maze-v0 (3 x 3 rooms, 7 x 7 squares, ≤ 20 turns) per backend, then one update pass over their steps.`,
      'tfjs-backend-wasm has no conv2d or max-pool gradient kernels, so its update runs on the cpu backend.',
    ],
  };
};
