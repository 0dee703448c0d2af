import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ImageRef } from '../../core/content.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { makeEnv } from '../../core/registry.js';
import '../../envs/maze/index.js';
import '../../envs/sokoban/index.js';

/**
 * The first images of seed 0 of the grid envs, pinned: they change only with a version-history
 * line (a new encoder, new sprites) or a new sharp/librsvg rasterising the SVG differently.
 */
async function firstImages(id: string): Promise<string[]> {
  const images = new MemoryImageStore();
  const env = await makeEnv(id, { images });
  const reset = await env.reset({ seed: 0 });
  const oracle = env.oracle();
  const refs: ImageRef[] = [];
  let last = { observation: reset.observation, info: reset.info };
  for (const part of reset.observation) if (part.type === 'image') refs.push(part.image);
  for (let turn = 0; turn < 2; turn += 1) {
    const { action } = await oracle.next(last);
    const result = await env.step(action);
    for (const part of result.observation) if (part.type === 'image') refs.push(part.image);
    last = { observation: result.observation, info: result.info };
  }
  const hashes: string[] = [];
  for (const ref of refs) {
    const bytes = await images.get(ref.sha256);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(ref.sha256);
    hashes.push(ref.sha256.slice(0, 16));
  }
  return hashes;
}

describe('grid env images', () => {
  it('maze-v0 seed 0 gives the pinned PNG bytes', async () => {
    expect(await firstImages('maze-v0')).toEqual(['1a29da3e5a334fd3', '167554b61f7b707a', '7df502a059ec99e5']);
  });

  it('sokoban-v0 seed 0 gives the pinned PNG bytes', async () => {
    expect(await firstImages('sokoban-v0')).toEqual(['550b9a4bc8e95b07', '4c6edf2310560ca4', '59e213b2cf1dae23']);
  });
});
