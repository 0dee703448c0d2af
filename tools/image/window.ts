import sharp from 'sharp';
import type { ImageStore } from '../../core/image-store.js';
import type { PixelRegion } from './frame.js';
import { type SampleSource, type Samples, sharedSampleCache } from './samples.js';
import type { ImageToolState } from './state.js';
import type { RegionRenderer } from './zoom-in.js';

/**
 * Display windowing of high-bit-depth images, as radiology viewers do it: stored samples are mapped
 * to the image's own units (`value = stored × slope + intercept`, e.g. Hounsfield units for CT),
 * then a window `center ± width/2` in those units is stretched over the 256 grey levels a model
 * sees; values below go black, values above white (DICOM PS3.3 C.11.2.1.2, linear function).
 */

/** How stored samples map to the image's own units. */
export interface Calibration {
  readonly slope: number;
  readonly intercept: number;
  /** Name of the units, e.g. `HU`, `intensity`, `grey level`. */
  readonly unit: string;
}

/** A display window in the image's own units. */
export interface DisplayWindow {
  readonly center: number;
  /** At least 1. */
  readonly width: number;
}

/** The identity calibration of plain images (units are the stored values). */
export const RAW_CALIBRATION: Calibration = { slope: 1, intercept: 0, unit: 'grey level' };

/**
 * State of envs whose images are windowed scans: `image` is the stored scan (8- or 16-bit PNG),
 * `window` the display window every later image is rendered with.
 */
export interface WindowedImageState extends ImageToolState {
  readonly calibration: Calibration;
  /** The window images are shown with now; `adjust_window` changes it. */
  window: DisplayWindow;
  /** The window the episode started with (the file's own, or the generator's). */
  readonly defaultWindow: DisplayWindow;
}

/** The whole-image region of a size. */
export function fullRegion(size: { readonly width: number; readonly height: number }): PixelRegion {
  return { left: 0, top: 0, width: size.width, height: size.height };
}

/** The size an image of `width` x `height` is shown at when its long side is `longSide` (never enlarged). */
export function fitLongSide(width: number, height: number, longSide: number): { width: number; height: number } {
  const scale = Math.min(1, longSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** The display level (0..255) of a value in the image's units under `window` (DICOM linear VOI). */
export function windowLevel(value: number, window: DisplayWindow): number {
  const width = Math.max(1, window.width);
  const low = window.center - 0.5 - (width - 1) / 2;
  const high = window.center - 0.5 + (width - 1) / 2;
  if (value <= low) return 0;
  if (value > high) return 255;
  if (width === 1) return 255;
  return Math.round(((value - (window.center - 0.5)) / (width - 1) + 0.5) * 255);
}

/** A lookup table from every stored sample value (0..2^bits - 1) to its display level. */
export function windowTable(bits: 8 | 16, calibration: Calibration, window: DisplayWindow): Uint8Array {
  const table = new Uint8Array(2 ** bits);
  for (let stored = 0; stored < table.length; stored += 1) {
    table[stored] = windowLevel(stored * calibration.slope + calibration.intercept, window);
  }
  return table;
}

/** The display levels of `region` of `samples` under `window`, one byte per sample, same channels. */
export function windowRegion(samples: Samples, calibration: Calibration, window: DisplayWindow, region: PixelRegion): Buffer {
  const table = windowTable(samples.bits, calibration, window);
  const { channels, width } = samples;
  const out = Buffer.alloc(region.width * region.height * channels);
  const rowLength = region.width * channels;
  const data = samples.data;
  for (let row = 0; row < region.height; row += 1) {
    const from = ((region.top + row) * width + region.left) * channels;
    const to = row * rowLength;
    for (let index = 0; index < rowLength; index += 1) out[to + index] = table[data[from + index] as number] as number;
  }
  return out;
}

/** PNG options of windowed views: lossless and deterministic; level 3 because scan noise barely compresses further. */
export const WINDOWED_PNG_OPTIONS = { compressionLevel: 3, palette: false, adaptiveFiltering: false } as const;

/**
 * Renders `region` of `samples` through `window` as an 8-bit PNG (grey for grey samples), at `size`
 * when given. Resampling (Lanczos) happens on the stored values, then the window maps them to grey
 * levels, as a viewer applies its VOI LUT at display: so a 4096-pixel scan is windowed at the size
 * shown, not at full size. Same inputs, same bytes.
 */
export async function renderWindowed(
  samples: Samples,
  calibration: Calibration,
  window: DisplayWindow,
  region: PixelRegion,
  size?: { readonly width: number; readonly height: number },
): Promise<Buffer> {
  const { channels } = samples;
  let levels: Buffer;
  let shown: { width: number; height: number } = { width: region.width, height: region.height };
  if (size === undefined || (size.width === region.width && size.height === region.height)) {
    levels = windowRegion(samples, calibration, window, region);
  } else {
    const resampled = await sharp(samples.data, { raw: { width: samples.width, height: samples.height, channels } })
      .toColourspace(channels === 1 ? 'grey16' : 'rgb16')
      .extract(region)
      .resize(size.width, size.height, { kernel: 'lanczos3', fit: 'fill' })
      .raw({ depth: 'ushort' })
      .toBuffer();
    // Lanczos may overshoot an 8-bit source past 255; the 16-bit table maps any value.
    const table = windowTable(16, calibration, window);
    levels = Buffer.alloc(resampled.length / 2);
    for (let index = 0; index < levels.length; index += 1) levels[index] = table[resampled.readUInt16LE(index * 2)] as number;
    shown = { width: size.width, height: size.height };
  }
  return sharp(levels, { raw: { width: shown.width, height: shown.height, channels } })
    .png(WINDOWED_PNG_OPTIONS)
    .toBuffer();
}

/** Says a window in words, e.g. `center 40, width 400 HU`. */
export function describeWindow(window: DisplayWindow, calibration: Calibration): string {
  return `center ${round(window.center)}, width ${round(window.width)} ${calibration.unit}`;
}

/**
 * The region renderer `zoom_in` uses for windowed scans: it reads the stored samples of the
 * state's image (through `source`, the shared sample cache by default) and windows them with the
 * state's current window.
 */
export function createWindowedRenderer<State extends WindowedImageState>(source: SampleSource = sharedSampleCache): RegionRenderer<State> {
  return {
    async render(state: State, region: PixelRegion, size: { width: number; height: number }, images: ImageStore): Promise<Buffer> {
      const samples = await source.samples(state.image, images);
      return renderWindowed(samples, state.calibration, state.window, region, size);
    },
    describe(state: State): string {
      return `Shown with window ${describeWindow(state.window, state.calibration)}.`;
    },
  };
}

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}
