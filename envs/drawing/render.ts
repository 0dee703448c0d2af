import sharp from 'sharp';
import { PNG_OPTIONS } from '../../tools/image/pixels.js';
import { fixed, textToPath } from '../../tools/image/text.js';
import { LABEL_SIZE, labelBox } from './generate.js';
import type { DrawingScene, SceneObject } from './scene.js';

/**
 * Draws a scene top-down as SVG (names as DejaVu glyph paths, see `tools/image/text.ts`) and
 * rasterises it with sharp, so the same scene always gives the same PNG bytes.
 */
export async function renderScene(scene: DrawingScene): Promise<Buffer> {
  return sharp(Buffer.from(sceneSvg(scene)))
    .removeAlpha()
    .png(PNG_OPTIONS)
    .toBuffer();
}

/** The SVG document of a scene. */
export function sceneSvg(scene: DrawingScene): string {
  const parts: string[] = [];
  const { floor } = scene;
  const room = scene.theme === 'room';
  parts.push(`<rect x="0" y="0" width="${scene.width}" height="${scene.height}" fill="${room ? '#4a4a52' : '#6b4a2e'}"/>`);
  parts.push(rect(floor.x1, floor.y1, floor.x2 - floor.x1, floor.y2 - floor.y1, room ? '#efe6d2' : '#d9b98c'));
  // Floorboards or wood grain: straight lines that are not part of any question.
  const spacing = room ? 48 : 36;
  for (let y = floor.y1 + spacing; y < floor.y2; y += spacing) {
    parts.push(`<line x1="${floor.x1}" y1="${y}" x2="${floor.x2}" y2="${y}" stroke="${room ? '#e2d6bd' : '#c9a878'}" stroke-width="1"/>`);
  }
  const region = scene.region;
  const regionWidth = region.box.x2 - region.box.x1;
  const regionHeight = region.box.y2 - region.box.y1;
  parts.push(
    `<rect x="${fixed(region.box.x1)}" y="${fixed(region.box.y1)}" width="${fixed(regionWidth)}" height="${fixed(regionHeight)}" fill="${region.fill}" stroke="#7a5a5a" stroke-width="2" stroke-dasharray="6 4"/>`,
  );
  parts.push(
    `<path d="${textToPath(region.name, { font: 'sans', size: LABEL_SIZE, x: region.box.x1 + 6, y: region.box.y1 + 6, baseline: 'top' }).d}" fill="#5a3a3a"/>`,
  );
  for (const item of scene.distractors) parts.push(shape(item, '#6a6a6a'));
  for (const item of scene.objects) {
    parts.push(shape(item, '#222222'));
    parts.push(centreMark(item));
    const label = labelBox(item);
    parts.push(
      `<path d="${textToPath(item.name, { font: 'sans-bold', size: LABEL_SIZE, x: (label.x1 + label.x2) / 2, y: label.y1, anchor: 'middle', baseline: 'top' }).d}" fill="#1a1a1a"/>`,
    );
  }
  parts.push(scaleBar(scene));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${scene.width}" height="${scene.height}" viewBox="0 0 ${scene.width} ${scene.height}">${parts.join('')}</svg>`;
}

function rect(x: number, y: number, width: number, height: number, fill: string): string {
  return `<rect x="${fixed(x)}" y="${fixed(y)}" width="${fixed(width)}" height="${fixed(height)}" fill="${fill}"/>`;
}

function shape(item: SceneObject, stroke: string): string {
  if (item.shape === 'circle') {
    return `<circle cx="${fixed(item.x)}" cy="${fixed(item.y)}" r="${fixed(item.width / 2)}" fill="${item.fill}" stroke="${stroke}" stroke-width="1.5"/>`;
  }
  return `<rect x="${fixed(item.x - item.width / 2)}" y="${fixed(item.y - item.height / 2)}" width="${fixed(item.width)}" height="${fixed(item.height)}" rx="3" fill="${item.fill}" stroke="${stroke}" stroke-width="1.5"/>`;
}

/** A small white-edged cross on the object's centre: the point questions measure from. */
function centreMark(item: SceneObject): string {
  const arm = Math.max(3, Math.min(6, Math.min(item.width, item.height) / 3));
  const path = `M${fixed(item.x - arm)} ${fixed(item.y)}L${fixed(item.x + arm)} ${fixed(item.y)}M${fixed(item.x)} ${fixed(item.y - arm)}L${fixed(item.x)} ${fixed(item.y + arm)}`;
  return `<path d="${path}" stroke="#ffffff" stroke-width="3.5"/><path d="${path}" stroke="#000000" stroke-width="1.5"/>`;
}

function scaleBar(scene: DrawingScene): string {
  const { x, y } = scene.scaleBarAt;
  const length = scene.scaleBar * scene.scale;
  const text = `${scene.scaleBar} ${scene.unit}`;
  return (
    `<rect x="${fixed(x - 4)}" y="${fixed(y - 24)}" width="${fixed(length + 8)}" height="30" fill="#ffffff" fill-opacity="0.8"/>` +
    `<path d="M${fixed(x)} ${fixed(y - 5)}L${fixed(x)} ${fixed(y)}L${fixed(x + length)} ${fixed(y)}L${fixed(x + length)} ${fixed(y - 5)}" stroke="#000000" stroke-width="2" fill="none"/>` +
    `<path d="${textToPath(text, { font: 'sans-bold', size: 12, x: x + length / 2, y: y - 6, anchor: 'middle', baseline: 'bottom' }).d}" fill="#000000"/>`
  );
}
