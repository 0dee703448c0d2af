import type { InvalidReason } from '../core/env.js';

/**
 * Weights of the episode reward terms. The total is `Σ weight × term`; each term is logged apart.
 * Written into every dataset manifest, so a dataset says how its rewards were computed.
 */
export interface RewardConfig {
  /** Task score in [0, 1] (exact, relaxed numeric, IoU… as the env scores answers). */
  readonly accuracy: number;
  /** 1 when every turn parsed (no format errors), else 0. */
  readonly format: number;
  /** Term is minus the number of invalid actions (format errors, schema violations, tool errors). */
  readonly invalidCall: number;
  /** Gated tool-use bonus: 1 only when the task succeeded, a tool was used, and no action was invalid. */
  readonly toolUse: number;
  /** Quality-gated efficiency: fewer turns score higher, paid only on success. */
  readonly efficiency: number;
  /** Sum of the env's own per-step rewards (e.g. Sokoban shaping). */
  readonly env: number;
  /**
   * Weight of the `repeatCall` term, minus the number of calls that repeat an earlier call (same
   * tool, same arguments; `rewards/tool-credit.ts`). Absent or 0: the term is not computed.
   */
  readonly repeatCall?: number;
}

/** Defaults after the gated-reward recipes of the tool-using VLM papers: accuracy dominates. */
export const DEFAULT_REWARD_CONFIG: RewardConfig = {
  accuracy: 1,
  format: 0.1,
  invalidCall: 0.1,
  toolUse: 0.2,
  efficiency: 0.1,
  env: 0,
};

/** The facts about a finished episode the reward terms are computed from. */
export interface EpisodeOutcome {
  readonly success: boolean;
  readonly score: number;
  readonly turns: number;
  readonly maxTurns: number;
  readonly toolCalls: number;
  /** Tool calls that succeeded (no tool error, content returned; `rewards/tool-credit.ts`); absent: every call counts. */
  readonly successfulToolCalls?: number;
  /** Tool calls that repeat an earlier call of the episode (same tool, same arguments). */
  readonly repeatedToolCalls?: number;
  /** Images returned by tool calls (zooms, drawings); absent when the caller did not count them. */
  readonly toolImages?: number;
  /** Reasons of the invalid actions, one per invalid turn. */
  readonly invalidReasons: readonly InvalidReason[];
  readonly envReward: number;
  /** Whether the episode ended with an answer; absent when the caller did not say. */
  readonly answered?: boolean;
  /** The env's `info.extra` at the end (e.g. video-v0's frame and call counts), for presets that need env facts. */
  readonly envFacts?: Readonly<Record<string, unknown>>;
}

const FORMAT_REASONS: ReadonlySet<InvalidReason> = new Set(['no-action', 'bad-json', 'bad-call', 'multiple-actions', 'multiple-answers']);

/** The reward terms of an episode and their weighted total. */
export function computeRewards(
  outcome: EpisodeOutcome,
  config: RewardConfig = DEFAULT_REWARD_CONFIG,
): { terms: Record<string, number>; total: number } {
  const invalid = outcome.invalidReasons.length;
  const formatErrors = outcome.invalidReasons.filter((reason) => FORMAT_REASONS.has(reason)).length;
  const gated = outcome.success && invalid === 0;
  const terms: Record<string, number> = {
    accuracy: outcome.score,
    format: formatErrors === 0 && outcome.turns > 0 ? 1 : 0,
    invalidCall: -invalid,
    toolUse: gated && (outcome.successfulToolCalls ?? outcome.toolCalls) > 0 ? 1 : 0,
    efficiency: outcome.success ? clamp(1 - (outcome.turns - 1) / Math.max(1, outcome.maxTurns), 0, 1) : 0,
    env: outcome.envReward,
  };
  if ((config.repeatCall ?? 0) !== 0) terms.repeatCall = -(outcome.repeatedToolCalls ?? 0);
  let total = 0;
  for (const [name, value] of Object.entries(terms)) total += (config[name as keyof RewardConfig] ?? 0) * value;
  return { terms, total: round(total) };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

function round(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}
