import sharp from 'sharp';
import { PngBase, toIndexed } from '../../core/png-encode.js';
import { measureText, textToPath } from '../../tools/image/text.js';
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

/** The rasterised pieces of a maze image, in the pixel format of its PNG (indexed or RGB). */
interface MazeLayers {
  readonly encoder: PngBase;
  /** The background's pixels, where each frame's player is pasted and then taken off again. */
  readonly frame: Uint8Array;
  readonly background: Uint8Array;
  readonly onFloor: Uint8Array;
  readonly onGoal: Uint8Array;
  /** Bytes per pixel: 1 (indexed) or 3 (RGB). */
  readonly pixelBytes: number;
}

/**
 * Renders one maze at one square size, frame after frame. The background (ruler, floor, walls, goal) is
 * rasterised from {@link mazeSvg} once; each frame pastes the player's square, itself rasterised
 * once from the same SVG elements, onto it. The pixels equal those of rasterising
 * `mazeSvg(maze, player, cellSize)` whole (the player's circle stays inside its square). The PNG
 * is indexed colour when the image has at most 256 colours (RGB otherwise), written by
 * `core/png-encode.ts`, which recompresses only the rows the player covers; the same maze, player
 * and size always give the same bytes, on any machine.
 */
export class MazeRenderer {
  readonly maze: Maze;
  readonly cellSize: number;
  /** Where the grid and the ruler sit in the image. */
  readonly layout: MazeLayout;
  private layers: Promise<MazeLayers> | undefined;

  constructor(maze: Maze, cellSize: number) {
    this.maze = maze;
    this.cellSize = cellSize;
    this.layout = mazeLayout(maze, cellSize);
  }

  /** The image with the player on `player`, as PNG bytes. */
  async png(player: Cell): Promise<Buffer> {
    const { encoder, frame, background, onFloor, onGoal, pixelBytes } = await this.rasterise();
    const size = this.cellSize;
    const { width, left, top } = this.layout;
    const tile = sameCell(player, this.maze.goal) ? onGoal : onFloor;
    const rowBytes = size * pixelBytes;
    const firstRow = top + player.row * size;
    for (let y = 0; y < size; y += 1) {
      const target = ((firstRow + y) * width + left + player.col * size) * pixelBytes;
      frame.set(tile.subarray(y * rowBytes, (y + 1) * rowBytes), target);
    }
    const png = encoder.encode(frame, firstRow, firstRow + size);
    const start = firstRow * width * pixelBytes;
    frame.set(background.subarray(start, start + size * width * pixelBytes), start);
    return png;
  }

  private rasterise(): Promise<MazeLayers> {
    if (this.layers === undefined) {
      const size = this.cellSize;
      const centre = { x: size / 2, y: size / 2 };
      const floor = `<rect x="0" y="0" width="${size}" height="${size}" fill="${MAZE_COLOURS.floor}"/>`;
      const tile = (body: string): string => `${svgOpen(size, size)}${floor}${body}</svg>`;
      this.layers = Promise.all([
        rasterise(mazeSvg(this.maze, undefined, size)),
        rasterise(tile(playerCircle(centre, size))),
        rasterise(tile(goalSquare(0, 0, size) + playerCircle(centre, size))),
      ]).then(([background, onFloor, onGoal]) => {
        const { width, height } = this.layout;
        const indexed = toIndexed([background, onFloor, onGoal]);
        const [base, floorTile, goalTile] = (indexed?.indexes ?? [background, onFloor, onGoal]) as [Uint8Array, Uint8Array, Uint8Array];
        const colour = indexed === undefined ? ({ kind: 'rgb' } as const) : ({ kind: 'indexed', palette: indexed.palette } as const);
        return {
          encoder: new PngBase(width, height, colour, base),
          frame: Uint8Array.from(base),
          background: base,
          onFloor: floorTile,
          onGoal: goalTile,
          pixelBytes: indexed === undefined ? 3 : 1,
        };
      });
    }
    return this.layers;
  }
}

/** The maze image as deterministic PNG bytes; see {@link MazeRenderer} to render many frames. */
export function renderMazePng(maze: Maze, player: Cell, cellSize: number): Promise<Buffer> {
  return new MazeRenderer(maze, cellSize).png(player);
}

function svgOpen(width: number, height: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`;
}

function goalSquare(x: number, y: number, cellSize: number): string {
  const inset = Math.max(1, Math.round(cellSize * 0.1));
  return (
    `<rect x="${x + inset}" y="${y + inset}" width="${cellSize - 2 * inset}" height="${cellSize - 2 * inset}"` +
    ` fill="${MAZE_COLOURS.goal}" shape-rendering="crispEdges"/>`
  );
}

function playerCircle(centre: { x: number; y: number }, cellSize: number): string {
  return `<circle cx="${centre.x}" cy="${centre.y}" r="${cellSize * 0.3}" fill="${MAZE_COLOURS.player}"/>`;
}

async function rasterise(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer();
}
