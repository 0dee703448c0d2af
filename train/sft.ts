import { dirname } from 'node:path';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import type { Content } from '../core/content.js';
import { DirectoryImageStore } from '../core/image-store.js';
import { Random } from '../core/random.js';
import { readEpisodes, resolveTrajectoriesFile } from '../trajectories/reader.js';
import { type ActionSpace, candidateIndex } from './action-space.js';
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

/**
 * Reads a dataset written by `thinkgym generate` (through the same reader as every other consumer)
 * and maps each recorded turn's parsed action to its candidate index. Turns whose action the space
 * cannot express (a tool left out, an invalid action) are skipped and counted by reason; the next
 * turn then sees no previous action, as the policy does after a turn it did not choose.
 */
export async function loadDemonstrations(
  source: string,
  space: ActionSpace,
  encoder: ObservationEncoder,
  options: { readonly env?: string; readonly successfulOnly?: boolean; readonly channels?: number } = {},
): Promise<DemonstrationSet> {
  const file = await resolveTrajectoriesFile(source);
  const images = new DirectoryImageStore(dirname(file));
  const examples: Demonstration[] = [];
  const skipped: Record<string, number> = {};
  let episodes = 0;
  for await (const record of readEpisodes(file, { strict: true })) {
    if (options.env !== undefined && record.env !== options.env) continue;
    if (options.successfulOnly !== false && !record.success) continue;
    episodes += 1;
    const observations: Content[] = [];
    const size = firstImage(record.task);
    let previous = -1;
    for (const [turn, step] of record.steps.entries()) {
      const index = candidateIndex(space, step.action, size);
      if (index === undefined) {
        const reason =
          step.action.type === 'tool_call'
            ? `tool ${step.action.name} not in the action space`
            : step.action.type === 'answer'
              ? 'answer outside the answer set'
              : 'invalid action';
        skipped[reason] = (skipped[reason] ?? 0) + 1;
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
