import { GymError } from '../core/errors.js';
import type { ImageStore } from '../core/image-store.js';
import { registry as defaultRegistry, type Registry } from '../core/registry.js';
import type { GuardedEnv } from '../core/wrappers.js';
import type { RewardConfig } from '../rewards/terms.js';
import type { EpisodeRecord } from '../trajectories/record.js';
import { runEpisode } from './episode.js';
import type { Policy, PromptFormat } from './policy.js';
import { ProgressBar, type ProgressReporter } from './progress.js';

/** Options of {@link runBatch}. */
export interface BatchOptions {
  /** The registered env id, e.g. `maze-v0`. */
  readonly envId: string;
  /** Env options, validated by `makeEnv` against the env's options schema. */
  readonly envOptions?: Readonly<Record<string, unknown>>;
  /** Overrides the env's turn limit. */
  readonly maxTurns?: number;
  /** One episode per seed, handed to workers in this order. */
  readonly seeds: readonly number[];
  /** Makes one policy per worker (policies may keep per-episode state). */
  readonly createPolicy: () => Policy;
  /** Most episodes in flight at once (a positive integer). */
  readonly concurrency: number;
  /** Where envs put their images; records refer to images in it. */
  readonly images: ImageStore;
  /** Prompt format; the policy's own `format`, else `hermes`, by default. */
  readonly format?: PromptFormat;
  readonly rewards?: RewardConfig;
  /**
   * Receives every finished episode, one call at a time, in completion order (a writer appends
   * here). The batch waits for it; if it throws, the batch stops and rethrows.
   */
  readonly onEpisode: (record: EpisodeRecord) => Promise<void>;
  /** Told about each failed episode (policy or server fault); failures are counted, not fatal. */
  readonly onError?: (seed: number, error: unknown) => void;
  /** A reporter; a {@link ProgressBar} on stderr by default; `false` for none. */
  readonly progress?: ProgressReporter | false;
  /**
   * Stops the batch gracefully: no new episode starts, episodes in flight finish and are delivered,
   * and the summary comes back with `stopped: true` (a second, hard stop is the caller's: exit).
   */
  readonly signal?: AbortSignal;
  /** The registry to make envs from; the default registry by default. */
  readonly registry?: Registry;
}

/** What a batch did. */
export interface BatchSummary {
  /** Episodes that ran to their end (and went to `onEpisode`). */
  readonly episodes: number;
  /** Of those, episodes whose task was solved. */
  readonly successes: number;
  /** Episodes that failed with an error, with its message. */
  readonly failures: readonly { readonly seed: number; readonly message: string }[];
  readonly durationMs: number;
  /** Mean turns of the finished episodes (0 when none finished). */
  readonly meanTurns: number;
  /** Whether `signal` stopped the batch before every seed had started. */
  readonly stopped: boolean;
}

/**
 * Runs one episode per seed with a bounded pool of workers. Each worker makes its own env
 * (`makeEnv(envId, {options, images, maxTurns})`) and policy, then takes the next seed until none
 * is left. Finished episodes go to `onEpisode` one at a time, in completion order.
 *
 * A failed episode (a policy or model-server fault) is reported to `onError` and counted, and
 * the batch goes on. If every episode fails, or the first `max(3, concurrency)` episodes to end
 * all fail (a server that is down), the batch stops (cancelling episodes in flight) and throws a
 * `GymError('batch-failed')` with the first error as its cause; episodes already delivered stay
 * delivered. Env construction errors (unknown id, bad options) throw at once.
 */
export async function runBatch(options: BatchOptions): Promise<BatchSummary> {
  const started = performance.now();
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
    throw new GymError('bad-concurrency', `concurrency must be a positive integer, got ${options.concurrency}.`);
  }
  const seeds = options.seeds;
  const workerCount = Math.min(options.concurrency, seeds.length);
  const registry = options.registry ?? defaultRegistry;
  const makeOptions = {
    images: options.images,
    ...(options.envOptions === undefined ? {} : { options: options.envOptions }),
    ...(options.maxTurns === undefined ? {} : { maxTurns: options.maxTurns }),
  };
  const envs: GuardedEnv[] = [];
  const policies: Policy[] = [];
  try {
    for (let index = 0; index < workerCount; index += 1) {
      envs.push(await registry.makeEnv(options.envId, makeOptions));
      policies.push(options.createPolicy());
    }
  } catch (error) {
    await closeAll(envs);
    throw error;
  }

  const progress = options.progress === undefined ? new ProgressBar({ label: options.envId }) : options.progress;
  // The caller's signal stops new episodes; `stop` (fail fast, a broken writer) also cancels those in flight.
  const stop = new AbortController();
  const stopping = (): boolean => stop.signal.aborted || options.signal?.aborted === true;
  const failFastAfter = Math.max(3, workerCount);
  const failures: { seed: number; message: string }[] = [];
  let firstError: unknown;
  let episodes = 0;
  let successes = 0;
  let turns = 0;
  let finished = 0;
  let next = 0;
  let writes: Promise<void> = Promise.resolve();
  let fatal: { error: unknown } | undefined;
  let stoppedEarly = false;

  const deliver = (record: EpisodeRecord): Promise<void> => {
    const write = writes.then(() => options.onEpisode(record));
    writes = write.catch(() => undefined);
    return write;
  };

  const worker = async (env: GuardedEnv, policy: Policy): Promise<void> => {
    while (!stopping() && next < seeds.length) {
      const seed = seeds[next] as number;
      next += 1;
      let record: EpisodeRecord;
      try {
        record = await runEpisode(env, policy, {
          seed,
          images: options.images,
          signal: stop.signal,
          ...(options.format === undefined ? {} : { format: options.format }),
          ...(options.rewards === undefined ? {} : { rewards: options.rewards }),
        });
      } catch (error) {
        if (stop.signal.aborted) return;
        firstError ??= error;
        failures.push({ seed, message: error instanceof Error ? error.message : String(error) });
        options.onError?.(seed, error);
        if (progress !== false) progress.tick({ seed, completed: false, success: false, turns: 0 });
        if (finished === 0 && failures.length >= failFastAfter && !stop.signal.aborted) {
          stoppedEarly = true;
          stop.abort(new GymError('batch-failed', 'every episode so far failed'));
        }
        continue;
      }
      finished += 1;
      try {
        await deliver(record);
      } catch (error) {
        fatal ??= { error };
        stop.abort(error);
        return;
      }
      episodes += 1;
      turns += record.counts.turns;
      if (record.success) successes += 1;
      if (progress !== false) progress.tick({ seed, completed: true, success: record.success, turns: record.counts.turns });
    }
  };

  if (progress !== false) progress.start(seeds.length);
  try {
    await Promise.all(
      envs.map((env, index) =>
        worker(env, policies[index] as Policy).catch((error: unknown) => {
          fatal ??= { error };
          stop.abort(error);
        }),
      ),
    );
  } finally {
    if (progress !== false) progress.finish();
    await closeAll(envs);
  }
  if (fatal !== undefined) throw fatal.error;
  if (stoppedEarly || (episodes === 0 && failures.length > 0)) {
    const what = stoppedEarly
      ? `The first ${failures.length} episodes of ${options.envId} to end all failed, so the batch stopped (${seeds.length - next} never started)`
      : `All ${failures.length} episodes of ${options.envId} failed`;
    throw new GymError('batch-failed', `${what}; first error: ${failures[0]?.message}. Check the policy or the model server.`, {
      cause: firstError,
      data: { failures, episodes },
    });
  }
  return {
    episodes,
    successes,
    failures,
    durationMs: Math.round(performance.now() - started),
    meanTurns: episodes === 0 ? 0 : turns / episodes,
    stopped: next < seeds.length,
  };
}

async function closeAll(envs: readonly GuardedEnv[]): Promise<void> {
  await Promise.allSettled(envs.map((env) => env.close()));
}
