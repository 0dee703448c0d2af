import { runEpisode } from '../agents/episode.js';
import type { Policy } from '../agents/policy.js';
import type { ImageStore } from '../core/image-store.js';
import type { GuardedEnv } from '../core/wrappers.js';
import { episodeReward, episodeRewardOptions, type RewardChoice } from './reward.js';

/** A policy's results over evaluation seeds. */
export interface Evaluation {
  readonly episodes: number;
  readonly successRate: number;
  readonly meanReward: number;
  readonly meanTurns: number;
  readonly meanToolCalls: number;
  /** Tool calls per solved episode (0 when none was solved). */
  readonly toolCallsPerSolved: number;
  /** Env steps per second over the evaluation (policy and env together). */
  readonly stepsPerSecond: number;
}

/** Plays one episode per seed with the policy through the episode loop and sums up the results. */
export async function evaluatePolicy(
  env: GuardedEnv,
  policy: Policy,
  seeds: readonly number[],
  images: ImageStore,
  reward: RewardChoice,
): Promise<Evaluation> {
  const started = performance.now();
  let solved = 0;
  let rewardSum = 0;
  let turns = 0;
  let toolCalls = 0;
  let solvedCalls = 0;
  for (const seed of seeds) {
    const record = await runEpisode(env, policy, {
      seed,
      images,
      format: 'hermes',
      ...episodeRewardOptions(reward),
    });
    if (record.success) {
      solved += 1;
      solvedCalls += record.counts.toolCalls;
    }
    rewardSum += episodeReward(record, reward, env.maxTurns);
    turns += record.counts.turns;
    toolCalls += record.counts.toolCalls;
  }
  const count = Math.max(1, seeds.length);
  const seconds = (performance.now() - started) / 1000;
  return {
    episodes: seeds.length,
    successRate: solved / count,
    meanReward: rewardSum / count,
    meanTurns: turns / count,
    meanToolCalls: toolCalls / count,
    toolCallsPerSolved: solved === 0 ? 0 : solvedCalls / solved,
    stepsPerSecond: seconds > 0 ? turns / seconds : 0,
  };
}
