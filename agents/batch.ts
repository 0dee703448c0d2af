import { FormatError, GymError, ModelServerError } from '../core/errors.js';
import type { ImageStore } from '../core/image-store.js';
import { registry as defaultRegistry, type Registry } from '../core/registry.js';
import type { GuardedEnv } from '../core/wrappers.js';
import type { RewardConfig } from '../rewards/terms.js';
import type { EpisodeRecord, StepRecord } from '../trajectories/record.js';
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
  /**
   * One episode per seed, handed to workers in this order. Any iterable: a generator streams
   * seeds one at a time, so a batch of a billion seeds never holds them all.
   */
  readonly seeds: Iterable<number>;
  /** How many seeds `seeds` yields, for the progress bar (an array's length by default). */
  readonly total?: number;
  /** Makes one policy per worker (policies may keep per-episode state). */
  readonly createPolicy: () => Policy;
  /** Most episodes in flight at once (a positive integer). */
  readonly concurrency: number;
  /** Where envs put their images; records refer to images in it. */
  readonly images: ImageStore;
  /** Prompt format; the policy's own `format`, else `hermes`, by default. */
  readonly format?: PromptFormat;
  readonly rewards?: RewardConfig;
  /** A named reward preset (`rewards/presets.ts`) computing each episode's total instead of the weights. */
  readonly rewardPreset?: string;
  /**
   * Receives every finished episode, one call at a time, in completion order (a writer appends
   * here). The batch waits for it; if it throws, the batch stops and rethrows.
   */
  readonly onEpisode: (record: EpisodeRecord) => Promise<void>;
  /**
   * Told about each failed episode (policy or server fault) with the steps it had taken; failures
   * are counted, not fatal. A returned promise is awaited (calls are queued one at a time, with
   * `onEpisode`'s), so a recorder can write each failure down; if it rejects, the batch stops and
   * rethrows.
   */
  readonly onError?: (seed: number, error: unknown, steps: readonly StepRecord[]) => unknown;
  /** A reporter; a {@link ProgressBar} on stderr by default; `false` for none. */
  readonly progress?: ProgressReporter | false;
  /**
   * Stops the batch gracefully: no new episode starts, episodes in flight finish and are delivered,
   * and the summary comes back with `stopped: true` (a second, hard stop is the caller's: exit).
   */
  readonly signal?: AbortSignal;
  /**
   * Cancels the episodes in flight (their model requests are aborted): they are neither delivered
   * nor counted as failures, so a resumed run plays them again. Also stops new episodes.
   */
  readonly cancel?: AbortSignal;
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
  /** Seeds whose episodes `cancel` cut short (not delivered, not failures). */
  readonly cancelled: readonly number[];
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
  const total = options.total ?? (Array.isArray(options.seeds) ? options.seeds.length : undefined);
  const seeds = options.seeds[Symbol.iterator]();
  const workerCount = total === undefined ? options.concurrency : Math.min(options.concurrency, total);
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
  const cancelled: number[] = [];
  const onCancel = (): void => stop.abort(options.cancel?.reason);
  if (options.cancel?.aborted === true) onCancel();
  options.cancel?.addEventListener('abort', onCancel, { once: true });
  const stopping = (): boolean => stop.signal.aborted || options.signal?.aborted === true;
  const failFastAfter = Math.max(3, workerCount);
  const failures: { seed: number; message: string }[] = [];
  let firstError: unknown;
  let episodes = 0;
  let successes = 0;
  let turns = 0;
  let finished = 0;
  let taken = 0;
  let exhausted = false;
  const nextSeed = (): number | undefined => {
    if (exhausted) return undefined;
    const item = seeds.next();
    if (item.done === true) {
      exhausted = true;
      return undefined;
    }
    taken += 1;
    return item.value;
  };
  let writes: Promise<void> = Promise.resolve();
  let fatal: { error: unknown } | undefined;
  let stoppedEarly = false;

  const deliver = (task: () => unknown): Promise<void> => {
    const write = writes.then(async () => {
      await task();
    });
    writes = write.catch(() => undefined);
    return write;
  };

  const worker = async (env: GuardedEnv, policy: Policy): Promise<void> => {
    for (;;) {
      if (stopping()) return;
      const seed = nextSeed();
      if (seed === undefined) return;
      let record: EpisodeRecord;
      const steps: StepRecord[] = [];
      try {
        record = await runEpisode(env, policy, {
          seed,
          images: options.images,
          signal: stop.signal,
          onStep: (step) => steps.push(step),
          ...(options.format === undefined ? {} : { format: options.format }),
          ...(options.rewards === undefined ? {} : { rewards: options.rewards }),
          ...(options.rewardPreset === undefined ? {} : { rewardPreset: options.rewardPreset }),
        });
      } catch (error) {
        if (stop.signal.aborted) {
          if (options.cancel?.aborted === true) cancelled.push(seed);
          return;
        }
        firstError ??= error;
        failures.push({ seed, message: error instanceof Error ? error.message : String(error) });
        if (options.onError !== undefined) {
          const onError = options.onError;
          try {
            await deliver(() => onError(seed, error, steps));
          } catch (recordError) {
            fatal ??= { error: recordError };
            stop.abort(recordError);
            return;
          }
        }
        if (progress !== false) progress.tick({ seed, completed: false, success: false, turns: steps.length });
        if (finished === 0 && failures.length >= failFastAfter && !stop.signal.aborted) {
          stoppedEarly = true;
          stop.abort(new GymError('batch-failed', 'every episode so far failed'));
        }
        continue;
      }
      finished += 1;
      try {
        await deliver(() => options.onEpisode(record));
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

  if (progress !== false) progress.start(total ?? 0);
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
    options.cancel?.removeEventListener('abort', onCancel);
    if (progress !== false) progress.finish();
    await closeAll(envs);
  }
  if (fatal !== undefined) throw fatal.error;
  if (stoppedEarly || (episodes === 0 && failures.length > 0 && options.cancel?.aborted !== true)) {
    const unstarted = total === undefined ? 'the rest never started' : `${total - taken} never started`;
    const what = stoppedEarly
      ? `The first ${failures.length} episodes of ${options.envId} to end all failed, so the batch stopped (${unstarted})`
      : `All ${failures.length} episodes of ${options.envId} failed`;
    const first = (failures[0]?.message ?? '').replace(/[.\s]+$/, '');
    throw new GymError('batch-failed', `${what}; first error: ${first}.${failureHint(firstError)}`, {
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
    stopped: total === undefined ? !exhausted : taken < total || cancelled.length > 0,
    cancelled,
  };
}

/** What to check after a batch in which every episode failed, by the kind of the first error. */
function failureHint(error: unknown): string {
  if (error instanceof ModelServerError) return ' Check that the model server is up and serves the model.';
  if (error instanceof FormatError) return '';
  if (error instanceof GymError) return ' Check the env options and the policy.';
  return ' Check the policy.';
}

async function closeAll(envs: readonly GuardedEnv[]): Promise<void> {
  await Promise.allSettled(envs.map((env) => env.close()));
}
