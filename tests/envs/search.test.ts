import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../agents/episode.js';
import { OraclePolicy } from '../../agents/policies/oracle.js';
import { checkEnv } from '../../core/check-env.js';
import { type Content, contentImages, contentText, type ImageRef } from '../../core/content.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { Random } from '../../core/random.js';
import { makeEnv } from '../../core/registry.js';
import '../../envs/index.js';
import { zoomPicture } from '../../envs/search/env.js';
import { areaDownscale, type RgbImage, renderOverview, renderRegion } from '../../envs/search/render.js';
import { generateScene, resolveSettings, type SearchScene, SQUARE_GREY, type Square } from '../../envs/search/scene.js';
import { deriveActionSpace } from '../../train/action-space.js';

/** The single image of an observation, decoded to RGB. */
async function decode(images: MemoryImageStore, content: Content): Promise<RgbImage & { ref: ImageRef }> {
  const [ref] = contentImages(content);
  if (ref === undefined) throw new Error(`no image in: ${contentText(content)}`);
  const { data, info } = await sharp(await images.get(ref.sha256))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { ref, width: info.width, height: info.height, pixels: new Uint8Array(data) };
}

/** Variance of the grey (mean of RGB) of the pixels of `picture` in the box, edges excluded. */
function variance(picture: RgbImage, x1: number, y1: number, x2: number, y2: number): number {
  const values: number[] = [];
  for (let y = y1; y < y2; y += 1) {
    for (let x = x1; x < x2; x += 1) {
      const at = (y * picture.width + x) * 3;
      values.push(((picture.pixels[at] as number) + (picture.pixels[at + 1] as number) + (picture.pixels[at + 2] as number)) / 3);
    }
  }
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
}

/** The overview pixels lying wholly inside a square (`scale` = overview side / image side). */
function insideBox(square: Square, scale: number): [number, number, number, number] {
  return [
    Math.ceil(square.x * scale),
    Math.ceil(square.y * scale),
    Math.floor((square.x + square.side) * scale),
    Math.floor((square.y + square.side) * scale),
  ];
}

function flipped(scene: SearchScene): SearchScene {
  return { ...scene, orientation: scene.orientation === 'horizontal' ? 'vertical' : 'horizontal' };
}

describe('search-v0', () => {
  it('passes checkEnv', async () => {
    const images = new MemoryImageStore();
    const env = await makeEnv('search-v0', { images, options: { size: 256 } });
    const report = await checkEnv(env, { images });
    expect(report.usedOracle).toBe(true);
  });

  it('gives the same bytes for the same seed and different images for different seeds', async () => {
    const hashes = async (seed: number): Promise<string[]> => {
      const images = new MemoryImageStore();
      const env = await makeEnv('search-v0', { images });
      const record = await runEpisode(env, new OraclePolicy(), { seed, images });
      const all = [...contentImages(record.task), ...record.steps.flatMap((step) => contentImages(step.observation))];
      return all.map((ref) => ref.sha256);
    };
    const first = await hashes(3);
    expect(first).toHaveLength(2);
    expect(await hashes(3)).toEqual(first);
    const overviews = new Set<string>();
    for (let seed = 0; seed < 6; seed += 1) overviews.add((await hashes(seed))[0] as string);
    expect(overviews.size).toBe(6);
  });

  it('the oracle zooms once and answers right on 50 seeds', async () => {
    const images = new MemoryImageStore();
    const env = await makeEnv('search-v0', { images });
    const answers = new Set<string>();
    for (let seed = 0; seed < 50; seed += 1) {
      const record = await runEpisode(env, new OraclePolicy(), { seed, images });
      expect({ seed, success: record.success, invalid: record.counts.invalidActions, turns: record.steps.length }).toEqual({
        seed,
        success: true,
        invalid: 0,
        turns: 2,
      });
      answers.add(String(record.expected));
    }
    expect([...answers].sort()).toEqual(['horizontal', 'vertical']);
  });

  it('hides the stripes in the overview and shows them in a zoom', async () => {
    for (const options of [{}, { size: 1000, overviewSide: 240 }, { size: 128 }]) {
      const images = new MemoryImageStore();
      const env = await makeEnv('search-v0', { images, options });
      const settings = resolveSettings({ size: 1024, distractors: 2, zoomSide: 512, ...options });
      for (let seed = 0; seed < 4; seed += 1) {
        const reset = await env.reset({ seed });
        const overview = await decode(images, reset.observation);
        expect(overview.width).toBe(settings.overviewSide);
        const scene = generateScene(new Random(seed), settings);
        const scale = settings.overviewSide / settings.size;
        const box = insideBox(scene.target, scale);
        expect(box[2] - box[0]).toBeGreaterThanOrEqual(2);
        expect(variance(overview, ...box)).toBe(0);
        const at = (box[1] * overview.width + box[0]) * 3;
        const distractor = insideBox(scene.distractors[0] as Square, scale);
        const other = (distractor[1] * overview.width + distractor[0]) * 3;
        expect([...overview.pixels.subarray(at, at + 3)]).toEqual([...overview.pixels.subarray(other, other + 3)]);

        const step = await env.oracle().next({ observation: reset.observation, info: reset.info });
        const zoom = await decode(images, (await env.step(step.action)).observation);
        const region = step.action.type === 'tool_call' ? step.action.arguments : {};
        const left = scene.target.x - Number(region.x1);
        const top = scene.target.y - Number(region.y1);
        expect(variance(zoom, left, top, left + scene.target.side, top + scene.target.side)).toBeGreaterThan(10_000);
      }
    }
  });

  it('a plain area average at a scale that is not a multiple of 4 would leave traces of the stripes', () => {
    const settings = resolveSettings({ size: 1000, overviewSide: 240, distractors: 0, zoomSide: 512 });
    let naiveDeviation = 0;
    let overviewDeviation = 0;
    for (let seed = 0; seed < 10; seed += 1) {
      const scene = generateScene(new Random(seed), settings);
      const naive = areaDownscale(renderRegion(scene, { x1: 0, y1: 0, x2: 1000, y2: 1000 }), 240, 240);
      const overview = renderOverview(scene, 240);
      const [x1, y1, x2, y2] = insideBox(scene.target, 0.24);
      for (let y = y1; y < y2; y += 1) {
        for (let x = x1; x < x2; x += 1) {
          naiveDeviation = Math.max(naiveDeviation, Math.abs((naive.pixels[(y * 240 + x) * 3] as number) - SQUARE_GREY));
          overviewDeviation = Math.max(overviewDeviation, Math.abs((overview.pixels[(y * 240 + x) * 3] as number) - SQUARE_GREY));
        }
      }
    }
    expect(naiveDeviation).toBeGreaterThanOrEqual(5);
    expect(overviewDeviation).toBe(0);
  });

  it('a horizontal target differs from a vertical one only after zoom', () => {
    for (const size of [128, 1000, 1024]) {
      const settings = resolveSettings({ size, distractors: 3, zoomSide: 512 });
      const scene = generateScene(new Random(size), settings);
      const other = flipped(scene);
      expect(renderOverview(other, settings.overviewSide).pixels).toEqual(renderOverview(scene, settings.overviewSide).pixels);
      const { x, y, side } = scene.target;
      const region = { x1: x, y1: y, x2: x + side, y2: y + side };
      const zooms = [zoomPicture(scene, region, 512), zoomPicture(other, region, 512)];
      expect(zooms[0]?.pixels).not.toEqual(zooms[1]?.pixels);
      for (const [index, candidate] of [scene, other].entries()) {
        const zoom = zooms[index] as RgbImage;
        const alongRows = variance(zoom, 0, 0, side, 1);
        const alongColumns = variance(zoom, 0, 0, 1, side);
        expect(candidate.orientation === 'horizontal' ? [alongRows, alongColumns > 10_000] : [alongColumns, alongRows > 10_000]).toEqual([
          0,
          true,
        ]);
      }
      const wide = { x1: 0, y1: 0, x2: size, y2: size };
      expect(zoomPicture(scene, wide, size / 4).pixels).not.toEqual(zoomPicture(other, wide, size / 4).pixels);
    }
  });

  it('places every square inside one quadrant with margins, apart from the others, the orientation about half and half', () => {
    let horizontal = 0;
    for (const options of [
      { size: 1024, distractors: 8 },
      { size: 64, distractors: 3 },
      { size: 130, distractors: 8 },
    ]) {
      const settings = resolveSettings({ zoomSide: 512, ...options });
      const half = Math.floor(settings.size / 2);
      for (let seed = 0; seed < 100; seed += 1) {
        const scene = generateScene(new Random(seed), settings);
        if (scene.orientation === 'horizontal') horizontal += 1;
        const squares = [scene.target, ...scene.distractors];
        expect(squares).toHaveLength(options.distractors + 1);
        for (const square of squares) {
          const left = (square.quadrant % 2) * half;
          const top = Math.floor(square.quadrant / 2) * half;
          expect(square.x).toBeGreaterThanOrEqual(left + 4);
          expect(square.y).toBeGreaterThanOrEqual(top + 4);
          expect(square.x + square.side).toBeLessThanOrEqual(left + half - 4);
          expect(square.y + square.side).toBeLessThanOrEqual(top + half - 4);
        }
        for (const [index, a] of squares.entries()) {
          for (const b of squares.slice(index + 1)) {
            const apart = a.x + a.side + 4 <= b.x || b.x + b.side + 4 <= a.x || a.y + a.side + 4 <= b.y || b.y + b.side + 4 <= a.y;
            expect(apart).toBe(true);
          }
        }
      }
    }
    expect(horizontal).toBeGreaterThan(120);
    expect(horizontal).toBeLessThan(180);
  });

  it('turns bad boxes into observations the model can act on', async () => {
    const env = await makeEnv('search-v0', { options: { size: 128 } });
    await env.reset({ seed: 0 });
    const reversed = await env.step({ type: 'tool_call', name: 'zoom_in', arguments: { x1: 50, y1: 10, x2: 20, y2: 40 } });
    expect(reversed.terminated).toBe(false);
    expect(reversed.info.invalid?.reason).toBe('tool-error');
    expect(contentText(reversed.observation)).toMatch(/x1 < x2 and y1 < y2 \(got x1=50, y1=10, x2=20, y2=40\)/);
    const empty = await env.step({ type: 'tool_call', name: 'zoom_in', arguments: { x1: 10, y1: 40, x2: 20, y2: 40 } });
    expect(empty.info.invalid?.reason).toBe('tool-error');
    const outside = await env.step({ type: 'tool_call', name: 'zoom_in', arguments: { x1: 0, y1: 0, x2: 129, y2: 40 } });
    expect(outside.info.invalid?.reason).toBe('bad-arguments');
    expect(contentText(outside.observation)).toMatch(/x2/);
    const fine = await env.step({ type: 'tool_call', name: 'zoom_in', arguments: { x1: 0, y1: 0, x2: 128, y2: 64 } });
    expect(fine.info.invalid).toBeUndefined();
    expect(contentText(fine.observation)).toMatch(/Region x 0\.\.128, y 0\.\.64 \(128×64 px of the 128×128 image\), at full resolution/);
    expect(fine.info.extra?.zooms).toBe(1);
  });

  it('downscales zooms wider than zoomSide and says by how much', async () => {
    const images = new MemoryImageStore();
    const env = await makeEnv('search-v0', { images, options: { size: 1024, zoomSide: 256 } });
    await env.reset({ seed: 2 });
    const result = await env.step({ type: 'tool_call', name: 'zoom_in', arguments: { x1: 0, y1: 0, x2: 1024, y2: 512 } });
    const zoom = await decode(images, result.observation);
    expect([zoom.width, zoom.height]).toEqual([256, 128]);
    expect(contentText(result.observation)).toMatch(/downscaled 4\.00× to 256×128/);
  });

  it('scores the answer case-insensitively and lists the answers for the trainer', async () => {
    const env = await makeEnv('search-v0', { options: { size: 128 } });
    const reset = await env.reset({ seed: 5 });
    const expected = ((await env.step({ type: 'answer', answer: 'none' })).info.expected ?? '') as string;
    const wrong = expected === 'horizontal' ? 'vertical' : 'horizontal';
    for (const [answer, success] of [
      [` ${expected.toUpperCase()} `, true],
      [`${expected}.`, true],
      [wrong, false],
      [`${expected} stripes`, false],
    ] as const) {
      await env.reset({ seed: 5 });
      const result = await env.step({ type: 'answer', answer });
      expect({ answer, success: result.info.success, score: result.info.score }).toEqual({ answer, success, score: success ? 1 : 0 });
    }
    expect(contentText(reset.observation)).toMatch(/Are its stripes horizontal or vertical\?.*Answer horizontal or vertical\./);
    const space = deriveActionSpace(env.tools);
    expect(space.candidates.filter((candidate) => candidate.tool === 'answer').map((candidate) => candidate.answer)).toEqual([
      'horizontal',
      'vertical',
    ]);
    expect(space.frames.zoom_in).toBe(128);
    expect(space.candidates.filter((candidate) => candidate.tool === 'zoom_in')).toHaveLength(14);
  });

  it('refuses options that break the task, saying what to change', async () => {
    await expect(makeEnv('search-v0', { options: { size: 128, overviewSide: 64 } })).rejects.toThrow(
      /overviewSide 64 is more than size \/ 4 \(32\).*use overviewSide <= 32 or a larger size/,
    );
    await expect(makeEnv('search-v0', { options: { size: 64, targetSize: 40 } })).rejects.toThrow(/use targetSize <= 24 or a larger size/);
    await expect(makeEnv('search-v0', { options: { size: 64, distractors: 4 } })).rejects.toThrow(
      /room for 4 squares\); use distractors <= 3, a smaller targetSize or a larger size/,
    );
    await expect(makeEnv('search-v0', { options: { size: 32 } })).rejects.toThrow(/size/);
    const fitting = await makeEnv('search-v0', { options: { size: 64, distractors: 3 } });
    expect(contentText((await fitting.reset({ seed: 1 })).observation)).toMatch(/64×64 pixels.*downscaled to 16×16/);
  });
});
