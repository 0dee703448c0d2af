import type { Font } from 'opentype.js';
import { loadFont } from '../image/text.js';

/**
 * DejaVu Sans from the `dejavu-fonts-ttf` package; images never depend on system fonts. The same
 * parsed font the image text draws with, so a process parses it once.
 */
export async function dejaVuSans(): Promise<Font> {
  return loadFont('sans');
}

/** Width of a text in pixels at `size`, glyph advances summed (no kerning). */
export function textWidth(font: Font, value: string, size: number): number {
  let width = 0;
  for (const character of value) width += ((font.charToGlyph(character).advanceWidth ?? 0) * size) / font.unitsPerEm;
  return width;
}

/**
 * SVG path data drawing `value` with its baseline starting at (x, y). Glyphs are placed one by one
 * (no shaping), which is exact for the ids and class names drawn here.
 */
export function textPath(font: Font, value: string, x: number, y: number, size: number): string {
  let cursor = x;
  const parts: string[] = [];
  for (const character of value) {
    const glyph = font.charToGlyph(character);
    parts.push(glyph.getPath(cursor, y, size).toPathData(2));
    cursor += ((glyph.advanceWidth ?? 0) * size) / font.unitsPerEm;
  }
  return parts.join('');
}
