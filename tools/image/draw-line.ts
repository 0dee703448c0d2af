import { image, text } from '../../core/content.js';
import { type Tool, type ToolResult, toolError } from '../../core/tool.js';
import { checkLine, describeFrame, frameUnits } from './frame.js';
import { encodeToolPng, type PixelSource, paintLine, type Rgb, sharedPixelCache } from './pixels.js';
import type { ImageToolOptions, ImageToolState } from './state.js';

/** Colours a guide line may take, by name. */
export const LINE_COLORS = {
  red: [255, 0, 0],
  green: [0, 160, 0],
  blue: [0, 0, 255],
  black: [0, 0, 0],
  magenta: [255, 0, 255],
  orange: [255, 140, 0],
} as const satisfies Record<string, Rgb>;

/** A guide line colour name. */
export type LineColor = keyof typeof LINE_COLORS;

/** Arguments of `draw_horizontal_line`. */
export interface HorizontalLineArgs {
  readonly y: number;
  readonly color?: LineColor;
  readonly thickness?: number;
}

/** Arguments of `draw_vertical_line`. */
export interface VerticalLineArgs {
  readonly x: number;
  readonly color?: LineColor;
  readonly thickness?: number;
}

/**
 * The pixel rows (or columns) a line of `thickness` drawn at pixel `position` covers: centred on
 * the position, e.g. thickness 2 at y=212 covers rows 211 and 212, thickness 3 rows 211..213.
 */
export function lineSpan(position: number, thickness: number): { readonly start: number; readonly end: number } {
  const start = position - Math.floor(thickness / 2);
  return { start, end: start + thickness - 1 };
}

/**
 * `draw_horizontal_line`: paints a straight line across the whole current image at height `y`
 * and returns the image. The drawn image becomes the current image (later draws add to it, zoom
 * and crop show it); coordinates keep referring to the original image.
 */
export function createHorizontalLineTool<State extends ImageToolState>(options: ImageToolOptions = {}): Tool<State, HorizontalLineArgs> {
  return createLineTool<State, HorizontalLineArgs>('horizontal', options);
}

/** `draw_vertical_line`: as {@link createHorizontalLineTool}, a vertical line at `x`. */
export function createVerticalLineTool<State extends ImageToolState>(options: ImageToolOptions = {}): Tool<State, VerticalLineArgs> {
  return createLineTool<State, VerticalLineArgs>('vertical', options);
}

function createLineTool<State extends ImageToolState, Args extends HorizontalLineArgs | VerticalLineArgs>(
  orientation: 'horizontal' | 'vertical',
  options: ImageToolOptions,
): Tool<State, Args> {
  const frame = options.frame ?? 'pixel';
  const pixels: PixelSource = options.pixels ?? sharedPixelCache;
  const axis = orientation === 'horizontal' ? 'y' : 'x';
  const across = orientation === 'horizontal' ? 'the full width' : 'the full height';
  return {
    name: `draw_${orientation}_line`,
    description:
      `Draw a ${orientation} guide line across ${across} of the image at ${axis}, e.g. to compare a bar or point with the axis ticks; ` +
      `returns the image with the line. Lines accumulate on the image you see next. ${describeFrame(frame)}`,
    parameters: {
      type: 'object',
      properties: {
        [axis]: {
          type: 'number',
          description: `${orientation === 'horizontal' ? 'Height' : 'Horizontal position'} of the line, in ${frameUnits(frame)} (0..${
            frame === 'pixel' ? (axis === 'y' ? 'image height' : 'image width') : '1000'
          }).`,
        },
        color: { type: 'string', enum: Object.keys(LINE_COLORS), default: 'red', description: 'Line colour (default red).' },
        thickness: { type: 'integer', minimum: 1, maximum: 5, default: 2, description: 'Line thickness in pixels, 1 to 5 (default 2).' },
      },
      required: [axis],
      additionalProperties: false,
    },
    async run(args, context): Promise<ToolResult> {
      const state = context.state;
      const value = 'y' in args ? args.y : args.x;
      const checked = checkLine(axis, value, state.coordinates, state.image);
      if (!checked.ok) return toolError(checked.message);
      const colorName = args.color ?? 'red';
      const thickness = args.thickness ?? 2;
      const span = lineSpan(checked.pixel, thickness);
      const raw = await pixels.raw(state.current, context.images);
      const drawn = paintLine(raw, orientation, span.start, thickness, LINE_COLORS[colorName]);
      const ref = await context.images.put(encodeToolPng(drawn));
      pixels.remember(ref, drawn);
      state.current = ref;
      const where =
        state.coordinates === 'pixel' ? `${axis}=${value}` : `${axis}=${value} (pixel ${axis === 'y' ? 'row' : 'column'} ${checked.pixel})`;
      return {
        content: [text(`Drew a ${colorName} ${orientation} line at ${where}. This image is now the current image.`), image(ref)],
        data: { orientation, pixel: checked.pixel, span, color: colorName, image: ref },
      };
    },
  };
}
