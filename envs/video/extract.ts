import { spawn } from 'node:child_process';
import { GymError } from '../../core/errors.js';
import type { FfmpegBinary } from './ffmpeg.js';

/**
 * Reading videos through ffmpeg without decoding them whole: {@link probeVideo} reads the header,
 * {@link extractFrame} seeks (`-ss` before `-i`, so ffmpeg jumps to the keyframe before the time and
 * decodes only from there) and returns one frame's RGB pixels. Decoding with one ffmpeg build is
 * deterministic, so the same time gives the same bytes.
 */

/** What a video holds, as ffmpeg reports it. */
export interface VideoProbe {
  /** Seconds. */
  readonly duration: number;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  /** The codec name, e.g. `h264`. */
  readonly codec: string;
}

/** Runs ffmpeg and collects stdout (bytes) and stderr (text). */
export function runFfmpeg(ffmpeg: FfmpegBinary, args: readonly string[]): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg.path, ['-hide_banner', '-nostdin', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-8000);
    });
    child.once('error', (error) =>
      reject(new GymError('ffmpeg-missing', `Cannot run ffmpeg at ${ffmpeg.path} (${error.message}).`, { cause: error })),
    );
    child.once('close', (code) => resolve({ code, stdout: Buffer.concat(chunks), stderr }));
  });
}

/** Duration, frame rate, size and codec of a video; a {@link GymError} (`video-unreadable`) when ffmpeg cannot read it. */
export async function probeVideo(ffmpeg: FfmpegBinary, path: string): Promise<VideoProbe> {
  // `-i` alone prints the header and exits 1 ("no output file"); the header is what we read.
  const { stderr } = await runFfmpeg(ffmpeg, ['-i', path]);
  const duration = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(stderr);
  const stream = /Stream #\d+:\d+[^:]*: Video: (\w+)[^\n]*?, (\d{2,5})x(\d{2,5})[^\n]*?, (\d+(?:\.\d+)?)(k?) (?:fps|tbr)/.exec(stderr);
  if (duration === null || stream === null) {
    const reason =
      stderr
        .split('\n')
        .filter((line) => line.trim() !== '')
        .at(-1) ?? 'no video stream';
    throw new GymError('video-unreadable', `ffmpeg cannot read a video stream from ${path}: ${reason.trim()}`, { data: { path } });
  }
  const seconds = Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3]);
  const fps = Number(stream[4]) * (stream[5] === 'k' ? 1000 : 1);
  return { duration: seconds, fps, width: Number(stream[2]), height: Number(stream[3]), codec: stream[1] ?? '' };
}

/** Options of {@link extractFrame}. */
export interface ExtractOptions {
  /** Scale the frame to this size (real videos are shown at most 640 pixels wide). */
  readonly width: number;
  readonly height: number;
}

/**
 * The RGB pixels (width x height x 3) of the first frame at or after `time` seconds. Throws a
 * {@link GymError} (`video-seek`) when ffmpeg returns no frame (a time past the end).
 */
export async function extractFrame(ffmpeg: FfmpegBinary, path: string, time: number, size: ExtractOptions): Promise<Buffer> {
  const args = [
    '-ss',
    time.toFixed(4),
    '-i',
    path,
    '-an',
    '-sn',
    '-frames:v',
    '1',
    '-vf',
    `scale=${size.width}:${size.height}:flags=bicubic`,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  ];
  const { code, stdout, stderr } = await runFfmpeg(ffmpeg, ['-loglevel', 'error', ...args]);
  const expected = size.width * size.height * 3;
  if (code !== 0 || stdout.length < expected) {
    throw new GymError('video-seek', `ffmpeg returned no frame at ${time.toFixed(3)} s of ${path}: ${stderr.trim() || `exit ${code}`}`, {
      data: { path, time },
    });
  }
  return stdout.subarray(0, expected);
}

/**
 * The RGB pixels of several frames in one ffmpeg run: one seeking input per time, each decoded
 * into its own pipe (file descriptors 3, 4, …), so n frames cost one process and n short seeks.
 */
export function extractFrames(ffmpeg: FfmpegBinary, path: string, times: readonly number[], size: ExtractOptions): Promise<Buffer[]> {
  if (times.length === 0) return Promise.resolve([]);
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error'];
  // One decoding thread per input: each decodes a few frames, and n inputs would otherwise start n thread pools.
  for (const time of times) args.push('-threads', '1', '-ss', time.toFixed(4), '-i', path);
  times.forEach((_, index) => {
    args.push('-map', `${index}:v:0`, '-frames:v', '1', '-vf', `scale=${size.width}:${size.height}:flags=bicubic`);
    args.push('-f', 'rawvideo', '-pix_fmt', 'rgb24', `pipe:${3 + index}`);
  });
  const expected = size.width * size.height * 3;
  return new Promise((resolve, reject) => {
    const stdio: ('ignore' | 'pipe')[] = ['ignore', 'ignore', 'pipe', ...times.map(() => 'pipe' as const)];
    const child = spawn(ffmpeg.path, args, { stdio });
    const chunks: Buffer[][] = times.map(() => []);
    times.forEach((_, index) => {
      const stream = child.stdio[3 + index] as NodeJS.ReadableStream | null;
      stream?.on('data', (chunk: Buffer) => (chunks[index] as Buffer[]).push(chunk));
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.once('error', (error) =>
      reject(new GymError('ffmpeg-missing', `Cannot run ffmpeg at ${ffmpeg.path} (${error.message}).`, { cause: error })),
    );
    child.once('close', (code) => {
      const frames = chunks.map((parts) => Buffer.concat(parts));
      const missing = frames.findIndex((frame) => frame.length < expected);
      if (code !== 0 || missing !== -1) {
        const time = times[Math.max(0, missing)] ?? 0;
        reject(
          new GymError('video-seek', `ffmpeg returned no frame at ${time.toFixed(3)} s of ${path}: ${stderr.trim() || `exit ${code}`}`, {
            data: { path, time },
          }),
        );
        return;
      }
      resolve(frames.map((frame) => frame.subarray(0, expected)));
    });
  });
}

/** Runs `tasks` with at most `limit` at a time, results in order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
