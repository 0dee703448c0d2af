import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Font, Glyph, PathCommand } from 'opentype.js';
import { GymError } from '../../core/errors.js';
import type { PixelBox } from './scene.js';

/**
 * Text as SVG paths. Chart text is drawn from the DejaVu TTFs shipped in `dejavu-fonts-ttf`, glyph
 * by glyph, so an image never depends on the fonts of the machine that renders it. Layout is our
 * own (advance widths plus pair kerning), which keeps it identical across opentype.js versions and
 * avoids its shaping engine.
 */

/** The font files charts may use, by short name. */
export const FONT_FILES = {
  sans: 'DejaVuSans.ttf',
  'sans-bold': 'DejaVuSans-Bold.ttf',
  'sans-condensed': 'DejaVuSansCondensed.ttf',
  'sans-condensed-bold': 'DejaVuSansCondensed-Bold.ttf',
  serif: 'DejaVuSerif.ttf',
  'serif-bold': 'DejaVuSerif-Bold.ttf',
  'serif-condensed': 'DejaVuSerifCondensed.ttf',
  'serif-condensed-bold': 'DejaVuSerifCondensed-Bold.ttf',
} as const;

/** A font short name, e.g. `sans-bold`. */
export type FontName = keyof typeof FONT_FILES;

/** How a text's anchor point relates to the text horizontally. */
export type TextAnchor = 'start' | 'middle' | 'end';

/** How a text's anchor point relates to the text vertically. */
export type TextBaseline = 'alphabetic' | 'middle' | 'top' | 'bottom';

/** Where and how to draw a run of text. */
export interface TextOptions {
  readonly font: FontName;
  /** Font size in pixels (the em size). */
  readonly size: number;
  /** Anchor point, in pixels. */
  readonly x: number;
  readonly y: number;
  readonly anchor?: TextAnchor;
  readonly baseline?: TextBaseline;
  /** Rotation in degrees around the anchor point, clockwise as SVG (e.g. -90 reads bottom to top). */
  readonly rotate?: number;
}

/** A text turned into an SVG path, with the pixel box it covers. */
export interface TextPath {
  /** SVG path data, coordinates rounded to 1/100 px. */
  readonly d: string;
  /** The axis-aligned box of the text's line box (ascender to descender), rotation included. */
  readonly box: PixelBox;
  /** The line box's four corners in order around it, rotation included (for rotated text, tighter than `box`). */
  readonly corners: readonly (readonly [number, number])[];
}

/** Horizontal and vertical extent of a text in pixels, before rotation. */
export interface TextMetrics {
  readonly width: number;
  /** Distance from the baseline up to the font's ascender. */
  readonly ascent: number;
  /** Distance from the baseline down to the font's descender (positive). */
  readonly descent: number;
  /** Height of capital letters and digits above the baseline. */
  readonly capHeight: number;
}

interface GlyphOutline {
  readonly advance: number;
  readonly glyph: Glyph;
  /** Commands in font units, y down, origin at the pen position. */
  readonly commands: readonly PathCommand[];
}

interface LoadedFont {
  readonly font: Font;
  readonly glyphs: Map<string, GlyphOutline>;
  readonly kerning: Map<string, number>;
  readonly capHeight: number;
}

const fonts = new Map<FontName, LoadedFont>();
let fontDirectory: string | undefined;

let parser: typeof import('opentype.js') | undefined;
const require = createRequire(import.meta.url);

function directory(): string {
  fontDirectory ??= join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  return fontDirectory;
}

/**
 * opentype.js, loaded on the first font parse: required as CommonJS, which takes a sixth of the
 * time an ESM import of it takes (that scans its 16,000 lines for named exports), and not at all
 * in a process that draws no text (`thinkgym list`, the image tools alone).
 */
function opentype(): typeof import('opentype.js') {
  parser ??= require('opentype.js') as typeof import('opentype.js');
  return parser;
}

/** The parsed font for a short name; parsed once per process. */
export function loadFont(name: FontName): Font {
  return loaded(name).font;
}

function loaded(name: FontName): LoadedFont {
  let entry = fonts.get(name);
  if (entry === undefined) {
    const file = join(directory(), FONT_FILES[name]);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      throw new GymError('font-missing', `Font ${file} is missing; install the dejavu-fonts-ttf package.`, { cause: error });
    }
    // lowMemory reads glyphs and metrics from the file's bytes on first use instead of all at parse
    // time: the same outlines and advances, about 13 MiB of heap per font less and 4x faster.
    const font = opentype().parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), { lowMemory: true });
    const os2 = font.tables.os2 as { sCapHeight?: number } | undefined;
    entry = { font, glyphs: new Map(), kerning: new Map(), capHeight: os2?.sCapHeight ?? font.unitsPerEm * 0.73 };
    fonts.set(name, entry);
  }
  return entry;
}

function outline(entry: LoadedFont, character: string): GlyphOutline {
  let glyph = entry.glyphs.get(character);
  if (glyph === undefined) {
    const source = entry.font.charToGlyph(character);
    const path = source.getPath(0, 0, entry.font.unitsPerEm);
    glyph = { advance: source.advanceWidth ?? 0, glyph: source, commands: path.commands };
    entry.glyphs.set(character, glyph);
  }
  return glyph;
}

function kerning(entry: LoadedFont, left: GlyphOutline, right: GlyphOutline, pair: string): number {
  let value = entry.kerning.get(pair);
  if (value === undefined) {
    value = entry.font.getKerningValue(left.glyph, right.glyph);
    entry.kerning.set(pair, value);
  }
  return value;
}

/** The size of `text` set in `font` at `size` pixels. */
export function measureText(text: string, font: FontName, size: number): TextMetrics {
  const entry = loaded(font);
  const scale = size / entry.font.unitsPerEm;
  let width = 0;
  let previous: { outline: GlyphOutline; character: string } | undefined;
  for (const character of text) {
    const current = outline(entry, character);
    if (previous !== undefined) width += kerning(entry, previous.outline, current, previous.character + character);
    width += current.advance;
    previous = { outline: current, character };
  }
  return {
    width: width * scale,
    ascent: entry.font.ascender * scale,
    descent: -entry.font.descender * scale,
    capHeight: entry.capHeight * scale,
  };
}

/**
 * Converts `text` to an SVG path placed by its anchor point. `middle` centres capital letters on
 * `y`; `top` and `bottom` align the ascender and descender lines.
 */
export function textToPath(text: string, options: TextOptions): TextPath {
  const entry = loaded(options.font);
  const metrics = measureText(text, options.font, options.size);
  const scale = options.size / entry.font.unitsPerEm;
  const anchor = options.anchor ?? 'start';
  const baseline = options.baseline ?? 'alphabetic';
  const dx = anchor === 'start' ? 0 : anchor === 'middle' ? -metrics.width / 2 : -metrics.width;
  const dy =
    baseline === 'alphabetic' ? 0 : baseline === 'middle' ? metrics.capHeight / 2 : baseline === 'top' ? metrics.ascent : -metrics.descent;
  const angle = ((options.rotate ?? 0) * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // Local frame: origin at the anchor, x along the text, y down; then rotate and translate.
  const place = (localX: number, localY: number): [number, number] => [
    options.x + localX * cos - localY * sin,
    options.y + localX * sin + localY * cos,
  ];
  const parts: string[] = [];
  let pen = 0;
  let previous: { outline: GlyphOutline; character: string } | undefined;
  for (const character of text) {
    const current = outline(entry, character);
    if (previous !== undefined) pen += kerning(entry, previous.outline, current, previous.character + character);
    const offsetX = dx + pen * scale;
    const point = (x: number, y: number): string => {
      const [px, py] = place(offsetX + x * scale, dy + y * scale);
      return `${fixed(px)} ${fixed(py)}`;
    };
    for (const command of current.commands) {
      switch (command.type) {
        case 'M':
        case 'L':
          parts.push(`${command.type}${point(command.x, command.y)}`);
          break;
        case 'C':
          parts.push(`C${point(command.x1, command.y1)} ${point(command.x2, command.y2)} ${point(command.x, command.y)}`);
          break;
        case 'Q':
          parts.push(`Q${point(command.x1, command.y1)} ${point(command.x, command.y)}`);
          break;
        case 'Z':
          parts.push('Z');
          break;
      }
    }
    pen += current.advance;
    previous = { outline: current, character };
  }
  const corners = [
    place(dx, dy - metrics.ascent),
    place(dx + metrics.width, dy - metrics.ascent),
    place(dx + metrics.width, dy + metrics.descent),
    place(dx, dy + metrics.descent),
  ];
  const xs = corners.map(([x]) => x);
  const ys = corners.map(([, y]) => y);
  return { d: parts.join(''), box: { x1: Math.min(...xs), y1: Math.min(...ys), x2: Math.max(...xs), y2: Math.max(...ys) }, corners };
}

/** Formats a coordinate with at most two decimals, the same on every platform. */
export function fixed(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}
