import sharp from 'sharp';
import type { Content, ImageRef } from '../core/content.js';
import type { ImageStore } from '../core/image-store.js';
import type { StepFeatures } from './model.js';

const CACHE_LIMIT = 1024;

/**
 * Turns image observations into the network's input: each PNG is downscaled (area average, no
 * aspect kept) to `size × size` RGB floats in [0, 1]. Decoded images are cached by hash, so the
 * task image of an episode is decoded once.
 */
export class ObservationEncoder {
  private readonly cache = new Map<string, Float32Array>();

  constructor(readonly size: number) {}

  /** The RGB floats of one image. */
  async encode(ref: ImageRef, images: ImageStore): Promise<Float32Array> {
    const cached = this.cache.get(ref.sha256);
    if (cached !== undefined) return cached;
    const png = await images.get(ref.sha256);
    const raw = await sharp(png).removeAlpha().resize(this.size, this.size, { fit: 'fill', kernel: 'cubic' }).raw().toBuffer();
    const floats = new Float32Array(raw.length);
    for (let index = 0; index < raw.length; index += 1) floats[index] = (raw[index] as number) / 255;
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(ref.sha256, floats);
    return floats;
  }

  /**
   * The features of a turn: the task image and the latest image seen (the last observation that
   * held one, else the task's), stacked as 6 channels, with the turn index and previous action.
   * With `channels` 3 only the latest image is kept (envs whose every observation is a full view).
   */
  async features(
    task: Content,
    observations: readonly Content[],
    turn: number,
    previous: number,
    images: ImageStore,
    channels = 6,
  ): Promise<StepFeatures> {
    const first = firstImage(task);
    const latest = latestImage(task, observations);
    const pixels = this.size * this.size;
    if (channels === 3) {
      const only = latest === undefined ? undefined : await this.encode(latest, images);
      return { image: only === undefined ? new Float32Array(pixels * 3) : only, turn, previous };
    }
    const image = new Float32Array(pixels * 6);
    const a = first === undefined ? undefined : await this.encode(first, images);
    const b = latest === undefined ? undefined : await this.encode(latest, images);
    for (let index = 0; index < pixels; index += 1) {
      for (let channel = 0; channel < 3; channel += 1) {
        image[index * 6 + channel] = a?.[index * 3 + channel] ?? 0;
        image[index * 6 + 3 + channel] = b?.[index * 3 + channel] ?? 0;
      }
    }
    return { image, turn, previous };
  }
}

/** The first image of a content, if any. */
export function firstImage(content: Content): ImageRef | undefined {
  for (const part of content) if (part.type === 'image') return part.image;
  return undefined;
}

/** The last image of the most recent observation that holds one, else the task's first image. */
export function latestImage(task: Content, observations: readonly Content[]): ImageRef | undefined {
  for (let turn = observations.length - 1; turn >= 0; turn -= 1) {
    const content = observations[turn] as Content;
    for (let index = content.length - 1; index >= 0; index -= 1) {
      const part = content[index];
      if (part?.type === 'image') return part.image;
    }
  }
  return firstImage(task);
}
