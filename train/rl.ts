import type { LayersModel, Optimizer, Tensor } from '@tensorflow/tfjs';
import { runEpisode } from '../agents/episode.js';
import type { ImageStore } from '../core/image-store.js';
import { Random } from '../core/random.js';
import type { GuardedEnv } from '../core/wrappers.js';
import { groupAdvantages } from '../rewards/grpo.js';
import type { EpisodeRecord } from '../trajectories/record.js';
import { onTrainingBackend, type TensorFlow } from './backend.js';
import type { CheckpointMeta } from './checkpoint.js';
import { encoderOf, featureTensors, type StepFeatures } from './model.js';
import { type ActedStep, TfjsPolicy } from './policy.js';
import { episodeReward, episodeRewardOptions, type RewardChoice } from './reward.js';

export type { RewardChoice };

/** Settings of multi-turn GRPO. */
export interface RlSettings {
  /** Rollouts per seed (the group). */
  readonly groupSize: number;
  /** Seeds per iteration. */
  readonly seedsPerIteration: number;
  readonly learningRate: number;
  /** PPO clip range ε of the policy ratio. */
  readonly clip: number;
  /** Passes over each iteration's steps (1 is on-policy; more reuse the rollouts with the ratio clipped). */
  readonly epochs: number;
  readonly batchSize: number;
  /** `grpo` divides by the group's standard deviation, `dr-grpo` does not. */
  readonly advantage: 'grpo' | 'dr-grpo';
  /** Weight of the KL term to the reference (SFT) policy; 0 leaves it out. */
  readonly klWeight: number;
  /** Weight of the entropy bonus. */
  readonly entropyWeight: number;
  /**
   * How the loss averages over actions: `episode` (the default, as in GRPO) weighs each action by
   * one over its episode's length, so every episode counts once however many turns it took;
   * `step` (DAPO's token-level mean) weighs every action alike, so long failed episodes dominate.
   */
  readonly aggregation?: 'episode' | 'step';
}

/** What one iteration did. */
export interface IterationStats {
  readonly episodes: number;
  readonly steps: number;
  readonly meanReward: number;
  readonly successRate: number;
  readonly meanTurns: number;
  readonly meanToolCalls: number;
  /** Tool calls per solved episode (the efficiency the gated terms aim at). */
  readonly toolCallsPerSolved: number;
  readonly loss: number;
  readonly rolloutMs: number;
  readonly updateMs: number;
}

interface TrainingStep extends ActedStep {
  readonly advantage: number;
  /** The action's share in the loss (see {@link RlSettings.aggregation}). */
  readonly weight: number;
}

/**
 * One iteration of multi-turn GRPO: for each seed, G rollouts are played by the sampling policy
 * through the real episode loop (text out, parser, env), each episode is scored by the reward
 * config or preset, and advantages are formed within each seed's group by `rewards/grpo.ts`
 * (GRPO or Dr. GRPO). Every action of an episode carries its episode's advantage; the loss is
 * the clipped policy-ratio objective averaged over the actions (each episode counting once, or each
 * action, per `aggregation`), minus an entropy bonus, plus an optional KL penalty (k3 estimator)
 * to the reference policy.
 */
export async function rlIteration(
  tf: TensorFlow,
  model: LayersModel,
  reference: LayersModel | undefined,
  optimizer: Optimizer,
  meta: CheckpointMeta,
  envs: readonly GuardedEnv[],
  images: ImageStore,
  seeds: readonly number[],
  settings: RlSettings,
  reward: RewardChoice,
  salt: number,
): Promise<IterationStats> {
  const rolloutStart = performance.now();
  const steps: TrainingStep[] = [];
  const records: EpisodeRecord[] = [];
  const rewards: number[] = [];
  for (const seed of seeds) {
    const group = await Promise.all(
      Array.from({ length: settings.groupSize }, async (_, member) => {
        const acted: ActedStep[] = [];
        const policy = new TfjsPolicy(tf, model, meta, {
          mode: 'sample',
          salt: `${salt}:${member}`,
          onStep: (step) => acted.push(step),
        });
        const env = envs[member % envs.length] as GuardedEnv;
        const record = await runEpisode(env, policy, {
          seed,
          images,
          format: 'hermes',
          ...episodeRewardOptions(reward),
        });
        return { record, acted };
      }),
    );
    const groupRewards = group.map((member) => episodeReward(member.record, reward, meta.maxTurns));
    rewards.push(...groupRewards);
    const advantages = groupAdvantages(groupRewards, { scaleByStd: settings.advantage === 'grpo' });
    group.forEach((member, index) => {
      records.push(member.record);
      const advantage = advantages[index] ?? 0;
      if (advantage === 0 && settings.klWeight === 0) return;
      const weight = settings.aggregation === 'step' ? 1 : 1 / Math.max(1, member.acted.length);
      for (const step of member.acted) steps.push({ ...step, advantage, weight });
    });
  }
  const rolloutMs = performance.now() - rolloutStart;
  const updateStart = performance.now();
  const loss =
    steps.length === 0
      ? 0
      : await onTrainingBackend(tf, () => update(tf, model, reference, optimizer, meta, steps, settings, salt), encoderOf(meta.model));
  const solved = records.filter((record) => record.success);
  return {
    episodes: records.length,
    steps: records.reduce((sum, record) => sum + record.steps.length, 0),
    meanReward: mean(rewards),
    successRate: solved.length / Math.max(1, records.length),
    meanTurns: mean(records.map((record) => record.counts.turns)),
    meanToolCalls: mean(records.map((record) => record.counts.toolCalls)),
    toolCallsPerSolved: mean(solved.map((record) => record.counts.toolCalls)),
    loss,
    rolloutMs,
    updateMs: performance.now() - updateStart,
  };
}

async function update(
  tf: TensorFlow,
  model: LayersModel,
  reference: LayersModel | undefined,
  optimizer: Optimizer,
  meta: CheckpointMeta,
  steps: readonly TrainingStep[],
  settings: RlSettings,
  salt: number,
): Promise<number> {
  const config = meta.model;
  let lossSum = 0;
  let batches = 0;
  for (let epoch = 0; epoch < settings.epochs; epoch += 1) {
    const order = new Random(`rl:${salt}:${epoch}`).shuffle(steps.map((_, index) => index));
    for (let start = 0; start < order.length; start += settings.batchSize) {
      const batch = order.slice(start, start + settings.batchSize).map((index) => steps[index] as TrainingStep);
      const features: StepFeatures[] = batch.map((step) => step.features);
      const [images, side] = featureTensors(tf, config, features, meta.maxTurns);
      const mask = tf.oneHot(
        tf.tensor1d(
          batch.map((step) => step.action),
          'int32',
        ),
        config.actions,
      );
      const oldLogProb = tf.tensor1d(batch.map((step) => step.logProb));
      const advantage = tf.tensor1d(batch.map((step) => step.advantage));
      const totalWeight = batch.reduce((sum, step) => sum + step.weight, 0);
      const weights = tf.tensor1d(batch.map((step) => step.weight / totalWeight));
      const referenceLogProb =
        reference === undefined || settings.klWeight === 0
          ? undefined
          : tf.tidy(() => tf.sum(tf.mul(tf.logSoftmax(reference.apply([images, side]) as Tensor), mask), 1));
      const cost = optimizer.minimize(() => {
        const logits = model.apply([images, side], { training: true }) as Tensor;
        const logProbs = tf.logSoftmax(logits);
        const logProb = tf.sum(tf.mul(logProbs, mask), 1);
        const ratio = tf.exp(tf.sub(logProb, oldLogProb));
        const clipped = tf.clipByValue(ratio, 1 - settings.clip, 1 + settings.clip);
        const surrogate = tf.minimum(tf.mul(ratio, advantage), tf.mul(clipped, advantage));
        let loss = tf.neg(tf.sum(tf.mul(surrogate, weights)));
        if (settings.entropyWeight > 0) {
          const entropy = tf.neg(tf.sum(tf.mul(tf.exp(logProbs), logProbs), 1));
          loss = tf.sub(loss, tf.mul(settings.entropyWeight, tf.sum(tf.mul(entropy, weights))));
        }
        if (referenceLogProb !== undefined) {
          const delta = tf.sub(referenceLogProb, logProb);
          const k3 = tf.sub(tf.sub(tf.exp(delta), delta), 1);
          loss = tf.add(loss, tf.mul(settings.klWeight, tf.sum(tf.mul(k3, weights))));
        }
        return loss as never;
      }, true);
      lossSum += (cost?.dataSync()[0] as number) ?? 0;
      batches += 1;
      cost?.dispose();
      tf.dispose([images, side, mask, oldLogProb, advantage, weights, ...(referenceLogProb === undefined ? [] : [referenceLogProb])]);
    }
  }
  return lossSum / Math.max(1, batches);
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}
