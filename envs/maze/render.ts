import sharp from 'sharp';
import { assemblePng, encodePngPixels, PngBand, type PngColour, toIndexed } from '../../core/png-encode.js';
import { measureText, textToPath } from '../../tools/image/text.js';
import { drawRoute, type RouteStyle, rgbOf, routeRows } from './draw.js';
import { type Cell, type Maze, sameCell, WALL } from './grid.js';

/** Colours of the maze image. */
export const MAZE_COLOURS = {
  wall: '#2b2d42',
  floor: '#f4f1e8',
  goal: '#2a9d8f',
  player: '#e63946',
  path: '#1d4ed8',
  pathBlocked: '#f77f00',
} as const;

/** Colour of the ruler's digits. */
const RULER_INK = '#1f2937';

/**
 * Where the maze sits in its image: a ruler of column indices along the top and row indices along
 * the left edge, then the grid. Every `every`-th index is written (0, every, 2 * every, ...),
 * centred on its square, in `fontSize`-pixel digits: every index when squares are wide enough,
 * fewer when they are small.
 */
export interface MazeLayout {
  readonly cellSize: number;
  /** Pixels left of column 0 (the row ruler). */
  readonly left: number;
  /** Pixels above row 0 (the column ruler). */
  readonly top: number;
  /** The whole image. */
  readonly width: number;
  readonly height: number;
  readonly fontSize: number;
  readonly every: number;
}

/** The layout of `maze` at `cellSize` pixels per square, ruler included. */
export function mazeLayout(maze: Maze, cellSize: number): MazeLayout {
  const fontSize = Math.min(14, Math.max(8, Math.round(cellSize * 0.55)));
  const widest = Math.max(maze.rows, maze.cols) - 1;
  const digits = measureText(String(widest), 'sans', fontSize).width;
  const metrics = measureText('0', 'sans', fontSize);
  // A label needs its width across columns and its height down rows, plus a little air.
  const room = Math.max(digits + 3, metrics.capHeight + 3);
  const every = [1, 2, 5, 10, 20, 50].find((step) => step * cellSize >= room) ?? 100;
  const left = Math.ceil(measureText(String(maze.rows - 1), 'sans', fontSize).width) + 6;
  const top = Math.ceil(metrics.ascent + metrics.descent) + 3;
  return { cellSize, left, top, width: left + maze.cols * cellSize, height: top + maze.rows * cellSize, fontSize, every };
}

/** The pixel centre of a square in the image of `layout`. */
export function cellCentre(cell: Cell, layout: MazeLayout): { x: number; y: number } {
  return {
    x: layout.left + cell.col * layout.cellSize + layout.cellSize / 2,
    y: layout.top + cell.row * layout.cellSize + layout.cellSize / 2,
  };
}

/**
 * The maze seen from above as an SVG document: a ruler of indices along the top (columns) and the
 * left (rows), floor light, walls dark (each horizontal run of walls one rectangle), the goal a
 * green square and, when `player` is given, the player a red circle. Square `(row, col)` covers
 * pixels `[left + col * cellSize, left + (col + 1) * cellSize)` by
 * `[top + row * cellSize, top + (row + 1) * cellSize)` (see {@link mazeLayout}); the digits are
 * glyph paths from the bundled DejaVu Sans, so the image never depends on system fonts.
 */
export function mazeSvg(maze: Maze, player: Cell | undefined, cellSize: number): string {
  const layout = mazeLayout(maze, cellSize);
  const { width, height, left, top } = layout;
  const parts: string[] = [svgOpen(width, height), `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`];
  parts.push(rulerPaths(maze, layout));
  parts.push(
    `<rect x="${left}" y="${top}" width="${maze.cols * cellSize}" height="${maze.rows * cellSize}" fill="${MAZE_COLOURS.floor}"/>`,
  );
  parts.push(`<g fill="${MAZE_COLOURS.wall}" shape-rendering="crispEdges">`);
  for (const [row, line] of maze.grid.entries()) {
    let col = 0;
    while (col < line.length) {
      if (line[col] !== WALL) {
        col += 1;
        continue;
      }
      const first = col;
      while (col < line.length && line[col] === WALL) col += 1;
      parts.push(
        `<rect x="${left + first * cellSize}" y="${top + row * cellSize}" width="${(col - first) * cellSize}" height="${cellSize}"/>`,
      );
    }
  }
  parts.push('</g>', goalSquare(left + maze.goal.col * cellSize, top + maze.goal.row * cellSize, cellSize));
  if (player !== undefined) parts.push(playerCircle(cellCentre(player, layout), cellSize));
  parts.push('</svg>');
  return parts.join('');
}

/** The ruler's digits as one SVG path: column indices above the grid, row indices left of it. */
function rulerPaths(maze: Maze, layout: MazeLayout): string {
  const { cellSize, left, top, fontSize, every } = layout;
  const paths: string[] = [];
  for (let col = 0; col < maze.cols; col += every) {
    const x = left + col * cellSize + cellSize / 2;
    paths.push(textToPath(String(col), { font: 'sans', size: fontSize, x, y: top - 2, anchor: 'middle', baseline: 'bottom' }).d);
  }
  for (let row = 0; row < maze.rows; row += every) {
    const y = top + row * cellSize + cellSize / 2;
    paths.push(textToPath(String(row), { font: 'sans', size: fontSize, x: left - 3, y, anchor: 'end', baseline: 'middle' }).d);
  }
  return `<path d="${paths.join('')}" fill="${RULER_INK}"/>`;
}

/**
 * What every maze of one size shares, rasterised by sharp once per size: the white margins with
 * the ruler, the player's square on floor and on the goal, and the pixel format (palette indexes
 * when these and the grid colours hold at most 256 colours together, else RGB).
 */
interface MazeChrome {
  readonly colour: PngColour;
  /** Bytes per pixel: 1 (indexed) or 3 (RGB). */
  readonly pixelBytes: number;
  /** The whole image with its ruler and the grid area all floor. */
  readonly frame: Uint8Array;
  readonly onFloor: Uint8Array;
  readonly onGoal: Uint8Array;
  /** One pixel of wall and of goal colour. */
  readonly wall: Uint8Array;
  readonly goal: Uint8Array;
  /** The ruler rows above the grid, compressed once. */
  readonly topBand: PngBand;
}

/** Sizes whose chrome is kept; past it the oldest goes. */
const MAX_CHROMES = 16;
const chromes = new Map<string, Promise<MazeChrome>>();

/** The chrome of mazes of `rows` x `cols` squares at `cellSize` pixels, made on first use. */
function chromeFor(layout: MazeLayout, rows: number, cols: number): Promise<MazeChrome> {
  const key = `${rows}x${cols}@${layout.cellSize}`;
  let chrome = chromes.get(key);
  if (chrome === undefined) {
    chrome = rasteriseChrome(layout, rows, cols);
    chromes.set(key, chrome);
    chrome.catch(() => chromes.delete(key));
    if (chromes.size > MAX_CHROMES) chromes.delete(chromes.keys().next().value as string);
  }
  return chrome;
}

async function rasteriseChrome(layout: MazeLayout, rows: number, cols: number): Promise<MazeChrome> {
  const { width, height, left, top, cellSize: size } = layout;
  // The ruler alone: the grid drawn over it hides whatever of the ruler reaches into its area.
  const emptyMaze: Maze = { grid: [], rows, cols, start: { row: 0, col: 0 }, goal: { row: 0, col: 0 } };
  const ruler = `${svgOpen(width, height)}<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>${rulerPaths(emptyMaze, layout)}</svg>`;
  const centre = { x: size / 2, y: size / 2 };
  const floorTile = `<rect x="0" y="0" width="${size}" height="${size}" fill="${MAZE_COLOURS.floor}"/>`;
  const tile = (body: string): string => `${svgOpen(size, size)}${floorTile}${body}</svg>`;
  const [frame, onFloor, onGoal] = await Promise.all([
    rasterise(ruler),
    rasterise(tile(playerCircle(centre, size))),
    rasterise(tile(goalSquare(0, 0, size) + playerCircle(centre, size))),
  ]);
  const floor = Uint8Array.from(rgbOf(MAZE_COLOURS.floor));
  fillRect(frame, width, 3, left, top, cols * size, rows * size, floor);
  const wall = Uint8Array.from(rgbOf(MAZE_COLOURS.wall));
  const goal = Uint8Array.from(rgbOf(MAZE_COLOURS.goal));
  const indexed = toIndexed([frame, wall, goal, onFloor, onGoal]);
  const [base, wallPixel, goalPixel, floorTilePixels, goalTilePixels] = (indexed?.indexes ?? [frame, wall, goal, onFloor, onGoal]) as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ];
  const pixelBytes = indexed === undefined ? 3 : 1;
  return {
    colour: indexed === undefined ? { kind: 'rgb' } : { kind: 'indexed', palette: indexed.palette },
    pixelBytes,
    frame: base,
    onFloor: floorTilePixels,
    onGoal: goalTilePixels,
    wall: wallPixel,
    goal: goalPixel,
    topBand: PngBand.compress(base, width, pixelBytes, 0, top, true),
  };
}

/** One maze's background pixels and compressed bands: the ruler rows, then one band per row of squares. */
interface MazeFrames {
  readonly chrome: MazeChrome;
  readonly background: Uint8Array;
  readonly bands: readonly PngBand[];
  /** The band of a row of squares with the player on one of them, by `row * cols + col`. */
  readonly playerBands: Map<number, PngBand>;
}

/**
 * Renders one maze at one square size, frame after frame, without rasterising per frame: the
 * ruler and the player's square come from sharp once per size (see {@link mazeSvg} for the
 * picture), walls, floor and goal are filled in memory, and each frame pastes the player's square
 * in. The pixels equal those of rasterising `mazeSvg(maze, player, cellSize)` whole. The PNG is a
 * stack of bands (the ruler rows, then one per row of squares) written by `core/png-encode.ts`:
 * each band is compressed once, and the band of the player's row is patched over the player's
 * square the first time the player stands there. The same maze, player and size always give the
 * same bytes, on any machine.
 */
export class MazeRenderer {
  readonly maze: Maze;
  readonly cellSize: number;
  /** Where the grid and the ruler sit in the image. */
  readonly layout: MazeLayout;
  private frames: Promise<MazeFrames> | undefined;

  constructor(maze: Maze, cellSize: number) {
    this.maze = maze;
    this.cellSize = cellSize;
    this.layout = mazeLayout(maze, cellSize);
  }

  /** The image with the player on `player`, as PNG bytes. */
  async png(player: Cell): Promise<Buffer> {
    const frames = await this.prepare();
    const bands = frames.bands.slice();
    bands[player.row + 1] = this.playerBand(frames, player);
    return assemblePng(this.layout.width, this.layout.height, frames.chrome.colour, bands);
  }

  /**
   * The image with the player on `player` and a route drawn through the centres of `points` in
   * `style` (see `draw.ts`), as PNG bytes. Only the bands the route crosses are compressed anew.
   */
  async drawnPng(player: Cell, points: readonly Cell[], style: RouteStyle): Promise<Buffer> {
    const frames = await this.prepare();
    const { chrome } = frames;
    const { width, height, top, cellSize: size } = this.layout;
    const centres = points.map((point) => cellCentre(point, this.layout));
    if (chrome.colour.kind === 'indexed') {
      // Small squares: the drawn frame gets its own palette, or RGB when it has too many colours.
      const rgb = expandIndexes(this.playerFrame(frames, player, 0, height), chrome.colour.palette);
      drawRoute({ data: rgb, width, top: 0, rows: height }, centres, style);
      const indexed = toIndexed([rgb]);
      return indexed === undefined
        ? encodePngPixels(width, height, { kind: 'rgb' }, rgb)
        : encodePngPixels(width, height, { kind: 'indexed', palette: indexed.palette }, indexed.indexes[0] as Uint8Array);
    }
    const reach = routeRows(centres, style);
    const bandOf = (y: number): number => (y < top ? 0 : Math.min(this.maze.rows, Math.floor((y - top) / size) + 1));
    const firstBand = bandOf(Math.max(0, reach.first));
    const lastBand = bandOf(Math.min(height - 1, reach.end));
    const bandTop = (band: number): number => (band === 0 ? 0 : top + (band - 1) * size);
    const regionTop = bandTop(firstBand);
    const regionRows = bandTop(lastBand + 1) - regionTop;
    const region = this.playerFrame(frames, player, regionTop, regionRows);
    drawRoute({ data: region, width, top: regionTop, rows: regionRows }, centres, style);
    const bands = frames.bands.slice();
    bands[player.row + 1] = this.playerBand(frames, player);
    // Each band the route crosses is patched, row by row, over the columns the route reaches there.
    const spread = Math.max(style.width / 2, style.vertexRadius) + 1;
    for (let band = firstBand; band <= lastBand; band += 1) {
      const [low, high] = [bandTop(band), bandTop(band + 1)];
      const columns = new Int32Array(2 * (high - low));
      let touched = false;
      for (let y = low; y < high; y += 1) {
        let from = Number.POSITIVE_INFINITY;
        let to = Number.NEGATIVE_INFINITY;
        for (let index = 0; index < centres.length; index += 1) {
          const a = centres[index] as { x: number; y: number };
          const b = centres[index + 1] ?? a;
          if (Math.min(a.y, b.y) - spread > y + 1 || Math.max(a.y, b.y) + spread < y) continue;
          from = Math.min(from, a.x - spread, b.x - spread);
          to = Math.max(to, a.x + spread, b.x + spread);
        }
        if (from >= to) continue;
        columns[2 * (y - low)] = Math.max(0, Math.floor(from));
        columns[2 * (y - low) + 1] = Math.min(width, Math.ceil(to));
        touched = true;
      }
      if (touched) bands[band] = (bands[band] as PngBand).patchedRows(columns, region, width, low - regionTop, 0, false);
    }
    return assemblePng(width, height, chrome.colour, bands);
  }

  private prepare(): Promise<MazeFrames> {
    this.frames ??= chromeFor(this.layout, this.maze.rows, this.maze.cols).then((chrome) => {
      const { maze } = this;
      const { width, left, top, cellSize: size } = this.layout;
      const background = Uint8Array.from(chrome.frame);
      const pixelBytes = chrome.pixelBytes;
      for (const [row, line] of maze.grid.entries()) {
        for (let col = 0; col < line.length; col += 1) {
          if (line[col] === WALL) fillRect(background, width, pixelBytes, left + col * size, top + row * size, size, size, chrome.wall);
        }
      }
      const inset = goalInset(size);
      const goalX = left + maze.goal.col * size + inset;
      fillRect(background, width, pixelBytes, goalX, top + maze.goal.row * size + inset, size - 2 * inset, size - 2 * inset, chrome.goal);
      const bands = [chrome.topBand];
      for (let row = 0; row < maze.rows; row += 1)
        bands.push(PngBand.compress(background, width, pixelBytes, top + row * size, size, true));
      return { chrome, background, bands, playerBands: new Map() };
    });
    return this.frames;
  }

  /** The band of the player's row of squares, compressed the first time the player stands on its square. */
  private playerBand(frames: MazeFrames, player: Cell): PngBand {
    const key = player.row * this.maze.cols + player.col;
    let band = frames.playerBands.get(key);
    if (band === undefined) {
      const tile = sameCell(player, this.maze.goal) ? frames.chrome.onGoal : frames.chrome.onFloor;
      const column = this.layout.left + player.col * this.cellSize;
      band = (frames.bands[player.row + 1] as PngBand).patched(column, column + this.cellSize, tile, this.cellSize);
      frames.playerBands.set(key, band);
    }
    return band;
  }

  /** Image rows `[firstRow, firstRow + rows)` of the frame with the player on `player`, in a fresh array. */
  private playerFrame(frames: MazeFrames, player: Cell, firstRow: number, rows: number): Uint8Array {
    const { width, left, top, cellSize: size } = this.layout;
    const pixelBytes = frames.chrome.pixelBytes;
    const rowBytes = width * pixelBytes;
    const pixels = frames.background.slice(firstRow * rowBytes, (firstRow + rows) * rowBytes);
    const tile = sameCell(player, this.maze.goal) ? frames.chrome.onGoal : frames.chrome.onFloor;
    const tileBytes = size * pixelBytes;
    for (let line = 0; line < size; line += 1) {
      const y = top + player.row * size + line - firstRow;
      if (y < 0 || y >= rows) continue;
      pixels.set(tile.subarray(line * tileBytes, (line + 1) * tileBytes), (y * width + left + player.col * size) * pixelBytes);
    }
    return pixels;
  }
}

/** The maze image as deterministic PNG bytes; see {@link MazeRenderer} to render many frames. */
export function renderMazePng(maze: Maze, player: Cell, cellSize: number): Promise<Buffer> {
  return new MazeRenderer(maze, cellSize).png(player);
}

/** Fills a rectangle of an image `width` pixels wide with one pixel value (1 or 3 bytes). */
function fillRect(
  pixels: Uint8Array,
  width: number,
  pixelBytes: number,
  x: number,
  y: number,
  w: number,
  h: number,
  value: Uint8Array,
): void {
  if (w <= 0 || h <= 0) return;
  const first = (y * width + x) * pixelBytes;
  const rowBytes = w * pixelBytes;
  for (let offset = first; offset < first + rowBytes; offset += pixelBytes) pixels.set(value, offset);
  for (let row = 1; row < h; row += 1) pixels.copyWithin(first + row * width * pixelBytes, first, first + rowBytes);
}

/** RGB pixels of palette indexes. */
function expandIndexes(indexes: Uint8Array, palette: Uint8Array): Uint8Array {
  const rgb = new Uint8Array(indexes.length * 3);
  for (let pixel = 0; pixel < indexes.length; pixel += 1) {
    const entry = (indexes[pixel] as number) * 3;
    rgb[pixel * 3] = palette[entry] as number;
    rgb[pixel * 3 + 1] = palette[entry + 1] as number;
    rgb[pixel * 3 + 2] = palette[entry + 2] as number;
  }
  return rgb;
}

function svgOpen(width: number, height: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`;
}

/** Pixels between the goal's green square and the edges of its square. */
function goalInset(cellSize: number): number {
  return Math.max(1, Math.round(cellSize * 0.1));
}

function goalSquare(x: number, y: number, cellSize: number): string {
  const inset = goalInset(cellSize);
  return (
    `<rect x="${x + inset}" y="${y + inset}" width="${cellSize - 2 * inset}" height="${cellSize - 2 * inset}"` +
    ` fill="${MAZE_COLOURS.goal}" shape-rendering="crispEdges"/>`
  );
}

function playerCircle(centre: { x: number; y: number }, cellSize: number): string {
  return `<circle cx="${centre.x}" cy="${centre.y}" r="${cellSize * 0.3}" fill="${MAZE_COLOURS.player}"/>`;
}

async function rasterise(svg: string): Promise<Uint8Array> {
  const pixels = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer();
  return new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.length);
}
