import type { Content } from '../core/content.js';
import type { InvalidReason, StepInfo } from '../core/env.js';
import type { ImageStore } from '../core/image-store.js';
import type { GuardedEnv } from '../core/wrappers.js';
import { computePresetRewards } from '../rewards/presets.js';
import { computeRewards, DEFAULT_REWARD_CONFIG, type RewardConfig } from '../rewards/terms.js';
import { toolCreditFacts } from '../rewards/tool-credit.js';
import { type EpisodeRecord, type StepRecord, TRAJECTORY_SCHEMA_VERSION } from '../trajectories/record.js';
import { dialect } from './dialects/index.js';
import type { Policy, PolicyContext, PromptFormat, Turn } from './policy.js';

/** Options of {@link runEpisode}. */
export interface EpisodeOptions {
  readonly seed: number;
  /** The store the env was made with (policies read observation images from it). */
  readonly images: ImageStore;
  /** How tools are presented to the policy; the policy's own `format`, else `hermes`, by default. */
  readonly format?: PromptFormat;
  readonly rewards?: RewardConfig;
  /** A named reward preset (`rewards/presets.ts`) that computes the total instead of the weights. */
  readonly rewardPreset?: string;
  readonly signal?: AbortSignal;
  /** Told about each step as soon as it is taken (a batch keeps them to record a failed episode's progress). */
  readonly onStep?: (step: StepRecord) => void;
}

/**
 * Runs one episode: reset with the seed, then ask the policy for a turn, parse it, step the env,
 * until the env terminates or the turn limit truncates. Malformed outputs are parsed into
 * `invalid` actions that the env answers with an explanation; only infrastructure faults throw.
 */
export async function runEpisode(env: GuardedEnv, policy: Policy, options: EpisodeOptions): Promise<EpisodeRecord> {
  const started = performance.now();
  const format = options.format ?? policy.format ?? 'hermes';
  const reset = await env.reset({ seed: options.seed });
  const turns: Turn[] = [];
  const steps: StepRecord[] = [];
  let last: { observation: Content; info: StepInfo } = { observation: reset.observation, info: reset.info };
  const context = (): PolicyContext => ({
    env,
    spec: env.spec,
    tools: env.tools,
    seed: options.seed,
    task: reset.observation,
    turns,
    last,
    images: options.images,
    format,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  await policy.begin?.(context());
  let final: { terminated: boolean; truncated: boolean; info: StepInfo } = { terminated: false, truncated: false, info: reset.info };
  const invalidReasons: InvalidReason[] = [];
  let envReward = 0;
  let toolImages = 0;
  while (!final.terminated && !final.truncated) {
    options.signal?.throwIfAborted();
    const policyStart = performance.now();
    const output = await policy.act(context());
    const envStart = performance.now();
    const action = dialect(format).parse(output);
    const result = await env.step(action);
    const envEnd = performance.now();
    const invalid = result.info.invalid ?? null;
    if (invalid !== null) invalidReasons.push(invalid.reason);
    envReward += result.reward;
    if (action.type === 'tool_call' && invalid === null) toolImages += result.observation.filter((part) => part.type === 'image').length;
    const step: StepRecord = {
      turn: result.info.turn,
      output,
      action,
      observation: result.observation,
      reward: result.reward,
      terminated: result.terminated,
      truncated: result.truncated,
      invalid,
      ...(result.info.extra === undefined ? {} : { extra: result.info.extra }),
      timing: { policyMs: round(envStart - policyStart), envMs: round(envEnd - envStart) },
    };
    steps.push(step);
    options.onStep?.(step);
    turns.push({ output, action, observation: result.observation });
    last = { observation: result.observation, info: result.info };
    final = result;
  }
  const success = final.terminated && final.info.success === true;
  const score = final.terminated ? (final.info.score ?? (success ? 1 : 0)) : 0;
  const counters = env.episode;
  const outcome = {
    success,
    score,
    turns: counters.turns,
    maxTurns: env.maxTurns,
    toolCalls: counters.toolCalls,
    toolImages,
    ...toolCreditFacts(steps),
    invalidReasons,
    envReward,
    answered: final.info.answer !== undefined,
    ...(final.info.extra === undefined ? {} : { envFacts: final.info.extra }),
  };
  const rewards =
    options.rewardPreset === undefined
      ? computeRewards(outcome, options.rewards ?? DEFAULT_REWARD_CONFIG)
      : computePresetRewards(outcome, options.rewardPreset);
  return {
    schemaVersion: TRAJECTORY_SCHEMA_VERSION,
    env: env.spec.id,
    envVersion: env.spec.version,
    seed: options.seed,
    policy: policy.name,
    format,
    task: reset.observation,
    steps,
    success,
    score,
    answer: final.info.answer ?? null,
    expected: final.info.expected ?? null,
    terminated: final.terminated,
    truncated: final.truncated,
    rewardTerms: rewards.terms,
    totalReward: rewards.total,
    counts: { turns: counters.turns, toolCalls: counters.toolCalls, invalidActions: counters.invalidActions },
    durationMs: round(performance.now() - started),
  };
}

function round(milliseconds: number): number {
  return Math.round(milliseconds * 1000) / 1000;
}
