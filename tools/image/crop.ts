import { image, text } from '../../core/content.js';
import { type Tool, type ToolResult, toolError } from '../../core/tool.js';
import { boxProperties, checkBox, describeFrame, formatBox, fromPixelBox } from './frame.js';
import { extractPng, sharedPixelCache } from './pixels.js';
import type { ImageToolOptions, ImageToolState } from './state.js';

/** Arguments of `crop`. */
export interface CropArgs {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

/**
 * `crop`: returns a region of the current image (the original plus any lines drawn) at its own
 * resolution. It does not change the current image; later coordinates still refer to the original.
 */
export function createCropTool<State extends ImageToolState>(options: ImageToolOptions = {}): Tool<State, CropArgs> {
  const frame = options.frame ?? 'pixel';
  const pixels = options.pixels ?? sharedPixelCache;
  return {
    name: 'crop',
    description:
      'Crop a box out of the image and look at it alone, at its original resolution. ' +
      `${describeFrame(frame)} Later calls still use the original image's coordinates.`,
    parameters: {
      type: 'object',
      properties: boxProperties(frame, 'the region to keep'),
      required: ['x1', 'y1', 'x2', 'y2'],
      additionalProperties: false,
    },
    annotations: { readOnly: true },
    async run(args, context): Promise<ToolResult> {
      const state = context.state;
      const checked = checkBox(args, state.coordinates, state.image);
      if (!checked.ok) return toolError(checked.message);
      const { region } = checked;
      const raw = await pixels.raw(state.current, context.images);
      const ref = await context.images.put(await extractPng(raw, region));
      const box = fromPixelBox(
        { x1: region.left, y1: region.top, x2: region.left + region.width, y2: region.top + region.height },
        state.coordinates,
        state.image,
      );
      return {
        content: [text(`Cropped ${formatBox(box)}; the view is ${region.width}x${region.height} pixels.`), image(ref)],
        data: { region, image: ref },
      };
    },
  };
}
