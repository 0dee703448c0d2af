import { runEpisode } from '../agents/episode.js';
import { makeEnv } from '../core/registry.js';
import '../envs/maze/index.js';
import { deriveActionSpace } from '../train/action-space.js';
import { onTrainingBackend, selectBackend } from '../train/backend.js';
import type { CheckpointMeta } from '../train/checkpoint.js';
import { ClearableImageStore } from '../train/image-store.js';
import { buildModel, encoderOf, type ModelConfig } from '../train/model.js';
import { type ActedStep, TfjsPolicy } from '../train/policy.js';
import { loadRecipe } from '../train/recipe.js';
import { trainSft } from '../train/sft.js';
import type { BenchRow, BenchRun } from './report.js';

const EPISODES = 12;
const OPTIONS = { width: 3, height: 3, observation: 'image', cellSize: 8 } as const;

/**
 * The trainer per TensorFlow.js backend (wasm against cpu), on the network of the shipped
 * maze-7x7 recipe: rollout env steps/s (render, downscale, forward pass, sample, parse, step)
 * over 12 episodes of a 7 x 7-square maze, and update examples/s (one behaviour-cloning pass over
 * the rollouts' steps, on the backend training would use for that network).
 */
export const run: BenchRun = async () => {
  const recipe = await loadRecipe('maze-7x7');
  const results = new Map<string, { steps: number; update: number; wall: number }>();
  for (const backend of ['cpu', 'wasm'] as const) {
    const started = performance.now();
    const { tf } = await selectBackend(backend);
    const images = new ClearableImageStore();
    const env = await makeEnv('maze-v0', { options: OPTIONS, images, maxTurns: 20 });
    const space = deriveActionSpace(env.tools, { maxIntegerValues: 6 });
    const config: ModelConfig = { ...recipe.model, actions: space.candidates.length };
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
    await onTrainingBackend(
      tf,
      () =>
        trainSft(
          tf,
          model,
          config,
          acted.map((step) => ({ features: step.features, action: step.action })),
          { epochs: 1, batchSize: 64, learningRate: 1e-3, seed: 1, maxTurns: 20 },
        ),
      encoderOf(config),
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
    title: `trainer per backend (maze-7x7 network: ${describeNetwork(recipe.model)})`,
    rows,
    notes: [
      `${EPISODES} sampled episodes of maze-v0 (3 x 3 rooms, 7 x 7 squares, ≤ 20 turns) per backend, then one update pass over their steps.`,
      encoderOf(recipe.model) === 'patch'
        ? 'patch blocks have every gradient kernel on wasm, so the wasm run updates on wasm'
        : 'tfjs-backend-wasm has no conv2d filter gradient kernel, so the wasm run updates on the cpu backend',
    ],
  };
};

function describeNetwork(model: Omit<ModelConfig, 'actions'>): string {
  const blocks =
    encoderOf(model) === 'patch'
      ? `patch blocks ${model.filters.join(', ')} filters over ${(model.patches ?? []).join(' then ')} px`
      : `3x3 conv blocks ${model.filters.join(', ')}`;
  return `${model.imageSize} x ${model.imageSize} x ${model.channels}, ${blocks}, ${model.hidden} hidden`;
}
