import type { Content } from '../core/content.js';
import { GymError } from '../core/errors.js';

/** How a model family turns an image into tokens. */
export interface VisualTokenModel {
  /** `qwen2-vl`: Qwen2-VL and Qwen2.5-VL (14 px patches merged 2×2, so one token per 28×28 px). */
  readonly family: 'qwen2-vl';
  /** Pixels below which an image is scaled up (Qwen's `min_pixels`). */
  readonly minPixels: number;
  /** Pixels above which an image is scaled down (Qwen's `max_pixels`). */
  readonly maxPixels: number;
}

/** Qwen2-VL's defaults: `min_pixels = 4·28·28`, `max_pixels = 16384·28·28`. */
export const QWEN2_VL: VisualTokenModel = { family: 'qwen2-vl', minPixels: 4 * 28 * 28, maxPixels: 16384 * 28 * 28 };

const FACTOR = 28;
const MAX_RATIO = 200;

/**
 * Qwen2-VL's `smart_resize` (qwen-vl-utils): both sides become multiples of 28, the area is kept
 * within `[minPixels, maxPixels]` and the aspect ratio as close as possible. Python's `round` is
 * round-half-to-even, and so is this one, so sizes match the model's processor exactly.
 */
export function smartResize(height: number, width: number, model: VisualTokenModel = QWEN2_VL): { height: number; width: number } {
  if (!(height > 0 && width > 0)) throw new GymError('bad-image-size', `An image needs a positive size, got ${width}×${height}.`);
  if (Math.max(height, width) / Math.min(height, width) > MAX_RATIO) {
    throw new GymError('bad-image-size', `Qwen2-VL refuses aspect ratios above ${MAX_RATIO} (got ${width}×${height}).`);
  }
  let resizedHeight = Math.max(FACTOR, roundHalfEven(height / FACTOR) * FACTOR);
  let resizedWidth = Math.max(FACTOR, roundHalfEven(width / FACTOR) * FACTOR);
  if (resizedHeight * resizedWidth > model.maxPixels) {
    const beta = Math.sqrt((height * width) / model.maxPixels);
    resizedHeight = Math.floor(height / beta / FACTOR) * FACTOR;
    resizedWidth = Math.floor(width / beta / FACTOR) * FACTOR;
  } else if (resizedHeight * resizedWidth < model.minPixels) {
    const beta = Math.sqrt(model.minPixels / (height * width));
    resizedHeight = Math.ceil((height * beta) / FACTOR) * FACTOR;
    resizedWidth = Math.ceil((width * beta) / FACTOR) * FACTOR;
  }
  return { height: resizedHeight, width: resizedWidth };
}

/** Visual tokens of one image: one per 28×28 px of its resized size (the vision start and end markers not counted). */
export function imageTokens(width: number, height: number, model: VisualTokenModel = QWEN2_VL): number {
  const resized = smartResize(height, width, model);
  return (resized.height / FACTOR) * (resized.width / FACTOR);
}

/** Images, pixels and visual tokens of some content. */
export interface VisualLoad {
  readonly images: number;
  readonly pixels: number;
  readonly visualTokens: number;
}

/** The visual load of content (an observation, a task). */
export function visualLoad(content: Content, model: VisualTokenModel = QWEN2_VL): VisualLoad {
  let images = 0;
  let pixels = 0;
  let visualTokens = 0;
  for (const part of content) {
    if (part.type !== 'image') continue;
    images += 1;
    pixels += part.image.width * part.image.height;
    visualTokens += imageTokens(part.image.width, part.image.height, model);
  }
  return { images, pixels, visualTokens };
}

/** The visual load of a whole episode's context: the task and every observation, all of which stay in the conversation. */
export function episodeVisualLoad(
  episode: { readonly task: Content; readonly steps: readonly { readonly observation: Content }[] },
  model: VisualTokenModel = QWEN2_VL,
): VisualLoad & { readonly maxImagesInTurn: number } {
  const loads = [visualLoad(episode.task, model), ...episode.steps.map((step) => visualLoad(step.observation, model))];
  return {
    images: loads.reduce((sum, load) => sum + load.images, 0),
    pixels: loads.reduce((sum, load) => sum + load.pixels, 0),
    visualTokens: loads.reduce((sum, load) => sum + load.visualTokens, 0),
    maxImagesInTurn: Math.max(0, ...loads.slice(1).map((load) => load.images)),
  };
}

function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
