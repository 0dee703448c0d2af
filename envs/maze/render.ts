import sharp from 'sharp';
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

const PNG_OPTIONS = { compressionLevel: 6, palette: false } as const;

/** The pixel centre of a square, for a given square size. */
export function cellCentre(cell: Cell, cellSize: number): { x: number; y: number } {
  return { x: cell.col * cellSize + cellSize / 2, y: cell.row * cellSize + cellSize / 2 };
}

/**
 * The maze seen from above as an SVG document: floor light, walls dark (each horizontal run of walls
 * one rectangle), the goal a green square and, when `player` is given, the player a red circle.
 * Square `(row, col)` covers pixels `[col * cellSize, (col + 1) * cellSize)` by
 * `[row * cellSize, (row + 1) * cellSize)`.
 */
export function mazeSvg(maze: Maze, player: Cell | undefined, cellSize: number): string {
  const width = maze.cols * cellSize;
  const height = maze.rows * cellSize;
  const parts: string[] = [svgOpen(width, height), `<rect x="0" y="0" width="${width}" height="${height}" fill="${MAZE_COLOURS.floor}"/>`];
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
      parts.push(`<rect x="${first * cellSize}" y="${row * cellSize}" width="${(col - first) * cellSize}" height="${cellSize}"/>`);
    }
  }
  parts.push('</g>', goalSquare(maze.goal.col * cellSize, maze.goal.row * cellSize, cellSize));
  if (player !== undefined) parts.push(playerCircle(cellCentre(player, cellSize), cellSize));
  parts.push('</svg>');
  return parts.join('');
}

/**
 * Renders one maze at one square size, frame after frame. The background (floor, walls, goal) is
 * rasterised from {@link mazeSvg} once; each frame copies it and pastes the player's square, itself
 * rasterised once from the same SVG elements, then encodes the PNG. The pixels equal those of
 * rasterising `mazeSvg(maze, player, cellSize)` whole (the player's circle stays inside its square),
 * at about half the cost; the same maze, player and size always give the same bytes.
 */
export class MazeRenderer {
  readonly maze: Maze;
  readonly cellSize: number;
  private layers: Promise<{ background: Buffer; onFloor: Buffer; onGoal: Buffer }> | undefined;

  constructor(maze: Maze, cellSize: number) {
    this.maze = maze;
    this.cellSize = cellSize;
  }

  /** The image with the player on `player`, as PNG bytes (RGB, 8 bits per channel). */
  async png(player: Cell): Promise<Buffer> {
    const { background, onFloor, onGoal } = await this.rasterise();
    const size = this.cellSize;
    const width = this.maze.cols * size;
    const frame = Buffer.from(background);
    const tile = sameCell(player, this.maze.goal) ? onGoal : onFloor;
    const rowBytes = size * 3;
    for (let y = 0; y < size; y += 1) {
      const target = ((player.row * size + y) * width + player.col * size) * 3;
      tile.copy(frame, target, y * rowBytes, (y + 1) * rowBytes);
    }
    return sharp(frame, { raw: { width, height: this.maze.rows * size, channels: 3 } })
      .png(PNG_OPTIONS)
      .toBuffer();
  }

  private rasterise(): Promise<{ background: Buffer; onFloor: Buffer; onGoal: Buffer }> {
    if (this.layers === undefined) {
      const size = this.cellSize;
      const centre = { x: size / 2, y: size / 2 };
      const floor = `<rect x="0" y="0" width="${size}" height="${size}" fill="${MAZE_COLOURS.floor}"/>`;
      const tile = (body: string): string => `${svgOpen(size, size)}${floor}${body}</svg>`;
      this.layers = Promise.all([
        rasterise(mazeSvg(this.maze, undefined, size)),
        rasterise(tile(playerCircle(centre, size))),
        rasterise(tile(goalSquare(0, 0, size) + playerCircle(centre, size))),
      ]).then(([background, onFloor, onGoal]) => ({ background, onFloor, onGoal }));
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
