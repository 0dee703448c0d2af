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
  /** Filters of each conv block. */
  readonly filters: readonly number[];
  /**
   * How each block convolves. `patch` (the default): a strided convolution whose kernel equals its
   * stride (`patches[i]` squares, as in a ViT or ConvNeXt stem), built from reshape, transpose and a
   * dense map, so every gradient runs on the wasm backend. `conv`: a 3×3 convolution, ReLU and a
   * 2×2 max-pool; the wasm backend has no gradient kernel for conv2d filters, so updates run on cpu.
   */
  readonly encoder?: 'patch' | 'conv';
  /** Side of each `patch` block's patch; `imageSize` must be divisible by their product (default 4, then 2 for each later block). */
  readonly patches?: readonly number[];
  /** Width of the dense layer after the image code is joined with the turn and previous action. */
  readonly hidden: number;
}

/** Default network: two patch-convolution blocks (4×4, then 2×2) and one hidden layer, small enough to train on a CPU in minutes. */
export const DEFAULT_MODEL: Omit<ModelConfig, 'actions'> = {
  imageSize: 32,
  channels: 3,
  encoder: 'patch',
  filters: [32, 64],
  patches: [4, 2],
  hidden: 128,
};

/** Patch sizes when a config names its blocks' filters but not their patches: 4 for the first block, 2 after. */
export function defaultPatches(blocks: number): number[] {
  return Array.from({ length: blocks }, (_, index) => (index === 0 ? 4 : 2));
}

/** The encoder a config asks for: checkpoints written before `encoder` existed are 3×3 conv blocks. */
export function encoderOf(config: Pick<ModelConfig, 'encoder'>): 'patch' | 'conv' {
  return config.encoder ?? 'conv';
}

/** Checks that the patch sizes tile the image; returns a sentence saying what to change, or undefined. */
export function modelProblem(config: Omit<ModelConfig, 'actions'>): string | undefined {
  if (encoderOf(config) !== 'patch') return undefined;
  const patches = config.patches ?? [];
  if (patches.length !== config.filters.length) {
    return `model.patches (${patches.length}) must give one patch size per block of model.filters (${config.filters.length}).`;
  }
  const product = patches.reduce((total, patch) => total * patch, 1);
  if (!patches.every((patch) => Number.isInteger(patch) && patch >= 1) || config.imageSize % product !== 0) {
    return `model.imageSize ${config.imageSize} must be divisible by the product of model.patches (${patches.join(' × ')} = ${product}).`;
  }
  return undefined;
}

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
  let grid = config.imageSize;
  let depth = config.channels;
  config.filters.forEach((filters, index) => {
    const name = `conv${index + 1}`;
    if (encoderOf(config) === 'patch') {
      const patch = config.patches?.[index] ?? 2;
      const cells = grid / patch;
      // [side, side, depth] → [cells, patch, cells, patch·depth] → [cells, cells, patch, patch·depth] → one vector per patch.
      code = tf.layers.reshape({ targetShape: [cells, patch, cells, patch * depth], name: `${name}_split` }).apply(code) as typeof code;
      code = tf.layers.permute({ dims: [1, 3, 2, 4], name: `${name}_gather` }).apply(code) as typeof code;
      code = tf.layers.reshape({ targetShape: [cells, cells, patch * patch * depth], name: `${name}_patches` }).apply(code) as typeof code;
      code = tf.layers
        .dense({ units: filters, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: seed + index }), name })
        .apply(code) as typeof code;
      grid = cells;
      depth = filters;
      return;
    }
    code = tf.layers
      .conv2d({
        filters,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: tf.initializers.heNormal({ seed: seed + index }),
        name,
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
