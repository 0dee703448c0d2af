import { runEpisode } from '../agents/episode.js';
import { OraclePolicy } from '../agents/policies/oracle.js';
import type { ImageRef } from '../core/content.js';
import { GymError } from '../core/errors.js';
import { describePng, type ImageStore, MemoryImageStore } from '../core/image-store.js';
import { makeEnv } from '../core/registry.js';
import '../envs/maze/index.js';
import { oracleStepRate, type StepRate } from './measure.js';
import type { BenchRow, BenchRun } from './report.js';

/**
 * maze-v0 speed and memory:
 * - env steps/s with the PNG rendered (observation=both) against the ASCII-only baseline
 *   (observation=ascii, no PNG), over the oracle's own actions on default 7 x 7 mazes;
 * - oracle episodes/s through runEpisode (parse, step, rewards), images in a MemoryImageStore;
 * - peak RSS over 5,000 oracle episodes on small mazes, images hashed but not kept.
 */
export const run: BenchRun = async () => {
  const rows: BenchRow[] = [];
  const ascii = await stepsPerSecond('ascii', 150);
  const rendered = await stepsPerSecond('both', 150);
  rows.push(
    {
      name: 'maze steps/s (PNG + ASCII, 7x7, 24 px)',
      value: rendered.rate,
      unit: 'steps/s',
      baseline: { name: 'ASCII only', value: ascii.rate },
      higherIsBetter: true,
      goal: STEP_GOAL,
    },
    {
      name: 'maze steps/s by CPU time (PNG + ASCII)',
      value: rendered.cpuRate,
      unit: 'steps/s',
      baseline: { name: 'ASCII only', value: ascii.cpuRate },
      higherIsBetter: true,
      goal: STEP_GOAL,
    },
    { name: 'maze steps/s (ASCII only, 7x7)', value: ascii.rate, unit: 'steps/s', higherIsBetter: true },
  );
  const episodes = await oracleEpisodesPerSecond(100);
  rows.push({ name: 'maze oracle episodes/s (7x7, PNG)', value: episodes.rate, unit: 'episodes/s', higherIsBetter: true });
  const memory = await peakRss(5000);
  rows.push({
    name: 'maze peak RSS over 5,000 oracle episodes (5x5, 8 px)',
    value: memory.peak,
    unit: 'MiB',
    baseline: { name: 'RSS before', value: memory.before },
    higherIsBetter: false,
  });
  return {
    title: 'maze-v0',
    rows,
    notes: [
      `steps: reset excluded, ${rendered.steps} oracle steps (draw_path + move) over 150 seeds per mode; turns/episode ${episodes.turns.toFixed(1)}; ` +
        `goal ${STEP_GOAL} with PNG on a quiet machine (1-min load average ${rendered.load.toFixed(2)} when measured; CPU time counts all threads)`,
      `peak RSS: ${memory.episodes} episodes in ${memory.seconds.toFixed(1)} s; images hashed by a store that keeps no bytes (a MemoryImageStore keeps every distinct PNG)`,
    ],
  };
};

/** The steps/s goal of grid envs with PNG observations. */
const STEP_GOAL = '>= 2,000 steps/s';

async function stepsPerSecond(observation: 'both' | 'ascii', seeds: number): Promise<StepRate> {
  const env = await makeEnv('maze-v0', { images: new MemoryImageStore(), options: { observation } });
  return oracleStepRate(env, -10, seeds);
}

async function oracleEpisodesPerSecond(count: number): Promise<{ rate: number; turns: number }> {
  const images = new MemoryImageStore();
  const env = await makeEnv('maze-v0', { images });
  await runEpisode(env, new OraclePolicy(), { seed: -1, images });
  let turns = 0;
  const started = performance.now();
  for (let seed = 0; seed < count; seed += 1) {
    const record = await runEpisode(env, new OraclePolicy(), { seed, images });
    if (!record.success) throw new GymError('bench-failed', `maze oracle failed on seed ${seed}`);
    turns += record.counts.turns;
  }
  return { rate: (count / (performance.now() - started)) * 1000, turns: turns / count };
}

async function peakRss(count: number): Promise<{ peak: number; before: number; seconds: number; episodes: number }> {
  const images = new HashOnlyImageStore();
  const env = await makeEnv('maze-v0', { images, options: { width: 5, height: 5, loops: 0.1, cellSize: 8 } });
  const mebibyte = 1024 * 1024;
  const before = process.memoryUsage().rss / mebibyte;
  let peak = before;
  const started = performance.now();
  for (let seed = 0; seed < count; seed += 1) {
    const record = await runEpisode(env, new OraclePolicy(), { seed, images });
    if (!record.success) throw new GymError('bench-failed', `maze oracle failed on seed ${seed}`);
    if (seed % 10 === 0) peak = Math.max(peak, process.memoryUsage().rss / mebibyte);
  }
  peak = Math.max(peak, process.memoryUsage().rss / mebibyte);
  return { peak, before, seconds: (performance.now() - started) / 1000, episodes: count };
}

/** Hashes images and keeps no bytes: for memory benchmarks, where a real store would grow. */
class HashOnlyImageStore implements ImageStore {
  private readonly seen = new Set<string>();

  async put(png: Uint8Array): Promise<ImageRef> {
    const ref = describePng(png);
    this.seen.add(ref.sha256);
    return ref;
  }

  async get(sha256: string): Promise<Buffer> {
    throw new GymError('image-missing', `The bench store keeps no bytes (image ${sha256}).`);
  }

  async has(sha256: string): Promise<boolean> {
    return this.seen.has(sha256);
  }
}
