import type { InvalidReason } from '../core/env.js';
import { computePresetRewards, rewardPreset } from '../rewards/presets.js';
import type { EpisodeOutcome, RewardConfig } from '../rewards/terms.js';
import type { EpisodeRecord } from '../trajectories/record.js';

/**
 * The reward an RL run optimises: a weight config, or a named preset (`rewards/presets.ts`) with
 * options for the presets that take them (`agentgl-efficiency`: ideal calls, σ, weight;
 * `tool-bonus`: weight, gated, efficiency…).
 */
export type RewardChoice =
  | { readonly config: RewardConfig }
  | { readonly preset: string; readonly options?: Readonly<Record<string, unknown>> };

/** The options `runEpisode` needs to compute the choice's total (a preset by name, or the weights). */
export function episodeRewardOptions(choice: RewardChoice): { rewards: RewardConfig } | { rewardPreset: string } {
  return 'preset' in choice ? { rewardPreset: choice.preset } : { rewards: choice.config };
}

/** The scalar reward of a played episode under the choice (its `totalReward`, or the configured preset's total). */
export function episodeReward(record: EpisodeRecord, choice: RewardChoice, maxTurns: number): number {
  if (!('preset' in choice) || choice.options === undefined) return record.totalReward;
  return computePresetRewards(episodeOutcome(record, maxTurns), rewardPreset(choice.preset, choice.options)).total;
}

/** The facts the reward terms are computed from, read back from a record. */
export function episodeOutcome(record: EpisodeRecord, maxTurns: number): EpisodeOutcome {
  return {
    success: record.success,
    score: record.score,
    turns: record.counts.turns,
    maxTurns,
    toolCalls: record.counts.toolCalls,
    invalidReasons: record.steps.flatMap((step) => (step.invalid === null ? [] : [step.invalid.reason as InvalidReason])),
    envReward: record.steps.reduce((sum, step) => sum + step.reward, 0),
  };
}
