import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { ImageRef } from '../../core/content.js';
import type { MemoryImageStore } from '../../core/image-store.js';
import type { GuardedEnv } from '../../core/wrappers.js';

/** The sha256 of every image of the oracle's episode on `seed`, reset image first; checks each hash against its bytes. */
export async function episodeImages(env: GuardedEnv, images: MemoryImageStore, seed: number): Promise<string[]> {
  const reset = await env.reset({ seed });
  const oracle = env.oracle();
  const refs: ImageRef[] = [];
  let last = { observation: reset.observation, info: reset.info };
  for (const part of reset.observation) if (part.type === 'image') refs.push(part.image);
  for (;;) {
    const { action } = await oracle.next(last);
    const result = await env.step(action);
    for (const part of result.observation) if (part.type === 'image') refs.push(part.image);
    last = { observation: result.observation, info: result.info };
    if (result.terminated || result.truncated) break;
  }
  const hashes: string[] = [];
  for (const ref of refs) {
    expect(
      createHash('sha256')
        .update(await images.get(ref.sha256))
        .digest('hex'),
    ).toBe(ref.sha256);
    hashes.push(ref.sha256);
  }
  return hashes;
}
