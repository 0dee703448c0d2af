import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Content, ImageRef } from '../../core/content.js';
import type { OracleStep, StepInfo, ToolCallAction } from '../../core/env.js';
import { FormatError } from '../../core/errors.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { Random } from '../../core/random.js';
import { registry } from '../../core/registry.js';
import '../../envs/index.js';
import { DETECTABLE_CNR, measureContrast, UNDETECTABLE_CNR } from '../../envs/medical/contrast.js';
import { decodeDicom, dicomSamples } from '../../envs/medical/dicom.js';
import { MedicalEnv, type MedicalEnvOptions } from '../../envs/medical/env.js';
import type { Finding } from '../../envs/medical/findings.js';
import { generateScan } from '../../envs/medical/generate.js';
import { decodeImageFile, loadMedicalDataset } from '../../envs/medical/load.js';
import { scoreAnswer } from '../../envs/medical/score.js';
import type { MedicalState } from '../../envs/medical/state.js';
import { DEEPEYES_PRESET, OPHIUCHUS_PRESET, rewardPreset } from '../../rewards/presets.js';
import { computeRewards, type EpisodeOutcome } from '../../rewards/terms.js';
import { createAdjustWindowTool } from '../../tools/image/adjust-window.js';
import { createMeasureTool } from '../../tools/image/measure.js';
import { decodeImage } from '../../tools/image/pixels.js';
import { decodeSamples, encodeSamples, SampleCache, type Samples } from '../../tools/image/samples.js';
import { createWindowedRenderer, type WindowedImageState, windowLevel } from '../../tools/image/window.js';
import { createZoomInTool } from '../../tools/image/zoom-in.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DICOM = join(ROOT, 'assets', 'dicom');
const FIXTURES = join(ROOT, 'tests', 'fixtures', 'medical');

const OPTIONS: MedicalEnvOptions = {
  families: 'all',
  questionKinds: 'all',
  coordinates: 'pixel',
  minSize: 2048,
  maxSize: 2304,
  overviewSide: 448,
  measure: true,
  dataset: '',
  images: '',
};

/** Exposes the episode state, to compare measurements with the ground truth. */
class ProbeEnv extends MedicalEnv {
  get episode(): MedicalState {
    return this.state;
  }
}

function stats(stored: Int32Array, rows: number, columns: number) {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (const value of stored) {
    min = Math.min(min, value);
    max = Math.max(max, value);
    sum += value;
  }
  const at = (row: number, column: number) => stored[row * columns + column];
  return { min, max, sum, corner: at(0, 0), middle: at(rows / 2, columns / 2), last: at(rows - 1, columns - 1) };
}

describe('DICOM decoding (dicom-parser) against the pydicom reference values', () => {
  it('reads CT_small.dcm: explicit VR little endian, signed, slope 1 intercept -1024, no window', async () => {
    const image = decodeDicom(await readFile(join(DICOM, 'CT_small.dcm')), 'CT_small.dcm');
    expect(image).toMatchObject({
      transferSyntaxName: 'Explicit VR Little Endian',
      modality: 'CT',
      rows: 128,
      columns: 128,
      bitsAllocated: 16,
      bitsStored: 16,
      signed: true,
      slope: 1,
      intercept: -1024,
      window: undefined,
    });
    expect(stats(image.stored, 128, 128)).toEqual({ min: 128, max: 2191, sum: 14826310, corner: 175, middle: 1928, last: 909 });
    const { samples, calibration, window } = dicomSamples(image);
    expect(calibration.unit).toBe('HU');
    // Units survive the shift of signed values into 0..65535: stored 175 is 175 - 1024 HU.
    expect((samples.data[0] as number) * calibration.slope + calibration.intercept).toBe(175 - 1024);
    expect(window).toEqual({ center: (128 + 2191) / 2 - 1024, width: 2191 - 128 + 1 });
  });

  it('reads MR_small.dcm with the window from the file', async () => {
    const image = decodeDicom(await readFile(join(DICOM, 'MR_small.dcm')), 'MR_small.dcm');
    expect(image).toMatchObject({ modality: 'MR', rows: 64, columns: 64, signed: true, slope: 1, intercept: 0 });
    expect(image.window).toEqual({ center: 600, width: 1600 });
    expect(stats(image.stored, 64, 64)).toEqual({ min: 127, max: 2145, sum: 2125338, corner: 905, middle: 182, last: 862 });
    expect(dicomSamples(image).window).toEqual({ center: 600, width: 1600 });
  });

  it('reads the same datasets as implicit VR little endian and explicit VR big endian', async () => {
    const implicit = decodeDicom(await readFile(join(FIXTURES, 'CT_small_implicit_le.dcm')));
    expect(implicit.transferSyntaxName).toBe('Implicit VR Little Endian');
    expect(implicit.intercept).toBe(-1024);
    expect(stats(implicit.stored, 128, 128)).toEqual({ min: 128, max: 2191, sum: 14826310, corner: 175, middle: 1928, last: 909 });
    const big = decodeDicom(await readFile(join(FIXTURES, 'MR_small_explicit_be.dcm')));
    expect(big.transferSyntaxName).toBe('Explicit VR Big Endian');
    expect(big.window).toEqual({ center: 600, width: 1600 });
    expect(stats(big.stored, 64, 64)).toEqual({ min: 127, max: 2145, sum: 2125338, corner: 905, middle: 182, last: 862 });
  });

  it('refuses a compressed transfer syntax by name', async () => {
    const bytes = await readFile(join(FIXTURES, 'CT_small_jpeg2000.dcm'));
    expect(() => decodeDicom(bytes, 'CT_small_jpeg2000.dcm')).toThrow(FormatError);
    expect(() => decodeDicom(bytes, 'CT_small_jpeg2000.dcm')).toThrow(
      /JPEG 2000 Image Compression \(Lossless Only\) \(1\.2\.840\.10008\.1\.2\.4\.90\)/,
    );
  });

  it('says a non-DICOM file is not readable', () => {
    expect(() => decodeDicom(Buffer.alloc(300), 'empty.dcm')).toThrow(/empty\.dcm is not a readable DICOM file/);
  });
});

describe('images at their own depth', () => {
  it('decodes 8- and 16-bit PNG, 16-bit TIFF and JPEG, and round-trips 16-bit samples through PNG', async () => {
    const grey8 = await decodeImageFile(await readFile(join(FIXTURES, 'gray8.png')), 'gray8.png');
    expect(grey8.samples).toMatchObject({ width: 40, height: 30, channels: 1, bits: 8 });
    expect(grey8.samples.data[39]).toBe((39 * 6) & 255);
    const grey16 = await decodeImageFile(await readFile(join(FIXTURES, 'gray16.png')), 'gray16.png');
    expect(grey16.samples).toMatchObject({ channels: 1, bits: 16 });
    expect(grey16.samples.data[1199]).toBe(1000 + 1199 * 37);
    expect(grey16.window).toEqual({ center: 32768, width: 65536 });
    const tiff = await decodeImageFile(await readFile(join(FIXTURES, 'scan16.tif')), 'scan16.tif');
    expect(Array.from(tiff.samples.data)).toEqual(Array.from(grey16.samples.data));
    const jpeg = await decodeImageFile(await readFile(join(FIXTURES, 'photo.jpg')), 'photo.jpg');
    expect(jpeg.samples).toMatchObject({ channels: 3, bits: 8 });
    const samples: Samples = { data: Uint16Array.from([0, 1, 65535, 40000, 12345, 7]), width: 3, height: 2, channels: 1, bits: 16 };
    const decoded = await decodeSamples(await encodeSamples(samples));
    expect(Array.from(decoded.data)).toEqual(Array.from(samples.data));
  });
});

describe('display windows', () => {
  it('maps values linearly over the window as DICOM does, clipping outside it', () => {
    const window = { center: 40, width: 400 };
    expect(windowLevel(-160.5, window)).toBe(0);
    expect(windowLevel(-1000, window)).toBe(0);
    expect(windowLevel(239.6, window)).toBe(255);
    expect(windowLevel(40, window)).toBe(128);
    expect(windowLevel(-600, { center: -600, width: 1500 })).toBe(128);
  });
});

/** A 64x64 CT-like scan: -1000 HU air on the left half, 40 HU tissue on the right, a 100 HU square at (40..48, 20..28). */
async function toyScan(images: MemoryImageStore, cache: SampleCache): Promise<WindowedImageState> {
  const data = new Uint16Array(64 * 64);
  for (let y = 0; y < 64; y += 1) {
    for (let x = 0; x < 64; x += 1) {
      const inside = x >= 40 && x < 48 && y >= 20 && y < 28;
      data[y * 64 + x] = (x < 32 ? -1000 : inside ? 100 : 40) + 1024;
    }
  }
  const samples: Samples = { data, width: 64, height: 64, channels: 1, bits: 16 };
  const ref = await images.put(await encodeSamples(samples));
  cache.remember(ref, samples);
  const window = { center: 40, width: 400 };
  return {
    image: ref,
    current: ref,
    coordinates: 'pixel',
    calibration: { slope: 1, intercept: -1024, unit: 'HU' },
    window,
    defaultWindow: window,
  };
}

describe('windowed image tools', () => {
  it('adjust_window applies to every later zoom, and zoom_in reads the 16-bit samples', async () => {
    const images = new MemoryImageStore();
    const cache = new SampleCache();
    const state = await toyScan(images, cache);
    const zoom = createZoomInTool<WindowedImageState>({ render: createWindowedRenderer(cache) });
    const adjust = createAdjustWindowTool<WindowedImageState>({ samples: cache, overviewSide: 32 });
    const before = await zoom.run({ x1: 32, y1: 16, x2: 64, y2: 32, factor: 1 }, { state, images });
    const beforeImage = before.content.find((part) => part.type === 'image');
    const beforePixels = await decodeImage(await images.get((beforeImage as { image: ImageRef }).image.sha256));
    // Tissue at 40 HU is mid-grey, the 100 HU square brighter: 40 → 128, 100 → 166.
    expect(beforePixels.data[0]).toBe(128);
    expect(beforePixels.data[(4 * 32 + 8) * 3]).toBe(166);
    expect(before.content[0]).toMatchObject({ text: expect.stringContaining('window center 40, width 400 HU') });
    const adjusted = await adjust.run({ center: 70, width: 60 }, { state, images });
    expect(adjusted.isError).toBeUndefined();
    expect(state.window).toEqual({ center: 70, width: 60 });
    expect((adjusted.data as { image: ImageRef }).image).toMatchObject({ width: 32, height: 32 });
    const after = await zoom.run({ x1: 32, y1: 16, x2: 64, y2: 32, factor: 1 }, { state, images });
    const afterPixels = await decodeImage(await images.get((after.data as { image: ImageRef }).image.sha256));
    // A 60 HU window around 70: 40 HU is black, 100 HU white.
    expect(afterPixels.data[0]).toBe(0);
    expect(afterPixels.data[(4 * 32 + 8) * 3]).toBe(255);
    const refused = await adjust.run({ center: 0, width: 0.5 }, { state, images });
    expect(refused.isError).toBe(true);
  });

  it('measure gives the mean and std of a box in the image units, and is marked privileged', async () => {
    const images = new MemoryImageStore();
    const cache = new SampleCache();
    const state = await toyScan(images, cache);
    const measure = createMeasureTool<WindowedImageState>({ samples: cache });
    expect(measure.annotations).toEqual({ privileged: true, readOnly: true });
    const square = await measure.run({ x1: 40, y1: 20, x2: 48, y2: 28 }, { state, images });
    expect((square.data as { statistics: unknown[] }).statistics).toEqual([{ mean: 100, std: 0, min: 100, max: 100 }]);
    // Half air, half tissue: mean -480 HU, std 520 HU.
    const edge = await measure.run({ x1: 28, y1: 0, x2: 36, y2: 8 }, { state, images });
    expect((edge.data as { statistics: unknown[] }).statistics).toEqual([{ mean: -480, std: 520, min: -1000, max: 40 }]);
    expect(edge.content[0]).toMatchObject({ text: expect.stringContaining('mean -480 HU, std 520') });
    const outside = await measure.run({ x1: 0, y1: 0, x2: 65, y2: 8 }, { state, images });
    expect(outside.isError).toBe(true);
  });
});

describe('draw_box over the windowed overview', () => {
  const GREEN = [0, 150, 40];
  const pixelAt = (raw: { data: Buffer; width: number }, x: number, y: number) => {
    const index = (y * raw.width + x) * 3;
    return [raw.data[index], raw.data[index + 1], raw.data[index + 2]];
  };

  it('maps a box at a finding from the scan frame to the overview, replaces by label, follows the window and stays off zooms', async () => {
    const images = new MemoryImageStore();
    const env = new ProbeEnv({ images }, { ...OPTIONS, families: 'ct' });
    const reset = await env.reset({ seed: 3 });
    const state = env.episode;
    const finding = state.synthetic?.findings[0] as Finding;
    const overview = await decodeImage(await images.get((imagesOf(reset.observation)[0] as ImageRef).sha256));
    const scale = overview.width / state.image.width;
    // A box 24 overview pixels wide around the finding, given in the scan's pixels.
    const left = Math.round(finding.x * scale) - 12;
    const top = Math.round(finding.y * scale) - 12;
    const box = { x1: left / scale, y1: top / scale, x2: (left + 24) / scale, y2: (top + 24) / scale };
    const zoomArgs = {
      x1: Math.max(0, finding.x - 100),
      y1: Math.max(0, finding.y - 100),
      x2: finding.x + 100,
      y2: finding.y + 100,
      factor: 1,
    };
    const zoomBefore = await env.step({ type: 'tool_call', name: 'zoom_in', arguments: zoomArgs });

    const drawn = await env.step({ type: 'tool_call', name: 'draw_box', arguments: { ...box, label: 'finding', color: 'green' } });
    expect(drawn.info.data).toMatchObject({ annotations: [{ kind: 'box', label: 'finding', color: 'green' }] });
    const first = imagesOf(drawn.observation)[0] as ImageRef;
    expect(first).toMatchObject({ width: overview.width, height: overview.height });
    const view = await decodeImage(await images.get(first.sha256));
    // The 2-pixel stroke covers the columns either side of the box edge, in the drawn colour.
    expect(pixelAt(view, left, top + 12)).toEqual(GREEN);
    expect(pixelAt(view, left - 1, top + 12)).toEqual(GREEN);
    expect(pixelAt(view, left + 24, top + 12)).toEqual(GREEN);
    expect(pixelAt(view, left + 12, top + 24)).toEqual(GREEN);
    // Inside and away from the box the overview is unchanged.
    expect(pixelAt(view, left + 12, top + 12)).toEqual(pixelAt(overview, left + 12, top + 12));
    expect(pixelAt(view, left + 60, top + 12)).toEqual(pixelAt(overview, left + 60, top + 12));
    expect(state.current).toEqual(state.image);

    // The same label moves the box: its old place shows the overview again.
    const moved = await env.step({
      type: 'tool_call',
      name: 'draw_box',
      arguments: { x1: box.x1 + 40 / scale, y1: box.y1, x2: box.x2 + 40 / scale, y2: box.y2, label: 'finding', color: 'green' },
    });
    expect(state.annotations).toHaveLength(1);
    const movedView = await decodeImage(await images.get((imagesOf(moved.observation)[0] as ImageRef).sha256));
    expect(pixelAt(movedView, left, top + 12)).toEqual(pixelAt(overview, left, top + 12));
    expect(pixelAt(movedView, left + 40, top + 12)).toEqual(GREEN);

    // After adjust_window the boxes are drawn over the view with the new window; that view itself has no box.
    const adjusted = await env.step({ type: 'tool_call', name: 'adjust_window', arguments: { center: -600, width: 300 } });
    const windowed = await decodeImage(await images.get((imagesOf(adjusted.observation)[0] as ImageRef).sha256));
    expect(windowed.data.equals(overview.data)).toBe(false);
    expect(pixelAt(windowed, left + 40, top + 12)).not.toEqual(GREEN);
    const again = await env.step({ type: 'tool_call', name: 'draw_box', arguments: { ...box, label: 'second', color: 'red' } });
    const againView = await decodeImage(await images.get((imagesOf(again.observation)[0] as ImageRef).sha256));
    expect(pixelAt(againView, left, top + 12)).toEqual([230, 25, 25]);
    expect(pixelAt(againView, left + 40, top + 12)).toEqual(GREEN);
    expect(pixelAt(againView, left + 100, top + 12)).toEqual(pixelAt(windowed, left + 100, top + 12));

    // Zooms read the full-depth samples and do not show the boxes.
    await env.step({ type: 'tool_call', name: 'adjust_window', arguments: state.defaultWindow as unknown as Record<string, unknown> });
    const zoomAfter = await env.step({ type: 'tool_call', name: 'zoom_in', arguments: zoomArgs });
    expect((zoomAfter.info.data as { image: ImageRef }).image).toEqual((zoomBefore.info.data as { image: ImageRef }).image);
  }, 60_000);

  it('takes boxes in the 0..1000 frame to the same place, with the same bytes for the same seed', async () => {
    const shas: string[] = [];
    for (const coordinates of ['qwen1000', 'qwen1000', 'pixel'] as const) {
      const images = new MemoryImageStore();
      const env = new ProbeEnv({ images }, { ...OPTIONS, families: 'chest', coordinates });
      await env.reset({ seed: 5 });
      const state = env.episode;
      const finding = state.synthetic?.findings[0] as Finding;
      const { width, height } = state.image;
      const box = { x1: finding.x - 80, y1: finding.y - 80, x2: finding.x + 80, y2: finding.y + 80 };
      const args =
        coordinates === 'pixel'
          ? box
          : { x1: (box.x1 / width) * 1000, y1: (box.y1 / height) * 1000, x2: (box.x2 / width) * 1000, y2: (box.y2 / height) * 1000 };
      const drawn = await env.step({ type: 'tool_call', name: 'draw_box', arguments: { ...args, label: 'nodule', color: 'blue' } });
      expect(drawn.info.data).toMatchObject({ annotations: [{ box: { x1: expect.closeTo(box.x1, 6), x2: expect.closeTo(box.x2, 6) } }] });
      const ref = imagesOf(drawn.observation)[0] as ImageRef;
      const view = await decodeImage(await images.get(ref.sha256));
      const scale = view.width / width;
      // The 2-pixel stroke, centred on the edge, fully covers the column the edge falls in.
      expect(pixelAt(view, Math.floor(box.x1 * scale), Math.round(finding.y * scale))).toEqual([20, 70, 230]);
      shas.push(ref.sha256);
    }
    expect(shas[1]).toBe(shas[0]);
    expect(shas[2]).toBe(shas[0]);
  }, 60_000);
});

describe('generated scans', () => {
  it('are at least 2048 pixels a side, 16-bit (RGB for histology), and the same seed gives the same bytes', async () => {
    for (const family of ['ct', 'chest', 'histology'] as const) {
      const first = generateScan(new Random(11).fork('scan'), { family, minSize: 2048, maxSize: 2304 });
      const again = generateScan(new Random(11).fork('scan'), { family, minSize: 2048, maxSize: 2304 });
      const hash = (samples: Samples) => createHash('sha256').update(samples.data).digest('hex');
      expect(Math.min(first.samples.width, first.samples.height)).toBeGreaterThanOrEqual(2048);
      expect(first.samples.channels).toBe(family === 'histology' ? 3 : 1);
      expect(first.samples.bits).toBe(family === 'histology' ? 8 : 16);
      expect(hash(again.samples)).toBe(hash(first.samples));
      if (family === 'ct') {
        const other = generateScan(new Random(12).fork('scan'), { family, minSize: 2048, maxSize: 2304 });
        expect(hash(other.samples)).not.toBe(hash(first.samples));
      }
      expect(first.findings.length).toBeGreaterThan(0);
    }
  });

  it('hold CT values in Hounsfield units: air, fat, soft tissue, lung and bone', () => {
    const scan = generateScan(new Random(3).fork('scan'), { family: 'ct', minSize: 2048, maxSize: 2048 });
    const hu = (x: number, y: number) => (scan.samples.data[Math.round(y) * scan.samples.width + Math.round(x)] as number) - 1024;
    const { width, height } = scan.samples;
    expect(hu(8, 8)).toBeLessThan(-950);
    const histogram = new Map<string, number>();
    for (let index = 0; index < scan.samples.data.length; index += 7) {
      const value = (scan.samples.data[index] as number) - 1024;
      const band = value < -900 ? 'air' : value < -500 ? 'lung' : value < -30 ? 'fat' : value < 150 ? 'soft' : 'bone';
      histogram.set(band, (histogram.get(band) ?? 0) + 1);
    }
    for (const band of ['air', 'lung', 'fat', 'soft', 'bone']) expect(histogram.get(band) ?? 0).toBeGreaterThan(500);
    expect(width).toBe(2048);
    expect(height).toBe(2048);
  });
});

/** The images of a content list. */
function imagesOf(content: Content): ImageRef[] {
  return content.flatMap((part) => (part.type === 'image' ? [part.image] : []));
}

describe('necessity: findings are below detectability in the default view and above it after the oracle zooms (and windows)', () => {
  // Rose's criterion: CNR 3 to 5. Below 3 a finding is not seen; at 5 or more it is.
  it('measures the CNR of every target finding on the pixels of both views', async () => {
    const images = new MemoryImageStore();
    const results: string[] = [];
    for (const family of ['ct', 'chest', 'histology']) {
      const env = new ProbeEnv({ images }, { ...OPTIONS, families: family, questionKinds: 'location,box,type' });
      for (const seed of [1, 2]) {
        const reset = await env.reset({ seed });
        const state = env.episode;
        const overview = await decodeImage(await images.get((imagesOf(reset.observation)[0] as ImageRef).sha256));
        const scale = overview.width / state.image.width;
        const oracle = env.oracle();
        let last: { observation: Content; info: StepInfo } = reset;
        const views: { region: { left: number; top: number; width: number; height: number }; image: ImageRef; windowed: boolean }[] = [];
        let windowed = false;
        for (let turn = 0; turn < 12; turn += 1) {
          const step: OracleStep = await oracle.next(last);
          const result = await env.step(step.action);
          if (step.action.type === 'tool_call' && (step.action as ToolCallAction).name === 'adjust_window') windowed = true;
          const data = result.info.data as { region?: { left: number; top: number; width: number; height: number }; image?: ImageRef };
          if (step.action.type === 'tool_call' && step.action.name === 'zoom_in' && data.region !== undefined && data.image !== undefined) {
            views.push({ region: data.region, image: data.image, windowed });
          }
          last = result;
          if (result.terminated) {
            expect(result.info.success).toBe(true);
            break;
          }
        }
        const findings = state.synthetic?.findings ?? [];
        for (const finding of findings) {
          const before = measureContrast(overview, finding.x * scale, finding.y * scale, finding.radius * scale);
          expect(before.cnr, `${family} seed ${seed} ${finding.id} in the default view`).toBeLessThan(UNDETECTABLE_CNR);
        }
        const targets = (state.synthetic?.task.targets ?? []).map((id) => findings.find((finding) => finding.id === id) as Finding);
        for (const target of targets) {
          const view = views.findLast(
            ({ region }) =>
              target.x > region.left &&
              target.x < region.left + region.width &&
              target.y > region.top &&
              target.y < region.top + region.height,
          );
          expect(view, `${family} seed ${seed}: the oracle zoomed on ${target.id}`).toBeDefined();
          if (view === undefined) continue;
          if (target.limit === 'window') expect(view.windowed).toBe(true);
          const pixels = await decodeImage(await images.get(view.image.sha256));
          const factor = pixels.width / view.region.width;
          const after = measureContrast(
            pixels,
            (target.x - view.region.left) * factor,
            (target.y - view.region.top) * factor,
            target.radius * factor,
          );
          const before = measureContrast(overview, target.x * scale, target.y * scale, target.radius * scale);
          results.push(`${family}/${seed} ${target.kind} (${target.limit}) CNR ${before.cnr.toFixed(2)} -> ${after.cnr.toFixed(2)}`);
          expect(after.cnr, `${family} seed ${seed} ${target.id} after zoom`).toBeGreaterThanOrEqual(DETECTABLE_CNR);
        }
      }
    }
    expect(results.length).toBeGreaterThanOrEqual(4);
  }, 120_000);
});

describe('answers', () => {
  const size = { width: 2000, height: 1000 };
  it('scores boxes by IoU >= 0.5 in either frame, counts, names and option letters', () => {
    const box = { type: 'box' as const, box: { x1: 100, y1: 100, x2: 200, y2: 200 }, text: '100, 100, 200, 200' };
    expect(scoreAnswer('100, 100, 200, 200', box, 'pixel', size)).toEqual({ score: 1, iou: 1 });
    expect(scoreAnswer('[120, 110, 210, 205]', box, 'pixel', size).score).toBe(1);
    expect(scoreAnswer('150, 150, 250, 250', box, 'pixel', size)).toMatchObject({ score: 0 });
    expect(scoreAnswer('50, 100, 100, 200', box, 'qwen1000', size)).toEqual({ score: 1, iou: 1 });
    expect(scoreAnswer('near the top', box, 'pixel', size)).toEqual({ score: 0, iou: 0 });
    expect(scoreAnswer('3', { type: 'number', value: 3, text: '3' }, 'pixel', size).score).toBe(1);
    expect(scoreAnswer('three', { type: 'number', value: 3, text: '3' }, 'pixel', size).score).toBe(1);
    expect(scoreAnswer('4', { type: 'number', value: 3, text: '3' }, 'pixel', size).score).toBe(0);
    const letter = { type: 'text' as const, text: 'B', aliases: ['mass', 'B) mass', '(B) mass'] };
    for (const answer of ['B', '(B)', 'b.', 'mass', '(B) mass']) expect(scoreAnswer(answer, letter, 'pixel', size).score).toBe(1);
    expect(scoreAnswer('A', letter, 'pixel', size).score).toBe(0);
    const quadrant = { type: 'text' as const, text: 'upper left', aliases: ['top left'] };
    expect(scoreAnswer('Upper-left', quadrant, 'pixel', size).score).toBe(1);
    expect(scoreAnswer('top left.', quadrant, 'pixel', size).score).toBe(1);
  });
});

describe('VQA-RAD / SLAKE style datasets', () => {
  it('loads JSONL and JSON with image, image_name or img_name and plays each item on its image', async () => {
    const set = await loadMedicalDataset(join(FIXTURES, 'questions.jsonl'));
    expect(set.items.map((item) => item.image)).toEqual([
      'gray8.png',
      'gray16.png',
      'photo.jpg',
      'scan16.tif',
      '../../../assets/dicom/CT_small.dcm',
      '../../../assets/dicom/MR_small.dcm',
    ]);
    expect(set.items[0]).toMatchObject({ answer: 'yes', answerType: 'CLOSED' });
    expect(set.items[3]?.bbox).toEqual({ x1: 10, y1: 5, x2: 20, y2: 15 });
    expect(set.items[5]?.answer).toBe('1');
    const images = new MemoryImageStore();
    const env = await registry.makeEnv('medical-v0', { images, options: { dataset: join(FIXTURES, 'questions.jsonl') } });
    expect(env.tools.map((tool) => tool.name)).toEqual(['zoom_in', 'adjust_window', 'draw_box', 'measure', 'answer']);
    const reset = await env.reset({ seed: 4 });
    expect(reset.observation).toContainEqual({ type: 'text', text: expect.stringContaining('Which organ is shown?') });
    expect(reset.observation).toContainEqual({ type: 'text', text: expect.stringContaining('Values are in HU; the window is center') });
    expect(() => env.oracle()).toThrow(/no oracle/);
    const zoom = await env.step({ type: 'tool_call', name: 'zoom_in', arguments: { x1: 0, y1: 0, x2: 64, y2: 64, factor: 2 } });
    expect(zoom.info.invalid).toBeUndefined();
    const measured = await env.step({ type: 'tool_call', name: 'measure', arguments: { x1: 0, y1: 0, x2: 1, y2: 1 } });
    expect((measured.info.data as { statistics: { mean: number }[] }).statistics[0]?.mean).toBe(175 - 1024);
    const answered = await env.step({ type: 'answer', answer: 'Lung' });
    expect(answered.info).toMatchObject({ success: true, score: 1, expected: 'lung' });
    await env.reset({ seed: 5 });
    const mr = await env.step({ type: 'tool_call', name: 'zoom_in', arguments: { x1: 0, y1: 0, x2: 32, y2: 32, factor: 1 } });
    expect(mr.observation[0]).toMatchObject({ text: expect.stringContaining('window center 600, width 1600 intensity') });
    await env.reset({ seed: 3 });
    expect((await env.step({ type: 'answer', answer: '11, 5, 20, 15' })).info).toMatchObject({ success: true });
    const json = await registry.makeEnv('medical-v0', { images, options: { dataset: join(FIXTURES, 'questions.json') } });
    await json.reset({ seed: 1 });
    expect((await json.step({ type: 'answer', answer: 'Yes' })).info).toMatchObject({ success: true });
  });

  it('reports bad items with the file and line, and missing images by path', async () => {
    const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const folder = await mkdtemp(join(tmpdir(), 'thinkgym-medical-'));
    try {
      const file = join(folder, 'bad.jsonl');
      await writeFile(file, '{"image": "a.png", "question": "q?", "answer": "yes"}\n{"question": "q?", "answer": "no"}\n');
      await expect(loadMedicalDataset(file)).rejects.toThrow(/bad\.jsonl:2: needs an image path in `image`, `image_name` or `img_name`/);
      await writeFile(file, '{"image": "a.png", "question": "q?", "answer": "yes", "bbox": [5, 5, 1, 9]}\n');
      await expect(loadMedicalDataset(file)).rejects.toThrow(/bbox.*is empty/);
      await writeFile(file, '{"image": "missing.png", "question": "q?", "answer": "yes"}\n');
      const images = new MemoryImageStore();
      const env = await registry.makeEnv('medical-v0', { images, options: { dataset: file } });
      await expect(env.reset({ seed: 0 })).rejects.toThrow(/missing\.png of the question "q\?" is missing/);
      await writeFile(file, '{"image": "CT_small_jpeg2000.dcm", "question": "q?", "answer": "yes"}\n');
      const compressed = await registry.makeEnv('medical-v0', { images, options: { dataset: file, images: FIXTURES } });
      await expect(compressed.reset({ seed: 0 })).rejects.toThrow(/compressed transfer syntax JPEG 2000/);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('reward presets for medical agents', () => {
  const outcome = (overrides: Partial<EpisodeOutcome>): EpisodeOutcome => ({
    success: true,
    score: 1,
    turns: 4,
    maxTurns: 12,
    toolCalls: 3,
    toolImages: 3,
    invalidReasons: [],
    envReward: 1,
    ...overrides,
  });
  const total = (name: string, facts: EpisodeOutcome) => rewardPreset(name).total(computeRewards(facts).terms, facts);

  it('Ophiuchus: answer + format + 2.0 when the answer is right and a tool ran', () => {
    expect(OPHIUCHUS_PRESET.name).toBe('ophiuchus');
    expect(total('ophiuchus', outcome({}))).toBe(4); // 1 + 1 + 2
    expect(total('ophiuchus', outcome({ toolCalls: 0, toolImages: 0 }))).toBe(2); // right, no tool: 1 + 1
    expect(total('ophiuchus', outcome({ success: false, score: 0 }))).toBe(1); // wrong with tools: format only
    expect(total('ophiuchus', outcome({ invalidReasons: ['bad-json'] }))).toBe(3); // a format error loses the format point
  });

  it('DeepEyes-style: 0.8 acc + 0.2 format + 1.2 when a tool image came back and acc > 0.5', () => {
    expect(DEEPEYES_PRESET.name).toBe('deepeyes');
    expect(total('deepeyes', outcome({}))).toBe(2.2); // 0.8 + 0.2 + 1.2
    expect(total('deepeyes', outcome({ toolImages: 0 }))).toBe(1); // only text tools (measure): no bonus
    expect(total('deepeyes', outcome({ success: false, score: 0.4 }))).toBe(0.52); // 0.32 + 0.2, gate closed
    expect(total('deepeyes', outcome({ success: false, score: 0 }))).toBe(0.2);
  });
});
