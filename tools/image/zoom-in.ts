import { image, text } from '../../core/content.js';
import type { ImageStore } from '../../core/image-store.js';
import { type Tool, type ToolResult, toolError } from '../../core/tool.js';
import { boxProperties, checkBox, describeFrame, formatBox, fromPixelBox, type PixelRegion } from './frame.js';
import { extractPng, sharedPixelCache, type ZOOM_KERNEL } from './pixels.js';
import type { ImageToolOptions, ImageToolState } from './state.js';

/** Arguments of `zoom_in`. */
export interface ZoomInArgs {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  readonly factor: number;
}

/**
 * Draws a region of the state's image at a size, for images whose pixels are not plain 8-bit (e.g.
 * 16-bit scans shown through a display window, see `window.ts`).
 */
export interface RegionRenderer<State> {
  /** PNG bytes of `region` (whole pixels of the original image) resized to `size`. */
  render(state: State, region: PixelRegion, size: { width: number; height: number }, images: ImageStore): Promise<Buffer>;
  /** A sentence added to the tool's reply (e.g. the window in use). */
  describe?(state: State): string;
}

/** Options of {@link createZoomInTool}. */
export interface ZoomInToolOptions<State> extends ImageToolOptions {
  /** Renders the zoomed region; by default it is cut from the current image's decoded 8-bit pixels. */
  readonly render?: RegionRenderer<State>;
}

/** Longest side, in pixels, of a zoomed result; larger requests are scaled down to fit. */
export const MAX_ZOOM_SIDE = 2048;

/**
 * `zoom_in`: returns a region of the current image (the original plus any lines drawn) enlarged
 * by `factor` (1 to 4, resampled with {@link ZOOM_KERNEL}, Catmull-Rom cubic, from the cached
 * decoded pixels). The result is capped at {@link MAX_ZOOM_SIDE} pixels a side. It does not change
 * the current image, and later coordinates still refer to the original.
 */
export function createZoomInTool<State extends ImageToolState>(options: ZoomInToolOptions<State> = {}): Tool<State, ZoomInArgs> {
  const frame = options.frame ?? 'pixel';
  const pixels = options.pixels ?? sharedPixelCache;
  return {
    name: 'zoom_in',
    description:
      'Zoom in on a box of the image to see small details: returns that region enlarged by `factor`. ' +
      `${describeFrame(frame)} Lines you drew are visible in the zoomed view; later calls still use the original image's coordinates.`,
    parameters: {
      type: 'object',
      properties: {
        ...boxProperties(frame, 'the region to enlarge'),
        factor: {
          type: 'number',
          minimum: 1,
          maximum: 4,
          default: 2,
          description: 'How many times to enlarge the region, 1 to 4 (default 2).',
        },
      },
      required: ['x1', 'y1', 'x2', 'y2'],
      additionalProperties: false,
    },
    annotations: { readOnly: true },
    async run(args, context): Promise<ToolResult> {
      const state = context.state;
      const checked = checkBox(args, state.coordinates, state.image);
      if (!checked.ok) return toolError(checked.message);
      const { region } = checked;
      const requested = args.factor ?? 2;
      const factor = Math.min(requested, MAX_ZOOM_SIDE / Math.max(region.width, region.height));
      const width = Math.max(1, Math.round(region.width * factor));
      const height = Math.max(1, Math.round(region.height * factor));
      const png =
        options.render === undefined
          ? await extractPng(await pixels.raw(state.current, context.images), region, { width, height })
          : await options.render.render(state, region, { width, height }, context.images);
      const ref = await context.images.put(png);
      const box = fromPixelBox(
        { x1: region.left, y1: region.top, x2: region.left + region.width, y2: region.top + region.height },
        state.coordinates,
        state.image,
      );
      const capped = factor < requested ? ` (capped from ${requested}x so the result fits in ${MAX_ZOOM_SIDE} pixels)` : '';
      const note = options.render?.describe === undefined ? '' : ` ${options.render.describe(state)}`;
      return {
        content: [
          text(
            `Zoomed in ${round(factor)}x${capped} on ${formatBox(box)}; the view is ${width}x${height} pixels. Coordinates still refer to the original image.${note}`,
          ),
          image(ref),
        ],
        data: { region, factor, width, height, image: ref },
      };
    },
  };
}

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}
