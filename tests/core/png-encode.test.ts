import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { assemblePng, encodePngPixels, PngBand, toIndexed } from '../../core/png-encode.js';
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
  it('writes dynamic-Huffman PNGs that zlib inflates and libpng decodes to the same pixels', async () => {
    const flat = new Uint8Array(40 * 30 * 3).fill(200);
    const noise = new Uint8Array(64 * 9 * 3).map((_, index) => (index * 2654435761) >>> 24);
    for (const [width, height, pixels] of [
      [1, 1, Uint8Array.of(9, 8, 7)],
      [40, 30, flat],
      [64, 9, noise],
      [97, 41, blocky(97, 41, 3, 5)],
      [700, 3, blocky(700, 3, 3, 6)],
    ] as const) {
      const png = encodePngPixels(width, height, { kind: 'rgb' }, pixels, 'dynamic');
      const decoded = await decode(png);
      expect(Buffer.from(pixels).equals(decoded.data), `${width} x ${height}`).toBe(true);
      // The IDAT is a zlib stream node's zlib accepts, checksum included.
      const idat = png.indexOf('IDAT', 0, 'latin1');
      const inflated = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
      expect(inflated.length).toBe(height * (width * 3 + 1));
    }
  });

  it('writes smaller files with dynamic codes than with fixed ones on blocky images, and the same bytes every time', () => {
    const pixels = blocky(200, 120, 3, 9);
    const fixed = encodePngPixels(200, 120, { kind: 'rgb' }, pixels);
    const dynamic = encodePngPixels(200, 120, { kind: 'rgb' }, pixels, 'dynamic');
    expect(dynamic.length).toBeLessThan(fixed.length * 0.9);
    expect(sha256(encodePngPixels(200, 120, { kind: 'rgb' }, pixels, 'dynamic'))).toBe(sha256(dynamic));
  });

  it('writes indexed PNGs with dynamic codes', async () => {
    const rgb = blocky(64, 48, 3, 7).map((value) => value & 0xc0);
    const indexed = toIndexed([rgb]);
    if (indexed === undefined) throw new Error('expected at most 256 colours');
    const png = encodePngPixels(64, 48, { kind: 'indexed', palette: indexed.palette }, indexed.indexes[0] as Uint8Array, 'dynamic');
    const decoded = await decode(png);
    expect(Buffer.from(rgb).equals(decoded.data)).toBe(true);
  });

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

  it('stacks bands compressed once into PNGs that decode to the stacked pixels, whatever bit offset each band lands on', async () => {
    const width = 53;
    // Strips of different heights and content, so their compressed lengths end on many bit offsets.
    const strips = [1, 2, 3, 5, 7, 4, 6, 9].map((rows, index) => ({ rows, pixels: blocky(width, rows, 3, 40 + index) }));
    const bands = strips.map((strip) => PngBand.compress(strip.pixels, width, 3, 0, strip.rows));
    expect(new Set(bands.map((band) => band.bits % 8)).size).toBeGreaterThan(3);
    for (const order of [
      [0, 1, 2, 3, 4, 5, 6, 7],
      [7, 7, 3, 0, 0, 5],
      [2, 6, 1, 4, 4, 4, 7],
    ]) {
      const height = order.reduce((sum, index) => sum + (strips[index]?.rows ?? 0), 0);
      const pixels = Buffer.concat(order.map((index) => strips[index]?.pixels as Uint8Array));
      const png = assemblePng(
        width,
        height,
        { kind: 'rgb' },
        order.map((index) => bands[index] as PngBand),
      );
      const decoded = await decode(png);
      expect(decoded.data.equals(pixels), `order ${order.join(',')}`).toBe(true);
      // Same pixels, same bytes, whatever was compressed before.
      const again = order.map((index) => PngBand.compress(strips[index]?.pixels as Uint8Array, width, 3, 0, strips[index]?.rows ?? 0));
      expect(assemblePng(width, height, { kind: 'rgb' }, again).equals(png)).toBe(true);
    }
  });

  it('compresses bands out of the middle of an image and stacks indexed bands under one palette', async () => {
    const width = 40;
    const rgb = blocky(width, 30, 3, 11).map((value) => value & 0xc0);
    const indexed = toIndexed([rgb]);
    if (indexed === undefined) throw new Error('expected at most 256 colours');
    const indexes = indexed.indexes[0] as Uint8Array;
    const bands = [0, 4, 10, 29].map((first, index, starts) =>
      PngBand.compress(indexes, width, 1, first, (starts[index + 1] ?? 30) - first),
    );
    const png = assemblePng(width, 30, { kind: 'indexed', palette: indexed.palette }, bands);
    expect(png[25]).toBe(3);
    expect((await decode(png)).data.equals(Buffer.from(rgb))).toBe(true);
  });

  it('patches columns of a band into the very bits of compressing the new rows from scratch, patch after patch', () => {
    const random = new Random(5);
    for (const pixelBytes of [1, 3]) {
      const width = 90;
      const rows = 12;
      // Long runs (which matches span) with noise, so patches cut through matches and literals alike.
      const pixels = blocky(width, rows, pixelBytes, 70 + pixelBytes).map((value, index) => (index % 97 < 60 ? 80 : value));
      let band = PngBand.compress(pixels, width, pixelBytes, 0, rows, true);
      for (let round = 0; round < 25; round += 1) {
        const from = random.int(0, width - 1);
        const to = Math.min(width, from + random.int(1, 30));
        const patch = blocky(to - from, rows, pixelBytes, 200 + round).map((value) => (round % 3 === 0 ? 80 : value));
        for (let row = 0; row < rows; row += 1) {
          pixels.set(
            patch.subarray(row * (to - from) * pixelBytes, (row + 1) * (to - from) * pixelBytes),
            (row * width + from) * pixelBytes,
          );
        }
        band = band.patched(from, to, patch, to - from);
        const fresh = PngBand.compress(pixels, width, pixelBytes, 0, rows);
        const colour = pixelBytes === 3 ? ({ kind: 'rgb' } as const) : ({ kind: 'indexed', palette: new Uint8Array(768) } as const);
        expect(assemblePng(width, rows, colour, [band]).equals(assemblePng(width, rows, colour, [fresh])), `round ${round}`).toBe(true);
        expect([band.sum1, band.sum2]).toEqual([fresh.sum1, fresh.sum2]);
      }
    }
    const plain = PngBand.compress(new Uint8Array(12), 4, 3, 0, 1);
    expect(() => plain.patched(0, 1, new Uint8Array(3), 1)).toThrow(/patchable/);
  });

  it('patches a different range of columns in each row, rows left alone included, into the bits from scratch', () => {
    const random = new Random(8);
    for (const pixelBytes of [1, 3]) {
      const width = 120;
      const rows = 10;
      const pixels = blocky(width, rows, pixelBytes, 90 + pixelBytes).map((value, index) => (index % 89 < 50 ? 30 : value));
      let band = PngBand.compress(pixels, width, pixelBytes, 0, rows, true);
      for (let round = 0; round < 30; round += 1) {
        const next = Uint8Array.from(pixels);
        const columns = new Int32Array(2 * rows);
        for (let row = 0; row < rows; row += 1) {
          if (random.int(0, 3) === 0) continue;
          const from = random.int(0, 2) === 0 ? 0 : random.int(0, width - 1);
          const to = random.int(0, 2) === 0 ? width : Math.min(width, from + random.int(1, 40));
          for (let offset = (row * width + from) * pixelBytes; offset < (row * width + to) * pixelBytes; offset += 1) {
            next[offset] = random.int(0, 3) === 0 ? random.int(0, 255) : 30;
          }
          columns.set([from, to], 2 * row);
        }
        pixels.set(next);
        const keep = round % 2 === 0;
        const patched = band.patchedRows(columns, pixels, width, 0, 0, keep);
        const fresh = PngBand.compress(pixels, width, pixelBytes, 0, rows);
        const colour = pixelBytes === 3 ? ({ kind: 'rgb' } as const) : ({ kind: 'indexed', palette: new Uint8Array(768) } as const);
        expect(assemblePng(width, rows, colour, [patched]).equals(assemblePng(width, rows, colour, [fresh])), `round ${round}`).toBe(true);
        expect([patched.sum1, patched.sum2]).toEqual([fresh.sum1, fresh.sum2]);
        // A band patched without keeping its bytes cannot be patched again; the others can.
        band = keep ? patched : PngBand.compress(pixels, width, pixelBytes, 0, rows, true);
      }
    }
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

  it('refuses more than 256 colours for a palette, pixel buffers of the wrong size and bands that do not fit', () => {
    const many = new Uint8Array(300 * 3).map((_, index) =>
      index % 3 === 0 ? Math.floor(index / 3) % 256 : index % 3 === 1 ? Math.floor(index / 768) : 0,
    );
    expect(toIndexed([many])).toBeUndefined();
    expect(() => encodePngPixels(4, 4, { kind: 'rgb' }, new Uint8Array(10))).toThrow(/Expected 48 pixel bytes/);
    expect(() => encodePngPixels(0, 4, { kind: 'rgb' }, new Uint8Array(0))).toThrow(/positive integers/);
    const band = PngBand.compress(new Uint8Array(4 * 3 * 2), 4, 3, 0, 2);
    expect(() => assemblePng(4, 3, { kind: 'rgb' }, [band])).toThrow(/cover 2 rows; the image has 3/);
    expect(() => assemblePng(5, 2, { kind: 'rgb' }, [band])).toThrow(/4 pixels wide/);
    expect(() => PngBand.compress(new Uint8Array(12), 4, 3, 1, 1)).toThrow(/not inside 12 pixel bytes/);
  });
});
