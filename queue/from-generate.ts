import type { PromptFormat } from '../agents/policy.js';
import { integerFlag, UsageError } from '../cli/args.js';
import type { RewardConfig } from '../rewards/terms.js';
import type { ManifestEnv } from '../trajectories/record.js';
import { enqueueRun } from './enqueue.js';
import { POLICY_FLAG_NAMES, type PolicyFlags } from './job.js';

/** The settings `thinkgym generate` has parsed and checked (the env probed) before it enqueues. */
export interface GenerateSettings {
  readonly envId: string;
  readonly out: string;
  readonly episodes: number;
  readonly firstSeed: number;
  readonly concurrency: number;
  readonly maxTurns: number | undefined;
  readonly format: PromptFormat;
  readonly rewards: RewardConfig;
  readonly rewardPreset: string | undefined;
  readonly envOptions: Readonly<Record<string, string>>;
  readonly manifestEnv: ManifestEnv;
  readonly policyName: string;
}

/**
 * `thinkgym generate --queue`: turns generate's checked settings and its queue flags (`--queue`,
 * `--queue-name`, `--shard-size`, `--attempts`, `--wait`) into an enqueued run; returns the exit code.
 */
export async function enqueueFromGenerate(values: Readonly<Record<string, unknown>>, settings: GenerateSettings): Promise<number> {
  if (values.resume === true) {
    throw new UsageError(
      '--resume does not apply to --queue: a queued run resumes by itself; start more workers (thinkgym worker --queue …).',
    );
  }
  const shardSize = integerFlag(values['shard-size'] as string | undefined, 'shard-size', 100, 1);
  const attempts = integerFlag(values.attempts as string | undefined, 'attempts', 3, 1);
  const policy: Record<string, string | undefined> = {};
  for (const name of POLICY_FLAG_NAMES) if (typeof values[name] === 'string') policy[name] = values[name] as string;
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.on('SIGINT', onSignal);
  try {
    return await enqueueRun({
      url: values.queue as string,
      ...(typeof values['queue-name'] === 'string' ? { queueName: values['queue-name'] } : {}),
      wait: values.wait === true,
      signal: controller.signal,
      config: {
        out: settings.out,
        env: settings.envId,
        envOptions: settings.envOptions,
        ...(settings.maxTurns === undefined ? {} : { maxTurns: settings.maxTurns }),
        manifestEnv: settings.manifestEnv,
        policy: policy satisfies PolicyFlags,
        policyName: settings.policyName,
        format: settings.format,
        rewards: settings.rewards,
        ...(settings.rewardPreset === undefined ? {} : { rewardPreset: settings.rewardPreset }),
        concurrency: settings.concurrency,
        allowFailures: values['allow-failures'] === true,
        firstSeed: settings.firstSeed,
        episodes: settings.episodes,
        shardSize,
        attempts,
      },
    });
  } finally {
    process.off('SIGINT', onSignal);
  }
}
