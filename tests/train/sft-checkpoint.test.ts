import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../envs/index.js';
import { runEpisode } from '../../agents/episode.js';
import { parseModelOutput } from '../../agents/parse.js';
import { generate } from '../../cli/commands/generate.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { makeEnv } from '../../core/registry.js';
import { deriveActionSpace } from '../../train/action-space.js';
import { selectBackend } from '../../train/backend.js';
import { type CheckpointMeta, loadCheckpoint, MODEL_FILE, saveCheckpoint } from '../../train/checkpoint.js';
import { buildModel, logitsOf, type ModelConfig } from '../../train/model.js';
import { ObservationEncoder } from '../../train/observe.js';
import { TfjsPolicy } from '../../train/policy.js';
import { loadDemonstrations, trainSft } from '../../train/sft.js';

const OPTIONS = { width: 3, height: 3, observation: 'image', cellSize: 4 } as const;
let root: string;
let dataset: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'thinkgym-train-'));
  dataset = join(root, 'demos');
  const options = Object.entries(OPTIONS).flatMap(([key, value]) => ['--option', `${key}=${value}`]);
  const code = await generate(['--env', 'maze-v0', '--out', dataset, '--episodes', '12', '--seed', '0', '--quiet', ...options]);
  expect(code).toBe(0);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function setup() {
  const { tf } = await selectBackend('cpu');
  const env = await makeEnv('maze-v0', { options: OPTIONS });
  const space = deriveActionSpace(env.tools, { maxIntegerValues: 6 });
  const config: ModelConfig = { imageSize: 12, channels: 3, filters: [4], hidden: 32, actions: space.candidates.length };
  const meta: CheckpointMeta = {
    env: 'maze-v0',
    envOptions: OPTIONS,
    maxTurns: env.maxTurns,
    model: config,
    actionSpace: space,
    stage: 'sft',
    iteration: 0,
  };
  return { tf, env, space, config, meta };
}

describe('SFT on oracle demonstrations', () => {
  it('maps recorded moves to candidates, skips draw_path, and the loss falls', async () => {
    const { tf, space, config, meta } = await setup();
    const demos = await loadDemonstrations(dataset, space, new ObservationEncoder(config.imageSize), { channels: 3 });
    expect(demos.episodes).toBe(12);
    expect(demos.skipped).toEqual({ 'tool draw_path not in the action space': 12 });
    expect(demos.examples.length).toBeGreaterThan(24);
    const model = buildModel(tf, config, 3);
    const { losses, accuracies } = await trainSft(tf, model, config, demos.examples, {
      epochs: 8,
      batchSize: 16,
      learningRate: 0.01,
      seed: 1,
      maxTurns: meta.maxTurns,
    });
    expect(losses).toHaveLength(8);
    expect(losses[7] as number).toBeLessThan((losses[0] as number) * 0.75);
    expect(accuracies[7] as number).toBeGreaterThan(accuracies[0] as number);
  });
});

describe('checkpoints and the tfjs policy', () => {
  it('saves atomically, loads, and gives the same outputs', async () => {
    const { tf, config, meta } = await setup();
    const model = buildModel(tf, config, 5);
    const dir = join(root, 'checkpoint');
    await saveCheckpoint(tf, model, dir, meta);
    await saveCheckpoint(tf, model, dir, { ...meta, iteration: 1 });
    const files = (await readdir(dir)).sort();
    expect(files.filter((file) => file.includes('.tmp-'))).toEqual([]);
    expect(files.filter((file) => file.startsWith('weights-'))).toHaveLength(1);
    const body = JSON.parse(await readFile(join(dir, MODEL_FILE), 'utf8'));
    expect(existsSync(join(dir, body.weightsManifest[0].paths[0]))).toBe(true);
    const loaded = await loadCheckpoint(tf, dir);
    expect(loaded.meta.iteration).toBe(1);
    const features = [{ image: Float32Array.from({ length: 12 * 12 * 3 }, (_, index) => (index % 7) / 7), turn: 2, previous: 5 }];
    const a = logitsOf(tf, model, config, features, meta.maxTurns);
    const b = logitsOf(tf, loaded.model, config, features, meta.maxTurns);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([a, b]);
    await expect(loadCheckpoint(tf, join(root, 'nowhere'))).rejects.toThrow(/No readable checkpoint/);
  });

  it('writes turns the parser reads as valid move calls', async () => {
    const { tf, config, meta } = await setup();
    const dir = join(root, 'policy-checkpoint');
    await saveCheckpoint(tf, buildModel(tf, config, 9), dir, meta);
    const policy = await TfjsPolicy.load(dir, { mode: 'sample', backend: 'cpu' });
    const images = new MemoryImageStore();
    const env = await makeEnv('maze-v0', { options: OPTIONS, images, maxTurns: 6 });
    const record = await runEpisode(env, policy, { seed: 3, images });
    expect(record.policy).toBe(`tfjs:${dir}`);
    expect(record.steps.length).toBeGreaterThan(0);
    for (const step of record.steps) {
      expect(step.output.text).toMatch(/^<think>move\(direction=\w+,steps=\d\) \(p=0\.\d{3}\)<\/think>\n<tool_call>\n/);
      const action = parseModelOutput(step.output);
      expect(action.type).toBe('tool_call');
      expect(step.invalid === null || step.invalid.reason === 'tool-error').toBe(true);
    }
  });
});
