import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryImageStore } from '../core/image-store.js';
import { Random } from '../core/random.js';
import { encodeVideo } from '../envs/video/encode.js';
import { findFfmpeg } from '../envs/video/ffmpeg.js';
import { generateScenario } from '../envs/video/scenario.js';
import { fetchFrames, spreadIndices, type VideoSource } from '../envs/video/source.js';
import type { BenchRow, BenchRun } from './report.js';

/**
 * video-v0 frame access on a 60-minute, 1 fps, 448x252 generated video:
 * - the encode itself (frames drawn with sharp sprites, piped to ffmpeg);
 * - ms to fetch 8 frames spread over the whole video the way choose_frames does (one ffmpeg run,
 *   one seek per frame), against decoding the span sequentially to pick the same 8 frames
 *   (ffmpeg's select filter over every frame). Each fetch asks for frames not fetched before, so
 *   the env's frame cache never answers; the median of 5 runs is reported.
 */
export const run: BenchRun = async () => {
  const ffmpeg = findFfmpeg();
  const folder = mkdtempSync(join(tmpdir(), 'thinkgym-bench-video-'));
  try {
    const format = { width: 448, height: 252, fps: 1, frames: 3600 };
    const scenario = generateScenario(new Random(1), format);
    const encoded = await encodeVideo({ seed: 1, scenario, ffmpeg }, { cacheDir: folder });
    const source: VideoSource = { path: encoded.path, fps: 1, frames: 3600, duration: 3600, width: 448, height: 252, ffmpeg };
    const seeks: number[] = [];
    const sequential: number[] = [];
    const selected: number[] = [];
    for (let repeat = 0; repeat < 5; repeat += 1) {
      const indices = spreadIndices(repeat * 7, 3599 - repeat * 11, 8);
      const started = performance.now();
      await fetchFrames(source, indices, new MemoryImageStore());
      seeks.push(performance.now() - started);
      sequential.push(await decodeSpan(source, indices, 'reader'));
      selected.push(await decodeSpan(source, indices, 'select'));
    }
    const seek = median(seeks);
    const span = median(sequential);
    const select = median(selected);
    const rows: BenchRow[] = [
      { name: 'encode a 60-min 1 fps 448x252 video', value: encoded.milliseconds / 1000, unit: 's', higherIsBetter: false },
      {
        name: 'fetch 8 frames over 60 min (seek)',
        value: seek,
        unit: 'ms',
        baseline: { name: 'decode the span sequentially to RGB', value: span },
        higherIsBetter: false,
      },
      {
        name: 'fetch 8 frames over 60 min (seek)',
        value: seek,
        unit: 'ms',
        baseline: { name: 'decode the span, convert only the 8', value: select },
        higherIsBetter: false,
      },
    ];
    return {
      title: 'video-v0',
      rows,
      notes: [
        `${ffmpeg.version.split(' Copyright')[0]} (${ffmpeg.source}), encoder ${ffmpeg.encoder}, keyframe every 5 s; file ${(statSync(encoded.path).size / 1e6).toFixed(1)} MB`,
        `seek fetch includes PNG encoding and storing; goal: under 500 ms and at least 20x faster than sequential decoding (ratios ${(span / seek).toFixed(1)}x and ${(select / seek).toFixed(1)}x)`,
      ],
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
};

/**
 * Milliseconds to decode the video from the first to the last index and keep the frames at
 * `indices`: `reader` converts every decoded frame to RGB and keeps the wanted ones (what a
 * frame-by-frame reader such as OpenCV's or decord's sequential read does); `select` lets ffmpeg's
 * select filter drop the others before conversion (the cheapest sequential decode).
 */
async function decodeSpan(source: VideoSource, indices: readonly number[], mode: 'reader' | 'select'): Promise<number> {
  const first = indices[0] ?? 0;
  const last = indices.at(-1) ?? 0;
  const select = indices.map((index) => `eq(n\\,${index - first})`).join('+');
  const filter = mode === 'select' ? ['-vf', `select='${select}'`, '-vsync', '0'] : [];
  const frameBytes = source.width * source.height * 3;
  const args = [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-ss',
    (first / source.fps).toFixed(3),
    '-i',
    source.path,
    '-t',
    ((last - first + 1) / source.fps).toFixed(3),
    ...filter,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  ];
  const started = performance.now();
  // Stream the output and keep only the wanted frames, as a reader would (no whole-span buffer).
  const wanted = new Set(mode === 'select' ? indices.map((_, position) => position) : indices.map((index) => index - first));
  const kept = await new Promise<number>((resolve, reject) => {
    const child = spawn(source.ffmpeg.path, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let offset = 0;
    let bytes = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      const frame = Math.floor(offset / frameBytes);
      const endFrame = Math.floor((offset + chunk.length - 1) / frameBytes);
      for (let index = frame; index <= endFrame; index += 1) {
        if (!wanted.has(index)) continue;
        const from = Math.max(offset, index * frameBytes);
        const to = Math.min(offset + chunk.length, (index + 1) * frameBytes);
        bytes += to - from;
      }
      offset += chunk.length;
    });
    child.once('error', reject);
    child.once('close', () => resolve(bytes));
  });
  const elapsed = performance.now() - started;
  if (kept !== indices.length * frameBytes)
    throw new Error(`sequential decode (${mode}) kept ${kept} bytes, expected ${indices.length * frameBytes}`);
  return elapsed;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
