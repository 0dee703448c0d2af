import { describe, expect, it } from 'vitest';
import { runBatch } from '../../agents/batch.js';
import { RandomPolicy } from '../../agents/policies/random.js';
import type { ModelOutput, Policy, PolicyContext } from '../../agents/policy.js';
import { FormatError, GymError, ModelServerError } from '../../core/errors.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { Registry } from '../../core/registry.js';
import type { StepRecord } from '../../trajectories/record.js';
import { tinyDefinition } from './tiny-env.js';

function tinyRegistry(): Registry {
  const registry = new Registry();
  registry.registerEnv({ id: 'tiny-v0', summary: 'Find a hidden digit.', load: async () => tinyDefinition() });
  return registry;
}

const LOOK = '<tool_call>{"name": "look", "arguments": {"region": "left", "zoom": 1}}</tool_call>';

/** Looks once, then fails with `error` (or waits for the abort signal when `error` is 'hang'). */
class FailingPolicy implements Policy {
  readonly name = 'failing';
  constructor(private readonly error: Error | 'hang') {}

  async act(context: PolicyContext): Promise<ModelOutput> {
    if (context.turns.length === 0) return { text: LOOK };
    if (this.error !== 'hang') throw this.error;
    return new Promise((_resolve, reject) => {
      context.signal?.addEventListener('abort', () => reject(context.signal?.reason), { once: true });
    });
  }
}

/** Seeds 0, 1, 2, … without end, counting how many were pulled. */
function endless(pulled: { count: number }): Iterable<number> {
  return {
    *[Symbol.iterator]() {
      for (let seed = 0; ; seed += 1) {
        pulled.count += 1;
        yield seed;
      }
    },
  };
}

describe('runBatch with streamed seeds, cancellation and failure records', () => {
  it('pulls seeds one at a time from an endless iterable and stops on the signal', async () => {
    const pulled = { count: 0 };
    const controller = new AbortController();
    let delivered = 0;
    const summary = await runBatch({
      envId: 'tiny-v0',
      registry: tinyRegistry(),
      seeds: endless(pulled),
      createPolicy: () => new RandomPolicy(),
      concurrency: 2,
      images: new MemoryImageStore(),
      progress: false,
      onEpisode: async () => {
        delivered += 1;
        if (delivered === 5) controller.abort();
      },
      signal: controller.signal,
    });
    expect(summary.stopped).toBe(true);
    expect(summary.episodes + summary.failures.length).toBeGreaterThanOrEqual(5);
    expect(pulled.count).toBeLessThan(10);
  });

  it('gives each failure the steps taken so far, and cancels episodes in flight without counting them', async () => {
    const failed: { seed: number; steps: readonly StepRecord[] }[] = [];
    const controller = new AbortController();
    const run = runBatch({
      envId: 'tiny-v0',
      registry: tinyRegistry(),
      seeds: [0, 1, 2, 3],
      createPolicy: () => new FailingPolicy('hang'),
      concurrency: 2,
      images: new MemoryImageStore(),
      progress: false,
      onEpisode: async () => {},
      onError: async (seed, _error, steps) => {
        failed.push({ seed, steps });
      },
      signal: controller.signal,
      cancel: controller.signal,
    });
    setTimeout(() => controller.abort(), 200);
    const summary = await run;
    expect(summary.failures).toEqual([]);
    expect(failed).toEqual([]);
    expect([...summary.cancelled].sort()).toEqual([0, 1]);
    expect(summary.stopped).toBe(true);

    const recorded = await runBatch({
      envId: 'tiny-v0',
      registry: tinyRegistry(),
      seeds: [4, 5],
      createPolicy: () => new FailingPolicy(new Error('boom')),
      concurrency: 1,
      images: new MemoryImageStore(),
      progress: false,
      onEpisode: async () => {},
      onError: async (seed, _error, steps) => {
        failed.push({ seed, steps });
      },
    }).catch((error: unknown) => error);
    expect(recorded).toBeInstanceOf(GymError);
    expect(failed.map((entry) => [entry.seed, entry.steps.length])).toEqual([
      [4, 1],
      [5, 1],
    ]);
    expect(failed[0]?.steps[0]?.output.text).toBe(LOOK);
  });

  it('ends a failed batch with one full stop and a hint that fits the error', async () => {
    const message = async (error: Error): Promise<string> => {
      const thrown = await runBatch({
        envId: 'tiny-v0',
        registry: tinyRegistry(),
        seeds: [0, 1],
        createPolicy: () => new FailingPolicy(error),
        concurrency: 1,
        images: new MemoryImageStore(),
        progress: false,
        onEpisode: async () => {},
      }).catch((caught: unknown) => caught);
      return (thrown as GymError).message;
    };
    const server = await message(new ModelServerError('http://x answered 400: too long.', 400));
    expect(server).toMatch(/first error: http:\/\/x answered 400: too long\. Check that the model server is up/);
    expect(server).not.toMatch(/\.\./);
    const format = await message(new FormatError('levels.txt:3: bad level; fix it.', { file: 'levels.txt', line: 3 }));
    expect(format).toMatch(/first error: levels\.txt:3: bad level; fix it\.$/);
    expect(format).not.toMatch(/model server|\.\./);
  });
});
