import { describe, expect, it } from 'vitest';
import { runBatch } from '../../agents/batch.js';
import { RandomPolicy } from '../../agents/policies/random.js';
import type { ModelOutput, Policy, PolicyContext } from '../../agents/policy.js';
import type { ProgressReporter, ProgressTick } from '../../agents/progress.js';
import { contentText } from '../../core/content.js';
import { GymError, RegistryError } from '../../core/errors.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { Registry } from '../../core/registry.js';
import type { EpisodeRecord } from '../../trajectories/record.js';
import { tinyDefinition } from './tiny-env.js';

function tinyRegistry(): Registry {
  const registry = new Registry();
  registry.registerEnv({ id: 'tiny-v0', summary: 'Find a hidden digit.', load: async () => tinyDefinition() });
  return registry;
}

const seeds = (count: number): number[] => Array.from({ length: count }, (_, index) => index);

/** Looks, then answers the digit it saw; waits at a gate so concurrent calls can be counted. */
class GatedPolicy implements Policy {
  readonly name = 'gated';
  private first = true;
  constructor(
    private readonly meter: { active: number; max: number; limit: number },
    private readonly failOn: ReadonlySet<number> = new Set(),
  ) {}

  async act(context: PolicyContext): Promise<ModelOutput> {
    this.meter.active += 1;
    this.meter.max = Math.max(this.meter.max, this.meter.active);
    try {
      // Each worker's first call waits until `limit` calls are in flight, so the bound is reached.
      const deadline = Date.now() + (this.first ? 2000 : 0);
      this.first = false;
      while (this.meter.active < this.meter.limit && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (this.failOn.has(context.seed)) throw new Error(`model server refused seed ${context.seed}`);
      const seen = context.turns
        .map((turn) => /The digit is (\d)/.exec(contentText(turn.observation))?.[1])
        .find((digit) => digit !== undefined);
      if (seen === undefined) return { text: '<tool_call>{"name": "look", "arguments": {"region": "left", "zoom": 1}}</tool_call>' };
      return { text: `<answer>${seen}</answer>` };
    } finally {
      this.meter.active -= 1;
    }
  }
}

class RecordingProgress implements ProgressReporter {
  readonly events: (string | ProgressTick)[] = [];
  start(total: number): void {
    this.events.push(`start ${total}`);
  }
  tick(tick: ProgressTick): void {
    this.events.push(tick);
  }
  finish(): void {
    this.events.push('finish');
  }
}

describe('runBatch', () => {
  it('bounds the episodes in flight, delivers every seed once and one at a time, and reports progress', async () => {
    const meter = { active: 0, max: 0, limit: 3 };
    const delivered: number[] = [];
    let writing = false;
    let overlapped = false;
    const progress = new RecordingProgress();
    const summary = await runBatch({
      envId: 'tiny-v0',
      registry: tinyRegistry(),
      seeds: seeds(20),
      createPolicy: () => new GatedPolicy(meter),
      concurrency: 3,
      images: new MemoryImageStore(),
      progress,
      onEpisode: async (record) => {
        overlapped ||= writing;
        writing = true;
        await new Promise((resolve) => setTimeout(resolve, 1));
        delivered.push(record.seed);
        writing = false;
      },
    });
    expect(meter.max).toBe(3);
    expect(overlapped).toBe(false);
    expect([...delivered].sort((a, b) => a - b)).toEqual(seeds(20));
    expect(summary).toMatchObject({ episodes: 20, successes: 20, failures: [], meanTurns: 2, stopped: false });
    expect(summary.durationMs).toBeGreaterThanOrEqual(0);
    expect(progress.events[0]).toBe('start 20');
    expect(progress.events.at(-1)).toBe('finish');
    const ticks = progress.events.slice(1, -1) as ProgressTick[];
    expect(ticks.map((tick) => tick.seed)).toEqual(delivered);
    expect(ticks.every((tick) => tick.completed && tick.success && tick.turns === 2)).toBe(true);
  });

  it('runs one at a time with concurrency 1', async () => {
    const meter = { active: 0, max: 0, limit: 1 };
    const summary = await runBatch({
      envId: 'tiny-v0',
      registry: tinyRegistry(),
      seeds: seeds(4),
      createPolicy: () => new GatedPolicy(meter),
      concurrency: 1,
      images: new MemoryImageStore(),
      progress: false,
      onEpisode: async () => {},
    });
    expect(meter.max).toBe(1);
    expect(summary.episodes).toBe(4);
  });

  it('reports a failing seed and completes the rest', async () => {
    const meter = { active: 0, max: 0, limit: 2 };
    const errors: [number, unknown][] = [];
    const delivered: EpisodeRecord[] = [];
    const progress = new RecordingProgress();
    const summary = await runBatch({
      envId: 'tiny-v0',
      registry: tinyRegistry(),
      seeds: seeds(10),
      createPolicy: () => new GatedPolicy(meter, new Set([7])),
      concurrency: 2,
      images: new MemoryImageStore(),
      progress,
      onEpisode: async (record) => {
        delivered.push(record);
      },
      onError: (seed, error) => errors.push([seed, error]),
    });
    expect(summary.episodes).toBe(9);
    expect(summary.failures).toEqual([{ seed: 7, message: 'model server refused seed 7' }]);
    expect(errors.map(([seed]) => seed)).toEqual([7]);
    expect(delivered.map((record) => record.seed)).not.toContain(7);
    expect(progress.events.filter((event) => typeof event !== 'string' && !event.completed)).toEqual([
      { seed: 7, completed: false, success: false, turns: 0 },
    ]);
  });

  it('throws when every episode fails, stopping early when the first ones all fail', async () => {
    const meters = { 1: { active: 0, max: 0, limit: 1 }, 2: { active: 0, max: 0, limit: 2 } };
    const failing = (limit: 1 | 2) => new GatedPolicy(meters[limit], new Set(seeds(50)));
    const errors: number[] = [];
    const all = runBatch({
      envId: 'tiny-v0',
      registry: tinyRegistry(),
      seeds: seeds(2),
      createPolicy: () => failing(1),
      concurrency: 1,
      images: new MemoryImageStore(),
      progress: false,
      onEpisode: async () => {},
      onError: (seed) => errors.push(seed),
    });
    await expect(all).rejects.toMatchObject({ code: 'batch-failed', message: expect.stringContaining('All 2 episodes of tiny-v0 failed') });
    expect(errors).toEqual([0, 1]);

    const early = await runBatch({
      envId: 'tiny-v0',
      registry: tinyRegistry(),
      seeds: seeds(50),
      createPolicy: () => failing(2),
      concurrency: 2,
      images: new MemoryImageStore(),
      progress: false,
      onEpisode: async () => {},
    }).catch((error: unknown) => error);
    expect(early).toBeInstanceOf(GymError);
    expect((early as GymError).message).toMatch(/stopped \(\d+ never started\); first error: model server refused seed [01]\. /);
    expect(((early as GymError).data as { failures: unknown[] }).failures.length).toBeLessThan(10);
  });

  it('stops when onEpisode throws, and rethrows its error', async () => {
    const meter = { active: 0, max: 0, limit: 2 };
    let calls = 0;
    const failure = runBatch({
      envId: 'tiny-v0',
      registry: tinyRegistry(),
      seeds: seeds(30),
      createPolicy: () => new GatedPolicy(meter),
      concurrency: 2,
      images: new MemoryImageStore(),
      progress: false,
      onEpisode: async () => {
        calls += 1;
        if (calls === 3) throw new Error('disk full');
      },
    });
    await expect(failure).rejects.toThrow('disk full');
    expect(calls).toBeLessThan(30);
  });

  it('stops gracefully on the signal: episodes in flight finish and are delivered', async () => {
    const controller = new AbortController();
    const meter = { active: 0, max: 0, limit: 3 };
    const delivered: number[] = [];
    const summary = await runBatch({
      envId: 'tiny-v0',
      registry: tinyRegistry(),
      seeds: seeds(40),
      createPolicy: () => new GatedPolicy(meter),
      concurrency: 3,
      images: new MemoryImageStore(),
      progress: false,
      signal: controller.signal,
      onEpisode: async (record) => {
        delivered.push(record.seed);
        if (delivered.length === 4) controller.abort();
      },
    });
    expect(summary.stopped).toBe(true);
    expect(summary.episodes).toBe(delivered.length);
    expect(summary.episodes).toBeGreaterThanOrEqual(4);
    expect(summary.episodes).toBeLessThanOrEqual(6);
    expect(summary.failures).toEqual([]);
  });

  it('passes env options, the turn limit and the format to every episode', async () => {
    const records: EpisodeRecord[] = [];
    const summary = await runBatch({
      envId: 'tiny-v0',
      envOptions: { answers: 'true' },
      maxTurns: 2,
      registry: tinyRegistry(),
      seeds: seeds(12),
      createPolicy: () => new RandomPolicy({ answerProbability: 0 }),
      concurrency: 4,
      images: new MemoryImageStore(),
      format: 'openai',
      progress: false,
      onEpisode: async (record) => {
        records.push(record);
      },
    });
    expect(summary).toMatchObject({ episodes: 12, successes: 0, meanTurns: 2 });
    expect(records.every((record) => record.format === 'openai' && record.truncated && record.steps.length === 2)).toBe(true);
    expect(records.every((record) => record.policy === 'random')).toBe(true);
  });

  it('fails fast on an unknown env, bad options or a bad concurrency', async () => {
    const base = {
      registry: tinyRegistry(),
      seeds: seeds(3),
      createPolicy: () => new RandomPolicy(),
      images: new MemoryImageStore(),
      progress: false as const,
      onEpisode: async () => {},
    };
    await expect(runBatch({ ...base, envId: 'tiny-v1', concurrency: 2 })).rejects.toBeInstanceOf(RegistryError);
    await expect(runBatch({ ...base, envId: 'tiny-v0', envOptions: { colour: 'red' }, concurrency: 2 })).rejects.toMatchObject({
      code: 'invalid-value',
    });
    await expect(runBatch({ ...base, envId: 'tiny-v0', concurrency: 0 })).rejects.toMatchObject({ code: 'bad-concurrency' });
    expect(await runBatch({ ...base, envId: 'tiny-v0', seeds: [], concurrency: 2 })).toMatchObject({ episodes: 0, failures: [] });
  });
});
