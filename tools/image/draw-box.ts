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
 * `draw_box` (ViLaSR's Object Mapper): draws a labelled box on the annotation layer and returns the
 * image with every shape so far. A label already on the image is redrawn in the new place.
 */
export function createDrawBoxTool<State extends AnnotationState>(options: ImageToolOptions = {}): Tool<State, DrawBoxArgs> {
  const frame = options.frame ?? 'pixel';
  return {
    name: 'draw_box',
    description:
      'Draw a labelled bounding box on the image, e.g. to mark an object you reason about; returns the image with every box and line drawn so far. ' +
      `Drawing again with a label already used moves that box. ${describeFrame(frame)}`,
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
      const drawn = await drawAnnotations(state, [{ kind: 'box', box: checked.box }], [args], context.images, options.pixels);
      if ('error' in drawn) return toolError(drawn.error);
      return drawResult(state, drawn.lines, drawn.image);
    },
  };
}
