import sharp from 'sharp';
import { fixed, textToPath } from '../../tools/image/text.js';
import {
  appearanceAt,
  type ColourName,
  codeStripHeight,
  colourAt,
  OBJECT_COLOURS,
  objectSize,
  positionAt,
  type Scenario,
  type Shape,
  sceneAt,
} from './scenario.js';

/**
 * Frames of a generated video. Every distinct element (a labelled shape in a colour, a scene title,
 * a digit, the sign) is drawn once by sharp from SVG, text as DejaVu glyph paths (so frames never
 * depend on the machine's fonts); a frame is then composed by blending those sprites into raw RGB,
 * which keeps a 60-minute video's 3,600 frames to a few seconds of work. The bottom strip carries
 * the frame index as {@link CODE_BITS} black or white blocks, so a decoded frame says which frame it is.
 */

/** Bits of the frame code in the bottom strip (frames 0 .. 2^16 - 1). */
export const CODE_BITS = 16;

interface Sprite {
  readonly width: number;
  readonly height: number;
  /** RGBA, premultiplied by nothing: straight alpha. */
  readonly data: Buffer;
}

/** Renders the frames of one scenario; sprites are made on first use and kept. */
export class FrameRenderer {
  private readonly scenario: Scenario;
  private readonly sprites = new Map<string, Sprite>();
  private readonly backgrounds = new Map<string, Buffer>();

  constructor(scenario: Scenario) {
    this.scenario = scenario;
  }

  /** Draws every sprite the scenario needs; call once before {@link frame}. */
  async prepare(): Promise<void> {
    const { format, objects, scenes, sign } = this.scenario;
    const size = objectSize(format);
    const jobs: Promise<void>[] = [];
    const want = (key: string, make: () => Promise<Sprite>): void => {
      if (!this.sprites.has(key)) {
        this.sprites.set(key, { width: 0, height: 0, data: Buffer.alloc(0) });
        jobs.push(make().then((sprite) => void this.sprites.set(key, sprite)));
      }
    };
    for (const object of objects) {
      for (const { colour } of object.colours)
        want(shapeKey(object.label, object.shape, colour), () => shapeSprite(object.shape, colour, object.label, size));
    }
    for (const scene of scenes)
      want(`title:${scene.name}`, () => textSprite(scene.name.toUpperCase(), Math.round(format.height / 14), '#d8d8d8'));
    for (let digit = 0; digit <= 9; digit += 1)
      want(`digit:${digit}`, () => textSprite(String(digit), Math.round(format.height / 12), '#ffe680'));
    want('sign', () => signSprite(sign.word, Math.round(format.height / 9)));
    await Promise.all(jobs);
  }

  /** The RGB pixels of frame `index` (width x height x 3 bytes). */
  frame(index: number): Buffer {
    const { format, objects, sign } = this.scenario;
    const scene = sceneAt(this.scenario, index);
    const buffer = Buffer.from(this.background(scene.name, scene.colour));
    const title = this.sprite(`title:${scene.name}`);
    blend(buffer, format.width, format.height, title, Math.round((format.width - title.width) / 2), 4);
    let x = 6;
    for (const digit of String(Math.floor(index / this.scenario.counterPeriod))) {
      const sprite = this.sprite(`digit:${digit}`);
      blend(buffer, format.width, format.height, sprite, x, 4);
      x += sprite.width;
    }
    for (const object of objects) {
      const appearance = appearanceAt(object, index);
      if (appearance === undefined) continue;
      const [left, top] = positionAt(appearance, index);
      blend(buffer, format.width, format.height, this.sprite(shapeKey(object.label, object.shape, colourAt(object, index))), left, top);
    }
    // The sign goes over everything, so no object ever hides its word.
    if (index >= sign.start && index < sign.end) {
      blend(buffer, format.width, format.height, this.sprite('sign'), sign.position[0], sign.position[1]);
    }
    paintCode(buffer, format.width, format.height, index);
    return buffer;
  }

  private sprite(key: string): Sprite {
    const sprite = this.sprites.get(key);
    if (sprite === undefined || sprite.width === 0) throw new Error(`sprite ${key} was not prepared`);
    return sprite;
  }

  private background(name: string, colour: readonly [number, number, number]): Buffer {
    let buffer = this.backgrounds.get(name);
    if (buffer === undefined) {
      const { width, height } = this.scenario.format;
      buffer = Buffer.alloc(width * height * 3);
      for (let pixel = 0; pixel < width * height; pixel += 1) buffer.set(colour, pixel * 3);
      this.backgrounds.set(name, buffer);
    }
    return buffer;
  }
}

function shapeKey(label: string, shape: Shape, colour: ColourName): string {
  return `shape:${label}:${shape}:${colour}`;
}

/** Paints the frame code: CODE_BITS blocks across the bottom strip, most significant bit first. */
export function paintCode(buffer: Buffer, width: number, height: number, index: number): void {
  const strip = codeStripHeight({ width });
  const block = Math.floor(width / CODE_BITS);
  for (let bit = 0; bit < CODE_BITS; bit += 1) {
    const on = (index >> (CODE_BITS - 1 - bit)) & 1;
    const value = on === 1 ? 255 : 0;
    for (let y = height - strip; y < height; y += 1) {
      buffer.fill(value, (y * width + bit * block) * 3, (y * width + (bit + 1) * block) * 3);
    }
  }
}

/** Reads the frame code back from decoded RGB pixels (block centres, threshold at mid-grey). */
export function readCode(buffer: Uint8Array, width: number, height: number): number {
  const strip = codeStripHeight({ width });
  const block = Math.floor(width / CODE_BITS);
  const y = height - Math.ceil(strip / 2);
  let value = 0;
  for (let bit = 0; bit < CODE_BITS; bit += 1) {
    const offset = (y * width + bit * block + Math.floor(block / 2)) * 3;
    const grey = ((buffer[offset] ?? 0) + (buffer[offset + 1] ?? 0) + (buffer[offset + 2] ?? 0)) / 3;
    value = value * 2 + (grey > 127 ? 1 : 0);
  }
  return value;
}

function blend(target: Buffer, width: number, height: number, sprite: Sprite, left: number, top: number): void {
  for (let y = 0; y < sprite.height; y += 1) {
    const ty = top + y;
    if (ty < 0 || ty >= height) continue;
    for (let x = 0; x < sprite.width; x += 1) {
      const tx = left + x;
      if (tx < 0 || tx >= width) continue;
      const source = (y * sprite.width + x) * 4;
      const alpha = sprite.data[source + 3] ?? 0;
      if (alpha === 0) continue;
      const destination = (ty * width + tx) * 3;
      for (let channel = 0; channel < 3; channel += 1) {
        const over = sprite.data[source + channel] ?? 0;
        const under = target[destination + channel] ?? 0;
        target[destination + channel] = alpha === 255 ? over : Math.round((over * alpha + under * (255 - alpha)) / 255);
      }
    }
  }
}

async function svgSprite(svg: string): Promise<Sprite> {
  const { data, info } = await sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

function hex(colour: readonly [number, number, number]): string {
  return `#${colour.map((channel) => channel.toString(16).padStart(2, '0')).join('')}`;
}

async function shapeSprite(shape: Shape, colour: ColourName, label: string, size: number): Promise<Sprite> {
  const rgb = OBJECT_COLOURS[colour];
  const fill = hex(rgb);
  const half = size / 2;
  const inset = 1.5;
  let body: string;
  switch (shape) {
    case 'circle':
      body = `<circle cx="${half}" cy="${half}" r="${half - inset}"/>`;
      break;
    case 'square':
      body = `<rect x="${inset}" y="${inset}" width="${size - 2 * inset}" height="${size - 2 * inset}"/>`;
      break;
    case 'triangle':
      body = `<polygon points="${half},${inset} ${size - inset},${size - inset} ${inset},${size - inset}"/>`;
      break;
    case 'diamond':
      body = `<polygon points="${half},${inset} ${size - inset},${half} ${half},${size - inset} ${inset},${half}"/>`;
      break;
  }
  const light = rgb[0] * 0.299 + rgb[1] * 0.587 + rgb[2] * 0.114 > 150;
  const glyph = textToPath(label, {
    font: 'sans-bold',
    size: size * 0.45,
    x: half,
    y: shape === 'triangle' ? size * 0.68 : half,
    anchor: 'middle',
    baseline: 'middle',
  });
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">` +
    `<g fill="${fill}" stroke="#101010" stroke-width="1.5">${body}</g>` +
    `<path d="${glyph.d}" fill="${light ? '#101010' : '#ffffff'}"/></svg>`;
  return svgSprite(svg);
}

async function textSprite(value: string, size: number, colour: string): Promise<Sprite> {
  const path = textToPath(value, { font: 'sans-bold', size, x: 1, y: 1, baseline: 'top' });
  const width = Math.ceil(path.box.x2 + 2);
  const height = Math.ceil(path.box.y2 + 2);
  return svgSprite(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><path d="${path.d}" fill="${colour}"/></svg>`,
  );
}

async function signSprite(word: string, size: number): Promise<Sprite> {
  const path = textToPath(word, { font: 'sans-bold', size, x: 8, y: 6, baseline: 'top' });
  const width = Math.ceil(path.box.x2 + 8);
  const height = Math.ceil(path.box.y2 + 6);
  return svgSprite(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<rect x="1" y="1" width="${fixed(width - 2)}" height="${fixed(height - 2)}" rx="4" fill="#fafaf0" stroke="#c03020" stroke-width="2"/>` +
      `<path d="${path.d}" fill="#202020"/></svg>`,
  );
}
