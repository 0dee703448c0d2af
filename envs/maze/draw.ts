/**
 * Drawing a route over maze pixels in memory, the way an SVG overlay of a polyline and vertex dots
 * looks: a stroke with round caps and joins, then a dot on every vertex, each blended at the same
 * opacity. Edges are anti-aliased by the distance of each pixel centre to the shape. Only `+`,
 * `-`, `*`, `/`, `Math.sqrt` and rounding take part, so the same inputs give the same pixels on any
 * machine.
 */

/** A point in pixels: x to the right, y down, origin at the top-left corner of the image. */
export interface PixelPoint {
  readonly x: number;
  readonly y: number;
}

/** How a route is drawn. */
export interface RouteStyle {
  /** Stroke and dot colour, `#rrggbb`. */
  readonly colour: string;
  /** Stroke width in pixels. */
  readonly width: number;
  /** Opacity of the stroke and of each dot, in [0, 1]. */
  readonly opacity: number;
  /** Radius in pixels of the dot on every vertex. */
  readonly vertexRadius: number;
}

/** RGB pixels of whole image rows: `rows` rows of `width` pixels, the first being image row `top`. */
export interface PixelRows {
  readonly data: Uint8Array;
  readonly width: number;
  readonly top: number;
  readonly rows: number;
}

/** The `#rrggbb` colour as three bytes. */
export function rgbOf(colour: string): [number, number, number] {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (match === null) throw new RangeError(`Expected a #rrggbb colour, got "${colour}".`);
  return [Number.parseInt(match[1] as string, 16), Number.parseInt(match[2] as string, 16), Number.parseInt(match[3] as string, 16)];
}

/** The image rows a route drawn in `style` can touch: `[first, end)`, not clipped to the image. */
export function routeRows(points: readonly PixelPoint[], style: RouteStyle): { first: number; end: number } {
  const reach = Math.max(style.width / 2, style.vertexRadius) + 1;
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const point of points) {
    low = Math.min(low, point.y);
    high = Math.max(high, point.y);
  }
  return { first: Math.floor(low - reach), end: Math.ceil(high + reach) };
}

/**
 * Draws the route through `points` (at least one) onto `target`, clipped to its rows: first the
 * stroke (the pixels within `width / 2` of the polyline, blended once however many segments
 * cover them), then a dot of `vertexRadius` on each point in turn.
 */
export function drawRoute(target: PixelRows, points: readonly PixelPoint[], style: RouteStyle): void {
  const colour = rgbOf(style.colour);
  const half = style.width / 2;
  const length = target.width * target.rows;
  if (coverageScratch.length < length) coverageScratch = new Float32Array(length);
  // Coverage of the stroke, segment by segment (the largest wins), then one blend per covered pixel;
  // blending clears the coverage again, so the scratch is all zero between calls.
  const coverage = coverageScratch;
  const boxes: Box[] = [];
  for (let index = 0; index < Math.max(1, points.length - 1); index += 1) {
    const from = points[index];
    const to = points[index + 1] ?? from;
    if (from === undefined || to === undefined) continue;
    boxes.push(strokeSegment(coverage, target, from, to, half));
  }
  const { data, width, top } = target;
  for (const box of boxes) {
    for (let y = box.y0; y < box.y1; y += 1) {
      for (let x = box.x0; x < box.x1; x += 1) {
        const index = (y - top) * width + x;
        const amount = coverage[index] as number;
        if (amount <= 0) continue;
        blend(data, index * 3, colour, amount * style.opacity);
        coverage[index] = 0;
      }
    }
  }
  if (style.vertexRadius > 0) for (const point of points) drawDot(target, point, style.vertexRadius, colour, style.opacity);
}

/** Whole pixels `[x0, x1) x [y0, y1)` in image coordinates. */
interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** Stroke coverage per pixel of the rows being drawn; zero outside a call. */
let coverageScratch = new Float32Array(0);

/** Raises `coverage` to that of the capsule of radius `half` around segment `from`-`to`; returns the box it covers. */
function strokeSegment(coverage: Float32Array, target: PixelRows, from: PixelPoint, to: PixelPoint, half: number): Box {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const lengthSquared = dx * dx + dy * dy;
  const box = clip(
    target,
    Math.min(from.x, to.x) - half - 1,
    Math.min(from.y, to.y) - half - 1,
    Math.max(from.x, to.x) + half + 1,
    Math.max(from.y, to.y) + half + 1,
  );
  for (let y = box.y0; y < box.y1; y += 1) {
    const py = y + 0.5;
    const rowStart = (y - target.top) * target.width;
    for (let x = box.x0; x < box.x1; x += 1) {
      const px = x + 0.5;
      let t = lengthSquared === 0 ? 0 : ((px - from.x) * dx + (py - from.y) * dy) / lengthSquared;
      t = Math.min(1, Math.max(0, t));
      const ex = px - (from.x + t * dx);
      const ey = py - (from.y + t * dy);
      const amount = edge(half - Math.sqrt(ex * ex + ey * ey));
      const index = rowStart + x;
      if (amount > (coverage[index] as number)) coverage[index] = amount;
    }
  }
  return box;
}

/** Blends a filled circle of `radius` around `centre` over the pixels. */
function drawDot(target: PixelRows, centre: PixelPoint, radius: number, colour: readonly number[], opacity: number): void {
  const box = clip(target, centre.x - radius - 1, centre.y - radius - 1, centre.x + radius + 1, centre.y + radius + 1);
  for (let y = box.y0; y < box.y1; y += 1) {
    const dy = y + 0.5 - centre.y;
    for (let x = box.x0; x < box.x1; x += 1) {
      const dx = x + 0.5 - centre.x;
      const amount = edge(radius - Math.sqrt(dx * dx + dy * dy));
      if (amount > 0) blend(target.data, ((y - target.top) * target.width + x) * 3, colour, amount * opacity);
    }
  }
}

/** Coverage of a pixel whose centre lies `inside` pixels within a shape's edge (negative: outside). */
function edge(inside: number): number {
  const amount = inside + 0.5;
  return Math.min(1, Math.max(0, amount));
}

function blend(data: Uint8Array, offset: number, colour: readonly number[], alpha: number): void {
  for (let channel = 0; channel < 3; channel += 1) {
    const below = data[offset + channel] as number;
    data[offset + channel] = Math.round(below + ((colour[channel] as number) - below) * alpha);
  }
}

/** The whole pixels of a box, clipped to the rows and width of `target`. */
function clip(target: PixelRows, x0: number, y0: number, x1: number, y1: number): Box {
  return {
    x0: Math.max(0, Math.floor(x0)),
    y0: Math.max(target.top, Math.floor(y0)),
    x1: Math.min(target.width, Math.ceil(x1)),
    y1: Math.min(target.top + target.rows, Math.ceil(y1)),
  };
}
