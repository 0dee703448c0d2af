import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../envs/index.js';
import { generate } from '../../cli/commands/generate.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { makeEnv } from '../../core/registry.js';
import { deriveActionSpace } from '../../train/action-space.js';
import { ObservationEncoder } from '../../train/observe.js';
import { loadDemonstrations } from '../../train/sft.js';

const SEARCH = { size: 128, distractors: 0 } as const;
const MAZE = { width: 3, height: 3, observation: 'image', cellSize: 4 } as const;
let root: string;

const made = new Map<string, string>();

async function demos(env: string, options: Readonly<Record<string, unknown>>): Promise<string> {
  const known = made.get(env);
  if (known !== undefined) return known;
  const out = join(root, env);
  made.set(env, out);
  const flags = Object.entries(options).flatMap(([key, value]) => ['--option', `${key}=${String(value)}`]);
  expect(await generate(['--env', env, '--out', out, '--episodes', '8', '--seed', '0', '--quiet', ...flags])).toBe(0);
  return out;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'thinkgym-replay-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('demonstrations replayed through the action space', () => {
  it("turns the oracle's tight zooms into the grid regions the policy can choose, with those regions' images", async () => {
    const dataset = await demos('search-v0', SEARCH);
    const images = new MemoryImageStore();
    const env = await makeEnv('search-v0', { images, options: SEARCH });
    const space = deriveActionSpace(env.tools, { boxScales: [1, 2] });
    const encoder = new ObservationEncoder(16);
    const recorded = await loadDemonstrations(dataset, space, encoder, { channels: 3 });
    const replayed = await loadDemonstrations(dataset, space, encoder, { channels: 3, replay: { env, images } });
    // Zoom then answer, in all eight episodes, both ways.
    expect(recorded.examples).toHaveLength(16);
    expect(replayed.examples).toHaveLength(16);
    expect(replayed.skipped).toEqual({});
    expect(replayed.examples.map((example) => example.action)).toEqual(recorded.examples.map((example) => example.action));
    const zoom = replayed.examples[1];
    const label = space.candidates[replayed.examples[0]?.action as number]?.label ?? '';
    expect(label).toMatch(/^zoom_in/);
    // The answer turn sees the quadrant the policy would zoom, not the oracle's tight box.
    expect(zoom?.features.image).not.toEqual(recorded.examples[1]?.features.image);
    expect(zoom?.features.previous).toBe(replayed.examples[0]?.action);
  });

  it('drops an episode whose mapped actions no longer solve it, and says why', async () => {
    const dataset = await demos('maze-v0', MAZE);
    const images = new MemoryImageStore();
    const env = await makeEnv('maze-v0', { images, options: MAZE });
    // Only one-square moves: the oracle's longer slides map to a single step and fall short.
    const space = deriveActionSpace(env.tools, { maxIntegerValues: 1 });
    const replayed = await loadDemonstrations(dataset, space, new ObservationEncoder(8), { channels: 3, replay: { env, images } });
    expect(replayed.skipped['episode that fails when replayed through the action space']).toBeGreaterThan(0);
    expect(replayed.skipped['tool draw_path not in the action space']).toBe(8);
    expect(replayed.episodes).toBe(8 - (replayed.skipped['episode that fails when replayed through the action space'] as number));
  });

  it('reads as recorded an episode whose task differs in the replay env', async () => {
    const dataset = await demos('search-v0', SEARCH);
    const images = new MemoryImageStore();
    const other = await makeEnv('search-v0', { images, options: { size: 256, distractors: 0 } });
    const space = deriveActionSpace(other.tools, { boxScales: [1, 2] });
    const replayed = await loadDemonstrations(dataset, space, new ObservationEncoder(8), { channels: 3, replay: { env: other, images } });
    expect(replayed.skipped['episode whose task differs on replay (read as recorded)']).toBe(8);
    expect(replayed.examples).toHaveLength(16);
  });
});
