import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ImageRef } from '../../core/content.js';
import type { Env, StepResult } from '../../core/env.js';
import { GymError } from '../../core/errors.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { Random } from '../../core/random.js';
import { registry } from '../../core/registry.js';
import '../../envs/index.js';
import { cacheName, encodeVideo } from '../../envs/video/encode.js';
import { extractFrame, probeVideo } from '../../envs/video/extract.js';
import { FFMPEG_VARIABLE, findFfmpeg } from '../../envs/video/ffmpeg.js';
import { readCode } from '../../envs/video/render.js';
import {
  appearanceAt,
  COLOUR_NAMES,
  colourAt,
  generateScenario,
  OBJECT_COLOURS,
  objectSize,
  positionAt,
} from '../../envs/video/scenario.js';
import { parseTime, scoreAnswer } from '../../envs/video/score.js';
import { decodeImage } from '../../tools/image/pixels.js';

const root = mkdtempSync(join(tmpdir(), 'thinkgym-video-'));
const cacheDir = join(root, 'cache');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ffmpeg = findFfmpeg();

async function decoded(images: MemoryImageStore, ref: ImageRef): Promise<{ data: Buffer; width: number; height: number }> {
  return decodeImage(await images.get(ref.sha256));
}

function images(result: StepResult | { observation: StepResult['observation'] }): ImageRef[] {
  return result.observation.flatMap((part) => (part.type === 'image' ? [part.image] : []));
}

async function makeVideoEnv(options: Record<string, unknown> = {}): Promise<{ env: Env; store: MemoryImageStore }> {
  const store = new MemoryImageStore();
  const env = await registry.makeEnv('video-v0', { images: store, options: { cacheDir, ...options } });
  return { env, store };
}

describe('video-v0 seeking', () => {
  it('returns for time t the frame rendered for t: the frame code and an object colour read back from pixels', async () => {
    const format = { width: 448, height: 252, fps: 2, frames: 240 };
    const scenario = generateScenario(new Random(11), format);
    const video = await encodeVideo({ seed: 11, scenario, ffmpeg }, { cacheDir });
    const probe = await probeVideo(ffmpeg, video.path);
    expect(probe).toMatchObject({ width: 448, height: 252, fps: 2, duration: 120 });
    const size = objectSize(format);
    let coloursChecked = 0;
    for (const index of [0, 1, 2, 57, 58, 119, 120, 181, 238, 239]) {
      const pixels = await extractFrame(ffmpeg, video.path, Math.max(0, (index - 0.25) / format.fps), { width: 448, height: 252 });
      expect(readCode(pixels, 448, 252)).toBe(index);
      const visible = scenario.objects.filter((object) => appearanceAt(object, index) !== undefined);
      for (const object of visible) {
        const [left, top] = positionAt(appearanceAt(object, index) as never, index);
        const overlaps = visible.some((other) => {
          if (other === object) return false;
          const [x, y] = positionAt(appearanceAt(other, index) as never, index);
          return Math.abs(x - left) < size && Math.abs(y - top) < size;
        });
        const nearSign = index >= scenario.sign.start && index < scenario.sign.end;
        if (overlaps || nearSign) continue;
        const offset = ((top + Math.round(size * 0.8)) * 448 + left + Math.round(size / 2)) * 3;
        const seen = [pixels[offset], pixels[offset + 1], pixels[offset + 2]] as number[];
        const nearest = COLOUR_NAMES.reduce((best, name) =>
          distance(OBJECT_COLOURS[name], seen) < distance(OBJECT_COLOURS[best], seen) ? name : best,
        );
        expect(nearest, `frame ${index}, object ${object.label}`).toBe(colourAt(object, index));
        coloursChecked += 1;
      }
    }
    expect(coloursChecked).toBeGreaterThan(3);
  }, 60_000);

  it('get_frame and choose_frames show the frames of the times asked, labelled with those times', async () => {
    const { env, store } = await makeVideoEnv({ minutes: 1, fps: 2 });
    const reset = await env.reset({ seed: 5 });
    const opening = images(reset);
    expect(opening).toHaveLength(8);
    const codes = await Promise.all(opening.map(async (ref) => readCode((await decoded(store, ref)).data, ref.width, ref.height)));
    expect(codes).toEqual([7, 22, 37, 52, 67, 82, 97, 112]);
    const single = await env.step({ type: 'tool_call', name: 'get_frame', arguments: { time: 33.7 } });
    const [frame] = images(single);
    expect(readCode((await decoded(store, frame as ImageRef)).data, 448, 252)).toBe(67);
    expect(single.observation.some((part) => part.type === 'text' && part.text.includes('frame 67 at 0:33'))).toBe(true);
    const span = await env.step({ type: 'tool_call', name: 'choose_frames', arguments: { start: 10, end: 24 } });
    const spanCodes = await Promise.all(images(span).map(async (ref) => readCode((await decoded(store, ref)).data, 448, 252)));
    expect(spanCodes).toEqual([20, 24, 28, 32, 36, 40, 44, 48]);
    expect(span.info.extra).toMatchObject({ framesSeen: 17, frameBudget: 64, chooseFrames: 1, timeQueries: 1 });
    expect(span.info.extra?.ffmpeg).toMatchObject({ source: ffmpeg.source, version: ffmpeg.version });
    await env.close?.();
  }, 60_000);

  it('refuses a repeated span, a span of too few frames and frames past the budget, as tool errors', async () => {
    const { env } = await makeVideoEnv({ minutes: 1, frameBudget: 18 });
    await env.reset({ seed: 2 });
    const first = await env.step({ type: 'tool_call', name: 'choose_frames', arguments: { start: 0, end: 30 } });
    expect(first.info.invalid).toBeUndefined();
    const again = await env.step({ type: 'tool_call', name: 'choose_frames', arguments: { start: 0, end: 30.5 } });
    expect(again.info.invalid?.message).toMatch(/already chose frames/);
    const short = await env.step({ type: 'tool_call', name: 'choose_frames', arguments: { start: 10, end: 17 } });
    expect(short.info.invalid?.message).toMatch(/holds only 8 frames/);
    await env.step({ type: 'tool_call', name: 'get_frame', arguments: { time: 40 } });
    await env.step({ type: 'tool_call', name: 'get_frame', arguments: { time: 41 } });
    const spent = await env.step({ type: 'tool_call', name: 'get_frame', arguments: { time: 42 } });
    expect(spent.info.invalid?.message).toMatch(/frame budget is spent \(18 of 18/);
    const late = await env.step({ type: 'tool_call', name: 'video_info', arguments: {} });
    expect(late.observation[0]).toMatchObject({ type: 'text', text: expect.stringContaining('60 frames, numbered 0..59') });
  }, 60_000);
});

describe('video cache', () => {
  const format = { width: 320, height: 180, fps: 1, frames: 900 };
  const scenario = generateScenario(new Random(21), format);
  const key = { seed: 21, scenario, ffmpeg };
  const killedDir = join(root, 'killed');

  it('a killed encode leaves no usable file, and the next run encodes again and is right', async () => {
    const attempt = encodeVideo(key, {
      cacheDir: killedDir,
      onSpawn: (child) => {
        setTimeout(() => child.kill('SIGKILL'), 150);
      },
    });
    await expect(attempt).rejects.toThrow(/killed by SIGKILL|failed to encode/);
    const final = join(killedDir, cacheName(key));
    expect(existsSync(final)).toBe(false);
    expect(readdirSync(killedDir).filter((name) => name.endsWith('.mp4'))).toEqual([]);
    const again = await encodeVideo(key, { cacheDir: killedDir });
    expect(again).toMatchObject({ path: final, encoded: true });
    const last = await extractFrame(ffmpeg, final, 898.75, { width: 320, height: 180 });
    expect(readCode(last, 320, 180)).toBe(899);
    const cached = await encodeVideo(key, { cacheDir: killedDir });
    expect(cached).toEqual({ path: final, encoded: false, milliseconds: 0 });
  }, 60_000);

  it('never uses the half file of a run that died, and removes it', async () => {
    const folder = join(root, 'died');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    const small = generateScenario(new Random(3), { width: 256, height: 144, fps: 1, frames: 30 });
    const smallKey = { seed: 3, scenario: small, ffmpeg };
    const name = cacheName(smallKey);
    const half = join(folder, name.replace(/\.mp4$/, `.${deadPid}.partial.mp4`));
    await encodeVideo(smallKey, { cacheDir: folder }).then((video) => rmSync(video.path));
    writeFileSync(half, Buffer.alloc(1000, 7));
    const video = await encodeVideo(smallKey, { cacheDir: folder });
    expect(video.encoded).toBe(true);
    expect(existsSync(half)).toBe(false);
    expect(readCode(await extractFrame(ffmpeg, video.path, 12.75, { width: 256, height: 144 }), 256, 144)).toBe(13);
  }, 60_000);
});

describe('ffmpeg lookup', () => {
  it('names the four ways to provide ffmpeg when none is found', () => {
    let error: unknown;
    try {
      findFfmpeg({ env: { PATH: join(root, 'no-such-folder') }, skipPackages: true });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GymError);
    expect((error as GymError).code).toBe('ffmpeg-missing');
    for (const source of [FFMPEG_VARIABLE, 'ffmpeg-static', '@ffmpeg-installer/ffmpeg', 'PATH']) {
      expect((error as Error).message).toContain(source);
    }
  });

  it('refuses a THINKGYM_FFMPEG that does not run, and reports where a working binary came from', () => {
    const broken = join(root, 'not-ffmpeg');
    writeFileSync(broken, '#!/bin/sh\nexit 3\n', { mode: 0o755 });
    expect(() => findFfmpeg({ env: { [FFMPEG_VARIABLE]: broken, PATH: process.env.PATH } })).toThrow(/THINKGYM_FFMPEG=.*does not run/);
    const chosen = findFfmpeg({ env: { [FFMPEG_VARIABLE]: ffmpeg.path, PATH: process.env.PATH } });
    expect(chosen).toMatchObject({ source: 'env', path: ffmpeg.path });
    expect(chosen.version).toMatch(/^ffmpeg version/);
    expect(ffmpeg.source).not.toBe('env');
  });
});

describe('video QA loader', () => {
  const folder = join(root, 'dataset');

  function makeRealVideo(): void {
    // Non-generated content: ffmpeg's own mandelbrot and testsrc sources, 12 s at 10 fps.
    const made = spawnSync(
      ffmpeg.path,
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-i',
        'mandelbrot=size=320x240:rate=10',
        '-t',
        '12',
        '-pix_fmt',
        'yuv420p',
        join(folder, 'mandelbrot.mp4'),
      ],
      { encoding: 'utf8' },
    );
    expect(made.status, made.stderr).toBe(0);
    const bars = spawnSync(
      ffmpeg.path,
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-i',
        'smptebars=size=320x240:rate=5',
        '-t',
        '6',
        '-c:v',
        'mpeg4',
        join(folder, 'bars.mkv'),
      ],
      { encoding: 'utf8' },
    );
    expect(bars.status, bars.stderr).toBe(0);
  }

  it('plays real videos from a JSONL set: frames come from the file, answers are scored', async () => {
    rmSync(folder, { recursive: true, force: true });
    spawnSync('mkdir', ['-p', folder]);
    makeRealVideo();
    const lines = [
      {
        video: 'mandelbrot.mp4',
        question: 'What kind of picture is this?',
        answer: 'B',
        options: ['a face', 'a fractal', 'a map'],
        span: [2, 8],
      },
      { video: 'bars.mkv', question: 'How many seconds long is the clip?', answer: 6 },
    ];
    writeFileSync(join(folder, 'qa.jsonl'), `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    const { env, store } = await makeVideoEnv({ dataset: join(folder, 'qa.jsonl') });
    const reset = await env.reset({ seed: 0 });
    const text = reset.observation.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
    expect(text).toContain('B. a fractal');
    expect(text).toContain('between 2 and 8 s');
    expect(text).toContain('120 frames, numbered 0..119, each 320x240 pixels');
    expect(images(reset)).toHaveLength(8);
    const frame = await env.step({ type: 'tool_call', name: 'get_frame', arguments: { time: 11.9 } });
    const pixels = await decoded(store, images(frame)[0] as ImageRef);
    expect(pixels.width).toBe(320);
    const done = await env.step({ type: 'answer', answer: 'a fractal' });
    expect(done.info).toMatchObject({ success: true, expected: 'B' });
    const second = await env.reset({ seed: 1 });
    expect(second.info.extra).toMatchObject({ source: 'dataset', line: 2 });
    const wrong = await env.step({ type: 'answer', answer: '5' });
    expect(wrong.info.success).toBe(false);
  }, 60_000);

  it('names the line of a missing or undecodable video', async () => {
    writeFileSync(join(folder, 'broken.mp4'), 'this is not a video');
    writeFileSync(
      join(folder, 'missing.jsonl'),
      '{"video":"mandelbrot.mp4","question":"q","answer":"a"}\n{"video":"gone.mp4","question":"q","answer":"a"}\n',
    );
    writeFileSync(join(folder, 'broken.jsonl'), '\n{"video":"broken.mp4","question":"q","answer":"a"}\n');
    await expect(makeVideoEnv({ dataset: join(folder, 'missing.jsonl') })).rejects.toThrow(
      /missing\.jsonl:2: the video .*gone\.mp4 does not exist/,
    );
    await expect(makeVideoEnv({ dataset: join(folder, 'broken.jsonl') })).rejects.toThrow(
      /broken\.jsonl:2: ffmpeg cannot decode the video/,
    );
  }, 60_000);
});

describe('video answers', () => {
  it('reads times as seconds or clock times and scores them within the tolerance', () => {
    expect(parseTime('83')).toBe(83);
    expect(parseTime('83.5 s')).toBe(83.5);
    expect(parseTime('1:23')).toBe(83);
    expect(parseTime('1:02:03')).toBe(3723);
    expect(parseTime('soon')).toBeUndefined();
    const gold = { type: 'time', seconds: 100, tolerance: 5 } as const;
    expect(scoreAnswer('1:45', gold)).toBe(1);
    expect(scoreAnswer('106', gold)).toBe(0);
    expect(scoreAnswer('95 seconds', gold)).toBe(1);
  });

  it('scores choices by letter or option text, counts and words', () => {
    const choice = { type: 'choice', letter: 'C', options: ['x', 'y', 'z then w'] } as const;
    expect(scoreAnswer('C', choice)).toBe(1);
    expect(scoreAnswer('(c)', choice)).toBe(1);
    expect(scoreAnswer('C. z then w', choice)).toBe(1);
    expect(scoreAnswer('z then w', choice)).toBe(1);
    expect(scoreAnswer('B', choice)).toBe(0);
    expect(scoreAnswer('three', { type: 'count', value: 3 })).toBe(1);
    expect(scoreAnswer('4 times', { type: 'count', value: 3 })).toBe(0);
    expect(scoreAnswer('3.0', { type: 'count', value: 3 })).toBe(1);
    expect(scoreAnswer('3.5', { type: 'count', value: 3 })).toBe(0);
    expect(scoreAnswer(' Lantern. ', { type: 'word', value: 'LANTERN' })).toBe(1);
  });
});

function distance(a: readonly number[], b: readonly number[]): number {
  return a.reduce((sum, value, index) => sum + (value - (b[index] ?? 0)) ** 2, 0);
}
