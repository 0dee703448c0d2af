import type { ImageScene, PixelBox, SceneElement } from '../../tools/image/scene.js';
import type { ChartType } from './generate.js';

/** Kinds of things a chart scene holds. */
export const CHART_ELEMENT_KINDS = [
  'bar',
  'stack',
  'point',
  'wedge',
  'title',
  'axis-title',
  'tick-label',
  'category-label',
  'legend-entry',
  'value-label',
] as const;

/** One kind of chart element. */
export type ChartElementKind = (typeof CHART_ELEMENT_KINDS)[number];

/**
 * A chart element. Data marks (`bar`, `stack`, `point`, `wedge`) carry the value they stand for;
 * ids are stable: `bar:<series>:<category>`, `stack:<category>`, `point:<series>:<category>`,
 * `wedge:<category>`, `value-label:<series>:<category>`, `category-label:<category>`,
 * `legend:<series>`, `tick-label:<index>`, `title`, `axis-title:value`, `axis-title:category`.
 */
export interface ChartElement extends SceneElement {
  readonly kind: ChartElementKind;
  readonly seriesIndex?: number;
  readonly categoryIndex?: number;
  /** Wedges: start and end angle in degrees, clockwise from 12 o'clock. */
  readonly angles?: readonly [number, number];
  /** Marks: where the value ends (bar top, bar tip, point centre), in pixels. */
  readonly anchor?: { readonly x: number; readonly y: number };
  /** Stacked segments: the value where the segment starts. */
  readonly base?: number;
  /** Text drawn at a slant: the corners of its rotated line box, in order around it (`box` bounds them). */
  readonly rectangle?: readonly (readonly [number, number])[];
}

/** The value axis of a cartesian chart: where 0 and `max` lie in pixels. */
export interface ValueAxis {
  /** `vertical` when values grow upwards (column and line charts), `horizontal` for bar charts. */
  readonly orientation: 'vertical' | 'horizontal';
  readonly min: number;
  readonly max: number;
  /** Pixel coordinate (y when vertical, x when horizontal) of `min`. */
  readonly start: number;
  /** Pixel coordinate of `max`. */
  readonly end: number;
  readonly ticks: readonly number[];
}

/** The scene graph of a rendered chart. */
export interface ChartScene extends ImageScene {
  readonly chartType: ChartType;
  /** The plot area (inside the axes); for pie charts, the pie's bounding box. */
  readonly plot: PixelBox;
  /** Absent for pie charts. */
  readonly valueAxis?: ValueAxis;
  readonly elements: readonly ChartElement[];
}

/** The pixel coordinate of `value` on the axis (y for vertical axes, x for horizontal). */
export function valueToPixel(axis: ValueAxis, value: number): number {
  return axis.start + ((value - axis.min) / (axis.max - axis.min)) * (axis.end - axis.start);
}

/** The value at pixel coordinate `pixel` on the axis. */
export function pixelToValue(axis: ValueAxis, pixel: number): number {
  return axis.min + ((pixel - axis.start) / (axis.end - axis.start)) * (axis.max - axis.min);
}

/** The element with `id`, or undefined. */
export function findElement(scene: ChartScene, id: string): ChartElement | undefined {
  return scene.elements.find((element) => element.id === id);
}
