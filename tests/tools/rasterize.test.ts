import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { GymError } from '../../core/errors.js';
import { Random } from '../../core/random.js';
import { CHART_TYPES, generateTask } from '../../envs/chart/generate.js';
import { layoutChart, renderChart } from '../../envs/chart/render.js';
import { CoverageCanvas } from '../../tools/image/coverage.js';
import { decodeImage, type RawImage } from '../../tools/image/pixels.js';
import { rasterizeSvg } from '../../tools/image/rasterize-svg.js';

const document = (width: number, height: number, body: string): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${body}</svg>`;

function pixel(raw: RawImage, x: number, y: number): number[] {
  const index = (y * raw.width + x) * 3;
  return [...raw.data.subarray(index, index + 3)];
}

/** Sum over every pixel of the red channel's coverage (0..1) on a black canvas. */
function coveredArea(raw: RawImage): number {
  let sum = 0;
  for (let index = 0; index < raw.data.length; index += 3) sum += (raw.data[index] as number) / 255;
  return sum;
}

describe('CoverageCanvas', () => {
  it('covers each pixel by the exact area inside a polygon', () => {
    const canvas = new CoverageCanvas(20, 20);
    // A right triangle with legs of 12: area 72, edges through pixels at every slope.
    canvas.fill([[3.5, 2.25, 15.5, 2.25, 3.5, 14.25]], [255, 255, 255]);
    const raw: RawImage = { data: Buffer.from(canvas.pixels), width: 20, height: 20, channels: 3 };
    // Rounding each pixel to a level of 255 moves the sum by at most half a level a pixel.
    expect(Math.abs(coveredArea(raw) - 72)).toBeLessThan(0.3);
    expect(pixel(raw, 5, 5)).toEqual([255, 255, 255]);
    expect(pixel(raw, 14, 13)).toEqual([0, 0, 0]);
  });

  it('paints rings: a piece of the opposite orientation cuts a hole, one of the same orientation does not', () => {
    const outer = [2, 2, 18, 2, 18, 18, 2, 18];
    const inner = [6, 6, 14, 6, 14, 14, 6, 14];
    const innerReversed = [6, 6, 6, 14, 14, 14, 14, 6];
    const ring = new CoverageCanvas(20, 20);
    ring.fill([outer, innerReversed], [255, 0, 0]);
    const union = new CoverageCanvas(20, 20);
    union.fill([outer, inner], [255, 0, 0]);
    expect(ring.pixels[(10 * 20 + 10) * 3]).toBe(0);
    expect(ring.pixels[(4 * 20 + 4) * 3]).toBe(255);
    expect(union.pixels[(10 * 20 + 10) * 3]).toBe(255);
  });

  it('blends edge pixels of a rectangle by their covered fraction', () => {
    const canvas = new CoverageCanvas(10, 4, new Uint8Array(10 * 4 * 3).fill(255));
    canvas.fillRectangle(2.5, 0, 6.25, 4, [0, 0, 0]);
    const row = [...Array(10).keys()].map((x) => canvas.pixels[(1 * 10 + x) * 3]);
    expect(row).toEqual([255, 255, 128, 0, 0, 0, 191, 255, 255, 255]);
    const polygon = new CoverageCanvas(10, 4, new Uint8Array(10 * 4 * 3).fill(255));
    polygon.fill([[2.5, 0, 6.25, 0, 6.25, 4, 2.5, 4]], [0, 0, 0]);
    expect(polygon.pixels).toEqual(canvas.pixels);
  });
});

describe('rasterizeSvg', () => {
  it('draws a circle with the area of the disc', () => {
    const raw = rasterizeSvg(document(40, 40, '<circle cx="20.3" cy="19.6" r="12" fill="#ffffff"/>'));
    expect(Math.abs(coveredArea(raw) - Math.PI * 144) / (Math.PI * 144)).toBeLessThan(0.002);
  });

  it.each([
    [
      'a polyline with round joins and caps',
      '<polyline points="5,40 20.3,8.6 33,30 52,12" fill="none" stroke="#204080" stroke-width="4.5" stroke-linejoin="round" stroke-linecap="round"/>',
    ],
    ['an outlined circle', '<circle cx="30" cy="40" r="5.5" fill="#ff0000" stroke="#000000" stroke-width="1.5"/>'],
    [
      'an outlined wedge with an arc',
      '<path d="M10 10L20 12A8 8 0 0 1 14 20Z" fill="#00ff00" stroke="#000000" stroke-width="1" stroke-linejoin="round"/>',
    ],
    [
      'an outlined rectangle and a slanted line',
      '<rect x="8.3" y="20.6" width="20.2" height="9.5" fill="#e0c040" stroke="#101010"/><line x1="2" y1="3" x2="57.5" y2="46" stroke="#000080" stroke-width="2.2"/>',
    ],
    ['quadratic and cubic curves', '<path d="M5 45Q20 5 35 40C40 10 55 10 55 45Z" fill="#802020"/>'],
  ])('matches librsvg (through sharp) on %s, pixel by pixel', async (_, shapes) => {
    const svg = document(60, 50, `<rect x="0" y="0" width="60" height="50" fill="#ffffff"/>${shapes}`);
    const ours = rasterizeSvg(svg);
    const theirs = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer();
    let difference = 0;
    let largest = 0;
    for (let index = 0; index < theirs.length; index += 1) {
      const step = Math.abs((ours.data[index] as number) - (theirs[index] as number));
      difference += step;
      largest = Math.max(largest, step);
    }
    // Overlapping stroke pieces summed along their edges would be 80 levels off at caps and joins.
    expect(largest).toBeLessThanOrEqual(24);
    expect(difference / theirs.length).toBeLessThan(0.25);
  });

  it('matches librsvg (through sharp) on seeded charts of every kind to within a fraction of a level', async () => {
    const seen = new Set<string>();
    for (let seed = 0; seen.size < CHART_TYPES.length && seed < 200; seed += 1) {
      const chart = generateTask(new Random(seed)).chart;
      if (seen.has(chart.data.type)) continue;
      seen.add(chart.data.type);
      const { svg } = layoutChart(chart);
      const ours = rasterizeSvg(svg);
      const theirs = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      expect([theirs.info.width, theirs.info.height]).toEqual([ours.width, ours.height]);
      let difference = 0;
      let far = 0;
      for (let index = 0; index < ours.data.length; index += 1) {
        const step = Math.abs((ours.data[index] as number) - (theirs.data[index] as number));
        difference += step;
        if (step > 64) far += 1;
      }
      // Anti-aliasing differs in the last level or so along edges; no mark or glyph is missing or moved.
      expect(difference / ours.data.length, `${chart.data.type} chart, seed ${seed}`).toBeLessThan(0.2);
      expect(far / ours.data.length, `${chart.data.type} chart, seed ${seed}`).toBeLessThan(0.0005);
    }
    expect([...seen].sort()).toEqual([...CHART_TYPES].sort());
  });

  it('renders a chart to the same PNG bytes every time, and the PNG holds exactly its pixels', async () => {
    const chart = generateTask(new Random(11)).chart;
    const first = renderChart(chart);
    expect(renderChart(chart).png.equals(first.png)).toBe(true);
    expect((await decodeImage(first.png)).data.equals(first.raw.data)).toBe(true);
  });

  it.each([
    ['an element it does not draw', document(4, 4, '<g/>'), '<g>'],
    ['a transform', document(4, 4, '<rect x="0" y="0" width="2" height="2" transform="scale(2)"/>'), 'transform'],
    ['a colour function', document(4, 4, '<rect x="0" y="0" width="2" height="2" fill="rgb(1,2,3)"/>'), 'rgb(1,2,3)'],
    ['a relative path command', document(4, 4, '<path d="M1 1l2 2z" fill="#000"/>'), 'path command l'],
    ['a scaling viewBox', '<svg width="4" height="4" viewBox="0 0 8 8"></svg>', 'viewBox'],
    ['text content', document(4, 4, 'hello'), 'text content'],
  ])('refuses %s with an error that names it', (_, svg, named) => {
    let thrown: unknown;
    try {
      rasterizeSvg(svg);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GymError);
    expect((thrown as GymError).code).toBe('unsupported-svg');
    expect((thrown as GymError).message).toContain(named);
  });
});
