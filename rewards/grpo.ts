import { stableJson } from '../core/stable-json.js';
import type { EpisodeRecord } from '../trajectories/record.js';

/**
 * Group-relative advantages (GRPO) over G rollouts of the same task, and turn-level variants.
 * Pure functions: rewards in, advantages out, in the order given.
 */

/** How a group's rewards are normalised. */
export interface AdvantageOptions {
  /**
   * Divide by the group's standard deviation (GRPO, the default). `false` gives Dr. GRPO's
   * `r - mean`, which does not favour groups whose rewards barely differ.
   */
  readonly scaleByStd?: boolean;
  /** Added to the standard deviation before dividing (default `1e-6`). */
  readonly epsilon?: number;
  /**
   * `sample` (divide by n - 1, as `torch.std` in the common trainers; the default) or
   * `population` (divide by n).
   */
  readonly std?: 'sample' | 'population';
}

const DEFAULT_EPSILON = 1e-6;

/** Mean and standard deviation of a list (0 and 0 when it is empty; std 0 for one value). */
export function meanAndStd(values: readonly number[], std: 'sample' | 'population' = 'sample'): { mean: number; std: number } {
  const count = values.length;
  if (count === 0) return { mean: 0, std: 0 };
  const mean = values.reduce((sum, value) => sum + value, 0) / count;
  const divisor = std === 'sample' ? count - 1 : count;
  if (divisor <= 0) return { mean, std: 0 };
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / divisor;
  return { mean, std: Math.sqrt(variance) };
}

/**
 * Advantages of G rollouts of one task: `(r - mean) / (std + epsilon)`, or `r - mean` without
 * `scaleByStd`. A group of one has no baseline, so its advantage is 0; a group whose rewards are
 * all equal gets all zeros.
 */
export function groupAdvantages(rewards: readonly number[], options: AdvantageOptions = {}): number[] {
  if (rewards.length < 2) return rewards.map(() => 0);
  return normalise(rewards, rewards, options);
}

function normalise(values: readonly number[], pool: readonly number[], options: AdvantageOptions): number[] {
  const { mean, std } = meanAndStd(pool, options.std ?? 'sample');
  const scale = options.scaleByStd === false ? 1 : std + (options.epsilon ?? DEFAULT_EPSILON);
  return values.map((value) => (value - mean) / scale);
}

/** How turn-level advantages are formed. */
export interface TurnAdvantageOptions extends AdvantageOptions {
  /**
   * - `broadcast`: each episode's return (the sum of its step rewards) gets a group advantage,
   *   copied to every step of the episode.
   * - `per-step`: each step's discounted return-to-go `G_t = Σ_{k≥t} γ^(k-t) r_k` is normalised
   *   against all steps of all rollouts in the group, so steps that lead to more reward score higher.
   */
  readonly mode: 'broadcast' | 'per-step';
  /** Discount γ of `per-step` returns (default 1). */
  readonly gamma?: number;
}

/**
 * Per-step advantages of G rollouts of one task, from each rollout's per-step rewards. The result
 * has the same shape as `stepRewards`. A group of one gets zeros.
 */
export function groupTurnAdvantages(stepRewards: readonly (readonly number[])[], options: TurnAdvantageOptions): number[][] {
  if (stepRewards.length < 2) return stepRewards.map((steps) => steps.map(() => 0));
  if (options.mode === 'broadcast') {
    const returns = stepRewards.map((steps) => steps.reduce((sum, reward) => sum + reward, 0));
    const advantages = groupAdvantages(returns, options);
    return stepRewards.map((steps, index) => steps.map(() => advantages[index] ?? 0));
  }
  const gamma = options.gamma ?? 1;
  const returns = stepRewards.map((steps) => returnsToGo(steps, gamma));
  const pool = returns.flat();
  return returns.map((steps) => normalise(steps, pool, options));
}

/** Discounted returns-to-go of a reward sequence. */
export function returnsToGo(rewards: readonly number[], gamma = 1): number[] {
  const returns: number[] = [];
  let running = 0;
  for (let index = rewards.length - 1; index >= 0; index -= 1) {
    running = (rewards[index] as number) + gamma * running;
    returns.push(running);
  }
  return returns.reverse();
}

/** What identifies the task of an episode: env id and version, seed, and the env options it ran with. */
export interface TaskIdentity {
  readonly env: string;
  readonly envVersion: number;
  readonly seed: number;
  /** The env options of the run, when the record carries them (see {@link GroupOptions.optionsOf}). */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** How episodes are told apart as tasks. */
export interface GroupOptions<Episode extends TaskIdentity = TaskIdentity> {
  /**
   * The env options an episode ran with (default: its `options` field, else none). Episodes are
   * lines of datasets whose manifests hold the options per env, so when mixing datasets pass
   * `(record) => manifest.envs[record.env]?.options` of each record's dataset.
   */
  readonly optionsOf?: (record: Episode) => Readonly<Record<string, unknown>> | undefined;
}

/**
 * The GRPO group of an episode: rollouts of the same env id and version, with the same seed and the
 * same env options (`options`, else the record's own; compared with keys sorted, so key order does
 * not matter), are the same task.
 */
export function groupKey(record: TaskIdentity, options?: Readonly<Record<string, unknown>>): string {
  return [record.env, record.envVersion, record.seed, stableJson(options ?? record.options ?? {})].join('\u0000');
}

/** Indices of `records` grouped by {@link groupKey}, groups in order of first appearance. */
export function groupEpisodes<Episode extends TaskIdentity>(records: readonly Episode[], options: GroupOptions<Episode> = {}): number[][] {
  const groups = new Map<string, number[]>();
  records.forEach((record, index) => {
    const key = groupKey(record, options.optionsOf?.(record));
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [index]);
    else group.push(index);
  });
  return [...groups.values()];
}

/** Options of {@link episodeAdvantages}. */
export interface EpisodeAdvantageOptions extends AdvantageOptions, GroupOptions<EpisodeRecord> {
  /** The scalar reward of an episode (default: its `totalReward`). */
  readonly reward?: (record: EpisodeRecord) => number;
}

/** One advantage per episode, aligned with `records`, computed within each task's group ({@link groupKey}). */
export function episodeAdvantages(records: readonly EpisodeRecord[], options: EpisodeAdvantageOptions = {}): number[] {
  const reward = options.reward ?? ((record: EpisodeRecord) => record.totalReward);
  const advantages = new Map<number, number>();
  for (const group of groupEpisodes(records, options)) {
    const values = groupAdvantages(
      group.map((index) => reward(records[index] as EpisodeRecord)),
      options,
    );
    for (const [position, index] of group.entries()) advantages.set(index, values[position] as number);
  }
  return records.map((_record, index) => advantages.get(index) as number);
}

/**
 * The default per-step rewards of an episode: each step's env reward, with the episode's
 * `totalReward` (the outcome) added on the last step. If the run's reward config weights the `env`
 * term above 0, `totalReward` already includes env rewards: pass your own `stepRewards` then.
 */
export function defaultStepRewards(record: EpisodeRecord): number[] {
  const rewards = record.steps.map((step) => step.reward);
  if (rewards.length > 0) rewards[rewards.length - 1] = (rewards[rewards.length - 1] ?? 0) + record.totalReward;
  return rewards;
}

/** Options of {@link stepAdvantages}. */
export interface StepAdvantageOptions extends TurnAdvantageOptions, GroupOptions<EpisodeRecord> {
  /** `broadcast` only: the scalar reward of an episode (default: its `totalReward`). */
  readonly reward?: (record: EpisodeRecord) => number;
  /** `per-step` only: the reward of each step (default {@link defaultStepRewards}). */
  readonly stepRewards?: (record: EpisodeRecord) => readonly number[];
}

/**
 * Turn-level advantages of recorded episodes, one list per episode with one value per step,
 * computed within each task's group ({@link groupKey}). `broadcast` copies each episode's advantage (from
 * `reward`, default `totalReward`) to its steps; `per-step` normalises returns-to-go of
 * `stepRewards` across the group.
 */
export function stepAdvantages(records: readonly EpisodeRecord[], options: StepAdvantageOptions): number[][] {
  if (options.mode === 'broadcast') {
    const advantages = episodeAdvantages(records, options);
    return records.map((record, index) => record.steps.map(() => advantages[index] ?? 0));
  }
  const rewardsOf = options.stepRewards ?? defaultStepRewards;
  const advantages = new Map<number, number[]>();
  for (const group of groupEpisodes(records, options)) {
    const values = groupTurnAdvantages(
      group.map((index) => rewardsOf(records[index] as EpisodeRecord)),
      options,
    );
    for (const [position, index] of group.entries()) advantages.set(index, values[position] as number[]);
  }
  return records.map((_record, index) => advantages.get(index) as number[]);
}
