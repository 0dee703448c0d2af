/**
 * Rasterises the SVG that thinkgym's renderers write (chart-v0's charts): `rect`, `line`,
 * `polyline`, `circle` and `path` (absolute M, L, H, V, Q, C, A and Z) with solid `#rgb`/`#rrggbb`
 * fills and strokes, painted in document order on {@link CoverageCanvas}. Curves and arcs are
 * flattened to within {@link TOLERANCE} of a pixel; strokes become polygons (butt ends for lines,
 * round joins and caps for polylines and outlined paths, square corners for rectangles).
 *
 * It is not a general SVG renderer: anything outside that subset (another element, attribute or
 * path command, a unit, a transform) is a {@link GymError} that names it, never a silent
 * difference. In return the pixels depend on this file alone, not on a native library's version,
 * and no thread pool or native heap takes part.
 */
import { GymError } from '../../core/errors.js';
import { type Colour, CoverageCanvas, type Polygon } from './coverage.js';
import type { RawImage } from './pixels.js';

/** Largest distance, in pixels, between a curve and the straight pieces drawn for it. */
const TOLERANCE = 0.05;

/** Attributes each element may carry. */
const ATTRIBUTES: Readonly<Record<string, ReadonlySet<string>>> = {
  rect: new Set(['x', 'y', 'width', 'height', 'fill', 'stroke', 'stroke-width']),
  line: new Set(['x1', 'y1', 'x2', 'y2', 'stroke', 'stroke-width', 'stroke-linecap']),
  polyline: new Set(['points', 'fill', 'stroke', 'stroke-width', 'stroke-linejoin', 'stroke-linecap']),
  circle: new Set(['cx', 'cy', 'r', 'fill', 'stroke', 'stroke-width']),
  path: new Set(['d', 'fill', 'stroke', 'stroke-width', 'stroke-linejoin', 'stroke-linecap']),
};

/** A flattened subpath: its points (x, y pairs) and whether it was closed with Z. */
interface Subpath {
  readonly points: number[];
  closed: boolean;
}

/**
 * Rasterises `svg` (the subset above) to 8-bit RGB; what no shape covers stays black. The pixels go
 * to the start of `target` when it is given and large enough (an owner that draws one image after
 * another reuses one buffer), else to a new buffer.
 */
export function rasterizeSvg(svg: string, target?: Buffer): RawImage {
  const root = /^\s*<svg\b([^>]*)>/.exec(svg);
  if (root === null) throw unsupported('the document must start with an <svg> element');
  const attributes = parseAttributes('svg', root[1] as string);
  const width = dimension(attributes, 'width');
  const height = dimension(attributes, 'height');
  const viewBox = attributes.get('viewBox');
  if (
    viewBox !== undefined &&
    viewBox
      .trim()
      .split(/[\s,]+/)
      .map(Number)
      .join(' ') !== `0 0 ${width} ${height}`
  ) {
    throw unsupported(`viewBox "${viewBox}" must be "0 0 ${width} ${height}" (no scaling)`);
  }
  const bytes = width * height * 3;
  const pixels = target !== undefined && target.length >= bytes ? target.subarray(0, bytes).fill(0) : Buffer.alloc(bytes);
  const canvas = new CoverageCanvas(width, height, pixels);
  const body = svg.slice(root[0].length);
  const element = /<(\/?)([A-Za-z][\w-]*)([^>]*?)(\/?)>/g;
  let position = 0;
  let closed = false;
  for (let match = element.exec(body); match !== null; match = element.exec(body)) {
    if (body.slice(position, match.index).trim() !== '')
      throw unsupported(`text content "${body.slice(position, match.index).trim().slice(0, 40)}"`);
    position = element.lastIndex;
    const [, closing, name = '', rest = ''] = match;
    if (closed) throw unsupported(`<${name}> after </svg>`);
    if (closing === '/') {
      if (name !== 'svg') throw unsupported(`</${name}>`);
      closed = true;
      continue;
    }
    if (match[4] !== '/') throw unsupported(`<${name}> with content (only empty elements are drawn)`);
    drawElement(canvas, name, parseAttributes(name, rest));
  }
  if (!closed) throw unsupported('the document does not end with </svg>');
  if (body.slice(position).trim() !== '') throw unsupported('content after </svg>');
  return { data: canvas.pixels as Buffer, width, height, channels: 3 };
}

function unsupported(what: string): GymError {
  return new GymError('unsupported-svg', `rasterizeSvg draws thinkgym's SVG subset only: ${what}.`);
}

function parseAttributes(element: string, text: string): Map<string, string> {
  const allowed = ATTRIBUTES[element];
  if (allowed === undefined && element !== 'svg') throw unsupported(`element <${element}>`);
  const attributes = new Map<string, string>();
  const attribute = /\s*([A-Za-z_:][\w:.-]*)\s*=\s*"([^"]*)"/y;
  let position = 0;
  while (position < text.length && text.slice(position).trim() !== '') {
    attribute.lastIndex = position;
    const match = attribute.exec(text);
    if (match === null) throw unsupported(`cannot read the attributes of <${element}> at "${text.slice(position, position + 30)}"`);
    const [, name = '', value = ''] = match;
    if (allowed !== undefined && !allowed.has(name)) throw unsupported(`attribute ${name} on <${element}>`);
    attributes.set(name, value);
    position = attribute.lastIndex;
  }
  return attributes;
}

function dimension(attributes: ReadonlyMap<string, string>, name: string): number {
  const value = Number(attributes.get(name));
  if (!Number.isInteger(value) || value < 1) throw unsupported(`${name} must be a whole number of pixels, got "${attributes.get(name)}"`);
  return value;
}

function number(attributes: ReadonlyMap<string, string>, name: string, fallback?: number): number {
  const text = attributes.get(name);
  if (text === undefined) {
    if (fallback !== undefined) return fallback;
    throw unsupported(`missing ${name}`);
  }
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw unsupported(`${name}="${text}" is not a plain number`);
  return value;
}

/** A paint attribute: a colour, or undefined for none (and when absent, `fallback`). */
function paint(attributes: ReadonlyMap<string, string>, name: 'fill' | 'stroke', fallback: Colour | undefined): Colour | undefined {
  const text = attributes.get(name);
  if (text === undefined) return fallback;
  if (text === 'none') return undefined;
  const short = /^#([0-9a-fA-F])([0-9a-fA-F])([0-9a-fA-F])$/.exec(text);
  if (short !== null) return [1, 2, 3].map((index) => Number.parseInt((short[index] as string).repeat(2), 16)) as unknown as Colour;
  const long = /^#([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})$/.exec(text);
  if (long !== null) return [1, 2, 3].map((index) => Number.parseInt(long[index] as string, 16)) as unknown as Colour;
  throw unsupported(`${name}="${text}" (colours are #rgb, #rrggbb or none)`);
}

const BLACK: Colour = [0, 0, 0];

function drawElement(canvas: CoverageCanvas, name: string, attributes: ReadonlyMap<string, string>): void {
  const fill = paint(attributes, 'fill', name === 'line' ? undefined : BLACK);
  const stroke = paint(attributes, 'stroke', undefined);
  const strokeWidth = number(attributes, 'stroke-width', 1);
  const join = attributes.get('stroke-linejoin') ?? 'miter';
  const cap = attributes.get('stroke-linecap') ?? 'butt';
  if (cap !== 'butt' && cap !== 'round') throw unsupported(`stroke-linecap="${cap}"`);
  switch (name) {
    case 'rect': {
      const x = number(attributes, 'x', 0);
      const y = number(attributes, 'y', 0);
      const width = number(attributes, 'width');
      const height = number(attributes, 'height');
      if (width <= 0 || height <= 0) return;
      if (fill !== undefined) canvas.fillRectangle(x, y, x + width, y + height, fill);
      if (stroke !== undefined && strokeWidth > 0) {
        const half = strokeWidth / 2;
        const inner =
          width > strokeWidth && height > strokeWidth ? [reverse(box(x + half, y + half, x + width - half, y + height - half))] : [];
        canvas.fill([box(x - half, y - half, x + width + half, y + height + half), ...inner], stroke);
      }
      return;
    }
    case 'line': {
      const [x1, y1, x2, y2] = [
        number(attributes, 'x1', 0),
        number(attributes, 'y1', 0),
        number(attributes, 'x2', 0),
        number(attributes, 'y2', 0),
      ];
      if (stroke === undefined || strokeWidth <= 0) return;
      const half = strokeWidth / 2;
      // Level and upright lines with butt ends are rectangles: grid lines, axes and ticks.
      if (cap === 'butt' && y1 === y2) canvas.fillRectangle(x1, y1 - half, x2, y1 + half, stroke);
      else if (cap === 'butt' && x1 === x2) canvas.fillRectangle(x1 - half, y1, x1 + half, y2, stroke);
      else canvas.fillUnion(strokePolyline([x1, y1, x2, y2], false, strokeWidth, cap === 'round'), stroke);
      return;
    }
    case 'polyline': {
      const points = numbers(attributes.get('points') ?? '', 'points');
      if (points.length % 2 !== 0 || points.length < 4)
        throw unsupported(`points="${attributes.get('points')}" needs two or more x,y pairs`);
      if (fill !== undefined) canvas.fill([points], fill);
      if (stroke !== undefined && strokeWidth > 0) {
        if (join !== 'round') throw unsupported(`stroke-linejoin="${join}" on <polyline> (round only)`);
        canvas.fillUnion(strokePolyline(points, false, strokeWidth, cap === 'round'), stroke);
      }
      return;
    }
    case 'circle': {
      const cx = number(attributes, 'cx', 0);
      const cy = number(attributes, 'cy', 0);
      const radius = number(attributes, 'r');
      if (radius <= 0) return;
      if (fill !== undefined) canvas.fill([circle(cx, cy, radius)], fill);
      if (stroke !== undefined && strokeWidth > 0) {
        const half = strokeWidth / 2;
        const inner = radius > half ? [reverse(circle(cx, cy, radius - half))] : [];
        canvas.fill([circle(cx, cy, radius + half), ...inner], stroke);
      }
      return;
    }
    case 'path': {
      const subpaths = flattenPath(attributes.get('d') ?? '');
      if (fill !== undefined)
        canvas.fill(
          subpaths.map((subpath) => subpath.points).filter((points) => points.length >= 6),
          fill,
        );
      if (stroke !== undefined && strokeWidth > 0) {
        if (join !== 'round') throw unsupported(`stroke-linejoin="${join}" on <path> (round only)`);
        canvas.fillUnion(
          subpaths.flatMap((subpath) => strokePolyline(subpath.points, subpath.closed, strokeWidth, cap === 'round')),
          stroke,
        );
      }
      return;
    }
  }
}

function numbers(text: string, name: string): number[] {
  const parts = text
    .trim()
    .split(/[\s,]+/)
    .filter((part) => part !== '');
  return parts.map((part) => {
    const value = Number(part);
    if (!Number.isFinite(value)) throw unsupported(`${name} holds "${part}", not a number`);
    return value;
  });
}

/** The rectangle (x1, y1)–(x2, y2), clockwise on screen. */
function box(x1: number, y1: number, x2: number, y2: number): number[] {
  return [x1, y1, x2, y1, x2, y2, x1, y2];
}

/** The polygon with its points in the opposite order. */
function reverse(polygon: Polygon): number[] {
  const reversed: number[] = [];
  for (let index = polygon.length - 2; index >= 0; index -= 2) reversed.push(polygon[index] as number, polygon[index + 1] as number);
  return reversed;
}

/** Twice the signed area of a polygon (positive clockwise on screen). */
function signedArea(polygon: Polygon): number {
  let area = 0;
  const count = polygon.length >> 1;
  for (let index = 0; index < count; index += 1) {
    const next = (index + 1) % count;
    area +=
      (polygon[2 * index] as number) * (polygon[2 * next + 1] as number) -
      (polygon[2 * next] as number) * (polygon[2 * index + 1] as number);
  }
  return area;
}

/** Pieces of a flattened curve that keep within {@link TOLERANCE} of an arc of `radius` over `angle` radians. */
function arcSteps(radius: number, angle: number): number {
  const full = Math.ceil(Math.PI * Math.sqrt(radius / (2 * TOLERANCE)));
  return Math.max(1, Math.ceil((Math.max(8, full) * Math.abs(angle)) / (2 * Math.PI)));
}

/**
 * A circle as a clockwise polygon with the disc's area: its corners sit just outside the circle
 * and its sides just inside, so a flattened disc is not drawn smaller than it is.
 */
function circle(cx: number, cy: number, radius: number): number[] {
  const steps = arcSteps(radius, 2 * Math.PI);
  const turn = (2 * Math.PI) / steps;
  const corner = radius * Math.sqrt(turn / Math.sin(turn));
  const points: number[] = [];
  for (let step = 0; step < steps; step += 1) {
    const angle = turn * step;
    points.push(cx + corner * Math.cos(angle), cy + corner * Math.sin(angle));
  }
  return points;
}

/**
 * The outline of a stroke along `points` as pieces of one orientation: a rectangle per segment,
 * and with round joins a disc at every inner point (and at the ends with round caps).
 */
function strokePolyline(points: readonly number[], closed: boolean, width: number, roundCaps: boolean): number[][] {
  const half = width / 2;
  const count = points.length >> 1;
  const pieces: number[][] = [];
  const segments = closed ? count : count - 1;
  for (let index = 0; index < segments; index += 1) {
    const next = (index + 1) % count;
    const x0 = points[2 * index] as number;
    const y0 = points[2 * index + 1] as number;
    const x1 = points[2 * next] as number;
    const y1 = points[2 * next + 1] as number;
    const length = Math.hypot(x1 - x0, y1 - y0);
    if (length === 0) continue;
    const nx = (-(y1 - y0) / length) * half;
    const ny = ((x1 - x0) / length) * half;
    const piece = [x0 + nx, y0 + ny, x1 + nx, y1 + ny, x1 - nx, y1 - ny, x0 - nx, y0 - ny];
    pieces.push(signedArea(piece) < 0 ? reverse(piece) : piece);
  }
  if (count > 2 || closed || roundCaps) {
    for (let index = 0; index < count; index += 1) {
      const end = !closed && (index === 0 || index === count - 1);
      if (end && !roundCaps) continue;
      if (count <= 2 && !end) continue;
      pieces.push(circle(points[2 * index] as number, points[2 * index + 1] as number, half));
    }
  }
  return pieces;
}

/** Flattens path data (absolute M, L, H, V, Q, C, A, Z) to subpaths of points. */
function flattenPath(d: string): Subpath[] {
  const tokens = d.match(/[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g) ?? [];
  const rest = d.replace(/[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[\s,]/g, '');
  if (rest !== '') throw unsupported(`path data holds "${rest.slice(0, 20)}"`);
  const subpaths: Subpath[] = [];
  let current: Subpath | undefined;
  let x = 0;
  let y = 0;
  let startX = 0;
  let startY = 0;
  let command = '';
  let index = 0;
  const take = (): number => {
    const token = tokens[index];
    const value = Number(token);
    if (token === undefined || !Number.isFinite(value)) throw unsupported(`path command ${command} is missing a number`);
    index += 1;
    return value;
  };
  const lineTo = (toX: number, toY: number): void => {
    if (current === undefined) throw unsupported(`path command ${command} before M`);
    current.points.push(toX, toY);
    x = toX;
    y = toY;
  };
  while (index < tokens.length) {
    const token = tokens[index] as string;
    if (/[A-Za-z]/.test(token)) {
      command = token;
      index += 1;
      if (!'MLHVQCAZ'.includes(command)) throw unsupported(`path command ${command} (absolute M, L, H, V, Q, C, A and Z only)`);
      if (command === 'Z') {
        if (current !== undefined) {
          current.closed = true;
          x = startX;
          y = startY;
          current = undefined;
        }
        continue;
      }
    } else if (command === '' || command === 'Z') {
      throw unsupported(`path data starts a number "${token}" without a command`);
    }
    switch (command) {
      case 'M': {
        x = take();
        y = take();
        startX = x;
        startY = y;
        current = { points: [x, y], closed: false };
        subpaths.push(current);
        command = 'L';
        break;
      }
      case 'L':
        lineTo(take(), take());
        break;
      case 'H':
        lineTo(take(), y);
        break;
      case 'V':
        lineTo(x, take());
        break;
      case 'Q': {
        const [cx, cy, toX, toY] = [take(), take(), take(), take()];
        const steps = curveSteps(Math.hypot(x - 2 * cx + toX, y - 2 * cy + toY) / 8);
        const [fromX, fromY] = [x, y];
        for (let step = 1; step <= steps; step += 1) {
          const t = step / steps;
          const u = 1 - t;
          lineTo(u * u * fromX + 2 * u * t * cx + t * t * toX, u * u * fromY + 2 * u * t * cy + t * t * toY);
        }
        break;
      }
      case 'C': {
        const [c1x, c1y, c2x, c2y, toX, toY] = [take(), take(), take(), take(), take(), take()];
        const bend = Math.max(Math.hypot(x - 2 * c1x + c2x, y - 2 * c1y + c2y), Math.hypot(c1x - 2 * c2x + toX, c1y - 2 * c2y + toY));
        const steps = curveSteps((3 * bend) / 4);
        const [fromX, fromY] = [x, y];
        for (let step = 1; step <= steps; step += 1) {
          const t = step / steps;
          const u = 1 - t;
          const [a, b, c, e] = [u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t];
          lineTo(a * fromX + b * c1x + c * c2x + e * toX, a * fromY + b * c1y + c * c2y + e * toY);
        }
        break;
      }
      case 'A': {
        const [rx, ry, rotation, large, sweep, toX, toY] = [take(), take(), take(), take(), take(), take(), take()];
        for (const [pointX, pointY] of arcPoints(x, y, rx, ry, rotation, large !== 0, sweep !== 0, toX, toY)) lineTo(pointX, pointY);
        break;
      }
    }
  }
  return subpaths;
}

/** Uniform steps that keep a curve whose flattening error for one step is `error` within {@link TOLERANCE}. */
function curveSteps(error: number): number {
  return Math.min(256, Math.max(1, Math.ceil(Math.sqrt(error / TOLERANCE))));
}

/** Points of an SVG elliptical arc after (x1, y1), ending at (x2, y2) (SVG 1.1, appendix F.6). */
function arcPoints(
  x1: number,
  y1: number,
  rxIn: number,
  ryIn: number,
  degrees: number,
  large: boolean,
  sweep: boolean,
  x2: number,
  y2: number,
): [number, number][] {
  let rx = Math.abs(rxIn);
  let ry = Math.abs(ryIn);
  if ((x1 === x2 && y1 === y2) || rx === 0 || ry === 0) return [[x2, y2]];
  const phi = (degrees * Math.PI) / 180;
  const cos = Math.cos(phi);
  const sin = Math.sin(phi);
  const hx = (x1 - x2) / 2;
  const hy = (y1 - y2) / 2;
  const px = cos * hx + sin * hy;
  const py = -sin * hx + cos * hy;
  const lambda = (px * px) / (rx * rx) + (py * py) / (ry * ry);
  if (lambda > 1) {
    rx *= Math.sqrt(lambda);
    ry *= Math.sqrt(lambda);
  }
  const numerator = rx * rx * ry * ry - rx * rx * py * py - ry * ry * px * px;
  const denominator = rx * rx * py * py + ry * ry * px * px;
  const root = Math.sqrt(Math.max(0, numerator / denominator)) * (large === sweep ? -1 : 1);
  const centreX = (root * rx * py) / ry;
  const centreY = (-root * ry * px) / rx;
  const cx = cos * centreX - sin * centreY + (x1 + x2) / 2;
  const cy = sin * centreX + cos * centreY + (y1 + y2) / 2;
  const start = Math.atan2((py - centreY) / ry, (px - centreX) / rx);
  let delta = Math.atan2((-py - centreY) / ry, (-px - centreX) / rx) - start;
  if (sweep && delta < 0) delta += 2 * Math.PI;
  if (!sweep && delta > 0) delta -= 2 * Math.PI;
  const steps = arcSteps(Math.max(rx, ry), delta);
  const points: [number, number][] = [];
  for (let step = 1; step < steps; step += 1) {
    const angle = start + (delta * step) / steps;
    const ex = rx * Math.cos(angle);
    const ey = ry * Math.sin(angle);
    points.push([cx + cos * ex - sin * ey, cy + sin * ex + cos * ey]);
  }
  points.push([x2, y2]);
  return points;
}
