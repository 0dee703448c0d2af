import type { PromptFormat } from '../agents/policy.js';
import { GymError } from '../core/errors.js';
import type { RewardConfig } from '../rewards/terms.js';
import type { ManifestEnv } from '../trajectories/record.js';

/**
 * The policy flags of `thinkgym generate` as given (`policy`, `base-url`, `model`, `mode`,
 * `temperature`, `timeout`, `retries`); a worker builds its policies from them exactly as generate
 * does. `--api-key` never travels: a worker reads its own `OPENAI_API_KEY`.
 */
export type PolicyFlags = Readonly<Record<string, string | undefined>>;

/** The names of {@link PolicyFlags}. */
export const POLICY_FLAG_NAMES = ['policy', 'base-url', 'model', 'mode', 'temperature', 'timeout', 'retries'] as const;

/** A run's full configuration: everything a worker needs, so it takes no other flags. */
export interface RunConfig {
  /** Unique per enqueued run; job ids are `<runId>-<shard index>`. */
  readonly runId: string;
  /** The run's folder (absolute, on a filesystem every worker mounts at the same path). */
  readonly out: string;
  readonly env: string;
  /** Env options as given (`--option key=value`). */
  readonly envOptions: Readonly<Record<string, string>>;
  readonly maxTurns?: number;
  /** The env's manifest entry, as the enqueuing machine built it (one reset with the first seed). */
  readonly manifestEnv: ManifestEnv;
  readonly policy: PolicyFlags;
  /** The policy's name as recorded in manifests (`oracle`, `openai:<model>`, …). */
  readonly policyName: string;
  readonly format: PromptFormat;
  readonly rewards: RewardConfig;
  readonly rewardPreset?: string;
  /** Episodes in flight at once within one job. */
  readonly concurrency: number;
  /** Whether a shard with failed episodes still completes (else its job fails and is retried). */
  readonly allowFailures: boolean;
  readonly firstSeed: number;
  readonly episodes: number;
  /** Seeds per shard (the last shard may hold fewer). */
  readonly shardSize: number;
  /** Tries per job before it lands in the failed list. */
  readonly attempts: number;
}

/** One shard: a run of consecutive seeds written to its own dataset folder. */
export interface Shard {
  readonly index: number;
  readonly firstSeed: number;
  readonly count: number;
}

/** The data of one BullMQ job. */
export interface ShardJobData {
  /** Version of this shape; a worker refuses jobs of another. */
  readonly version: 1;
  readonly run: RunConfig;
  readonly shard: Shard;
}

/** What a finished job returns (BullMQ keeps it as the job's return value). */
export interface ShardResult {
  readonly episodes: number;
  readonly successes: number;
  readonly failed: number;
  /** Seeds found already written when the job started (a retried or re-delivered job). */
  readonly resumed: number;
}

/** The shards of `episodes` seeds from `firstSeed`, `shardSize` seeds each. */
export function planShards(firstSeed: number, episodes: number, shardSize: number): Shard[] {
  const shards: Shard[] = [];
  for (let offset = 0, index = 0; offset < episodes; offset += shardSize, index += 1) {
    shards.push({ index, firstSeed: firstSeed + offset, count: Math.min(shardSize, episodes - offset) });
  }
  return shards;
}

/** The BullMQ job id of a shard. */
export function shardJobId(runId: string, index: number): string {
  return `${runId}-${index}`;
}

/**
 * Checks the shape of a job's data before a worker acts on it; a job from another thinkgym
 * version or a foreign producer is refused with a {@link GymError} (`bad-job`).
 */
export function checkShardJob(data: unknown): ShardJobData {
  const job = data as Partial<ShardJobData> | null;
  const run = job?.run;
  const shard = job?.shard;
  const problems: string[] = [];
  if (job?.version !== 1) problems.push(`version is ${String(job?.version)}, this worker reads 1`);
  if (typeof run?.runId !== 'string' || typeof run.out !== 'string' || typeof run.env !== 'string') {
    problems.push('run.runId, run.out and run.env must be strings');
  }
  if (typeof run?.manifestEnv !== 'object' || typeof run?.policy !== 'object' || typeof run?.rewards !== 'object') {
    problems.push('run.manifestEnv, run.policy and run.rewards must be objects');
  }
  if (!Number.isInteger(shard?.index) || !Number.isInteger(shard?.firstSeed) || !Number.isInteger(shard?.count)) {
    problems.push('shard.index, shard.firstSeed and shard.count must be integers');
  }
  if (problems.length > 0) {
    throw new GymError('bad-job', `Not a thinkgym shard job (${problems.join('; ')}); was it enqueued by the same thinkgym version?`, {
      data: { problems },
    });
  }
  return job as ShardJobData;
}
