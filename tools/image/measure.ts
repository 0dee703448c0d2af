import { text } from '../../core/content.js';
import { type Tool, type ToolResult, toolError } from '../../core/tool.js';
import { boxProperties, checkBox, describeFrame, formatBox, fromPixelBox, type PixelRegion } from './frame.js';
import { type SampleSource, type Samples, sharedSampleCache } from './samples.js';
import type { ImageToolOptions } from './state.js';
import type { Calibration, WindowedImageState } from './window.js';

/** Arguments of `measure`. */
export interface MeasureArgs {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

/** Statistics of one channel of a region, in the image's own units. */
export interface RegionStatistics {
  readonly mean: number;
  /** Population standard deviation. */
  readonly std: number;
  readonly min: number;
  readonly max: number;
}

/** Mean, standard deviation, min and max of each channel of `region`, in calibrated units. */
export function regionStatistics(samples: Samples, calibration: Calibration, region: PixelRegion): RegionStatistics[] {
  const { channels, width } = samples;
  const result: RegionStatistics[] = [];
  const count = region.width * region.height;
  for (let channel = 0; channel < channels; channel += 1) {
    let sum = 0;
    let squares = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let row = region.top; row < region.top + region.height; row += 1) {
      const start = (row * width + region.left) * channels + channel;
      for (let column = 0; column < region.width; column += 1) {
        const stored = samples.data[start + column * channels] as number;
        sum += stored;
        squares += stored * stored;
        if (stored < min) min = stored;
        if (stored > max) max = stored;
      }
    }
    const mean = sum / count;
    const variance = Math.max(0, squares / count - mean * mean);
    const slope = calibration.slope;
    result.push({
      mean: mean * slope + calibration.intercept,
      std: Math.sqrt(variance) * Math.abs(slope),
      min: Math.min(min * slope, max * slope) + calibration.intercept,
      max: Math.max(min * slope, max * slope) + calibration.intercept,
    });
  }
  return result;
}

/** Options of {@link createMeasureTool}. */
export interface MeasureToolOptions extends Pick<ImageToolOptions, 'frame'> {
  /** Where stored samples come from; the shared sample cache by default. */
  readonly samples?: SampleSource;
}

/**
 * `measure`: mean and standard deviation (and min, max) of a box of the stored image, in the image's
 * own units (HU for CT), read from the full-depth samples rather than the 8-bit view. PRIVILEGED:
 * a model sees only windowed 8-bit views, so exact values are ground truth it would not have; it is
 * marked `annotations.privileged` for exporters and evaluations to leave out, as `locate` is.
 */
export function createMeasureTool<State extends WindowedImageState>(options: MeasureToolOptions = {}): Tool<State, MeasureArgs> {
  const frame = options.frame ?? 'pixel';
  const source = options.samples ?? sharedSampleCache;
  return {
    name: 'measure',
    description:
      "Measure the mean and standard deviation of the stored values in a box, in the image's own units (HU for CT), from the " +
      `full-depth data (privileged, synthetic data only). ${describeFrame(frame)}`,
    parameters: {
      type: 'object',
      properties: boxProperties(frame, 'the region to measure'),
      required: ['x1', 'y1', 'x2', 'y2'],
      additionalProperties: false,
    },
    annotations: { privileged: true, readOnly: true },
    async run(args, context): Promise<ToolResult> {
      const state = context.state;
      const checked = checkBox(args, state.coordinates, state.image);
      if (!checked.ok) return toolError(checked.message);
      const { region } = checked;
      const samples = await source.samples(state.image, context.images);
      const statistics = regionStatistics(samples, state.calibration, region);
      const box = fromPixelBox(
        { x1: region.left, y1: region.top, x2: region.left + region.width, y2: region.top + region.height },
        state.coordinates,
        state.image,
      );
      const unit = state.calibration.unit;
      const names = statistics.length === 1 ? [''] : ['red ', 'green ', 'blue '];
      const lines = statistics.map(
        (entry, index) =>
          `${names[index]}mean ${show(entry.mean)} ${unit}, std ${show(entry.std)}, min ${show(entry.min)}, max ${show(entry.max)}`,
      );
      return {
        content: [text(`In ${formatBox(box)} (${region.width * region.height} pixels): ${lines.join('; ')}.`)],
        data: { region, unit, statistics },
      };
    },
  };
}

function show(value: number): string {
  return String(Math.round(value * 10) / 10);
}
