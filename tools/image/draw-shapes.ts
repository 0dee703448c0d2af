import { type Tool, type ToolResult, toolError } from '../../core/tool.js';
import {
  type AnnotationState,
  checkPoint,
  drawAnnotations,
  drawResult,
  SHAPE_COLORS,
  type ShapeColor,
  type ShapeGeometry,
} from './annotations.js';
import { checkBox, describeFrame } from './frame.js';
import type { ImageToolOptions } from './state.js';

/** Arguments of `draw_shapes`. */
export interface DrawShapesArgs {
  /** JSON list of shapes in ViLaSR's vocabulary. */
  readonly shapes: string;
}

/** Most shapes one `draw_shapes` call draws. */
export const MAX_SHAPES_PER_CALL = 12;

/**
 * `draw_shapes`: several boxes and lines in one action, as one ViLaSR Object Mapper or Path Tracer
 * turn draws them. `shapes` is a JSON list (kept a string so the tool's parameters stay flat) of
 * `{"bbox_2d": [x1, y1, x2, y2]}` boxes and `{"start_point_2d": [x, y], "end_point_2d": [x, y]}`
 * lines, each with an optional `label` and `color`. All are drawn, then one image is returned.
 */
export function createDrawShapesTool<State extends AnnotationState>(options: ImageToolOptions = {}): Tool<State, DrawShapesArgs> {
  const frame = options.frame ?? 'pixel';
  return {
    name: 'draw_shapes',
    description:
      'Draw several labelled boxes and lines at once; returns the image with every shape so far. `shapes` is a JSON list such as ' +
      '[{"bbox_2d": [x1, y1, x2, y2], "label": "sofa"}, {"start_point_2d": [x1, y1], "end_point_2d": [x2, y2], "label": "path"}]. ' +
      describeFrame(frame),
    parameters: {
      type: 'object',
      properties: {
        shapes: {
          type: 'string',
          description: `JSON list of up to ${MAX_SHAPES_PER_CALL} shapes: boxes {"bbox_2d": [x1, y1, x2, y2]} and lines {"start_point_2d": [x, y], "end_point_2d": [x, y]}, each with an optional "label" and "color".`,
        },
      },
      required: ['shapes'],
      additionalProperties: false,
    },
    async run(args, context): Promise<ToolResult> {
      const state = context.state;
      let list: unknown;
      try {
        list = JSON.parse(args.shapes);
      } catch (error) {
        return toolError(`shapes is not valid JSON (${(error as Error).message}); give a JSON list of shapes.`);
      }
      if (!Array.isArray(list) || list.length === 0) return toolError('shapes must be a non-empty JSON list.');
      if (list.length > MAX_SHAPES_PER_CALL) return toolError(`give at most ${MAX_SHAPES_PER_CALL} shapes per call (got ${list.length}).`);
      const shapes: ShapeGeometry[] = [];
      const styles: { label?: string; color?: ShapeColor }[] = [];
      for (const [index, item] of list.entries()) {
        const where = `shape ${index + 1}`;
        if (item === null || typeof item !== 'object' || Array.isArray(item)) return toolError(`${where} must be a JSON object.`);
        const shape = item as Record<string, unknown>;
        if (shape.label !== undefined && typeof shape.label !== 'string') return toolError(`${where}: "label" must be a string.`);
        if (shape.color !== undefined && !(typeof shape.color === 'string' && shape.color in SHAPE_COLORS)) {
          return toolError(`${where}: "color" must be one of ${Object.keys(SHAPE_COLORS).join(', ')}.`);
        }
        styles.push({
          ...(typeof shape.label === 'string' ? { label: shape.label } : {}),
          ...(typeof shape.color === 'string' ? { color: shape.color as ShapeColor } : {}),
        });
        if (numbers(shape.bbox_2d, 4)) {
          const [x1, y1, x2, y2] = shape.bbox_2d as number[] as [number, number, number, number];
          const checked = checkBox({ x1, y1, x2, y2 }, state.coordinates, state.image);
          if (!checked.ok) return toolError(`${where}: ${checked.message}`);
          shapes.push({ kind: 'box', box: checked.box });
        } else if (numbers(shape.start_point_2d, 2) && numbers(shape.end_point_2d, 2)) {
          const [x1, y1] = shape.start_point_2d as number[] as [number, number];
          const [x2, y2] = shape.end_point_2d as number[] as [number, number];
          const start = checkPoint(x1, y1, ['start x', 'start y'], state.coordinates, state.image);
          if (!start.ok) return toolError(`${where}: ${start.message}`);
          const end = checkPoint(x2, y2, ['end x', 'end y'], state.coordinates, state.image);
          if (!end.ok) return toolError(`${where}: ${end.message}`);
          if (start.point.x === end.point.x && start.point.y === end.point.y)
            return toolError(`${where}: the two end points are the same.`);
          shapes.push({ kind: 'line', from: start.point, to: end.point });
        } else {
          return toolError(`${where} needs "bbox_2d": [x1, y1, x2, y2], or "start_point_2d": [x, y] and "end_point_2d": [x, y].`);
        }
      }
      const drawn = await drawAnnotations(state, shapes, styles, context.images, options.pixels);
      if ('error' in drawn) return toolError(drawn.error);
      return drawResult(state, drawn.lines, drawn.image);
    },
  };
}

function numbers(value: unknown, length: number): boolean {
  return Array.isArray(value) && value.length === length && value.every((item) => typeof item === 'number' && Number.isFinite(item));
}
