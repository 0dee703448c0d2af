import type { Oracle, OracleStep, ToolCallAction } from '../../core/env.js';
import { type CoordinateFrame, fromPixelX, fromPixelY, type ImageSize } from '../../tools/image/frame.js';
import type { PixelBox } from '../../tools/image/scene.js';
import { goldText, type PlanStep, type Question } from './questions.js';
import type { Point } from './scene.js';

/**
 * The oracle: it draws the boxes and lines that decide the question (each call with a one-line
 * rationale), then answers with the measurements in its last thought.
 */
export function createDrawingOracle(question: Question, frame: CoordinateFrame, size: ImageSize): Oracle {
  const steps = question.steps.map((step) => planCall(step, frame, size));
  let next = 0;
  return {
    async next(): Promise<OracleStep> {
      const step = steps[next];
      next += 1;
      if (step !== undefined) return step;
      return { thought: question.conclusion, action: { type: 'answer', answer: goldText(question.gold) } };
    },
  };
}

/** One planned drawing as a tool call in `frame`. */
export function planCall(step: PlanStep, frame: CoordinateFrame, size: ImageSize): OracleStep {
  const point = (value: Point): [number, number] => [coordinate(value.x, 'x', frame, size), coordinate(value.y, 'y', frame, size)];
  const box = (value: PixelBox): [number, number, number, number] => [
    ...point({ x: clamp(value.x1, size.width), y: clamp(value.y1, size.height) }),
    ...point({ x: clamp(value.x2, size.width), y: clamp(value.y2, size.height) }),
  ];
  let action: ToolCallAction;
  if (step.tool === 'draw_line') {
    const [x1, y1] = point(step.from);
    const [x2, y2] = point(step.to);
    action = { type: 'tool_call', name: 'draw_line', arguments: { x1, y1, x2, y2, label: step.label } };
  } else if (step.tool === 'draw_box') {
    const [x1, y1, x2, y2] = box(step.box);
    action = { type: 'tool_call', name: 'draw_box', arguments: { x1, y1, x2, y2, label: step.label } };
  } else {
    const shapes = step.boxes.map((item) => ({ bbox_2d: box(item.box), label: item.label }));
    action = { type: 'tool_call', name: 'draw_shapes', arguments: { shapes: JSON.stringify(shapes) } };
  }
  return { thought: step.thought, action };
}

/** A pixel coordinate in `frame`: one decimal in pixels, whole units in the 0..1000 frame. */
function coordinate(value: number, axis: 'x' | 'y', frame: CoordinateFrame, size: ImageSize): number {
  const converted = axis === 'x' ? fromPixelX(value, frame, size) : fromPixelY(value, frame, size);
  return frame === 'pixel' ? Math.round(converted * 10) / 10 : Math.round(converted);
}

function clamp(value: number, max: number): number {
  return Math.min(max, Math.max(0, value));
}
