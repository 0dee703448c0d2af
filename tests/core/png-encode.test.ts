import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodePngPixels, PngBase, PngRowCache, toIndexed } from '../../core/png-encode.js';
import { Random } from '../../core/random.js';

/** Blocky pixels with noise: runs, repeated rows and stray values, like rendered images. */
function blocky(width: number, height: number, channels: number, seed: number): Uint8Array {
  const random = new Random(seed);
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      for (let c = 0; c < channels; c += 1) {
        const block = ((Math.floor(x / 7) * 31 + Math.floor(y / 5) * 17 + c * 11) % 6) * 40;
        data[(y * width + x) * channels + c] = random.int(0, 9) === 0 ? random.int(0, 255) : block;
      }
    }
  }
  return data;
}

async function decode(png: Buffer): Promise<{ data: Buffer; channels: number }> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { data, channels: info.channels };
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('PNG encoder', () => {
  it('writes RGB PNGs that decode to the same pixels, at sizes from 1 x 1 to rows longer than a match', async () => {
    for (const [width, height] of [
      [1, 1],
      [3, 2],
      [97, 41],
      [700, 3],
    ] as const) {
      const pixels = blocky(width, height, 3, width);
      const decoded = await decode(encodePngPixels(width, height, { kind: 'rgb' }, pixels));
      expect(decoded.channels).toBe(3);
      expect(Buffer.from(pixels).equals(decoded.data)).toBe(true);
    }
  });

  it('writes indexed PNGs whose palette expands to the original colours', async () => {
    const rgb = blocky(64, 48, 3, 7).map((value) => value & 0xc0);
    const indexed = toIndexed([rgb]);
    if (indexed === undefined) throw new Error('expected at most 256 colours');
    const png = encodePngPixels(64, 48, { kind: 'indexed', palette: indexed.palette }, indexed.indexes[0] as Uint8Array);
    expect(png[25]).toBe(3);
    const decoded = await decode(png);
    expect(Buffer.from(rgb).equals(decoded.data)).toBe(true);
  });

  it('gives the same bytes for a frame encoded whole, over a base, or after other frames', () => {
    const width = 120;
    const height = 90;
    const base = blocky(width, height, 3, 1);
    const encoder = new PngBase(width, height, { kind: 'rgb' }, base);
    const moving = new PngBase(width, height, { kind: 'rgb' }, base);
    expect(encoder.png().equals(encodePngPixels(width, height, { kind: 'rgb' }, base))).toBe(true);
    // advance() takes the rows that differ from the frame before: this band and the last one.
    let previous: readonly [number, number] = [0, 0];
    for (const [from, to] of [
      [0, 10],
      [40, 53],
      [80, 90],
    ] as const) {
      const frame = Uint8Array.from(base);
      frame.fill(200, from * width * 3 + 30, (to - 1) * width * 3 + 60);
      const whole = encodePngPixels(width, height, { kind: 'rgb' }, frame);
      expect(encoder.encode(frame, from, to).equals(whole)).toBe(true);
      expect(moving.advance(frame, Math.min(from, previous[0]), Math.max(to, previous[1])).equals(whole)).toBe(true);
      previous = [from, to];
    }
    expect(encoder.png().equals(encodePngPixels(width, height, { kind: 'rgb' }, base))).toBe(true);
  });

  it('compresses each named row once and gives the bytes of the whole image', () => {
    // Two kinds of stripes, 4 rows each, stacked in different orders.
    const width = 40;
    const stripes = { a: blocky(width, 4, 1, 3), b: blocky(width, 4, 1, 4) };
    const build = (order: string): { pixels: Uint8Array; keys: string[] } => {
      const pixels = new Uint8Array(order.length * 4 * width);
      const keys: string[] = [];
      for (const [index, name] of [...order].entries()) {
        pixels.set(stripes[name as 'a' | 'b'], index * 4 * width);
        keys.push(`0:${order[index - 1] ?? ''}:${name}`, `1:${name}`, `2:${name}`, `3:${name}`);
      }
      return { pixels, keys };
    };
    const palette = Uint8Array.from({ length: 768 }, (_, index) => index % 256);
    const cache = new PngRowCache(width, 12, { kind: 'indexed', palette });
    for (const order of ['aab', 'bba', 'aba']) {
      const { pixels, keys } = build(order);
      expect(cache.encode(pixels, keys).equals(encodePngPixels(width, 12, { kind: 'indexed', palette }, pixels))).toBe(true);
    }
    // Rows named 0:"":a, 0:a:a, 0:a:b, 0:"":b, 0:b:b, 0:b:a, plus lines 1-3 of a and of b.
    expect(cache.size).toBe(12);
  });

  it('writes a valid zlib stream and the same bytes on every machine (pinned)', () => {
    const png = encodePngPixels(97, 41, { kind: 'rgb' }, blocky(97, 41, 3, 97));
    const chunks: string[] = [];
    let idat: Buffer = Buffer.alloc(0);
    for (let offset = 8; offset < png.length; ) {
      const length = png.readUInt32BE(offset);
      const type = png.toString('latin1', offset + 4, offset + 8);
      chunks.push(type);
      if (type === 'IDAT') idat = png.subarray(offset + 8, offset + 8 + length);
      offset += 12 + length;
    }
    expect(chunks).toEqual(['IHDR', 'pHYs', 'IDAT', 'IEND']);
    expect(inflateSync(idat).length).toBe(41 * (97 * 3 + 1));
    expect(sha256(png)).toBe('220f31719b1a96ced330fd5835077c97810e42cbda08971c2cd4823187387597');
  });

  it('refuses more than 256 colours for a palette and pixel buffers of the wrong size', () => {
    const many = new Uint8Array(300 * 3).map((_, index) =>
      index % 3 === 0 ? Math.floor(index / 3) % 256 : index % 3 === 1 ? Math.floor(index / 768) : 0,
    );
    expect(toIndexed([many])).toBeUndefined();
    expect(() => encodePngPixels(4, 4, { kind: 'rgb' }, new Uint8Array(10))).toThrow(/Expected 48 pixel bytes/);
    expect(() => encodePngPixels(0, 4, { kind: 'rgb' }, new Uint8Array(0))).toThrow(/positive integers/);
  });
});
