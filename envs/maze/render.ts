import sharp from 'sharp';
import type { Cell, Maze } from './grid.js';
import { WALL } from './grid.js';

/** Colours of the maze image. */
export const MAZE_COLOURS = {
  wall: '#2b2d42',
  floor: '#f4f1e8',
  goal: '#2a9d8f',
  player: '#e63946',
  path: '#1d4ed8',
  pathBlocked: '#f77f00',
} as const;

/** The pixel centre of a square, for a given square size. */
export function cellCentre(cell: Cell, cellSize: number): { x: number; y: number } {
  return { x: cell.col * cellSize + cellSize / 2, y: cell.row * cellSize + cellSize / 2 };
}

/**
 * The maze seen from above as an SVG document: floor light, walls dark (each horizontal run of walls
 * one rectangle), the goal a green square and the player a red circle. Square `(row, col)` covers
 * pixels `[col * cellSize, (col + 1) * cellSize)` by `[row * cellSize, (row + 1) * cellSize)`.
 */
export function mazeSvg(maze: Maze, player: Cell, cellSize: number): string {
  const width = maze.cols * cellSize;
  const height = maze.rows * cellSize;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="${MAZE_COLOURS.floor}"/>`,
    `<g fill="${MAZE_COLOURS.wall}" shape-rendering="crispEdges">`,
  ];
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
  parts.push('</g>');
  const inset = Math.max(1, Math.round(cellSize * 0.15));
  parts.push(
    `<rect x="${maze.goal.col * cellSize + inset}" y="${maze.goal.row * cellSize + inset}" width="${cellSize - 2 * inset}"` +
      ` height="${cellSize - 2 * inset}" fill="${MAZE_COLOURS.goal}" shape-rendering="crispEdges"/>`,
  );
  const centre = cellCentre(player, cellSize);
  parts.push(`<circle cx="${centre.x}" cy="${centre.y}" r="${cellSize * 0.34}" fill="${MAZE_COLOURS.player}"/>`);
  parts.push('</svg>');
  return parts.join('');
}

/** The maze image as deterministic PNG bytes (same maze, player and size ⇒ same bytes). */
export async function renderMazePng(maze: Maze, player: Cell, cellSize: number): Promise<Buffer> {
  return sharp(Buffer.from(mazeSvg(maze, player, cellSize))).png({ compressionLevel: 6, palette: false }).toBuffer();
}
