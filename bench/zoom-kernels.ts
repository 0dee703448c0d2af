/**
 * The measurement behind `zoom_in`'s resampling kernel: for every kernel, the time of one zoom
 * (region resampled from decoded pixels, then PNG-encoded), how close its pixels come to a
 * floating-point Lanczos-3 reference (PSNR), and whether the chart labels a reader zooms on still
 * read correctly under OCR (tesseract, the `ocr` tool's engine). libvips' enlargement (what sharp's
 * `resize` does with any of its kernels above 1x: bicubic interpolation) runs beside them.
 *
 * `npx tsx bench/zoom-kernels.ts [charts]` (default 12 seeded charts; every value label and tick
 * label of each is zoomed 2x and 3x, the factors the chart oracle uses). Takes a few minutes:
 * OCR dominates. Never part of `npm test`.
 */
import sharp from 'sharp';
import { Random } from '../core/random.js';
import { DEFAULT_GENERATION, generateTask } from '../envs/chart/generate.js';
import { renderChart } from '../envs/chart/render.js';
import type { PixelRegion } from '../tools/image/frame.js';
import { TesseractOcr } from '../tools/image/ocr.js';
import { decodeImage, encodePng, type RawImage } from '../tools/image/pixels.js';
import { RESAMPLE_KERNELS, type ResampleKernel, resampleRegion } from '../tools/image/resample.js';
import type { BenchRow, BenchRun } from './report.js';

type Candidate = ResampleKernel | 'libvips';
const CANDIDATES: readonly Candidate[] = [...RESAMPLE_KERNELS, 'libvips'];
const FACTORS = [2, 3] as const;
const PADDING = 6;
const TIMING_CALLS = 30;

/** The zoomed pixels of `region` by `candidate`. */
async function zoomPixels(raw: RawImage, region: PixelRegion, width: number, height: number, candidate: Candidate): Promise<RawImage> {
  if (candidate !== 'libvips') return resampleRegion(raw, region, width, height, candidate);
  const { data } = await sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 3 } })
    .extract(region)
    .resize(width, height, { kernel: 'lanczos3', fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width, height, channels: 3 };
}

/** A floating-point Lanczos-3 enlargement of `region`: the quality reference. */
function referenceZoom(raw: RawImage, region: PixelRegion, width: number, height: number): Float64Array {
  const lanczos = (x: number): number => {
    if (x === 0) return 1;
    if (x <= -3 || x >= 3) return 0;
    const angle = Math.PI * x;
    return (3 * Math.sin(angle) * Math.sin(angle / 3)) / (angle * angle);
  };
  const weightsFor = (inSize: number, outSize: number) =>
    Array.from({ length: outSize }, (_, out) => {
      const center = ((out + 0.5) * inSize) / outSize - 0.5;
      const taps: { index: number; weight: number }[] = [];
      for (let index = Math.floor(center) - 2; index <= Math.floor(center) + 3; index += 1) {
        const clamped = Math.min(inSize - 1, Math.max(0, index));
        taps.push({ index: clamped, weight: lanczos(center - index) });
      }
      const total = taps.reduce((sum, tap) => sum + tap.weight, 0);
      return taps.map((tap) => ({ index: tap.index, weight: tap.weight / total }));
    });
  const columns = weightsFor(region.width, width);
  const rows = weightsFor(region.height, height);
  const across = new Float64Array(region.height * width * 3);
  for (let y = 0; y < region.height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      for (const { index, weight } of columns[x] ?? []) {
        const source = ((region.top + y) * raw.width + region.left + index) * 3;
        for (let channel = 0; channel < 3; channel += 1) {
          const at = (y * width + x) * 3 + channel;
          across[at] = (across[at] ?? 0) + (raw.data[source + channel] ?? 0) * weight;
        }
      }
    }
  }
  const output = new Float64Array(height * width * 3);
  for (let y = 0; y < height; y += 1) {
    for (const { index, weight } of rows[y] ?? []) {
      for (let sample = 0; sample < width * 3; sample += 1) {
        const at = y * width * 3 + sample;
        output[at] = (output[at] ?? 0) + (across[index * width * 3 + sample] ?? 0) * weight;
      }
    }
  }
  return output.map((value) => Math.min(255, Math.max(0, value)));
}

function psnr(pixels: Uint8Array, reference: Float64Array): number {
  let squares = 0;
  for (let index = 0; index < pixels.length; index += 1) squares += ((pixels[index] ?? 0) - (reference[index] ?? 0)) ** 2;
  const mean = squares / pixels.length;
  return mean === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255) / mean);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Whether OCR of `png` shows `label` (spaces ignored). */
function reads(found: string, label: string): boolean {
  const squeeze = (text: string) => text.replace(/\s+/g, '');
  return squeeze(found).includes(squeeze(label));
}

/** `raw` shrunk to half its width and height (libvips' Lanczos-3 reduction). */
async function halve(raw: RawImage): Promise<RawImage> {
  const width = Math.round(raw.width / 2);
  const height = Math.round(raw.height / 2);
  const data = await sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 3 } })
    .resize(width, height, { kernel: 'lanczos3', fit: 'fill' })
    .raw()
    .toBuffer();
  return { data, width, height, channels: 3 };
}

/** Runs the study on `chartCount` seeded charts, at their size or shrunk to half (`half`). */
export function study(chartCount: number, half: boolean): BenchRun {
  return async () => {
    const ocr = new TesseractOcr();
    const read = new Map<Candidate, number>(CANDIDATES.map((candidate) => [candidate, 0]));
    const psnrs = new Map<Candidate, number[]>(CANDIDATES.map((candidate) => [candidate, []]));
    const times = new Map<Candidate, number[]>(CANDIDATES.map((candidate) => [candidate, []]));
    let unzoomedRead = 0;
    let labels = 0;
    const misses: string[] = [];
    try {
      for (let seed = 0; seed < chartCount; seed += 1) {
        const task = generateTask(new Random(seed), DEFAULT_GENERATION);
        const rendered = renderChart(task.chart);
        const full = await decodeImage(rendered.png);
        // Half size: labels about as small as in scanned or thumbnail charts, where zooming matters.
        const raw = half ? await halve(full) : full;
        const scale = raw.width / full.width;
        const targets = rendered.scene.elements.filter((element) => element.kind === 'value-label' || element.kind === 'tick-label');
        for (const element of targets) {
          const padding = PADDING * scale;
          const left = Math.max(0, Math.floor(element.box.x1 * scale - padding));
          const top = Math.max(0, Math.floor(element.box.y1 * scale - padding));
          const region = {
            left,
            top,
            width: Math.min(raw.width, Math.ceil(element.box.x2 * scale + padding)) - left,
            height: Math.min(raw.height, Math.ceil(element.box.y2 * scale + padding)) - top,
          };
          if (
            reads(
              (await ocr.recognize(await encodePng(resampleRegion(raw, region, region.width, region.height, 'nearest')))).text,
              element.name,
            )
          ) {
            unzoomedRead += 1;
          }
          for (const factor of FACTORS) {
            labels += 1;
            const width = region.width * factor;
            const height = region.height * factor;
            const reference = referenceZoom(raw, region, width, height);
            for (const candidate of CANDIDATES) {
              const zoomed = await zoomPixels(raw, region, width, height, candidate);
              psnrs.get(candidate)?.push(psnr(zoomed.data, reference));
              const found = (await ocr.recognize(await encodePng(zoomed))).text;
              if (reads(found, element.name)) read.set(candidate, (read.get(candidate) ?? 0) + 1);
              else misses.push(`${candidate} x${factor} seed ${seed} "${element.name}" read "${found.replace(/\s+/g, ' ')}"`);
            }
          }
        }
        // Speed on the bench's zoom: a 256x256 region of the full-size chart enlarged twice, then encoded.
        const region = { left: Math.floor(full.width / 2) - 128, top: Math.floor(full.height / 2) - 128, width: 256, height: 256 };
        for (const candidate of CANDIDATES) {
          for (let call = 0; call < TIMING_CALLS / chartCount + 1; call += 1) {
            const started = performance.now();
            await encodePng(await zoomPixels(full, region, 512, 512, candidate));
            times.get(candidate)?.push(performance.now() - started);
          }
        }
      }
    } finally {
      await ocr.terminate();
    }
    const rows: BenchRow[] = CANDIDATES.flatMap((candidate) => [
      { name: `${candidate}: labels read under OCR (2x and 3x)`, value: ((read.get(candidate) ?? 0) / labels) * 100, unit: '%' },
      { name: `${candidate}: median PSNR vs float Lanczos-3`, value: median(psnrs.get(candidate) ?? []), unit: 'dB' },
      { name: `${candidate}: zoom 256x256 x2 + PNG encode`, value: median(times.get(candidate) ?? []), unit: 'ms', higherIsBetter: false },
    ]);
    return {
      title: `Zoom kernels on ${chartCount} seeded charts${half ? ' shrunk to half size' : ''} (${labels / FACTORS.length} value and tick labels)`,
      rows,
      notes: [
        `Unzoomed (1x) labels read under OCR: ${((unzoomedRead / (labels / FACTORS.length)) * 100).toFixed(1)}%.`,
        'Region: the label box padded by 6 pixels, as the chart oracle zooms; a label counts as read when the OCR text contains it (spaces ignored).',
        "libvips = sharp's resize, which enlarges with bicubic interpolation whichever kernel is asked for.",
        ...misses.slice(0, 20).map((miss) => `missed: ${miss}`),
      ],
    };
  };
}

/** The bench entry: the study on 12 charts shrunk to half size, where the kernels differ under OCR. */
export const run: BenchRun = study(12, true);

if (import.meta.url === `file://${process.argv[1]}`) {
  const { formatSections } = await import('./report.js');
  const charts = Number(process.argv[2] ?? 12);
  const count = Number.isInteger(charts) && charts > 0 ? charts : 12;
  console.log(formatSections([await study(count, true)()]));
  console.log(formatSections([await study(count, false)()]));
}
