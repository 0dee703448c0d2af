import type { PixelBox } from '../../tools/image/scene.js';

/**
 * The scene of a drawing-v0 episode: a top-down room or tabletop with labelled objects, unlabelled
 * distractors and one named floor region, all in pixels of the image. Questions are decided on the
 * objects' centres (each drawn with a small cross), which is what the geometry below measures.
 */

/** A point in pixels, y down. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** A labelled object or an unlabelled distractor. */
export interface SceneObject {
  /** Unique name printed under the object; empty for distractors. */
  readonly name: string;
  readonly shape: 'rect' | 'circle';
  /** Centre, in pixels. */
  readonly x: number;
  readonly y: number;
  /** Full width and height (a circle's diameter twice). */
  readonly width: number;
  readonly height: number;
  readonly fill: string;
}

/** A named floor area (a rug, a mat) paths may cross. */
export interface Region {
  readonly name: string;
  readonly box: PixelBox;
  readonly fill: string;
}

/** What kind of top-down view it is. */
export type SceneTheme = 'room' | 'tabletop';

/** Everything drawn, and the scale that turns pixels into the scene's units. */
export interface DrawingScene {
  readonly theme: SceneTheme;
  readonly width: number;
  readonly height: number;
  /** Unit of distances (`m` in rooms, `cm` on tabletops). */
  readonly unit: 'm' | 'cm';
  /** Pixels per unit. */
  readonly scale: number;
  /** Length of the scale bar in units (1 m, 10 cm). */
  readonly scaleBar: number;
  /** Left end of the scale bar, in pixels. */
  readonly scaleBarAt: Point;
  readonly objects: readonly SceneObject[];
  readonly distractors: readonly SceneObject[];
  readonly region: Region;
  /** Where the room's walls are (the inner edge), or the table's edge. */
  readonly floor: PixelBox;
}

/** The centre of an object. */
export function centre(object: SceneObject): Point {
  return { x: object.x, y: object.y };
}

/** The box of an object, optionally grown by `margin` on every side. */
export function objectBox(object: SceneObject, margin = 0): PixelBox {
  return {
    x1: object.x - object.width / 2 - margin,
    y1: object.y - object.height / 2 - margin,
    x2: object.x + object.width / 2 + margin,
    y2: object.y + object.height / 2 + margin,
  };
}

/** Euclidean distance. */
export function distance(a: Point, b: Point): number {
  return Math.hypot(b.x - a.x, b.y - a.y);
}

/** `(b - a) × (c - a)`, y down: positive when c is clockwise from b as seen from a (to the right on screen). */
export function cross(a: Point, b: Point, c: Point): number {
  return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
}

/** Signed distance of `point` from the infinite line through a and b (positive to the right of a→b on screen). */
export function lineOffset(a: Point, b: Point, point: Point): number {
  return cross(a, b, point) / distance(a, b);
}

/** Unsigned angle at `vertex` between the rays to `b` and `c`, in degrees (0..180). */
export function angleAt(vertex: Point, b: Point, c: Point): number {
  const first = Math.atan2(b.y - vertex.y, b.x - vertex.x);
  const second = Math.atan2(c.y - vertex.y, c.x - vertex.x);
  let difference = Math.abs(first - second);
  if (difference > Math.PI) difference = 2 * Math.PI - difference;
  return (difference * 180) / Math.PI;
}

/** Distance from `point` to the segment a–b. */
export function segmentDistance(point: Point, a: Point, b: Point): number {
  const length2 = (b.x - a.x) ** 2 + (b.y - a.y) ** 2;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((point.x - a.x) * (b.x - a.x) + (point.y - a.y) * (b.y - a.y)) / length2));
  return distance(point, { x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y) });
}

/** Whether the segment a–b meets the box (Liang–Barsky clipping). */
export function segmentHitsBox(a: Point, b: Point, box: PixelBox): boolean {
  if (box.x2 <= box.x1 || box.y2 <= box.y1) return false;
  let low = 0;
  let high = 1;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const edges: [number, number][] = [
    [-dx, a.x - box.x1],
    [dx, box.x2 - a.x],
    [-dy, a.y - box.y1],
    [dy, box.y2 - a.y],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) low = Math.max(low, t);
    else high = Math.min(high, t);
    if (low > high) return false;
  }
  return true;
}

/** Whether the segment a–b passes through an object, its outline moved outwards by `grow` pixels (inwards when negative). */
export function segmentHitsObject(a: Point, b: Point, object: SceneObject, grow = 0): boolean {
  if (object.shape === 'circle') return segmentDistance(centre(object), a, b) <= object.width / 2 + grow;
  return segmentHitsBox(a, b, objectBox(object, grow));
}

/** Whether two boxes overlap once each is grown by `margin`. */
export function boxesOverlap(first: PixelBox, second: PixelBox, margin = 0): boolean {
  return first.x1 - margin < second.x2 && second.x1 - margin < first.x2 && first.y1 - margin < second.y2 && second.y1 - margin < first.y2;
}

/** Shrinks or grows a box by `amount` on every side. */
export function growBox(box: PixelBox, amount: number): PixelBox {
  return { x1: box.x1 - amount, y1: box.y1 - amount, x2: box.x2 + amount, y2: box.y2 + amount };
}

/** A labelled object by name. */
export function objectNamed(scene: DrawingScene, name: string): SceneObject {
  const found = scene.objects.find((object) => object.name === name);
  if (found === undefined) throw new RangeError(`drawing scene has no object "${name}"`);
  return found;
}

/** Which of the candidates is nearest to `target` (the first on a tie). */
export function nearerOf(target: Point, candidates: readonly Point[]): number {
  let best = 0;
  candidates.forEach((point, index) => {
    if (distance(target, point) < distance(target, candidates[best] as Point)) best = index;
  });
  return best;
}

/** The point at fraction `t` along a→b, moved `offset` pixels square to it (positive to the right of a→b on screen). */
export function alongLine(a: Point, b: Point, t: number, offset: number): Point {
  const length = distance(a, b);
  const normal = { x: -(b.y - a.y) / length, y: (b.x - a.x) / length };
  return { x: a.x + t * (b.x - a.x) + offset * normal.x, y: a.y + t * (b.y - a.y) + offset * normal.y };
}

/** Turn from the facing direction (viewer→facing) to the target, degrees in (-180, 180]; positive is clockwise on screen (to the right). */
export function signedTurn(viewer: Point, facing: Point, target: Point): number {
  const size = angleAt(viewer, facing, target);
  return cross(viewer, facing, target) >= 0 ? size : -size;
}

/** Heading of a→b in degrees, counter-clockwise from pointing right (y up on screen), 0..360. */
export function heading(a: Point, b: Point): number {
  const angle = (Math.atan2(a.y - b.y, b.x - a.x) * 180) / Math.PI;
  return angle < 0 ? angle + 360 : angle;
}

/** How far a segment stays from a box (0 when it meets it). */
export function boxClearance(a: Point, b: Point, box: PixelBox): number {
  let low = 0;
  let high = Math.max(box.x2 - box.x1, box.y2 - box.y1, distance(a, b));
  for (let step = 0; step < 30; step += 1) {
    const middle = (low + high) / 2;
    if (segmentHitsBox(a, b, growBox(box, middle))) high = middle;
    else low = middle;
  }
  return low;
}
