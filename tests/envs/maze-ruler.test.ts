import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { contentImages } from '../../core/content.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { Random } from '../../core/random.js';
import { makeEnv } from '../../core/registry.js';
import '../../envs/maze/index.js';
import { generateMaze } from '../../envs/maze/generate.js';
import { type Cell, type Maze, shortestPath, straightRuns } from '../../envs/maze/grid.js';
import { cellCentre, MAZE_COLOURS, type MazeLayout, mazeLayout, renderMazePng } from '../../envs/maze/render.js';

/** Decoded RGB pixels of a PNG. */
async function pixels(png: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** The x (or y) centre of dark ruler ink inside a rectangle, or undefined when it holds none. */
function inkCentre(
  image: { data: Buffer; width: number; height: number },
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  axis: 'x' | 'y',
): number | undefined {
  let sum = 0;
  let count = 0;
  for (let y = Math.max(0, Math.floor(y1)); y < Math.min(image.height, Math.ceil(y2)); y += 1) {
    for (let x = Math.max(0, Math.floor(x1)); x < Math.min(image.width, Math.ceil(x2)); x += 1) {
      const offset = (y * image.width + x) * 3;
      const darkness = 255 - ((image.data[offset] as number) + (image.data[offset + 1] as number) + (image.data[offset + 2] as number)) / 3;
      if (darkness < 60) continue;
      sum += (axis === 'x' ? x : y) * darkness;
      count += darkness;
    }
  }
  return count === 0 ? undefined : sum / count;
}

/**
 * Checks the ruler of a rendered maze: the digits of each labelled index are centred on its square,
 * and the slots between labels hold no ink.
 */
async function expectRuler(maze: Maze, cellSize: number): Promise<MazeLayout> {
  const layout = mazeLayout(maze, cellSize);
  const image = await pixels(await renderMazePng(maze, maze.start, cellSize));
  expect({ width: image.width, height: image.height }).toEqual({ width: layout.width, height: layout.height });
  const slot = (layout.every * cellSize) / 2;
  for (let col = 0; col < maze.cols; col += layout.every) {
    const centre = cellCentre({ row: 0, col }, layout).x;
    const ink = inkCentre(image, centre - slot, 0, centre + slot, layout.top, 'x');
    expect(ink, `column ${col} label`).toBeDefined();
    expect(Math.abs((ink as number) - centre), `column ${col} label centred`).toBeLessThan(Math.max(2, cellSize / 4));
  }
  for (let row = 0; row < maze.rows; row += layout.every) {
    const centre = cellCentre({ row, col: 0 }, layout).y;
    const ink = inkCentre(image, 0, centre - slot, layout.left, centre + slot, 'y');
    expect(ink, `row ${row} label`).toBeDefined();
    expect(Math.abs((ink as number) - centre), `row ${row} label centred`).toBeLessThan(Math.max(2, cellSize / 4));
  }
  if (layout.every > 1) {
    // Midway between two labels, the ruler is blank: labels do not run into each other.
    for (let col = 0; col + layout.every < maze.cols; col += layout.every) {
      const middle = cellCentre({ row: 0, col }, layout).x + slot;
      expect(
        inkCentre(image, middle - 1, 0, middle + 1, layout.top, 'x'),
        `between columns ${col} and ${col + layout.every}`,
      ).toBeUndefined();
    }
  }
  return layout;
}

describe('maze image ruler', () => {
  it('labels every row and column, centred on its square, at the default size', async () => {
    const maze = generateMaze(new Random(1), { width: 8, height: 8, loops: 0 });
    const layout = await expectRuler(maze, 24);
    expect(layout.every).toBe(1);
    expect(layout.fontSize).toBeGreaterThanOrEqual(10);
  });

  it('labels every few squares when squares are too small for every index', async () => {
    const maze = generateMaze(new Random(2), { width: 8, height: 5, loops: 0 });
    const layout = await expectRuler(maze, 4);
    expect(layout.every).toBeGreaterThan(1);
    await expectRuler(maze, 12);
  });

  it('draw_path draws through the squares the ruler names', async () => {
    const images = new MemoryImageStore();
    const env = await makeEnv('maze-v0', { images, options: { observation: 'image', width: 6, height: 6 } });
    const reset = await env.reset({ seed: 4 });
    const [first] = contentImages(reset.observation);
    if (first === undefined) throw new Error('no image');
    const maze = generateMaze(new Random(4), { width: 6, height: 6, loops: 0 });
    const route = shortestPath(maze, maze.start, maze.goal) as Cell[];
    const corners = [maze.start, ...straightRuns(route).map((run) => run.to)];
    const result = await env.step({
      type: 'tool_call',
      name: 'draw_path',
      arguments: { points: corners.map((cell) => `${cell.row},${cell.col}`).join('; ') },
    });
    const [drawn] = contentImages(result.observation);
    if (drawn === undefined) throw new Error('no image after draw_path');
    expect({ width: drawn.width, height: drawn.height }).toEqual({ width: first.width, height: first.height });
    const image = await pixels(await images.get(drawn.sha256));
    const layout = mazeLayout(maze, 24);
    const blue = Number.parseInt(MAZE_COLOURS.path.slice(1), 16);
    for (const cell of route.slice(1, -1)) {
      const { x, y } = cellCentre(cell, layout);
      const offset = (Math.floor(y) * image.width + Math.floor(x)) * 3;
      const pixel = [image.data[offset], image.data[offset + 1], image.data[offset + 2]] as number[];
      const target = [(blue >> 16) & 255, (blue >> 8) & 255, blue & 255];
      const distance = Math.max(...pixel.map((value, index) => Math.abs(value - (target[index] as number))));
      expect(distance, `path pixel at (${cell.row}, ${cell.col})`).toBeLessThan(40);
    }
    await env.close();
  });
});
