import sharp from 'sharp';
import { assemblePng, PngBand, type PngColour, toIndexed } from '../../core/png-encode.js';
import { type Level, TILE_OUTSIDE, TILE_WALL } from './level.js';

/** The tile sprites, one per kind of square. */
export type Sprite = 'wall' | 'floor' | 'goal' | 'box' | 'boxOnGoal' | 'player' | 'playerOnGoal' | 'outside';

const FLOOR = '<rect width="32" height="32" fill="#d8cdb4"/><rect x="0.5" y="0.5" width="31" height="31" fill="none" stroke="#c4b89c"/>';
const GOAL_MARK =
  '<circle cx="16" cy="16" r="8" fill="none" stroke="#d6336c" stroke-width="3"/><circle cx="16" cy="16" r="2.5" fill="#d6336c"/>';
const PLAYER =
  '<circle cx="16" cy="9" r="5" fill="#1c4fa8"/>' +
  '<path d="M9 28 L11 17 Q16 14 21 17 L23 28 Z" fill="#2f6fd6"/>' +
  '<rect x="6" y="17" width="4" height="8" rx="2" fill="#1c4fa8"/><rect x="22" y="17" width="4" height="8" rx="2" fill="#1c4fa8"/>';

/** A wooden crate; `edge` and `fill` colour it (amber off goal, green on goal). */
function crate(fill: string, edge: string): string {
  return (
    `<rect x="3" y="3" width="26" height="26" rx="2" fill="${fill}" stroke="${edge}" stroke-width="3"/>` +
    `<path d="M5 5 L27 27 M27 5 L5 27" stroke="${edge}" stroke-width="3"/>` +
    `<rect x="3" y="3" width="26" height="26" rx="2" fill="none" stroke="${edge}" stroke-width="3"/>`
  );
}

/** SVG bodies on a 32x32 canvas; every sprite is opaque. */
const SPRITES: Readonly<Record<Sprite, string>> = {
  wall:
    '<rect width="32" height="32" fill="#8c4a2f"/>' +
    '<path d="M0 0.5 H32 M0 8.5 H32 M0 16.5 H32 M0 24.5 H32 M12.5 0 V8 M28.5 0 V8 M4.5 8 V16 M20.5 8 V16 M12.5 16 V24 M28.5 16 V24 M4.5 24 V32 M20.5 24 V32" stroke="#5b2b18" stroke-width="2"/>',
  floor: FLOOR,
  goal: FLOOR + GOAL_MARK,
  box: FLOOR + crate('#d99a3e', '#7a4a14'),
  boxOnGoal: FLOOR + crate('#5fbf6a', '#1f6b2b'),
  player: FLOOR + PLAYER,
  playerOnGoal: FLOOR + GOAL_MARK + PLAYER,
  outside: '<rect width="32" height="32" fill="#26262b"/>',
};

/** The SVG document of a sprite at `tileSize` pixels. */
export function spriteSvg(sprite: Sprite, tileSize: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${tileSize}" height="${tileSize}" viewBox="0 0 32 32" shape-rendering="geometricPrecision">${SPRITES[sprite]}</svg>`;
}

/** Every sprite at one size, in the pixel format of the PNG (palette indexes, or RGB). */
interface SpriteSheet {
  readonly pixels: ReadonlyMap<Sprite, Uint8Array>;
  readonly colour: PngColour;
  /** Bytes per pixel: 1 (indexed) or 3 (RGB). */
  readonly pixelBytes: number;
}

const spriteCache = new Map<number, Promise<SpriteSheet>>();

/**
 * Every sprite at `tileSize`, rasterised by sharp once per size. The sprites share one palette
 * (colours numbered in the order of {@link SPRITES}) when they hold at most 256 colours together.
 */
function sprites(tileSize: number): Promise<SpriteSheet> {
  let cached = spriteCache.get(tileSize);
  if (cached === undefined) {
    cached = (async () => {
      const names = Object.keys(SPRITES) as Sprite[];
      const rgb = await Promise.all(
        names.map((sprite) =>
          sharp(Buffer.from(spriteSvg(sprite, tileSize)))
            .resize(tileSize, tileSize, { fit: 'fill' })
            .flatten({ background: '#000000' })
            .removeAlpha()
            .raw()
            .toBuffer(),
        ),
      );
      const indexed = toIndexed(rgb);
      const pixels = indexed?.indexes ?? rgb;
      return {
        pixels: new Map(names.map((sprite, index) => [sprite, pixels[index] as Uint8Array])),
        colour: indexed === undefined ? { kind: 'rgb' } : { kind: 'indexed', palette: indexed.palette },
        pixelBytes: indexed === undefined ? 3 : 1,
      };
    })();
    spriteCache.set(tileSize, cached);
  }
  return cached;
}

/** The sprite of one square of a position. */
export function spriteAt(level: Level, cell: number, player: number, boxes: ReadonlySet<number>, goals: ReadonlySet<number>): Sprite {
  const tile = level.tiles[cell];
  if (tile === TILE_WALL) return 'wall';
  if (tile === TILE_OUTSIDE) return 'outside';
  const goal = goals.has(cell);
  if (cell === player) return goal ? 'playerOnGoal' : 'player';
  if (boxes.has(cell)) return goal ? 'boxOnGoal' : 'box';
  return goal ? 'goal' : 'floor';
}

/** Levels whose last frame is kept; past it the level drawn least recently goes. */
const MAX_LEVELS = 8;

/** The last frame drawn of a level: the sprite of each square and each row of squares as a patchable band. */
interface LevelFrame {
  readonly tileSize: number;
  readonly sprites: Sprite[];
  readonly bands: PngBand[];
}

/** The last frame per level, most recently drawn last. */
const levelFrames = new Map<Level, LevelFrame>();

/**
 * Draws a position as a PNG, `tileSize` pixels per square: sprites rasterised from SVG by sharp
 * once per size, laid out in memory (palette indexes when the sprites hold at most 256 colours)
 * and encoded by `core/png-encode.ts`. Each row of squares is one PNG band; a level keeps the
 * bands of its last frame, and a move recompresses only the squares that changed (patching the
 * bands of their rows). The bytes depend on the position alone: same position, same bytes on any
 * machine, whatever was drawn before.
 */
export async function renderPng(level: Level, player: number, boxes: Iterable<number>, tileSize: number): Promise<Buffer> {
  const sheet = await sprites(tileSize);
  const boxSet = new Set(boxes);
  const goalSet = new Set(level.goals);
  const { width, height } = level;
  const now: Sprite[] = [];
  for (let cell = 0; cell < width * height; cell += 1) now.push(spriteAt(level, cell, player, boxSet, goalSet));
  let frame = levelFrames.get(level);
  levelFrames.delete(level);
  if (frame === undefined || frame.tileSize !== tileSize) {
    const bands: PngBand[] = [];
    for (let row = 0; row < height; row += 1) {
      bands.push(
        PngBand.compress(layOut(sheet, now, width, row, 0, width, tileSize), width * tileSize, sheet.pixelBytes, 0, tileSize, true),
      );
    }
    frame = { tileSize, sprites: now, bands };
  } else {
    for (let row = 0; row < height; row += 1) {
      let first = -1;
      let last = -1;
      for (let column = 0; column < width; column += 1) {
        if (frame.sprites[row * width + column] === now[row * width + column]) continue;
        if (first < 0) first = column;
        last = column;
      }
      if (first < 0) continue;
      const strip = layOut(sheet, now, width, row, first, last + 1, tileSize);
      const band = frame.bands[row] as PngBand;
      frame.bands[row] = band.patched(first * tileSize, (last + 1) * tileSize, strip, (last + 1 - first) * tileSize);
    }
    frame = { tileSize, sprites: now, bands: frame.bands };
  }
  levelFrames.set(level, frame);
  if (levelFrames.size > MAX_LEVELS) levelFrames.delete(levelFrames.keys().next().value as Level);
  return assemblePng(width * tileSize, height * tileSize, sheet.colour, frame.bands);
}

/** The pixels of squares `[fromColumn, toColumn)` of one row of a level `width` squares wide, `tileSize` pixel rows tall. */
function layOut(
  sheet: SpriteSheet,
  squares: readonly Sprite[],
  width: number,
  row: number,
  fromColumn: number,
  toColumn: number,
  tileSize: number,
): Uint8Array {
  const { pixelBytes } = sheet;
  const stripWidth = (toColumn - fromColumn) * tileSize;
  const strip = new Uint8Array(stripWidth * tileSize * pixelBytes);
  const spriteRow = tileSize * pixelBytes;
  for (let column = fromColumn; column < toColumn; column += 1) {
    const pixels = sheet.pixels.get(squares[row * width + column] as Sprite) as Uint8Array;
    for (let line = 0; line < tileSize; line += 1) {
      strip.set(
        pixels.subarray(line * spriteRow, (line + 1) * spriteRow),
        (line * stripWidth + (column - fromColumn) * tileSize) * pixelBytes,
      );
    }
  }
  return strip;
}
