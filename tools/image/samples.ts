import sharp from 'sharp';
import type { ImageRef } from '../../core/content.js';
import { GymError } from '../../core/errors.js';
import type { ImageStore } from '../../core/image-store.js';
import { DecodeCache, type DecodeCacheOptions } from './decode-cache.js';

/**
 * Stored sample values of an image at their own bit depth (8 or 16 bits, grey or RGB), rows top to
 * bottom, channels interleaved. Medical scans keep their 16-bit values here; what a model sees is an
 * 8-bit rendering through a display window (see `window.ts`).
 */
export interface Samples {
  readonly data: Uint16Array;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  /** Bits per sample of the source: values run 0..2^bits - 1. */
  readonly bits: 8 | 16;
}

/** PNG options for stored samples: deterministic, and light compression since scan noise barely compresses. */
export const SAMPLE_PNG_OPTIONS = { compressionLevel: 1, palette: false, adaptiveFiltering: false } as const;

/** Checks that `samples` is well formed (data length matches the size). */
export function checkSamples(samples: Samples): void {
  const expected = samples.width * samples.height * samples.channels;
  if (samples.data.length !== expected) {
    throw new GymError(
      'bad-samples',
      `Samples hold ${samples.data.length} values, expected ${samples.width}x${samples.height}x${samples.channels} = ${expected}.`,
    );
  }
}

/**
 * Encodes samples as PNG at their own depth: 16-bit samples as 16-bit grey or RGB, 8-bit ones as
 * 8-bit. Same samples, same bytes.
 */
export async function encodeSamples(samples: Samples): Promise<Buffer> {
  checkSamples(samples);
  const { width, height, channels } = samples;
  if (samples.bits === 8) {
    const bytes = Buffer.alloc(samples.data.length);
    for (let index = 0; index < bytes.length; index += 1) bytes[index] = samples.data[index] as number;
    return sharp(bytes, { raw: { width, height, channels } }).png(SAMPLE_PNG_OPTIONS).toBuffer();
  }
  return sharp(samples.data, { raw: { width, height, channels } })
    .toColourspace(channels === 1 ? 'grey16' : 'rgb16')
    .png(SAMPLE_PNG_OPTIONS)
    .toBuffer();
}

/**
 * Decodes PNG, TIFF or JPEG bytes (8- or 16-bit, grey or colour) to samples at the file's own
 * depth: 16-bit files keep their values, 8-bit ones keep 0..255. Alpha is flattened on white.
 */
export async function decodeSamples(bytes: Uint8Array): Promise<Samples> {
  let metadata: sharp.Metadata;
  try {
    metadata = await sharp(bytes).metadata();
  } catch (error) {
    throw new GymError('bad-image', `Cannot read the image (${(error as Error).message}); use PNG, TIFF, JPEG or DICOM.`, { cause: error });
  }
  const wide = metadata.depth === 'ushort' || metadata.depth === 'short';
  const grey = metadata.channels === 1 || metadata.channels === 2 || metadata.space === 'b-w' || metadata.space === 'grey16';
  let pipeline = sharp(bytes);
  if (metadata.hasAlpha === true) pipeline = pipeline.flatten({ background: wide ? { r: 65535, g: 65535, b: 65535 } : '#ffffff' });
  pipeline = grey ? pipeline.toColourspace(wide ? 'grey16' : 'b-w') : pipeline.toColourspace(wide ? 'rgb16' : 'srgb');
  const { data, info } = await pipeline.raw({ depth: wide ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
  const channels = info.channels;
  if (channels !== 1 && channels !== 3) throw new GymError('bad-image', `Expected 1 or 3 channels after decoding, got ${channels}.`);
  let values: Uint16Array;
  if (wide) {
    values = new Uint16Array(data.length / 2);
    for (let index = 0; index < values.length; index += 1) values[index] = data.readUInt16LE(index * 2);
  } else {
    values = Uint16Array.from(data);
  }
  return { data: values, width: info.width, height: info.height, channels, bits: wide ? 16 : 8 };
}

/** Where tools get stored samples from. */
export interface SampleSource {
  /** The samples of a stored image. */
  samples(ref: ImageRef, images: ImageStore): Promise<Samples>;
  /** Remembers samples the caller already has (e.g. a scan it just generated and stored). */
  remember(ref: ImageRef, samples: Samples): void;
}

/** Options of {@link SampleCache}. */
export type SampleCacheOptions = DecodeCacheOptions;

/**
 * Decoded samples kept per image sha256, least recently used dropped first (a {@link DecodeCache}
 * of full-depth samples); the 16-bit companion of `PixelCache`.
 */
export class SampleCache extends DecodeCache<Samples> implements SampleSource {
  constructor(options: SampleCacheOptions = {}) {
    super(decodeSamples, 512 * 1024 * 1024, options);
  }

  samples(ref: ImageRef, images: ImageStore): Promise<Samples> {
    return this.decoded(ref, images);
  }
}

/** The process-wide sample cache the windowed tools use unless given another. */
export const sharedSampleCache = new SampleCache();
