import { image, text } from '../../core/content.js';
import { type Tool, type ToolResult, toolError } from '../../core/tool.js';
import { type SampleSource, sharedSampleCache } from './samples.js';
import { describeWindow, fitLongSide, fullRegion, renderWindowed, type WindowedImageState } from './window.js';

/** Arguments of `adjust_window`. */
export interface AdjustWindowArgs {
  readonly center: number;
  readonly width: number;
}

/** Options of {@link createAdjustWindowTool}. */
export interface AdjustWindowToolOptions {
  /** Long side, in pixels, of the whole-image view the tool returns. Default 448. */
  readonly overviewSide?: number;
  /** Where stored samples come from; the shared sample cache by default. */
  readonly samples?: SampleSource;
}

/**
 * `adjust_window(center, width)`: sets the display window, in the image's own units (Hounsfield
 * units for CT), as radiologists do: values in `center ± width/2` spread over black..white, values
 * outside are clipped. The window applies to every later image (zooms included); the tool returns
 * the whole image shown with it.
 */
export function createAdjustWindowTool<State extends WindowedImageState>(
  options: AdjustWindowToolOptions = {},
): Tool<State, AdjustWindowArgs> {
  const overviewSide = options.overviewSide ?? 448;
  const source = options.samples ?? sharedSampleCache;
  return {
    name: 'adjust_window',
    description:
      "Set the display window (level and width) in the image's own units (HU for CT): values within center ± width/2 are " +
      'spread from black to white, lower values are black and higher ones white. Narrow windows show small differences of ' +
      'intensity. It applies to every later image, zooms included; returns the whole image with the new window.',
    parameters: {
      type: 'object',
      properties: {
        center: { type: 'number', description: "Window centre (level) in the image's own units, e.g. 40 for soft tissue on CT." },
        width: {
          type: 'number',
          minimum: 1,
          description: "Window width in the image's own units, at least 1, e.g. 400 for soft tissue on CT.",
        },
      },
      required: ['center', 'width'],
      additionalProperties: false,
    },
    async run(args, context): Promise<ToolResult> {
      const state = context.state;
      if (!Number.isFinite(args.center) || !Number.isFinite(args.width) || args.width < 1) {
        return toolError(`center must be a number and width a number of at least 1 (got center=${args.center}, width=${args.width}).`);
      }
      const samples = await source.samples(state.image, context.images);
      state.window = { center: args.center, width: args.width };
      const size = fitLongSide(samples.width, samples.height, overviewSide);
      const ref = await context.images.put(await renderWindowed(samples, state.calibration, state.window, fullRegion(samples), size));
      return {
        content: [
          text(
            `Window set to ${describeWindow(state.window, state.calibration)}; later images use it. The whole image, ` +
              `shown at ${size.width}x${size.height} pixels:`,
          ),
          image(ref),
        ],
        data: { window: state.window, image: ref },
      };
    },
  };
}
