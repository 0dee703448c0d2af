import type { LayersModel, Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import type { TensorFlow } from './backend.js';

/** The shape of the policy network. */
export interface ModelConfig {
  /** Side of the square the observation images are downscaled to. */
  readonly imageSize: number;
  /** Images stacked as channels: the task image and the latest image, RGB each. */
  readonly channels: number;
  /** Number of candidate actions (the action head's width). */
  readonly actions: number;
  /** Filters of each conv block (3×3 conv, ReLU, 2×2 max-pool). */
  readonly filters: readonly number[];
  /** Width of the dense layer after the image code is joined with the turn and previous action. */
  readonly hidden: number;
}

/** Default network: three conv blocks and one hidden layer, small enough to train on a CPU in minutes. */
export const DEFAULT_MODEL: Omit<ModelConfig, 'actions'> = { imageSize: 48, channels: 6, filters: [16, 32, 32], hidden: 128 };

/** Width of the side input: the turn as a fraction of the limit, then the previous action one-hot (plus "none"). */
export function sideWidth(config: Pick<ModelConfig, 'actions'>): number {
  return 1 + config.actions + 1;
}

/**
 * The policy network: a small CNN over the downscaled image observation, joined with the turn
 * index and the previous action, then a dense layer and the action head (logits, one per candidate).
 */
export function buildModel(tf: TensorFlow, config: ModelConfig, seed = 1): LayersModel {
  const image = tf.input({ shape: [config.imageSize, config.imageSize, config.channels], name: 'image' });
  const side = tf.input({ shape: [sideWidth(config)], name: 'side' });
  let code = image as unknown as ReturnType<typeof tf.input>;
  config.filters.forEach((filters, index) => {
    code = tf.layers
      .conv2d({
        filters,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: tf.initializers.heNormal({ seed: seed + index }),
        name: `conv${index + 1}`,
      })
      .apply(code) as typeof code;
    code = tf.layers.maxPooling2d({ poolSize: 2, name: `pool${index + 1}` }).apply(code) as typeof code;
  });
  const flat = tf.layers.flatten({ name: 'flatten' }).apply(code) as typeof code;
  const joined = tf.layers.concatenate({ name: 'join' }).apply([flat, side]) as typeof code;
  const hidden = tf.layers
    .dense({
      units: config.hidden,
      activation: 'relu',
      kernelInitializer: tf.initializers.heNormal({ seed: seed + 100 }),
      name: 'hidden',
    })
    .apply(joined) as typeof code;
  const logits = tf.layers
    .dense({
      units: config.actions,
      kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 0.01, seed: seed + 200 }),
      name: 'actions',
    })
    .apply(hidden) as typeof code;
  return tf.model({ inputs: [image, side], outputs: logits, name: 'policy' });
}

/** One step's input, before batching. */
export interface StepFeatures {
  /** `imageSize² × channels` floats in [0, 1], row-major HWC. */
  readonly image: Float32Array;
  /** Turn index, 0-based. */
  readonly turn: number;
  /** Candidate index of the previous action, or -1 at the first turn (or when it was outside the space). */
  readonly previous: number;
}

/** Batches step features into the two input tensors. */
export function featureTensors(
  tf: TensorFlow,
  config: ModelConfig,
  steps: readonly StepFeatures[],
  maxTurns: number,
): [Tensor4D, Tensor2D] {
  const pixels = config.imageSize * config.imageSize * config.channels;
  const images = new Float32Array(steps.length * pixels);
  const width = sideWidth(config);
  const side = new Float32Array(steps.length * width);
  steps.forEach((step, row) => {
    images.set(step.image, row * pixels);
    side[row * width] = step.turn / Math.max(1, maxTurns);
    const previous = step.previous < 0 ? config.actions : step.previous;
    side[row * width + 1 + previous] = 1;
  });
  return [
    tf.tensor4d(images, [steps.length, config.imageSize, config.imageSize, config.channels]),
    tf.tensor2d(side, [steps.length, width]),
  ];
}

/** Action logits of a batch of steps. The caller disposes the result. */
export function logitsOf(
  tf: TensorFlow,
  model: LayersModel,
  config: ModelConfig,
  steps: readonly StepFeatures[],
  maxTurns: number,
): Tensor {
  return tf.tidy(() => {
    const inputs = featureTensors(tf, config, steps, maxTurns);
    return model.apply(inputs, { training: false }) as Tensor;
  });
}
