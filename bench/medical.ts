import { MemoryImageStore } from '../core/image-store.js';
import { Random } from '../core/random.js';
import type { ToolResult } from '../core/tool.js';
import type { ScanFamily } from '../envs/medical/anatomy.js';
import { MedicalEnv } from '../envs/medical/env.js';
import { generateScan } from '../envs/medical/generate.js';
import { createAdjustWindowTool } from '../tools/image/adjust-window.js';
import { encodeSamples, SampleCache } from '../tools/image/samples.js';
import { createWindowedRenderer, type WindowedImageState } from '../tools/image/window.js';
import { createZoomInTool } from '../tools/image/zoom-in.js';
import type { BenchRow, BenchRun } from './report.js';

const SIZE = 4096;
const CACHED_CALLS = 20;
const UNCACHED_CALLS = 4;

/** The median, which shrugs off the stalls of a busy machine better than the mean. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

async function times(call: () => Promise<unknown>, count: number): Promise<number[]> {
  await call();
  const result: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const started = performance.now();
    await call();
    result.push(performance.now() - started);
  }
  return result;
}

/**
 * medical-v0 on large scans: milliseconds per `zoom_in` on a 4096x4096 16-bit CT slice with the
 * decoded samples cached (the env's path: the generator hands its samples to the cache) against a
 * cache that keeps nothing (every call decodes the 16-bit PNG from the store); `adjust_window` on
 * the same scan; and milliseconds per reset (generate, store the 16-bit PNG, render the 448-pixel
 * view) and per generation alone for each family at 2048..2304 pixels.
 */
export const run: BenchRun = async () => {
  const scan = generateScan(new Random(1).fork('scan'), { family: 'ct', minSize: SIZE, maxSize: SIZE });
  const images = new MemoryImageStore();
  const png = await encodeSamples(scan.samples);
  const ref = await images.put(png);
  const cached = new SampleCache();
  cached.remember(ref, scan.samples);
  const uncached = new SampleCache({ maxBytes: 0 });
  const state: WindowedImageState = {
    image: ref,
    current: ref,
    coordinates: 'pixel',
    calibration: scan.calibration,
    window: scan.defaultWindow,
    defaultWindow: scan.defaultWindow,
  };
  const check = (result: ToolResult): void => {
    if (result.isError === true) throw new Error('a medical tool failed in the bench');
  };
  const rows: BenchRow[] = [];
  for (const [name, box] of [
    ['zoom_in 256x256 x2', { x1: 1800, y1: 1500, x2: 2056, y2: 1756, factor: 2 }],
    ['zoom_in 1024x1024 x1 (quadrant scan)', { x1: 1024, y1: 1024, x2: 2048, y2: 2048, factor: 1 }],
  ] as const) {
    const fast = createZoomInTool<WindowedImageState>({ render: createWindowedRenderer(cached) });
    const slow = createZoomInTool<WindowedImageState>({ render: createWindowedRenderer(uncached) });
    const cachedTimes = await times(async () => check(await fast.run(box, { state, images })), CACHED_CALLS);
    const uncachedTimes = await times(async () => check(await slow.run(box, { state, images })), UNCACHED_CALLS);
    rows.push({
      name: `${name} on ${SIZE}x${SIZE} 16-bit (cached samples)`,
      value: median(cachedTimes),
      unit: 'ms/call',
      higherIsBetter: false,
      baseline: { name: 'uncached (decode 16-bit PNG)', value: median(uncachedTimes) },
    });
  }
  const adjust = createAdjustWindowTool<WindowedImageState>({ samples: cached });
  const adjustTimes = await times(async () => check(await adjust.run({ center: -600, width: 1500 }, { state, images })), 5);
  rows.push({
    name: `adjust_window on ${SIZE}x${SIZE} (448-pixel view)`,
    value: median(adjustTimes),
    unit: 'ms/call',
    higherIsBetter: false,
  });

  const families: ScanFamily[] = ['chest', 'ct', 'histology'];
  for (const family of families) {
    const env = new MedicalEnv(
      { images: new MemoryImageStore() },
      {
        families: family,
        questionKinds: 'all',
        coordinates: 'pixel',
        minSize: 2048,
        maxSize: 2304,
        overviewSide: 448,
        measure: true,
        dataset: '',
        images: '',
      },
      undefined,
      new SampleCache({ maxBytes: 64 * 1024 * 1024 }),
    );
    const seeds = [1, 2, 3, 4, 5];
    const resetTimes: number[] = [];
    const generateTimes: number[] = [];
    for (const seed of seeds) {
      let started = performance.now();
      await env.reset({ seed });
      resetTimes.push(performance.now() - started);
      started = performance.now();
      generateScan(new Random(seed).fork('scan'), { family, minSize: 2048, maxSize: 2304 });
      generateTimes.push(performance.now() - started);
    }
    rows.push({
      name: `${family} reset (generate + store 16-bit PNG + 448 view)`,
      value: median(resetTimes),
      unit: 'ms',
      higherIsBetter: false,
      baseline: { name: 'generation alone', value: median(generateTimes) },
    });
  }
  return {
    title: 'Medical scans (medical-v0)',
    rows,
    notes: [
      `Zoom medians: ${CACHED_CALLS} cached and ${UNCACHED_CALLS} uncached calls after one warm-up; the ${SIZE}x${SIZE} CT PNG is ${(png.length / 1e6).toFixed(1)} MB.`,
      'Uncached = SampleCache({ maxBytes: 0 }): each call decodes the 16-bit PNG from the store before windowing the region.',
      'Resets: median of seeds 1-5 per family, scans 2048..2304 pixels a side; "generation alone" is the pure-JS scan synthesis.',
    ],
  };
};
