import sharp from 'sharp';
import { image, text } from '../../core/content.js';
import { GymError } from '../../core/errors.js';
import { type Tool, type ToolContext, type ToolResult, toolError } from '../../core/tool.js';

/** A point in pixels: x to the right, y down, origin at the top-left corner of the image. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** How a polyline is drawn. */
export interface PolylineStyle {
  /** Stroke colour as `#rgb`, `#rrggbb`, `#rrggbbaa` or a CSS colour name. Default `#1d4ed8`. */
  readonly color?: string;
  /** Stroke width in pixels. Default 3. */
  readonly width?: number;
  /** Stroke opacity in [0, 1]. Default 0.85. */
  readonly opacity?: number;
  /** Dash pattern in pixels (e.g. `[6, 4]`); solid when absent. */
  readonly dash?: readonly number[];
  /** Radius in pixels of a dot at every vertex; 0 (the default) draws none. */
  readonly vertexRadius?: number;
}

const COLOUR = /^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$/;

/**
 * Draws an open polyline over a PNG and returns new PNG bytes (same size). The line is an SVG
 * overlay composited by sharp; coordinates are rounded to 1/100 px, so the same inputs always give
 * the same bytes. One point draws a dot; no points returns the image re-encoded unchanged.
 */
export async function drawPolyline(png: Buffer, points: readonly Point[], style: PolylineStyle = {}): Promise<Buffer> {
  const color = style.color ?? '#1d4ed8';
  if (!COLOUR.test(color)) throw new GymError('bad-style', `Polyline colour "${color}" must be #rgb, #rrggbb, #rrggbbaa or a colour name.`);
  const strokeWidth = style.width ?? 3;
  const opacity = style.opacity ?? 0.85;
  const vertexRadius = style.vertexRadius ?? 0;
  for (const [name, value] of [
    ['width', strokeWidth],
    ['opacity', opacity],
    ['vertexRadius', vertexRadius],
  ] as const) {
    if (!Number.isFinite(value) || value < 0)
      throw new GymError('bad-style', `Polyline ${name} must be a finite number >= 0, got ${value}.`);
  }
  for (const point of points) {
    if (!Number.isFinite(point.x) || !Number.isFinite(point.y)) {
      throw new GymError('bad-points', `Polyline points must be finite numbers, got (${point.x}, ${point.y}).`);
    }
  }
  const metadata = await sharp(png).metadata();
  const width = metadata.width;
  const height = metadata.height;
  if (width === undefined || height === undefined) throw new GymError('bad-image', 'drawPolyline could not read the image size.');
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`];
  const dash = style.dash === undefined || style.dash.length === 0 ? '' : ` stroke-dasharray="${style.dash.map(round).join(' ')}"`;
  if (points.length >= 2) {
    parts.push(
      `<polyline points="${points.map((point) => `${round(point.x)},${round(point.y)}`).join(' ')}" fill="none" stroke="${color}"` +
        ` stroke-width="${round(strokeWidth)}" stroke-opacity="${round(opacity)}" stroke-linecap="round" stroke-linejoin="round"${dash}/>`,
    );
  }
  const radius = points.length === 1 && vertexRadius === 0 ? strokeWidth : vertexRadius;
  if (radius > 0) {
    for (const point of points) {
      parts.push(
        `<circle cx="${round(point.x)}" cy="${round(point.y)}" r="${round(radius)}" fill="${color}" fill-opacity="${round(opacity)}"/>`,
      );
    }
  }
  parts.push('</svg>');
  return sharp(png)
    .composite([{ input: Buffer.from(parts.join('')), top: 0, left: 0 }])
    .png({ compressionLevel: 6, palette: false })
    .toBuffer();
}

/** The summed Euclidean length of a polyline, in the points' units. */
export function polylineLength(points: readonly Point[]): number {
  let length = 0;
  for (let index = 1; index < points.length; index += 1) {
    const a = points[index - 1] as Point;
    const b = points[index] as Point;
    length += Math.hypot(b.x - a.x, b.y - a.y);
  }
  return length;
}

/** The outcome of {@link parsePointList}. */
export type ParsedPoints =
  | { readonly ok: true; readonly pairs: readonly (readonly [number, number])[] }
  | { readonly ok: false; readonly message: string };

/**
 * Reads a point list written as a string, the flat-schema way to pass a path: pairs separated by
 * `;`, the two numbers of a pair by `,` (e.g. `"0,0; 0,1; 1,1"`). Parentheses or brackets around a
 * pair and extra spaces are accepted. With `integers`, only whole numbers are allowed. Problems come
 * back as a message for the model (never thrown).
 */
export function parsePointList(value: string, options: { integers?: boolean; example?: string } = {}): ParsedPoints {
  const example = options.example ?? '"0,0; 0,1; 1,1"';
  const format = `write pairs as "a,b" separated by ";", e.g. ${example}`;
  const body = value.trim().replace(/;\s*$/, '');
  if (body === '') return { ok: false, message: `the point list is empty; ${format}.` };
  const number = options.integers === true ? /^-?\d+$/ : /^-?(\d+(\.\d*)?|\.\d+)$/;
  const pairs: [number, number][] = [];
  for (const [index, chunk] of body.split(';').entries()) {
    const inner = chunk
      .trim()
      .replace(/^[([]\s*/, '')
      .replace(/\s*[)\]]$/, '');
    const numbers = inner.split(',').map((item) => item.trim());
    if (numbers.length !== 2 || !numbers.every((item) => number.test(item))) {
      const kind = options.integers === true ? 'two whole numbers' : 'two numbers';
      return { ok: false, message: `point ${index + 1} ("${chunk.trim()}") is not ${kind} separated by a comma; ${format}.` };
    }
    pairs.push([Number(numbers[0]), Number(numbers[1])]);
  }
  return { ok: true, pairs };
}

/** Options of {@link createDrawPathTool}. */
export interface DrawPathToolOptions<State> {
  /** Tool name; `draw_path` by default. */
  readonly name?: string;
  /** Tool description for the model; a default explains the pixel frame. */
  readonly description?: string;
  /** The PNG the path is drawn over (e.g. the env's current image). */
  image(state: State, context: ToolContext<State>): Buffer | Promise<Buffer>;
  /** Called with the drawn PNG, for envs that keep drawings; the tool itself changes nothing. */
  keep?(state: State, png: Buffer): void;
  readonly style?: PolylineStyle;
  /** Most points accepted in one call. Default 64. */
  readonly maxPoints?: number;
}

/** Arguments of a tool made by {@link createDrawPathTool}. */
export interface DrawPathArgs {
  readonly points: string;
}

/**
 * A generic `draw_path` tool over any state that holds an image: the model passes pixel points
 * `"x,y; x,y; ..."` (origin top-left, x right, y down) and gets the image back with the polyline
 * drawn, plus its length. Points outside the image are a tool error, not a throw.
 */
export function createDrawPathTool<State>(options: DrawPathToolOptions<State>): Tool<State, DrawPathArgs> {
  const maxPoints = options.maxPoints ?? 64;
  const example = '"10,20; 120,20; 120,80"';
  return {
    name: options.name ?? 'draw_path',
    description:
      options.description ??
      'Draw a polyline over the current image to reason about a route or an alignment; returns the image with the line. ' +
        'Points are pixel coordinates (x, y): x from the left edge, y from the top edge, origin (0, 0) at the top-left.',
    parameters: {
      type: 'object',
      properties: {
        points: {
          type: 'string',
          description: `Pixel points "x,y" in order, separated by ";" (2 to ${maxPoints} points), e.g. ${example}.`,
        },
      },
      required: ['points'],
      additionalProperties: false,
    },
    annotations: { readOnly: options.keep === undefined },
    async run(args: DrawPathArgs, context: ToolContext<State>): Promise<ToolResult> {
      const parsed = parsePointList(args.points, { example });
      if (!parsed.ok) return toolError(parsed.message);
      if (parsed.pairs.length < 2 || parsed.pairs.length > maxPoints) {
        return toolError(`give between 2 and ${maxPoints} points (got ${parsed.pairs.length}), e.g. ${example}.`);
      }
      const png = await options.image(context.state, context);
      const metadata = await sharp(png).metadata();
      const width = metadata.width ?? 0;
      const height = metadata.height ?? 0;
      const points = parsed.pairs.map(([x, y]) => ({ x, y }));
      const outside = points.find((point) => point.x < 0 || point.y < 0 || point.x > width || point.y > height);
      if (outside !== undefined) {
        return toolError(
          `point (${outside.x}, ${outside.y}) is outside the image, which is ${width} x ${height} pixels (x 0..${width}, y 0..${height}).`,
        );
      }
      const drawn = await drawPolyline(png, points, options.style ?? { vertexRadius: 3 });
      options.keep?.(context.state, drawn);
      const ref = await context.images.put(drawn);
      const length = polylineLength(points);
      return {
        content: [text(`Drew a path through ${points.length} points, ${length.toFixed(1)} px long.`), image(ref)],
        data: { points, length },
      };
    },
  };
}

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}
