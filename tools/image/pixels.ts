import sharp from 'sharp';
import type { ImageRef } from '../../core/content.js';
import { GymError } from '../../core/errors.js';
import type { ImageStore } from '../../core/image-store.js';
import { encodePngPixels } from '../../core/png-encode.js';
import { DecodeCache, type DecodeCacheOptions } from './decode-cache.js';
import type { PixelRegion } from './frame.js';
import { cropRaw, type ResampleKernel, resampleRegion } from './resample.js';

// libvips' own operation cache would keep copies of pixels the PixelCache already holds (or has
// dropped on purpose); images are content-addressed here, so it never saves work.
sharp.cache(false);

/** Decoded 8-bit RGB pixels of an image, rows top to bottom. */
export interface RawImage {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
  readonly channels: 3;
}

/** PNG encoding used for every image the tools produce: lossless, deterministic. */
export const PNG_OPTIONS = { compressionLevel: 6, palette: false, adaptiveFiltering: false } as const;

/** Where tools get decoded pixels from. */
export interface PixelSource {
  /** The decoded pixels of a stored image. */
  raw(ref: ImageRef, images: ImageStore): Promise<RawImage>;
  /** Remembers pixels the caller already has (e.g. an image it just drew and stored). */
  remember(ref: ImageRef, raw: RawImage): void;
}

/** Decodes PNG (or any format sharp reads) bytes to 8-bit RGB, transparency flattened on white. */
export async function decodeImage(bytes: Uint8Array): Promise<RawImage> {
  const { data, info } = await sharp(bytes)
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new GymError('bad-image', `Expected 3 colour channels after decoding, got ${info.channels}.`);
  return { data, width: info.width, height: info.height, channels: 3 };
}

/** A sharp pipeline over raw pixels. */
export function rawPipeline(raw: RawImage): sharp.Sharp {
  return sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } });
}

/** Encodes raw pixels as PNG with {@link PNG_OPTIONS} through sharp (frames decoded from video files). */
export function encodePng(raw: RawImage): Promise<Buffer> {
  return rawPipeline(raw).png(PNG_OPTIONS).toBuffer();
}

/**
 * Encodes the images the tools make from an image (zoomed and cropped views, drawn lines) with
 * thinkgym's own PNG encoder (`core/png-encode.ts`, dynamic Huffman codes), on the calling thread.
 * On rendered charts and their views (flat colour and anti-aliased edges) its files are about the
 * size of zlib level 6's, and the same bytes on every machine; and no libvips thread takes part,
 * so a long run's native heap stays flat (`bench/peak-memory-chart.ts`).
 */
export function encodeToolPng(raw: RawImage): Buffer {
  return encodePngPixels(raw.width, raw.height, { kind: 'rgb' }, raw.data, 'dynamic');
}

/** PNG encoding of the views `extractPng` shrinks through libvips (see there). */
export const VIEW_PNG_OPTIONS = { compressionLevel: 3, palette: false, adaptiveFiltering: false } as const;

/**
 * The kernel `zoom_in` resamples with: Keys' cubic (Catmull-Rom), chosen on measurement
 * (`bench/zoom-kernels.ts`, recorded in docs/IMAGE-TOOLS.md): chart labels read under OCR as well
 * as with Lanczos-3 and better than with linear or nearest, at about a third of Lanczos-3's cost.
 */
export const ZOOM_KERNEL: ResampleKernel = 'cubic';

/**
 * Cuts `region` out of `raw`, optionally resampled to `width` x `height` ({@link ZOOM_KERNEL} by
 * default), and encodes it as PNG. Crops and enlargements are plain TypeScript on the decoded
 * pixels (`resample.ts`) encoded by {@link encodeToolPng}. Reductions (a zoom capped below 1x on a
 * region over 2048 pixels, `MAX_ZOOM_SIDE`) go through libvips' reducer with the same kernel, many
 * times faster there for wide kernels, and its encoder at {@link VIEW_PNG_OPTIONS}.
 */
export function extractPng(
  raw: RawImage,
  region: PixelRegion,
  size?: { width: number; height: number },
  kernel: ResampleKernel = ZOOM_KERNEL,
): Promise<Buffer> {
  if (size !== undefined && (size.width < region.width || size.height < region.height)) {
    return rawPipeline(raw).extract(region).resize(size.width, size.height, { kernel, fit: 'fill' }).png(VIEW_PNG_OPTIONS).toBuffer();
  }
  // The view is encoded at once, so its pixels can live in the resampler's kept buffer.
  const view = size === undefined ? cropRaw(raw, region, true) : resampleRegion(raw, region, size.width, size.height, kernel, true);
  return Promise.resolve(encodeToolPng(view));
}

/**
 * Default size of a {@link PixelCache}: 64 MiB, about twenty 1024 x 1024 images, which covers the
 * images of the episodes in flight (each works on its chart and the few images its tools made), so
 * memory stays flat over a long run instead of keeping the pixels of finished episodes.
 */
export const DEFAULT_PIXEL_CACHE_BYTES = 64 * 1024 * 1024;

/** Options of {@link PixelCache}. */
export type PixelCacheOptions = DecodeCacheOptions;

/**
 * Decoded pixels kept per image sha256, least recently used dropped first (a {@link DecodeCache}
 * of RGB). An env that owns its cache (chart-v0) clears it per episode and on close.
 */
export class PixelCache extends DecodeCache<RawImage> implements PixelSource {
  constructor(options: PixelCacheOptions = {}) {
    super(decodeImage, DEFAULT_PIXEL_CACHE_BYTES, options);
  }

  raw(ref: ImageRef, images: ImageStore): Promise<RawImage> {
    return this.decoded(ref, images);
  }
}

/** The process-wide cache the image tools use unless given another. */
export const sharedPixelCache = new PixelCache();

/** An RGB colour. */
export type Rgb = readonly [number, number, number];

/**
 * A copy of `raw` with a straight line painted across the whole image: `rows` of pixels when
 * horizontal, columns when vertical. Rows/columns outside the image are skipped.
 */
export function paintLine(raw: RawImage, orientation: 'horizontal' | 'vertical', start: number, thickness: number, color: Rgb): RawImage {
  const data = Buffer.from(raw.data);
  const { width, height, channels } = raw;
  const [red, green, blue] = color;
  for (let offset = 0; offset < thickness; offset += 1) {
    const line = start + offset;
    if (orientation === 'horizontal') {
      if (line < 0 || line >= height) continue;
      for (let x = 0; x < width; x += 1) {
        const index = (line * width + x) * channels;
        data[index] = red;
        data[index + 1] = green;
        data[index + 2] = blue;
      }
    } else {
      if (line < 0 || line >= width) continue;
      for (let y = 0; y < height; y += 1) {
        const index = (y * width + line) * channels;
        data[index] = red;
        data[index + 1] = green;
        data[index + 2] = blue;
      }
    }
  }
  return { data, width, height, channels };
}
