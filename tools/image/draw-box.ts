import type { ImageRef } from '../../core/content.js';
import type { ImageStore } from '../../core/image-store.js';
import { type Tool, type ToolResult, toolError } from '../../core/tool.js';
import { type AnnotationState, drawAnnotations, drawResult, type ShapeColor, styleProperties } from './annotations.js';
import { boxProperties, checkBox, describeFrame } from './frame.js';
import type { ImageToolOptions } from './state.js';

/** Arguments of `draw_box`. */
export interface DrawBoxArgs {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  readonly label?: string;
  readonly color?: ShapeColor;
}

/**
 * The image boxes are drawn over when it is not the current image, e.g. the whole of a 16-bit scan
 * downscaled through the current display window. Boxes keep the original image's coordinates and
 * are scaled to the view's size; the current image is not changed.
 */
export interface DrawBoxView<State> {
  /** The image to draw every box over, made now (so it follows the state, e.g. its window). */
  render(state: State, images: ImageStore): Promise<ImageRef>;
  /** Sentences added to the tool's description: what the view is and which later images show the boxes. */
  readonly description: string;
}

/** Options of {@link createDrawBoxTool}. */
export interface DrawBoxToolOptions<State> extends ImageToolOptions {
  /** Draws the boxes over this view instead of over the current image. */
  readonly view?: DrawBoxView<State>;
}

/**
 * `draw_box` (ViLaSR's Object Mapper): draws a labelled box on the annotation layer and returns the
 * image with every shape so far. A label already on the image is redrawn in the new place.
 */
export function createDrawBoxTool<State extends AnnotationState>(options: DrawBoxToolOptions<State> = {}): Tool<State, DrawBoxArgs> {
  const frame = options.frame ?? 'pixel';
  return {
    name: 'draw_box',
    description:
      'Draw a labelled bounding box on the image, e.g. to mark an object you reason about; returns the image with every box and line drawn so far. ' +
      `Drawing again with a label already used moves that box. ${describeFrame(frame)}` +
      (options.view === undefined ? '' : ` ${options.view.description}`),
    parameters: {
      type: 'object',
      properties: { ...boxProperties(frame, 'the box'), ...styleProperties('box') },
      required: ['x1', 'y1', 'x2', 'y2'],
      additionalProperties: false,
    },
    async run(args, context): Promise<ToolResult> {
      const state = context.state;
      const checked = checkBox(args, state.coordinates, state.image);
      if (!checked.ok) return toolError(checked.message);
      const view = options.view === undefined ? undefined : await options.view.render(state, context.images);
      const drawn = await drawAnnotations(state, [{ kind: 'box', box: checked.box }], [args], context.images, options.pixels, view);
      if ('error' in drawn) return toolError(drawn.error);
      return drawResult(state, drawn.lines, drawn.image);
    },
  };
}
