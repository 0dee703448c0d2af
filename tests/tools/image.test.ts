import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageRef } from '../../core/content.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { registry } from '../../core/registry.js';
import '../../tools/index.js';
import type { ToolResult } from '../../core/tool.js';
import {
  type CoordinateFrame,
  checkBox,
  createCropTool,
  createHorizontalLineTool,
  createImageTools,
  createLocateTool,
  createOcrTool,
  createVerticalLineTool,
  createZoomInTool,
  decodeImage,
  fromPixelBox,
  type ImageScene,
  type ImageToolState,
  lineSpan,
  PixelCache,
  TesseractOcr,
  toPixelBox,
} from '../../tools/image/index.js';
import { ZOOM_KERNEL } from '../../tools/image/pixels.js';
import { resampleRegion } from '../../tools/image/resample.js';
import { textToPath } from '../../tools/image/text.js';

const WIDTH = 200;
const HEIGHT = 100;

/** Pixel (x, y) is (x, y, 50): every pixel's position can be read back from its colour. */
async function gradientPng(): Promise<Buffer> {
  const data = Buffer.alloc(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y += 1) {
    for (let x = 0; x < WIDTH; x += 1) {
      const index = (y * WIDTH + x) * 3;
      data[index] = x;
      data[index + 1] = y;
      data[index + 2] = 50;
    }
  }
  return sharp(data, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .png()
    .toBuffer();
}

/** Black left half, white right half. */
async function halvesPng(): Promise<Buffer> {
  const data = Buffer.alloc(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y += 1)
    for (let x = WIDTH / 2; x < WIDTH; x += 1) data.fill(255, (y * WIDTH + x) * 3, (y * WIDTH + x) * 3 + 3);
  return sharp(data, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .png()
    .toBuffer();
}

async function pixel(images: MemoryImageStore, ref: ImageRef, x: number, y: number): Promise<[number, number, number]> {
  const raw = await decodeImage(await images.get(ref.sha256));
  const index = (y * raw.width + x) * 3;
  return [raw.data[index] ?? -1, raw.data[index + 1] ?? -1, raw.data[index + 2] ?? -1];
}

function resultImage(result: ToolResult): ImageRef {
  const part = result.content.find((item) => item.type === 'image');
  if (part?.type !== 'image') throw new Error(`no image in result: ${JSON.stringify(result.content)}`);
  return part.image;
}

function resultText(result: ToolResult): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : '<image>')).join(' ');
}

async function makeState(png: Buffer, coordinates: CoordinateFrame = 'pixel', scene?: ImageScene) {
  const images = new MemoryImageStore();
  const ref = await images.put(png);
  const state: ImageToolState = { image: ref, current: ref, coordinates, ...(scene === undefined ? {} : { scene }) };
  return { images, state, context: { state, images } };
}

describe('crop and zoom_in', () => {
  it('crops the exact region at its own resolution', async () => {
    const { images, context } = await makeState(await gradientPng());
    const result = await createCropTool().run({ x1: 10, y1: 20, x2: 50, y2: 60 }, context);
    expect(result.isError).toBeUndefined();
    const ref = resultImage(result);
    expect([ref.width, ref.height]).toEqual([40, 40]);
    expect(await pixel(images, ref, 0, 0)).toEqual([10, 20, 50]);
    expect(await pixel(images, ref, 39, 39)).toEqual([49, 59, 50]);
  });

  it('zooms by the factor and keeps the content in place', async () => {
    const { images, context } = await makeState(await halvesPng());
    const result = await createZoomInTool().run({ x1: 80, y1: 10, x2: 120, y2: 40, factor: 3 }, context);
    const ref = resultImage(result);
    expect([ref.width, ref.height]).toEqual([120, 90]);
    expect(await pixel(images, ref, 10, 45)).toEqual([0, 0, 0]);
    expect(await pixel(images, ref, 110, 45)).toEqual([255, 255, 255]);
    expect(resultText(result)).toContain('Zoomed in 3x');
  });

  it('zooms with the cubic kernel from the decoded pixels, the same bytes on every call', async () => {
    const { images, context } = await makeState(await gradientPng());
    const args = { x1: 13, y1: 7, x2: 60, y2: 40, factor: 2.5 };
    const first = resultImage(await createZoomInTool().run(args, context));
    const second = resultImage(await createZoomInTool({ pixels: new PixelCache({ maxBytes: 0 }) }).run(args, context));
    expect(second.sha256).toBe(first.sha256);
    expect(ZOOM_KERNEL).toBe('cubic');
    const source = await decodeImage(await images.get(context.state.image.sha256));
    const expected = resampleRegion(source, { left: 13, top: 7, width: 47, height: 33 }, 118, 83, ZOOM_KERNEL);
    const zoomed = await decodeImage(await images.get(first.sha256));
    expect(zoomed.data.equals(expected.data)).toBe(true);
  });

  it('shrinks regions over 2048 pixels with the same kernel through libvips', async () => {
    const wide = Buffer.alloc(2200 * 20 * 3);
    for (let index = 0; index < wide.length; index += 1) wide[index] = (index * 7) % 251;
    const { images, context } = await makeState(
      await sharp(wide, { raw: { width: 2200, height: 20, channels: 3 } })
        .png()
        .toBuffer(),
    );
    const result = await createZoomInTool().run({ x1: 0, y1: 0, x2: 2200, y2: 20, factor: 1 }, context);
    const ref = resultImage(result);
    expect([ref.width, ref.height]).toEqual([2048, 19]);
    const expected = await sharp(wide, { raw: { width: 2200, height: 20, channels: 3 } })
      .resize(2048, 19, { kernel: ZOOM_KERNEL, fit: 'fill' })
      .raw()
      .toBuffer();
    expect((await decodeImage(await images.get(ref.sha256))).data.equals(expected)).toBe(true);
  });

  it('caps very large zooms at 2048 pixels a side', async () => {
    const { context } = await makeState(await gradientPng());
    const result = await createZoomInTool().run({ x1: 0, y1: 0, x2: 200, y2: 100, factor: 4 }, context);
    expect(resultImage(result).width).toBe(800);
    const big = await makeState(
      await sharp({ create: { width: 1000, height: 600, channels: 3, background: '#fff' } })
        .png()
        .toBuffer(),
    );
    const capped = await createZoomInTool().run({ x1: 0, y1: 0, x2: 1000, y2: 600, factor: 4 }, big.context);
    expect(resultImage(capped).width).toBe(2048);
    expect(resultText(capped)).toContain('capped');
  });

  it('reports out-of-range and empty boxes as readable tool errors', async () => {
    const { context } = await makeState(await gradientPng());
    const reversed = await createCropTool().run({ x1: 50, y1: 10, x2: 40, y2: 20 }, context);
    expect(reversed.isError).toBe(true);
    expect(resultText(reversed)).toContain('x2 must be greater than x1 (got x1=50, x2=40)');
    expect(resultText(reversed)).toContain('200x100 pixels');
    const empty = await createZoomInTool().run({ x1: 10, y1: 30, x2: 20, y2: 30, factor: 2 }, context);
    expect(resultText(empty)).toContain('y2 must be greater than y1');
    const outside = await createZoomInTool().run({ x1: 10, y1: 10, x2: 260, y2: 30, factor: 2 }, context);
    expect(outside.isError).toBe(true);
    expect(resultText(outside)).toContain('x2=260 is outside the image: x must be within 0..200');
    const negative = await createCropTool().run({ x1: -5, y1: 10, x2: 20, y2: 30 }, context);
    expect(resultText(negative)).toContain('x1=-5 is outside the image');
  });
});

describe('guide lines', () => {
  it('draws a horizontal line on the rows it names and makes it the current image', async () => {
    const { images, state, context } = await makeState(await gradientPng());
    const original = state.image;
    const result = await createHorizontalLineTool().run({ y: 30, color: 'red', thickness: 2 }, context);
    const ref = resultImage(result);
    expect(state.current).toEqual(ref);
    expect(state.image).toEqual(original);
    expect(lineSpan(30, 2)).toEqual({ start: 29, end: 30 });
    expect(await pixel(images, ref, 5, 29)).toEqual([255, 0, 0]);
    expect(await pixel(images, ref, 150, 30)).toEqual([255, 0, 0]);
    expect(await pixel(images, ref, 5, 28)).toEqual([5, 28, 50]);
    expect(await pixel(images, ref, 5, 31)).toEqual([5, 31, 50]);
  });

  it('accumulates lines, and crops show them in original coordinates', async () => {
    const { images, state, context } = await makeState(await gradientPng());
    await createHorizontalLineTool().run({ y: 30 }, context);
    const vertical = await createVerticalLineTool().run({ x: 120, color: 'blue', thickness: 1 }, context);
    const ref = resultImage(vertical);
    expect(await pixel(images, ref, 120, 70)).toEqual([0, 0, 255]);
    expect(await pixel(images, ref, 10, 30)).toEqual([255, 0, 0]);
    expect(await pixel(images, ref, 121, 70)).toEqual([121, 70, 50]);
    const crop = await createCropTool().run({ x1: 100, y1: 20, x2: 140, y2: 40 }, context);
    const cropped = resultImage(crop);
    expect(await pixel(images, cropped, 20, 5)).toEqual([0, 0, 255]);
    expect(await pixel(images, cropped, 2, 10)).toEqual([255, 0, 0]);
    expect(state.current).toEqual(ref);
  });

  it('rejects lines outside the image', async () => {
    const { context } = await makeState(await gradientPng());
    const result = await createHorizontalLineTool().run({ y: 140 }, context);
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain('y=140 is outside the image: y must be within 0..100');
  });
});

describe('coordinate frames', () => {
  it('converts qwen1000 boxes to pixels and back', () => {
    const size = { width: 200, height: 100 };
    expect(toPixelBox({ x1: 250, y1: 200, x2: 500, y2: 600 }, 'qwen1000', size)).toEqual({ x1: 50, y1: 20, x2: 100, y2: 60 });
    expect(fromPixelBox({ x1: 50, y1: 20, x2: 100, y2: 60 }, 'qwen1000', size)).toEqual({ x1: 250, y1: 200, x2: 500, y2: 600 });
    expect(fromPixelBox({ x1: 50.4, y1: 20.2, x2: 99.6, y2: 59.9 }, 'pixel', size)).toEqual({ x1: 50, y1: 20, x2: 100, y2: 60 });
    const checked = checkBox({ x1: 250, y1: 200, x2: 500, y2: 600 }, 'qwen1000', size);
    expect(checked.ok && checked.region).toEqual({ left: 50, top: 20, width: 50, height: 40 });
    const outside = checkBox({ x1: 0, y1: 0, x2: 1200, y2: 600 }, 'qwen1000', size);
    expect(!outside.ok && outside.message).toContain('x2=1200 is outside the image: x must be within 0..1000');
  });

  it('runs the tools in the qwen1000 frame', async () => {
    const { images, context } = await makeState(await gradientPng(), 'qwen1000');
    const crop = resultImage(await createCropTool({ frame: 'qwen1000' }).run({ x1: 250, y1: 200, x2: 500, y2: 600 }, context));
    expect([crop.width, crop.height]).toEqual([50, 40]);
    expect(await pixel(images, crop, 0, 0)).toEqual([50, 20, 50]);
    const line = resultImage(await createHorizontalLineTool({ frame: 'qwen1000' }).run({ y: 500, thickness: 1 }, context));
    expect(await pixel(images, line, 3, 50)).toEqual([255, 0, 0]);
    expect(await pixel(images, line, 3, 49)).toEqual([3, 49, 50]);
  });

  it('states the frame in every description', () => {
    for (const tool of createImageTools({ frame: 'pixel', locate: true })) {
      expect(tool.description, tool.name).toContain('absolute pixels');
    }
    for (const tool of createImageTools({ frame: 'qwen1000', locate: true })) {
      expect(tool.description, tool.name).toContain('0..1000');
      const properties = tool.parameters.properties as Record<string, { description: string }>;
      for (const name of ['x1', 'y', 'x'].filter((key) => key in properties)) expect(properties[name]?.description).toContain('0..1000');
    }
  });
});

describe('locate', () => {
  const scene: ImageScene = {
    width: WIDTH,
    height: HEIGHT,
    elements: [
      { id: 'bar:0:0', kind: 'bar', name: '2019', category: '2019', box: { x1: 10, y1: 40, x2: 30, y2: 90 }, value: 42 },
      { id: 'bar:1:0', kind: 'bar', name: '2019', category: '2019', series: 'Online', box: { x1: 30, y1: 50, x2: 50, y2: 90 }, value: 30 },
      { id: 'label:0', kind: 'category-label', name: '2019', box: { x1: 12, y1: 91, x2: 48, y2: 99 } },
    ],
  };

  it('is marked privileged and finds boxes by name, series and kind', async () => {
    const tool = createLocateTool();
    expect(tool.annotations?.privileged).toBe(true);
    expect(tool.description).toContain('privileged, synthetic data only');
    const { context } = await makeState(await gradientPng(), 'pixel', scene);
    const all = await tool.run({ name: ' 2019 ' }, context);
    expect(resultText(all)).toContain('Found 3 element(s)');
    const online = await tool.run({ name: '2019', series: 'online', kind: 'bar' }, context);
    expect((online.data as { matches: { box: unknown }[] }).matches.map((match) => match.box)).toEqual([
      { x1: 30, y1: 50, x2: 50, y2: 90 },
    ]);
    expect(JSON.stringify(online.data)).not.toContain('value');
  });

  it('explains misses and images without a scene', async () => {
    const { context } = await makeState(await gradientPng(), 'pixel', scene);
    const miss = await createLocateTool().run({ name: '2020' }, context);
    expect(miss.isError).toBe(true);
    expect(resultText(miss)).toContain('"2019"');
    const bare = await makeState(await gradientPng());
    expect(resultText(await createLocateTool().run({ name: '2019' }, bare.context))).toContain('no scene graph');
  });
});

describe('pixel cache', () => {
  it('decodes each image once, and not at all with maxBytes 0', async () => {
    const { images, state } = await makeState(await gradientPng());
    const cache = new PixelCache();
    const first = await cache.raw(state.image, images);
    expect(await cache.raw(state.image, images)).toBe(first);
    expect(cache.size).toBe(1);
    const none = new PixelCache({ maxBytes: 0 });
    const a = await none.raw(state.image, images);
    expect(await none.raw(state.image, images)).not.toBe(a);
    expect(none.size).toBe(0);
  });

  it('forgets everything on clear, decodes in flight included', async () => {
    const { images, state } = await makeState(await gradientPng());
    const cache = new PixelCache();
    const first = await cache.raw(state.image, images);
    cache.clear();
    expect(cache.size).toBe(0);
    const inFlight = cache.raw(state.image, images);
    cache.clear();
    const decoded = await inFlight;
    expect(decoded).not.toBe(first);
    expect(decoded.data).toEqual(first.data);
    expect(cache.size).toBe(0);
    expect(await cache.raw(state.image, images)).not.toBe(decoded);
    expect(cache.size).toBe(1);
  });

  it('gives the same bytes through the cached and the re-decode paths', async () => {
    const { context } = await makeState(await gradientPng());
    const cached = await createZoomInTool({ pixels: new PixelCache() }).run({ x1: 5, y1: 5, x2: 60, y2: 50, factor: 2 }, context);
    const plain = await createZoomInTool({ pixels: new PixelCache({ maxBytes: 0 }) }).run(
      { x1: 5, y1: 5, x2: 60, y2: 50, factor: 2 },
      context,
    );
    expect(resultImage(cached)).toEqual(resultImage(plain));
  });
});

describe('registration', () => {
  it('registers the pixel-frame image tools in the default registry', () => {
    for (const name of ['zoom_in', 'crop', 'draw_horizontal_line', 'draw_vertical_line', 'ocr', 'locate']) {
      expect(registry.tool(name).name).toBe(name);
    }
  });
});

describe('ocr', () => {
  const engine = new TesseractOcr();
  let png: Buffer;

  beforeAll(async () => {
    const word = textToPath('Revenue 2019', { font: 'sans', size: 16, x: 40, y: 60, baseline: 'alphabetic' });
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="120"><rect width="300" height="120" fill="#fff"/><path d="${word.d}" fill="#222"/></svg>`;
    png = await sharp(Buffer.from(svg)).removeAlpha().png().toBuffer();
  });

  afterAll(async () => {
    await engine.terminate();
  });

  it('reads a rendered word offline, inside the box given', async () => {
    const { context } = await makeState(png);
    const tool = createOcrTool({ engine });
    const result = await tool.run({ x1: 30, y1: 35, x2: 200, y2: 70 }, context);
    expect(result.isError).toBeUndefined();
    expect(resultText(result)).toContain('Revenue 2019');
    const words = (result.data as { words: { text: string; box: { x1: number; x2: number } }[] }).words;
    const year = words.find((word) => word.text === '2019');
    expect(year?.box.x1).toBeGreaterThan(100);
    expect(year?.box.x2).toBeLessThan(160);
    const blank = await tool.run({ x1: 220, y1: 80, x2: 290, y2: 115 }, context);
    expect(resultText(blank)).toContain('No text found');
  });
});
