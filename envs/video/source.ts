import type { ImageRef } from '../../core/content.js';
import type { ImageStore } from '../../core/image-store.js';
import { encodePng } from '../../tools/image/pixels.js';
import { extractFrame, extractFrames, mapLimited } from './extract.js';
import type { FfmpegBinary } from './ffmpeg.js';
import { formatTime } from './scenario.js';

/**
 * One video as the env sees it: a file, its frame rate and frame count, and the size frames are
 * shown at. Frames are addressed by index (`time = index / fps`) and fetched by seeking; fetched
 * frames are kept in a small process-wide cache of PNG bytes, so resets of the same seed (and the
 * oracle's replays) do not run ffmpeg again.
 */
export interface VideoSource {
  readonly path: string;
  readonly fps: number;
  readonly frames: number;
  /** Seconds. */
  readonly duration: number;
  /** Size frames are shown at. */
  readonly width: number;
  readonly height: number;
  readonly ffmpeg: FfmpegBinary;
}

/** A frame handed to the model. */
export interface FetchedFrame {
  readonly index: number;
  /** Seconds from the start. */
  readonly time: number;
  readonly image: ImageRef;
}

const FRAME_CACHE_LIMIT = 1024;
const frameCache = new Map<string, Buffer>();

/** The index of the frame shown at `time` seconds (clamped to the video). */
export function frameIndexAt(source: VideoSource, time: number): number {
  return Math.min(source.frames - 1, Math.max(0, Math.floor(time * source.fps + 1e-6)));
}

/** `count` frame indices spread evenly over `[first, last]` (both ends included), distinct. */
export function spreadIndices(first: number, last: number, count: number): number[] {
  if (count <= 1 || last <= first) return [first];
  const indices = Array.from({ length: count }, (_, position) => Math.round(first + ((last - first) * position) / (count - 1)));
  return [...new Set(indices)];
}

/** The `count` opening frames, as FrameThinker samples them: the centres of `count` equal parts of the video. */
export function openingIndices(source: VideoSource, count: number): number[] {
  const indices = Array.from({ length: count }, (_, position) => Math.floor(((position + 0.5) * source.frames) / count));
  return [...new Set(indices.map((index) => Math.min(source.frames - 1, index)))];
}

/**
 * Fetches frames by index and returns their refs. Frames not in the cache are decoded in one ffmpeg
 * run (one seek each); should that fail (a real file that ends before its header says), each is
 * fetched on its own, stepping back towards the last decodable frame.
 */
export async function fetchFrames(source: VideoSource, indices: readonly number[], images: ImageStore): Promise<FetchedFrame[]> {
  const keys = indices.map((index) => `${source.path}\0${source.width}x${source.height}\0${index}`);
  const missing = [...new Set(indices.filter((_, position) => !frameCache.has(keys[position] as string)))];
  if (missing.length > 0) {
    const size = { width: source.width, height: source.height };
    let pixels: Buffer[];
    try {
      pixels = await extractFrames(
        source.ffmpeg,
        source.path,
        missing.map((index) => seekTime(source, index)),
        size,
      );
    } catch {
      pixels = await mapLimited(missing, 2, (index) => extractNear(source, index));
    }
    const pngs = await Promise.all(pixels.map((data) => encodePng({ data, width: source.width, height: source.height, channels: 3 })));
    for (const [position, index] of missing.entries()) {
      remember(`${source.path}\0${source.width}x${source.height}\0${index}`, pngs[position] as Buffer);
    }
  }
  const frames: FetchedFrame[] = [];
  for (const [position, index] of indices.entries()) {
    const key = keys[position] as string;
    const png = frameCache.get(key) as Buffer;
    remember(key, png);
    frames.push({ index, time: index / source.fps, image: await images.put(png) });
  }
  return frames;
}

/** A quarter frame early: ffmpeg keeps the first frame whose time is at or after the seek point. */
function seekTime(source: VideoSource, index: number): number {
  return Math.max(0, (index - 0.25) / source.fps);
}

async function extractNear(source: VideoSource, index: number): Promise<Buffer> {
  let time = seekTime(source, index);
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await extractFrame(source.ffmpeg, source.path, time, { width: source.width, height: source.height });
    } catch (error) {
      if (attempt >= 3 || time === 0) throw error;
      time = Math.max(0, time - 0.5);
    }
  }
}

function remember(key: string, png: Buffer): void {
  frameCache.delete(key);
  frameCache.set(key, png);
  if (frameCache.size > FRAME_CACHE_LIMIT) frameCache.delete(frameCache.keys().next().value as string);
}

/** The label put before a frame: `frame 83 at 1:23 (83 s):`. */
export function frameLabel(frame: FetchedFrame): string {
  return `frame ${frame.index} at ${formatTime(frame.time)} (${round(frame.time)} s):`;
}

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}
