import { dirname } from 'node:path';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import type { Content } from '../core/content.js';
import type { Action } from '../core/env.js';
import { DirectoryImageStore, type ImageStore } from '../core/image-store.js';
import { Random } from '../core/random.js';
import type { GuardedEnv } from '../core/wrappers.js';
import { readEpisodes, resolveTrajectoriesFile } from '../trajectories/reader.js';
import type { EpisodeRecord } from '../trajectories/record.js';
import { type ActionSpace, candidateAction, candidateIndex } from './action-space.js';
import type { TensorFlow } from './backend.js';
import { featureTensors, type ModelConfig, type StepFeatures } from './model.js';
import { firstImage, type ObservationEncoder } from './observe.js';

/** One behaviour-cloning example: a recorded turn's inputs and the candidate its action maps to. */
export interface Demonstration {
  readonly features: StepFeatures;
  readonly action: number;
}

/** The demonstrations of a dataset and what could not be used. */
export interface DemonstrationSet {
  readonly examples: Demonstration[];
  readonly episodes: number;
  /** Turns left out, by reason (`tool draw_path not in the action space`, `invalid action`…). */
  readonly skipped: Readonly<Record<string, number>>;
}

/** Options of {@link loadDemonstrations}. */
export interface DemonstrationOptions {
  /** Keep only this env's episodes. */
  readonly env?: string;
  /** Keep only successful episodes (default true). */
  readonly successfulOnly?: boolean;
  readonly channels?: number;
  /**
   * Replay each episode in this env (made with the recipe's options) with every recorded action
   * mapped to its candidate, so the policy learns from the observations its own calls produce: a
   * tight zoom recorded by the oracle becomes the grid region the policy can choose, with that
   * region's image. An episode is kept only when its replay still succeeds; an episode whose task
   * differs on replay (another option set) is read as recorded.
   */
  readonly replay?: { readonly env: GuardedEnv; readonly images: ImageStore };
}

/**
 * Reads a dataset written by `thinkgym generate` (through the same reader as every other consumer)
 * and maps each recorded turn's parsed action to its candidate index. Turns whose action the space
 * cannot express (a tool left out, an invalid action) are skipped and counted by reason; the next
 * turn then sees no previous action, as the policy does after a turn it did not choose. With
 * `replay`, see {@link DemonstrationOptions.replay}.
 */
export async function loadDemonstrations(
  source: string,
  space: ActionSpace,
  encoder: ObservationEncoder,
  options: DemonstrationOptions = {},
): Promise<DemonstrationSet> {
  const file = await resolveTrajectoriesFile(source);
  const images = new DirectoryImageStore(dirname(file));
  const examples: Demonstration[] = [];
  const skipped: Record<string, number> = {};
  const skip = (reason: string): void => {
    skipped[reason] = (skipped[reason] ?? 0) + 1;
  };
  let episodes = 0;
  for await (const record of readEpisodes(file, { strict: true })) {
    if (options.env !== undefined && record.env !== options.env) continue;
    if (options.successfulOnly !== false && !record.success) continue;
    if (options.replay !== undefined) {
      const replayed = await replayEpisode(record, space, encoder, options.replay, options.channels, skip);
      if (replayed !== undefined) {
        episodes += replayed.length > 0 ? 1 : 0;
        examples.push(...replayed);
        continue;
      }
    }
    episodes += 1;
    const observations: Content[] = [];
    const size = firstImage(record.task);
    let previous = -1;
    for (const [turn, step] of record.steps.entries()) {
      const index = candidateIndex(space, step.action, size);
      if (index === undefined) {
        skip(skipReason(step.action));
      } else {
        examples.push({
          features: await encoder.features(record.task, observations, turn, previous, images, options.channels),
          action: index,
        });
      }
      previous = index ?? -1;
      observations.push(step.observation);
    }
  }
  return { examples, episodes, skipped };
}

/**
 * Plays a recorded episode again with its actions mapped to candidates. Returns its examples
 * (none when the replay fails), or undefined when the replayed task is not the recorded one.
 */
async function replayEpisode(
  record: EpisodeRecord,
  space: ActionSpace,
  encoder: ObservationEncoder,
  replay: { readonly env: GuardedEnv; readonly images: ImageStore },
  channels: number | undefined,
  skip: (reason: string) => void,
): Promise<Demonstration[] | undefined> {
  const reset = await replay.env.reset({ seed: record.seed });
  const task = reset.observation;
  const size = firstImage(task);
  if (size?.sha256 !== firstImage(record.task)?.sha256) {
    skip('episode whose task differs on replay (read as recorded)');
    return undefined;
  }
  const examples: Demonstration[] = [];
  const observations: Content[] = [];
  let previous = -1;
  for (const step of record.steps) {
    const index = candidateIndex(space, step.action, size);
    if (index === undefined) {
      skip(skipReason(step.action));
      continue;
    }
    examples.push({
      features: await encoder.features(task, observations, observations.length, previous, replay.images, channels),
      action: index,
    });
    const result = await replay.env.step(candidateAction(space, index, size));
    observations.push(result.observation);
    previous = index;
    if (result.terminated || result.truncated) {
      if (result.terminated && result.info.success === true) return examples;
      break;
    }
  }
  skip('episode that fails when replayed through the action space');
  return [];
}

function skipReason(action: Action): string {
  return action.type === 'tool_call'
    ? `tool ${action.name} not in the action space`
    : action.type === 'answer'
      ? 'answer outside the answer set'
      : 'invalid action';
}

/** Options of {@link trainSft}. */
export interface SftOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  readonly maxTurns: number;
  /** Told the mean loss and accuracy of each epoch. */
  readonly onEpoch?: (epoch: number, loss: number, accuracy: number) => void;
}

/**
 * Behaviour cloning: minimises the cross-entropy between the action head and the demonstrated
 * candidates with Adam, in shuffled mini-batches. Returns each epoch's mean loss and accuracy.
 */
export async function trainSft(
  tf: TensorFlow,
  model: LayersModel,
  config: ModelConfig,
  examples: readonly Demonstration[],
  options: SftOptions,
): Promise<{ losses: number[]; accuracies: number[] }> {
  const optimizer = tf.train.adam(options.learningRate);
  const random = new Random(`sft:${options.seed}`);
  const losses: number[] = [];
  const accuracies: number[] = [];
  for (let epoch = 0; epoch < options.epochs; epoch += 1) {
    const order = random.shuffle(examples.map((_, index) => index));
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < order.length; start += options.batchSize) {
      const batch = order.slice(start, start + options.batchSize).map((index) => examples[index] as Demonstration);
      const [images, side] = featureTensors(
        tf,
        config,
        batch.map((example) => example.features),
        options.maxTurns,
      );
      const labels = tf.oneHot(
        tf.tensor1d(
          batch.map((example) => example.action),
          'int32',
        ),
        config.actions,
      );
      const cost = optimizer.minimize(() => {
        const logits = model.apply([images, side], { training: true }) as Tensor;
        const loss = tf.losses.softmaxCrossEntropy(labels, logits);
        const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(labels, 1)), 'float32'));
        correct += (hits.dataSync()[0] as number) ?? 0;
        hits.dispose();
        return loss as never;
      }, true);
      lossSum += ((cost?.dataSync()[0] as number) ?? 0) * batch.length;
      cost?.dispose();
      tf.dispose([images, side, labels]);
      await tf.nextFrame();
    }
    const loss = lossSum / Math.max(1, order.length);
    const accuracy = correct / Math.max(1, order.length);
    losses.push(loss);
    accuracies.push(accuracy);
    options.onEpoch?.(epoch + 1, loss, accuracy);
  }
  optimizer.dispose();
  return { losses, accuracies };
}
