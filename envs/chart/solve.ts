import { type Oracle, type OracleStep, scriptedOracle, type ToolCallAction } from '../../core/env.js';
import { GymError } from '../../core/errors.js';
import { type CoordinateFrame, type FrameBox, fromPixelBox, fromPixelRounded, type ImageSize } from '../../tools/image/frame.js';
import { type PixelBox, padBox, unionBox } from '../../tools/image/scene.js';
import { formatAnswerNumber } from './format.js';
import type { Question } from './questions.js';
import { type ChartElement, type ChartScene, findElement, type ValueAxis, valueToPixel } from './scene.js';
import type { ChartState } from './state.js';

/**
 * The chart-v0 oracle. It knows the data, so its answers are always right; it still acts the way a
 * careful reader would: it finds the marks the question needs in the scene graph, zooms in on
 * them, draws a guide line at each value to read it against the axis, then answers, with a short
 * rationale before every call. Plans use at most 7 tool calls (chart-v0 allows 8 turns).
 */
export function createChartOracle(state: ChartState): Oracle {
  return scriptedOracle(planSolution(state), 'chart');
}

/** Every step the oracle takes for a synthetic episode, the answer last. */
export function planSolution(state: ChartState): OracleStep[] {
  const task = state.task;
  const scene = state.scene;
  if (task === undefined || scene === undefined) {
    throw new GymError('no-oracle', 'The chart oracle needs a synthetic episode (with a scene graph); ChartQA items have none.');
  }
  const question = task.question;
  const planner = new Planner(scene, state.coordinates, state.image);
  const targets = question.targets.map((id) => {
    const element = findElement(scene, id);
    if (element === undefined) throw new GymError('oracle-target', `Scene has no element ${id} for the question "${question.text}".`);
    return element;
  });
  const steps = scene.valueAxis === undefined ? planner.pie(targets) : planner.cartesian(targets, question, scene.valueAxis);
  steps.push({
    thought: `${question.explanation} So the answer is ${question.answer.text}.`,
    action: { type: 'answer', answer: question.answer.text },
  });
  return steps;
}

class Planner {
  private readonly scene: ChartScene;
  private readonly frame: CoordinateFrame;
  private readonly size: ImageSize;

  constructor(scene: ChartScene, frame: CoordinateFrame, size: ImageSize) {
    this.scene = scene;
    this.frame = frame;
    this.size = size;
  }

  cartesian(targets: readonly ChartElement[], question: Question, axis: ValueAxis): OracleStep[] {
    const steps: OracleStep[] = [];
    const vertical = axis.orientation === 'vertical';
    if (targets.length <= 2) {
      for (const target of targets) {
        const anchor = target.anchor ?? { x: (target.box.x1 + target.box.x2) / 2, y: target.box.y1 };
        const end = vertical ? anchor.y : anchor.x;
        const label = this.valueLabel(target);
        const around: PixelBox = vertical
          ? { x1: target.box.x1 - 24, y1: end - 36, x2: target.box.x2 + 24, y2: end + 36 }
          : { x1: end - 48, y1: target.box.y1 - 18, x2: end + 48, y2: target.box.y2 + 18 };
        const region = padBox(label === undefined ? around : unionBox([around, label.box]), 6, this.size.width, this.size.height);
        const where = this.point(vertical ? 'y' : 'x', end);
        steps.push({
          thought: `${capitalize(this.describe(target))} ends near ${where}; I'll zoom in on that end${label === undefined ? '' : ' and its value label'} to see it clearly.`,
          action: this.zoom(region, 3),
        });
        steps.push({
          thought: `I'll draw a ${vertical ? 'horizontal' : 'vertical'} line at ${where} to read ${this.describe(target)} against the value axis.`,
          action: this.line(vertical, end, 'red'),
        });
        if (target.base !== undefined && target.base > 0) {
          const start = valueToPixel(axis, target.base);
          const from = this.point(vertical ? 'y' : 'x', start);
          steps.push({
            thought: `This segment is stacked on others, so I'll also mark where it starts, at ${from}; its value is the gap between the two lines.`,
            action: this.line(vertical, start, 'blue'),
          });
        }
      }
      return steps;
    }
    const tickLabels = this.scene.elements.filter((element) => element.kind === 'tick-label');
    const labels = this.scene.elements.filter(
      (element) => element.kind === 'value-label' && targets.some((target) => sameMark(target, element)),
    );
    const region = padBox(
      unionBox([this.scene.plot, ...tickLabels.map((element) => element.box), ...labels.map((element) => element.box)]),
      8,
      this.size.width,
      this.size.height,
    );
    const factor = Math.max(1, Math.min(2, Math.floor((1600 / Math.max(region.x2 - region.x1, region.y2 - region.y1)) * 10) / 10));
    steps.push({
      thought: `The question involves ${targets.length} ${plural(targets[0]?.kind ?? 'mark')}; I'll zoom in on the plot area to compare them against the axis.`,
      action: this.zoom(region, factor),
    });
    if (question.kind === 'count' && question.threshold !== undefined) {
      const position = valueToPixel(axis, question.threshold);
      steps.push({
        thought: `The threshold ${formatAnswerNumber(question.threshold)} lies at ${this.point(vertical ? 'y' : 'x', position)} on the axis; I'll draw a line there and count the ${plural(targets[0]?.kind ?? 'mark')} beyond it.`,
        action: this.line(vertical, position, 'red'),
      });
    } else if (question.kind === 'extremum') {
      const gold = question.answer;
      const best = targets.find((target) => (gold.type === 'number' ? target.value === gold.value : target.category === gold.text));
      if (best?.anchor !== undefined) {
        const highest = (best.value ?? 0) >= Math.max(...targets.map((target) => target.value ?? 0));
        const end = vertical ? best.anchor.y : best.anchor.x;
        steps.push({
          thought: `${capitalize(this.describe(best))} looks the ${highest ? 'highest' : 'lowest'}; I'll draw a line at ${this.point(vertical ? 'y' : 'x', end)} to check that no other goes ${highest ? 'beyond' : 'below'} it and to read its value.`,
          action: this.line(vertical, end, 'red'),
        });
      }
    }
    return steps;
  }

  pie(targets: readonly ChartElement[]): OracleStep[] {
    const steps: OracleStep[] = [];
    if (targets.length <= 2) {
      for (const target of targets) {
        const label = this.valueLabel(target);
        const region = padBox(label === undefined ? target.box : label.box, 14, this.size.width, this.size.height);
        steps.push({
          thought: `The ${target.category ?? target.name} slice is labelled${label === undefined ? '' : ` near ${this.point('x', (label.box.x1 + label.box.x2) / 2)}, ${this.point('y', (label.box.y1 + label.box.y2) / 2)}`}; I'll zoom in to read its percentage.`,
          action: this.zoom(region, 3),
        });
      }
      return steps;
    }
    const labels = this.scene.elements.filter(
      (element) => element.kind === 'value-label' || element.kind === 'wedge' || element.kind === 'legend-entry',
    );
    const region = padBox(unionBox(labels.map((element) => element.box)), 8, this.size.width, this.size.height);
    const factor = Math.max(1, Math.min(2, Math.floor((1600 / Math.max(region.x2 - region.x1, region.y2 - region.y1)) * 10) / 10));
    steps.push({
      thought: `I need all ${targets.length} slices; I'll zoom in on the pie and its labels to read every percentage.`,
      action: this.zoom(region, factor),
    });
    return steps;
  }

  private valueLabel(target: ChartElement): ChartElement | undefined {
    if (target.kind === 'stack') return undefined;
    return this.scene.elements.find((element) => element.kind === 'value-label' && sameMark(target, element));
  }

  private describe(element: ChartElement): string {
    const series = element.series === undefined ? '' : ` (${element.series})`;
    switch (element.kind) {
      case 'bar':
        return element.base !== undefined && element.series !== undefined
          ? `the ${element.series} segment for ${element.category}`
          : `the bar for ${element.category}${series}`;
      case 'point':
        return `the point for ${element.category}${series}`;
      case 'stack':
        return `the stack for ${element.category}`;
      case 'wedge':
        return `the ${element.category} slice`;
      default:
        return `the ${element.kind} "${element.name}"`;
    }
  }

  private point(axis: 'x' | 'y', pixel: number): string {
    return `${axis}=${fromPixelRounded(pixel, axis, this.frame, this.size)}`;
  }

  private zoom(region: PixelBox, factor: number): ToolCallAction {
    const box: FrameBox = fromPixelBox(region, this.frame, this.size);
    return { type: 'tool_call', name: 'zoom_in', arguments: { ...box, factor } };
  }

  private line(vertical: boolean, pixel: number, color: string): ToolCallAction {
    return vertical
      ? { type: 'tool_call', name: 'draw_horizontal_line', arguments: { y: fromPixelRounded(pixel, 'y', this.frame, this.size), color } }
      : { type: 'tool_call', name: 'draw_vertical_line', arguments: { x: fromPixelRounded(pixel, 'x', this.frame, this.size), color } };
  }
}

function sameMark(mark: ChartElement, label: ChartElement): boolean {
  return (
    label.categoryIndex === mark.categoryIndex && (mark.kind === 'wedge' || mark.kind === 'stack' || label.seriesIndex === mark.seriesIndex)
  );
}

function plural(kind: string): string {
  return kind === 'point' ? 'points' : kind === 'wedge' ? 'slices' : kind === 'stack' ? 'stacks' : 'bars';
}

function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
