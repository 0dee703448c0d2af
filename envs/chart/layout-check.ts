import type { PixelBox } from '../../tools/image/scene.js';
import type { ChartElement, ChartElementKind, ChartScene } from './scene.js';

/** Kinds of scene elements that are text. */
export const TEXT_KINDS: ReadonlySet<ChartElementKind> = new Set([
  'title',
  'axis-title',
  'tick-label',
  'category-label',
  'legend-entry',
  'value-label',
]);

/** Kinds of scene elements that draw data. */
export const MARK_KINDS: ReadonlySet<ChartElementKind> = new Set(['bar', 'stack', 'point', 'wedge']);

/** Pixels two boxes may share before they count as overlapping (anti-aliasing slack). */
const TOLERANCE = 0.5;

/** Whether two boxes overlap by more than the tolerance in both directions. */
export function boxesOverlap(a: PixelBox, b: PixelBox, tolerance = TOLERANCE): boolean {
  return a.x1 < b.x2 - tolerance && b.x1 < a.x2 - tolerance && a.y1 < b.y2 - tolerance && b.y1 < a.y2 - tolerance;
}

/** Whether `inner` lies inside `outer`, up to the tolerance. */
export function boxInside(inner: PixelBox, outer: PixelBox, tolerance = TOLERANCE): boolean {
  return (
    inner.x1 >= outer.x1 - tolerance &&
    inner.y1 >= outer.y1 - tolerance &&
    inner.x2 <= outer.x2 + tolerance &&
    inner.y2 <= outer.y2 + tolerance
  );
}

/**
 * What is wrong with a chart's layout, one line per problem (empty when nothing is):
 * - two text elements whose boxes overlap (slanted labels are compared by their rotated
 *   rectangles, since their boxes bound much more than the text);
 * - a text element outside the image;
 * - a data mark outside the plot area, or a bar or line reaching the plot's top edge (a mark must
 *   not touch the frame, so the largest value stays readable against the top gridline).
 */
export function layoutProblems(scene: ChartScene): string[] {
  const problems: string[] = [];
  const texts = scene.elements.filter((element) => TEXT_KINDS.has(element.kind));
  const image: PixelBox = { x1: 0, y1: 0, x2: scene.width, y2: scene.height };
  for (const [index, element] of texts.entries()) {
    if (!boxInside(element.box, image))
      problems.push(`${element.id} ${show(element.box)} is outside the ${scene.width}x${scene.height} image`);
    for (const other of texts.slice(index + 1)) {
      if (textsOverlap(element, other)) problems.push(`${element.id} ${show(element.box)} overlaps ${other.id} ${show(other.box)}`);
    }
  }
  for (const element of scene.elements) {
    if (!MARK_KINDS.has(element.kind)) continue;
    if (!boxInside(element.box, scene.plot)) problems.push(`${element.id} ${show(element.box)} is outside the plot ${show(scene.plot)}`);
    const axis = scene.valueAxis;
    if (axis !== undefined && element.anchor !== undefined) {
      const reach = axis.orientation === 'vertical' ? element.anchor.y - scene.plot.y1 : scene.plot.x2 - element.anchor.x;
      if (reach < 1) problems.push(`${element.id} reaches the edge of the plot ${show(scene.plot)}`);
    }
  }
  return problems;
}

function textsOverlap(a: ChartElement, b: ChartElement): boolean {
  if (!boxesOverlap(a.box, b.box)) return false;
  if (a.rectangle === undefined && b.rectangle === undefined) return true;
  return polygonsOverlap(corners(a), corners(b));
}

/** The four corners of a text element's (possibly rotated) rectangle. */
function corners(element: ChartElement): { x: number; y: number }[] {
  const shape = element.rectangle;
  if (shape === undefined) {
    const { x1, y1, x2, y2 } = element.box;
    return [
      { x: x1, y: y1 },
      { x: x2, y: y1 },
      { x: x2, y: y2 },
      { x: x1, y: y2 },
    ];
  }
  return shape.map(([x, y]) => ({ x, y }));
}

/** Separating-axis test for two convex polygons, shrunk by the tolerance. */
function polygonsOverlap(a: readonly { x: number; y: number }[], b: readonly { x: number; y: number }[]): boolean {
  for (const polygon of [a, b]) {
    for (let index = 0; index < polygon.length; index += 1) {
      const p = polygon[index] as { x: number; y: number };
      const q = polygon[(index + 1) % polygon.length] as { x: number; y: number };
      const length = Math.hypot(q.x - p.x, q.y - p.y);
      if (length === 0) continue;
      const normal = { x: (p.y - q.y) / length, y: (q.x - p.x) / length };
      const project = (points: readonly { x: number; y: number }[]) => points.map((point) => point.x * normal.x + point.y * normal.y);
      const pa = project(a);
      const pb = project(b);
      if (Math.max(...pa) <= Math.min(...pb) + TOLERANCE || Math.max(...pb) <= Math.min(...pa) + TOLERANCE) return false;
    }
  }
  return true;
}

function show(box: PixelBox): string {
  return `[${Math.round(box.x1)},${Math.round(box.y1)},${Math.round(box.x2)},${Math.round(box.y2)}]`;
}
