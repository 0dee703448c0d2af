import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { MemoryImageStore } from '../../core/image-store.js';
import { makeEnv } from '../../core/registry.js';
import { episodeImages } from '../helpers/episode-images.js';
import '../../envs/sokoban/index.js';
import { loadLevels } from '../../envs/sokoban/load.js';
import { renderPng, spriteAt, spriteSvg } from '../../envs/sokoban/render.js';
import { Game } from '../../envs/sokoban/rules.js';
import { solve } from '../../envs/sokoban/solve.js';

const LEVELS = fileURLToPath(new URL('../../assets/boxoban/unfiltered-test-000.txt', import.meta.url));

describe('sokoban-v0 images (rows of squares compressed once per level)', () => {
  it('gives the same bytes for a seed across resets, other seeds in between and a fresh env, and other bytes for another seed', async () => {
    for (const options of [{}, { levels: LEVELS }, { levels: LEVELS, tileSize: 12 }]) {
      const images = new MemoryImageStore();
      const env = await makeEnv('sokoban-v0', { images, options });
      const first = await episodeImages(env, images, 3);
      const other = await episodeImages(env, images, 4);
      const again = await episodeImages(env, images, 3);
      const freshImages = new MemoryImageStore();
      const fresh = await episodeImages(await makeEnv('sokoban-v0', { images: freshImages, options }), freshImages, 3);
      expect(first.length).toBeGreaterThan(3);
      expect(again).toEqual(first);
      expect(fresh).toEqual(first);
      expect(other[0]).not.toBe(first[0]);
      expect(other.filter((hash) => first.includes(hash))).toEqual([]);
    }
  });

  it('decodes to the sprites laid out square by square, for positions met in any order', async () => {
    const level = (await loadLevels(LEVELS))[7];
    if (level === undefined) throw new Error('level 7 missing');
    const result = solve(level, level, {});
    const game = new Game(level);
    const positions = [{ player: game.player, boxes: game.boxes() }];
    for (const direction of result.moves.slice(0, 12)) {
      game.move(direction);
      positions.push({ player: game.player, boxes: game.boxes() });
    }
    const tileSize = 16;
    const tiles = new Map<string, Buffer>();
    for (const { player, boxes } of [...positions].reverse()) {
      const decoded = await sharp(await renderPng(level, player, boxes, tileSize))
        .removeAlpha()
        .raw()
        .toBuffer();
      const goals = new Set(level.goals);
      const boxSet = new Set(boxes);
      for (let cell = 0; cell < level.width * level.height; cell += 1) {
        const sprite = spriteAt(level, cell, player, boxSet, goals);
        let tile = tiles.get(sprite);
        if (tile === undefined) {
          tile = await sharp(Buffer.from(spriteSvg(sprite, tileSize)))
            .resize(tileSize, tileSize, { fit: 'fill' })
            .flatten({ background: '#000000' })
            .removeAlpha()
            .raw()
            .toBuffer();
          tiles.set(sprite, tile);
        }
        const x = (cell % level.width) * tileSize;
        const y = Math.floor(cell / level.width) * tileSize;
        for (let line = 0; line < tileSize; line += 1) {
          const start = ((y + line) * level.width * tileSize + x) * 3;
          expect(decoded.subarray(start, start + tileSize * 3).equals(tile.subarray(line * tileSize * 3, (line + 1) * tileSize * 3))).toBe(
            true,
          );
        }
      }
    }
  });
});
