import { type ImageRef, image, text } from '../../core/content.js';
import type { ImageStore } from '../../core/image-store.js';
import type { ToolResult } from '../../core/tool.js';
import {
  type CoordinateFrame,
  describeSize,
  frameExtent,
  frameUnits,
  fromPixelX,
  fromPixelY,
  type ImageSize,
  toPixelX,
  toPixelY,
} from './frame.js';
import { type PixelSource, PNG_OPTIONS, type Rgb, rawPipeline, sharedPixelCache } from './pixels.js';
import type { PixelBox } from './scene.js';
import type { ImageToolState } from './state.js';
import { textToPath } from './text.js';

/**
 * The annotation layer: labelled boxes and lines drawn over an image, as ViLaSR's Object Mapper
 * and Path Tracer draw them. The layer is a list of shapes kept in the state; every draw re-renders
 * the whole layer over the base image, so drawing again with a label already used replaces that
 * shape, and `clear_drawings` brings the base back. Labels are glyph paths (the bundled DejaVu
 * font), so annotated images are byte-identical on every machine.
 */

/** Colours a shape may take, by name. */
export const SHAPE_COLORS = {
  red: [230, 25, 25],
  blue: [20, 70, 230],
  green: [0, 150, 40],
  orange: [245, 130, 0],
  magenta: [220, 0, 200],
  cyan: [0, 170, 200],
  purple: [120, 40, 180],
  black: [0, 0, 0],
} as const satisfies Record<string, Rgb>;

/** A shape colour name. */
export type ShapeColor = keyof typeof SHAPE_COLORS;

/** The colour names, in the order unlabelled-colour shapes cycle through. */
export const SHAPE_COLOR_NAMES = Object.keys(SHAPE_COLORS) as ShapeColor[];

/** Where a shape lies, in continuous pixels of the original image. */
export type ShapeGeometry =
  | { readonly kind: 'box'; readonly box: PixelBox }
  | { readonly kind: 'line'; readonly from: PixelPoint; readonly to: PixelPoint };

/** One drawn shape, in continuous pixels of the original image. */
export type Annotation =
  | { readonly kind: 'box'; readonly label: string; readonly color: ShapeColor; readonly box: PixelBox }
  | { readonly kind: 'line'; readonly label: string; readonly color: ShapeColor; readonly from: PixelPoint; readonly to: PixelPoint };

/** A point in pixels of the original image. */
export interface PixelPoint {
  readonly x: number;
  readonly y: number;
}

/** The state the drawing tools need: the image fields plus the layer. */
export interface AnnotationState extends ImageToolState {
  /** Shapes drawn so far, oldest first; a label appears at most once. */
  annotations: Annotation[];
  /** The image the layer is drawn over: the current image when the first shape was drawn. */
  annotationBase?: ImageRef;
}

/** Most shapes a layer holds; more gives a tool error that says to clear or reuse labels. */
export const MAX_ANNOTATIONS = 40;

/** Length in pixels and direction in degrees (counter-clockwise from +x, y up on screen) of a line. */
export function lineMeasure(from: PixelPoint, to: PixelPoint): { readonly length: number; readonly angle: number } {
  const dx = to.x - from.x;
  const dy = from.y - to.y;
  const angle = (Math.atan2(dy, dx) * 180) / Math.PI;
  return { length: Math.hypot(dx, dy), angle: angle < 0 ? angle + 360 : angle };
}

/** Checks a point given in `frame` and returns it in pixels, or a message for the model. */
export function checkPoint(
  x: number,
  y: number,
  names: readonly [string, string],
  frame: CoordinateFrame,
  size: ImageSize,
): { readonly ok: true; readonly point: PixelPoint } | { readonly ok: false; readonly message: string } {
  const extent = frameExtent(frame, size);
  const where = describeSize(frame, size);
  for (const [name, value, max] of [
    [names[0], x, extent.x],
    [names[1], y, extent.y],
  ] as const) {
    if (!Number.isFinite(value)) return { ok: false, message: `${name} must be a number; ${where}.` };
    if (value < 0 || value > max)
      return { ok: false, message: `${name}=${value} is outside the image: it must be within 0..${max} (${where}).` };
  }
  return { ok: true, point: { x: toPixelX(x, frame, size), y: toPixelY(y, frame, size) } };
}

/** JSON-schema properties of a line's end points `x1, y1, x2, y2`, described in `frame`. */
export function lineProperties(frame: CoordinateFrame): Record<string, { type: 'number'; description: string }> {
  const units = frameUnits(frame);
  const range = frame === 'pixel' ? ['0..image width', '0..image height'] : ['0..1000', '0..1000'];
  return {
    x1: { type: 'number', description: `x of the start point, in ${units} (${range[0]}).` },
    y1: { type: 'number', description: `y of the start point, in ${units} (${range[1]}).` },
    x2: { type: 'number', description: `x of the end point, in ${units} (${range[0]}).` },
    y2: { type: 'number', description: `y of the end point, in ${units} (${range[1]}).` },
  };
}

/** JSON-schema properties of a shape's `label` and `color`. */
export function styleProperties(what: string): Record<string, unknown> {
  return {
    label: {
      type: 'string',
      maxLength: 40,
      description: `Name written next to the ${what}; drawing again with the same label replaces that shape (default: an automatic name).`,
    },
    color: { type: 'string', enum: SHAPE_COLOR_NAMES, description: 'Colour (default: the next colour of the cycle).' },
  };
}

/**
 * Adds `shape` to the layer (replacing the shape with the same label), renders the layer and makes
 * the result the current image. Returns what was said about it and the new image.
 *
 * With `view`, the layer is rendered over that image instead (e.g. the windowed overview of a
 * 16-bit scan), scaled from the original image's pixels to the view's size, and the current image
 * and the layer's base are left as they are.
 */
export async function drawAnnotations(
  state: AnnotationState,
  shapes: readonly ShapeGeometry[],
  styles: readonly { readonly label?: string | undefined; readonly color?: ShapeColor | undefined }[],
  images: ImageStore,
  pixels: PixelSource = sharedPixelCache,
  view?: ImageRef,
): Promise<{ readonly lines: string[]; readonly image: ImageRef } | { readonly error: string }> {
  const layer = [...state.annotations];
  const lines: string[] = [];
  shapes.forEach((shape, index) => {
    const style = styles[index] ?? {};
    const label = style.label?.trim() || nextLabel(layer, shape.kind);
    const color = style.color ?? (SHAPE_COLOR_NAMES[layer.length % SHAPE_COLOR_NAMES.length] as ShapeColor);
    const annotation = { ...shape, label, color } as Annotation;
    const existing = layer.findIndex((item) => item.label === label);
    if (existing === -1) layer.push(annotation);
    else layer[existing] = annotation;
    lines.push(`${existing === -1 ? 'Drew' : 'Redrew'} ${describeAnnotation(annotation, state.coordinates, state.image)}.`);
  });
  if (layer.length > MAX_ANNOTATIONS) {
    return { error: `the image would hold ${layer.length} shapes, more than ${MAX_ANNOTATIONS}; reuse labels or call clear_drawings.` };
  }
  if (view !== undefined) {
    const scaled = layer.map((shape) => scaleAnnotation(shape, view.width / state.image.width, view.height / state.image.height));
    const ref = await renderLayer(view, scaled, images, pixels);
    state.annotations = layer;
    return { lines, image: ref };
  }
  const base = state.annotations.length === 0 || state.annotationBase === undefined ? state.current : state.annotationBase;
  const ref = await renderLayer(base, layer, images, pixels);
  state.annotations = layer;
  state.annotationBase = base;
  state.current = ref;
  return { lines, image: ref };
}

/** Empties the layer and brings back the image it was drawn over. */
export function clearAnnotations(state: AnnotationState): number {
  const count = state.annotations.length;
  if (state.annotationBase !== undefined) state.current = state.annotationBase;
  state.annotations = [];
  delete state.annotationBase;
  return count;
}

/** The tool result of a draw: what was drawn, the layer's labels, then the image. */
export function drawResult(state: AnnotationState, lines: readonly string[], ref: ImageRef): ToolResult {
  const labels = state.annotations.map((item) => `"${item.label}"`).join(', ');
  return {
    content: [
      text(
        `${lines.join(' ')} The image now shows ${state.annotations.length} shape${state.annotations.length === 1 ? '' : 's'}: ${labels}.`,
      ),
      image(ref),
    ],
    data: { annotations: state.annotations, image: ref },
  };
}

/** One shape in words, coordinates in the state's frame and lengths in pixels. */
export function describeAnnotation(shape: Annotation, frame: CoordinateFrame, size: ImageSize): string {
  const show = (value: number, axis: 'x' | 'y'): string => {
    const converted = axis === 'x' ? fromPixelX(value, frame, size) : fromPixelY(value, frame, size);
    return String(Math.round(converted * 10) / 10);
  };
  if (shape.kind === 'box') {
    const { box } = shape;
    const width = Math.round((box.x2 - box.x1) * 10) / 10;
    const height = Math.round((box.y2 - box.y1) * 10) / 10;
    return (
      `${shape.color} box "${shape.label}" at x1=${show(box.x1, 'x')}, y1=${show(box.y1, 'y')}, x2=${show(box.x2, 'x')}, y2=${show(box.y2, 'y')} ` +
      `(${width}x${height} px, centre ${show((box.x1 + box.x2) / 2, 'x')}, ${show((box.y1 + box.y2) / 2, 'y')})`
    );
  }
  const measure = lineMeasure(shape.from, shape.to);
  return (
    `${shape.color} line "${shape.label}" from (${show(shape.from.x, 'x')}, ${show(shape.from.y, 'y')}) to (${show(shape.to.x, 'x')}, ${show(shape.to.y, 'y')}): ` +
    `length ${measure.length.toFixed(1)} px, direction ${measure.angle.toFixed(1)}° (counter-clockwise from pointing right)`
  );
}

/** A shape with its x coordinates multiplied by `scaleX` and its y coordinates by `scaleY`. */
function scaleAnnotation(shape: Annotation, scaleX: number, scaleY: number): Annotation {
  const point = (at: PixelPoint): PixelPoint => ({ x: at.x * scaleX, y: at.y * scaleY });
  if (shape.kind === 'line') return { ...shape, from: point(shape.from), to: point(shape.to) };
  const { box } = shape;
  return { ...shape, box: { x1: box.x1 * scaleX, y1: box.y1 * scaleY, x2: box.x2 * scaleX, y2: box.y2 * scaleY } };
}

function nextLabel(layer: readonly Annotation[], kind: Annotation['kind']): string {
  let index = layer.filter((item) => item.kind === kind).length + 1;
  while (layer.some((item) => item.label === `${kind} ${index}`)) index += 1;
  return `${kind} ${index}`;
}

/** Renders `layer` over `base` and stores the PNG. */
async function renderLayer(base: ImageRef, layer: readonly Annotation[], images: ImageStore, pixels: PixelSource): Promise<ImageRef> {
  if (layer.length === 0) return base;
  const raw = await pixels.raw(base, images);
  const svg = layerSvg(layer, raw.width, raw.height);
  const png = await rawPipeline(raw)
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .removeAlpha()
    .png(PNG_OPTIONS)
    .toBuffer();
  return images.put(png);
}

/** The layer as an SVG document the size of the image. */
export function layerSvg(layer: readonly Annotation[], width: number, height: number): string {
  const stroke = Math.max(2, Math.round(Math.min(width, height) / 240));
  const fontSize = Math.max(11, Math.round(Math.min(width, height) / 40));
  const parts: string[] = [];
  const tags: string[] = [];
  for (const shape of layer) {
    const [r, g, b] = SHAPE_COLORS[shape.color];
    const color = `rgb(${r},${g},${b})`;
    let anchor: PixelPoint;
    if (shape.kind === 'box') {
      const { box } = shape;
      parts.push(
        `<rect x="${fix(box.x1)}" y="${fix(box.y1)}" width="${fix(box.x2 - box.x1)}" height="${fix(box.y2 - box.y1)}" fill="none" stroke="${color}" stroke-width="${stroke}"/>`,
      );
      anchor = { x: box.x1, y: box.y1 - stroke };
    } else {
      const { from, to } = shape;
      parts.push(
        `<line x1="${fix(from.x)}" y1="${fix(from.y)}" x2="${fix(to.x)}" y2="${fix(to.y)}" stroke="${color}" stroke-width="${stroke}" stroke-linecap="round"/>`,
        `<circle cx="${fix(from.x)}" cy="${fix(from.y)}" r="${stroke + 1}" fill="${color}"/>`,
        `<circle cx="${fix(to.x)}" cy="${fix(to.y)}" r="${stroke + 1}" fill="${color}"/>`,
      );
      anchor = { x: (from.x + to.x) / 2 + stroke * 2, y: (from.y + to.y) / 2 - stroke * 2 };
    }
    const path = textToPath(shape.label, { font: 'sans-bold', size: fontSize, x: 0, y: 0, baseline: 'bottom' });
    const tagWidth = path.box.x2 - path.box.x1 + 6;
    const tagHeight = path.box.y2 - path.box.y1 + 2;
    const x = Math.min(Math.max(0, anchor.x), width - tagWidth);
    const y = Math.min(Math.max(tagHeight, anchor.y), height);
    tags.push(
      `<rect x="${fix(x)}" y="${fix(y - tagHeight)}" width="${fix(tagWidth)}" height="${fix(tagHeight)}" fill="${color}" fill-opacity="0.85"/>`,
      `<path transform="translate(${fix(x + 3)} ${fix(y - 1)})" d="${path.d}" fill="#ffffff"/>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}${tags.join('')}</svg>`;
}

function fix(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}
