import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { GymError } from '../../core/errors.js';
import { stableJson } from '../../core/stable-json.js';
import type { FfmpegBinary } from './ffmpeg.js';
import { FrameRenderer } from './render.js';
import { SCENARIO_VERSION, type Scenario } from './scenario.js';

/**
 * Encoding generated videos, with a cache. A video is encoded once per (scenario version, seed,
 * format, ffmpeg build) into `<cacheDir>/<key>.mp4`. ffmpeg writes `<key>.<pid>.partial.mp4`, which
 * is renamed only after ffmpeg exits cleanly, so a killed encode never leaves a usable half file;
 * partial files of processes that no longer run are removed the next time that video is encoded.
 */

/** The default cache folder: `$XDG_CACHE_HOME/thinkgym/video`, else `~/.cache/thinkgym/video`. */
export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME;
  return join(base !== undefined && base !== '' ? base : join(homedir(), '.cache'), 'thinkgym', 'video');
}

/** Keyframe interval in seconds: a seek decodes at most this much video. */
export const KEYFRAME_SECONDS = 5;

/** What decides a cached video's bytes. */
export interface VideoKey {
  readonly seed: number;
  readonly scenario: Scenario;
  readonly ffmpeg: FfmpegBinary;
}

/** Options of {@link encodeVideo}. */
export interface EncodeOptions {
  readonly cacheDir: string;
  /** Called with the ffmpeg child once it runs (tests use it to kill an encode midway). */
  readonly onSpawn?: (child: ChildProcess) => void;
}

/** What {@link encodeVideo} did. */
export interface EncodedVideo {
  readonly path: string;
  /** False when the file came from the cache. */
  readonly encoded: boolean;
  /** Milliseconds spent encoding (0 from the cache). */
  readonly milliseconds: number;
}

const inFlight = new Map<string, Promise<EncodedVideo>>();

/** The cache file name (without folder) of a video. */
export function cacheName(key: VideoKey): string {
  const identity = stableJson({
    scenarioVersion: SCENARIO_VERSION,
    seed: key.seed,
    format: key.scenario.format,
    encoder: key.ffmpeg.encoder,
    ffmpeg: key.ffmpeg.version,
  });
  return `video-${createHash('sha256').update(identity).digest('hex').slice(0, 32)}.mp4`;
}

/** The path of the encoded video, encoding it when the cache does not hold it. */
export function encodeVideo(key: VideoKey, options: EncodeOptions): Promise<EncodedVideo> {
  const path = join(options.cacheDir, cacheName(key));
  if (isFile(path)) return Promise.resolve({ path, encoded: false, milliseconds: 0 });
  const running = inFlight.get(path);
  if (running !== undefined) return running;
  const job = encodeInto(key, path, options).finally(() => inFlight.delete(path));
  inFlight.set(path, job);
  return job;
}

async function encodeInto(key: VideoKey, path: string, options: EncodeOptions): Promise<EncodedVideo> {
  const started = performance.now();
  try {
    mkdirSync(options.cacheDir, { recursive: true });
  } catch (error) {
    throw new GymError('video-cache', `Cannot create the video cache folder ${options.cacheDir}; pass cacheDir=<writable folder>.`, {
      cause: error,
    });
  }
  removeStalePartials(path);
  const partial = path.replace(/\.mp4$/, `.${process.pid}.partial.mp4`);
  const { format } = key.scenario;
  const renderer = new FrameRenderer(key.scenario);
  await renderer.prepare();
  const gop = Math.max(1, Math.round(KEYFRAME_SECONDS * format.fps));
  const codec =
    key.ffmpeg.encoder === 'libx264'
      ? ['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '20', '-x264-params', `keyint=${gop}:min-keyint=${gop}:scenecut=0`]
      : ['-c:v', 'mpeg4', '-q:v', '3'];
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-s',
    `${format.width}x${format.height}`,
    '-r',
    String(format.fps),
    '-i',
    'pipe:0',
    ...codec,
    '-g',
    String(gop),
    '-pix_fmt',
    'yuv420p',
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    partial,
  ];
  const child = spawn(key.ffmpeg.path, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  options.onSpawn?.(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  let writeError: unknown;
  try {
    const stdin = child.stdin;
    if (stdin === null) throw new Error('ffmpeg has no stdin');
    stdin.on('error', (error) => {
      writeError = error;
    });
    for (let index = 0; index < format.frames; index += 1) {
      if (writeError !== undefined || child.exitCode !== null || child.signalCode !== null) break;
      if (!stdin.write(renderer.frame(index))) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            stdin.off('drain', done);
            child.off('close', done);
            resolve();
          };
          stdin.once('drain', done);
          child.once('close', done);
        });
      }
    }
    stdin.end();
    const { code, signal } = await exited;
    if (code !== 0) {
      throw new GymError(
        'video-encode',
        `ffmpeg (${key.ffmpeg.path}) failed to encode the video (${signal === null ? `exit ${code}` : `killed by ${signal}`}): ${stderr.trim() || 'no message'}`,
      );
    }
    renameSync(partial, path);
  } catch (error) {
    rmSync(partial, { force: true });
    child.kill('SIGKILL');
    throw error;
  }
  return { path, encoded: true, milliseconds: performance.now() - started };
}

/** Removes `<name>.<pid>.partial.mp4` files beside `path` whose process is gone. */
function removeStalePartials(path: string): void {
  const folder = path.slice(0, path.lastIndexOf('/'));
  const stem = path.slice(folder.length + 1).replace(/\.mp4$/, '');
  for (const name of readdirSync(folder)) {
    const match = new RegExp(`^${stem}\\.(\\d+)\\.partial\\.mp4$`).exec(name);
    if (match === null) continue;
    const pid = Number(match[1]);
    if (pid !== process.pid && processAlive(pid)) continue;
    rmSync(join(folder, name), { force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
