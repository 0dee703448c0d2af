import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawImage } from '../../tools/image/pixels.js';
import { cropRaw, RESAMPLE_KERNELS, type ResampleKernel, resampleRegion } from '../../tools/image/resample.js';

/** A 97x61 image of mixed content: smooth ramps, hard edges and a noisy patch. */
function testImage(): RawImage {
  const width = 97;
  const height = 61;
  const data = Buffer.alloc(width * height * 3);
  let noise = 12345;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const index = (y * width + x) * 3;
      noise = (noise * 1103515245 + 12345) >>> 0;
      data[index] = (x * 255) / (width - 1);
      data[index + 1] = x > 40 && x < 60 && y > 10 && y < 30 ? 255 : 0;
      data[index + 2] = y > 40 ? noise >>> 24 : (y * 4) % 256;
    }
  }
  return { data, width, height, channels: 3 };
}

function sample(raw: RawImage, x: number, y: number): number[] {
  const index = (y * raw.width + x) * 3;
  return [...raw.data.subarray(index, index + 3)];
}

describe('resampleRegion', () => {
  it('copies the region exactly when the size is unchanged', () => {
    const raw = testImage();
    const region = { left: 5, top: 7, width: 30, height: 20 };
    for (const kernel of RESAMPLE_KERNELS) {
      const out = resampleRegion(raw, region, 30, 20, kernel);
      expect(out.data).toEqual(cropRaw(raw, region).data);
      expect(sample(out, 0, 0)).toEqual(sample(raw, 5, 7));
      expect(sample(out, 29, 19)).toEqual(sample(raw, 34, 26));
    }
  });

  it('repeats each source pixel under nearest at an integer factor', () => {
    const raw = testImage();
    const out = resampleRegion(raw, { left: 10, top: 3, width: 20, height: 15 }, 60, 45, 'nearest');
    for (let y = 0; y < 45; y += 1) {
      for (let x = 0; x < 60; x += 1) expect(sample(out, x, y)).toEqual(sample(raw, 10 + Math.floor(x / 3), 3 + Math.floor(y / 3)));
    }
  });

  it('keeps a flat colour flat with every kernel, enlarging and shrinking', () => {
    const flat: RawImage = { data: Buffer.alloc(40 * 30 * 3, 0), width: 40, height: 30, channels: 3 };
    for (let index = 0; index < flat.data.length; index += 3) flat.data.set([200, 17, 90], index);
    for (const kernel of RESAMPLE_KERNELS) {
      for (const [width, height] of [
        [97, 71],
        [13, 9],
        [40, 61],
      ] as const) {
        const out = resampleRegion(flat, { left: 0, top: 0, width: 40, height: 30 }, width, height, kernel);
        expect([out.width, out.height]).toEqual([width, height]);
        for (let index = 0; index < out.data.length; index += 3) expect([...out.data.subarray(index, index + 3)]).toEqual([200, 17, 90]);
      }
    }
  });

  it('interpolates between pixels under linear: halfway values at 2x', () => {
    const ramp: RawImage = { data: Buffer.alloc(4 * 1 * 3), width: 4, height: 1, channels: 3 };
    ramp.data.set([0, 0, 0, 100, 100, 100, 200, 200, 200, 40, 40, 40]);
    const out = resampleRegion(ramp, { left: 0, top: 0, width: 4, height: 1 }, 8, 1, 'linear');
    // Output centres fall at source positions 0.25, 0.75, 1.25, ...: weights 3/4 and 1/4.
    expect([...out.data.filter((_, index) => index % 3 === 0)]).toEqual([0, 25, 75, 125, 175, 160, 80, 40]);
  });

  it('uses only pixels inside the region', () => {
    const raw = testImage();
    // Column 41 turns green; a region ending at column 41 must not see it.
    const inside = resampleRegion(raw, { left: 30, top: 15, width: 11, height: 10 }, 33, 30, 'lanczos3');
    for (let index = 1; index < inside.data.length; index += 3) expect(inside.data[index]).toBe(0);
  });

  it('gives the same bytes on every call', () => {
    const raw = testImage();
    for (const kernel of RESAMPLE_KERNELS) {
      const first = resampleRegion(raw, { left: 3, top: 2, width: 77, height: 50 }, 190, 131, kernel);
      const second = resampleRegion(raw, { left: 3, top: 2, width: 77, height: 50 }, 190, 131, kernel);
      expect(first.data.equals(second.data)).toBe(true);
    }
  });
});

const PYTHON = '/usr/bin/python3';
const hasPillow = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import PIL'], { stdio: 'ignore' }).status === 0;

/** Pillow's filters of the same definition (its BICUBIC is Keys' a = -0.5 and its BILINEAR the triangle). */
const PILLOW_FILTER: Record<ResampleKernel, string> = { nearest: 'NEAREST', linear: 'BILINEAR', cubic: 'BICUBIC', lanczos3: 'LANCZOS' };

describe.skipIf(!hasPillow)('resampleRegion against Pillow (Debian python3-pil)', () => {
  let folder = '';
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'thinkgym-resample-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it.each([
    [{ left: 10, top: 5, width: 40, height: 30 }, 80, 60],
    [{ left: 0, top: 0, width: 97, height: 61 }, 250, 163],
    [{ left: 20, top: 10, width: 70, height: 50 }, 31, 22],
    [{ left: 7, top: 9, width: 33, height: 21 }, 100, 21],
    [{ left: 5, top: 3, width: 33, height: 21 }, 33, 50],
    [{ left: 4, top: 3, width: 32, height: 20 }, 32, 61],
  ])('matches Pillow within one level: region %o to %ix%i', async (region, width, height) => {
    const raw = testImage();
    const input = join(folder, 'input.raw');
    await writeFile(input, raw.data);
    for (const kernel of RESAMPLE_KERNELS) {
      const output = join(folder, `${kernel}.raw`);
      const script = [
        'import sys',
        'from PIL import Image',
        `image = Image.frombytes("RGB", (${raw.width}, ${raw.height}), open(sys.argv[1], "rb").read())`,
        `box = (${region.left}, ${region.top}, ${region.left + region.width}, ${region.top + region.height})`,
        `out = image.crop(box).resize((${width}, ${height}), Image.${PILLOW_FILTER[kernel]})`,
        'open(sys.argv[2], "wb").write(out.tobytes())',
      ].join('\n');
      const run = spawnSync(PYTHON, ['-c', script, input, output], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const pillow = await readFile(output);
      const ours = resampleRegion(raw, region, width, height, kernel).data;
      expect(ours.length).toBe(pillow.length);
      let worst = 0;
      for (let index = 0; index < ours.length; index += 1) worst = Math.max(worst, Math.abs((ours[index] ?? 0) - (pillow[index] ?? 0)));
      expect(worst, kernel).toBeLessThanOrEqual(kernel === 'nearest' ? 0 : 1);
    }
  });
});
