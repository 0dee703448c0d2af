import { type Tool, type ToolResult, toolError } from '../../core/tool.js';
import {
  type AnnotationState,
  checkPoint,
  drawAnnotations,
  drawResult,
  lineProperties,
  type ShapeColor,
  styleProperties,
} from './annotations.js';
import { describeFrame } from './frame.js';
import type { ImageToolOptions } from './state.js';

/** Arguments of `draw_line`. */
export interface DrawLineArgs {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  readonly label?: string;
  readonly color?: ShapeColor;
}

/**
 * `draw_line` (ViLaSR's Path Tracer): draws a labelled segment between two points on the annotation
 * layer and returns the image with every shape so far; the text gives the segment's length in
 * pixels and its direction, so lines measure. Unlike `draw_horizontal_line` and
 * `draw_vertical_line` (guide lines across the whole image), it joins any two points.
 */
export function createDrawLineShapeTool<State extends AnnotationState>(options: ImageToolOptions = {}): Tool<State, DrawLineArgs> {
  const frame = options.frame ?? 'pixel';
  return {
    name: 'draw_line',
    description:
      'Draw a labelled straight line from (x1, y1) to (x2, y2), e.g. to trace a path or measure a distance or a direction; returns the image ' +
      'with every box and line drawn so far, and the line length in pixels. Drawing again with a label already used moves that line. ' +
      describeFrame(frame),
    parameters: {
      type: 'object',
      properties: { ...lineProperties(frame), ...styleProperties('line') },
      required: ['x1', 'y1', 'x2', 'y2'],
      additionalProperties: false,
    },
    async run(args, context): Promise<ToolResult> {
      const state = context.state;
      const start = checkPoint(args.x1, args.y1, ['x1', 'y1'], state.coordinates, state.image);
      if (!start.ok) return toolError(start.message);
      const end = checkPoint(args.x2, args.y2, ['x2', 'y2'], state.coordinates, state.image);
      if (!end.ok) return toolError(end.message);
      if (start.point.x === end.point.x && start.point.y === end.point.y) {
        return toolError('the start and end points are the same; give two different points.');
      }
      const drawn = await drawAnnotations(
        state,
        [{ kind: 'line', from: start.point, to: end.point }],
        [args],
        context.images,
        options.pixels,
      );
      if ('error' in drawn) return toolError(drawn.error);
      return drawResult(state, drawn.lines, drawn.image);
    },
  };
}
