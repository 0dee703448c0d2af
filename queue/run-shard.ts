import { runBatch } from '../agents/batch.js';
import type { Policy } from '../agents/policy.js';
import { FailureLog, failureError } from '../trajectories/failures.js';
import { rendererVersions } from '../trajectories/renderer-versions.js';
import { SeedRange } from '../trajectories/schema.js';
import { DatasetWriter } from '../trajectories/writer.js';
import type { ShardJobData, ShardResult } from './job.js';
import { shardDir } from './layout.js';

/** Options of {@link runShard}. */
export interface RunShardOptions {
  /** Makes one policy per episode slot (the same factory `thinkgym generate` uses). */
  readonly createPolicy: () => Policy;
  /** Stops the shard gracefully: episodes in flight finish and are written, no new one starts. */
  readonly signal?: AbortSignal;
  /** Told the count of episodes written after each one (BullMQ job progress). */
  readonly onProgress?: (written: number) => Promise<void> | void;
}

/** What {@link runShard} did. */
export interface ShardOutcome extends ShardResult {
  /** `signal` stopped the shard before every seed had run. */
  readonly stopped: boolean;
  /** The first error of a failed episode, if any. */
  readonly firstError?: string;
}

/**
 * Runs one shard as `thinkgym generate --resume` would: opens (or resumes) the shard's dataset,
 * skips the seeds already written (a retried or re-delivered job goes on where it stopped), and
 * runs the others with {@link runBatch}, recording failed episodes in the shard's `failures.jsonl`.
 */
export async function runShard(job: ShardJobData, options: RunShardOptions): Promise<ShardOutcome> {
  const { run, shard } = job;
  const dir = shardDir(run.out, shard.index);
  const writer = await DatasetWriter.open(
    dir,
    {
      envs: { [run.env]: run.manifestEnv },
      policy: run.policyName,
      format: run.format,
      rewards: run.rewards,
      ...(run.rewardPreset === undefined ? {} : { rewardPreset: run.rewardPreset }),
      seeds: new SeedRange(shard.firstSeed, shard.count),
      renderer: await rendererVersions(),
    },
    { resume: true },
  );
  const resumed = writer.writtenIn(run.env, shard.firstSeed, shard.count);
  const failures = new FailureLog(dir);
  let written = resumed;
  try {
    const pending = function* (): Generator<number> {
      for (let seed = shard.firstSeed; seed < shard.firstSeed + shard.count; seed += 1) if (!writer.has(run.env, seed)) yield seed;
    };
    const summary = await runBatch({
      envId: run.env,
      envOptions: run.envOptions,
      ...(run.maxTurns === undefined ? {} : { maxTurns: run.maxTurns }),
      seeds: pending(),
      total: shard.count - resumed,
      createPolicy: options.createPolicy,
      concurrency: run.concurrency,
      images: writer.images,
      format: run.format,
      rewards: run.rewards,
      ...(run.rewardPreset === undefined ? {} : { rewardPreset: run.rewardPreset }),
      onEpisode: async (record) => {
        await writer.append(record);
        written += 1;
        await options.onProgress?.(written);
      },
      onError: (seed, error, steps) =>
        failures.append({
          schemaVersion: 1,
          env: run.env,
          envVersion: run.manifestEnv.version,
          seed,
          policy: run.policyName,
          format: run.format,
          error: failureError(error),
          turns: steps.length,
          steps,
          failedAt: new Date().toISOString(),
        }),
      progress: false,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    return {
      episodes: summary.episodes,
      successes: summary.successes,
      failed: summary.failures.length,
      resumed,
      stopped: summary.stopped,
      ...(summary.failures[0] === undefined ? {} : { firstError: summary.failures[0].message }),
    };
  } finally {
    await failures.close();
    await writer.close();
  }
}
