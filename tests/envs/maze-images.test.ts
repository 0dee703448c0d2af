import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { MemoryImageStore } from '../../core/image-store.js';
import { Random } from '../../core/random.js';
import { makeEnv } from '../../core/registry.js';
import { episodeImages } from '../helpers/episode-images.js';
import '../../envs/maze/index.js';
import { generateMaze } from '../../envs/maze/generate.js';
import { type Cell, shortestPath, straightRuns } from '../../envs/maze/grid.js';
import { cellCentre, MAZE_COLOURS, MazeRenderer } from '../../envs/maze/render.js';
import { drawPolyline } from '../../tools/image/draw-path.js';

async function rgb(png: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describe('maze-v0 images (bands compressed once, route drawn in memory)', () => {
  it('gives the same bytes for a seed across resets, other seeds in between and a fresh env, and other bytes for another seed', async () => {
    for (const options of [{}, { cellSize: 8, width: 4, height: 3 }]) {
      const images = new MemoryImageStore();
      const env = await makeEnv('maze-v0', { images, options });
      const first = await episodeImages(env, images, 5);
      const other = await episodeImages(env, images, 6);
      const again = await episodeImages(env, images, 5);
      const freshImages = new MemoryImageStore();
      const fresh = await episodeImages(await makeEnv('maze-v0', { images: freshImages, options }), freshImages, 5);
      // The oracle draws its route first, then moves: reset, draw_path and at least one move frame.
      expect(first.length).toBeGreaterThan(3);
      expect(again).toEqual(first);
      expect(fresh).toEqual(first);
      expect(other[0]).not.toBe(first[0]);
      expect(other.filter((hash) => first.includes(hash))).toEqual([]);
      // Every frame of an episode is a different picture (the player moves; the route is drawn once).
      expect(new Set(first).size).toBe(first.length);
    }
  });

  it('draws the route like an SVG overlay composited by sharp: same place, same colours', async () => {
    for (const [seed, cellSize] of [
      [1, 24],
      [2, 12],
    ] as const) {
      const maze = generateMaze(new Random(seed), { width: 6, height: 5, loops: 0 });
      const route = shortestPath(maze, maze.start, maze.goal) as Cell[];
      const points = [maze.start, ...straightRuns(route).map((run) => run.to)];
      const renderer = new MazeRenderer(maze, cellSize);
      const style = { width: Math.max(2, Math.round(cellSize / 5)), opacity: 0.9, vertexRadius: Math.max(1.5, cellSize / 7) };
      const ours = await rgb(await renderer.drawnPng(maze.start, points, { colour: MAZE_COLOURS.path, ...style }));
      const reference = await rgb(
        await drawPolyline(
          await renderer.png(maze.start),
          points.map((point) => cellCentre(point, renderer.layout)),
          { color: MAZE_COLOURS.path, ...style },
        ),
      );
      expect({ width: ours.width, height: ours.height }).toEqual({ width: reference.width, height: reference.height });
      let changed = 0;
      let far = 0;
      let total = 0;
      for (let offset = 0; offset < ours.data.length; offset += 3) {
        let distance = 0;
        for (let channel = 0; channel < 3; channel += 1) {
          distance = Math.max(distance, Math.abs((ours.data[offset + channel] as number) - (reference.data[offset + channel] as number)));
        }
        if (distance > 0) changed += 1;
        if (distance > 40) far += 1;
        total += distance;
      }
      // Edge pixels differ a little (each rasteriser has its own anti-aliasing: at most 28 levels of 255
      // here); no pixel is far off.
      expect(far, `seed ${seed}, ${cellSize} px: pixels far off`).toBe(0);
      expect(total / ours.data.length, `seed ${seed}, ${cellSize} px: mean difference`).toBeLessThan(0.25);
      expect(changed).toBeGreaterThan(0);
    }
  });
});
