import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { makeEnv } from '../../core/registry.js';
import '../../envs/graph/index.js';
import { Random } from '../../core/random.js';
import { expectedGraphSize, MAX_EDGES, MAX_NODES, MAX_WEDGES } from '../../envs/graph/env.js';
import { generateSbmGraph } from '../../envs/graph/generate.js';

describe('graph-v0 size budget', () => {
  it('predicts the size of generated graphs', () => {
    const options = { nodes: 2000, classes: 4, pIn: 0.01, pOut: 0.001, closure: 0.05, wordsPerNode: 4, textNoise: 0.5 };
    const expected = expectedGraphSize(options);
    const graph = generateSbmGraph(new Random(3), options).graph;
    expect(graph.edgeCount / expected.edges).toBeGreaterThan(0.7);
    expect(graph.edgeCount / expected.edges).toBeLessThan(1.3);
  });

  it('refuses options beyond the budget at makeEnv, before any reset, and accepts the largest the bench uses', async () => {
    await expect(makeEnv('graph-v0', { options: { nodes: 10000 } })).rejects.toThrow(ValidationError);
    await expect(makeEnv('graph-v0', { options: { nodes: 10000 } })).rejects.toThrow(/would make about .* edges .*Lower pIn and pOut/);
    await expect(makeEnv('graph-v0', { options: { nodes: MAX_NODES + 1 } })).rejects.toThrow(/must be <= 20000/);
    for (const options of [
      { nodes: MAX_NODES, pIn: 0.0044, pOut: 0, closure: 0.1 },
      { nodes: MAX_NODES, pIn: 0.02, pOut: 0, closure: 0 },
    ]) {
      const size = expectedGraphSize({ ...options, classes: 4 });
      expect(size.edges).toBeLessThanOrEqual(MAX_EDGES);
      expect(size.wedges).toBeLessThanOrEqual(MAX_WEDGES);
      const env = await makeEnv('graph-v0', { options, images: new MemoryImageStore() });
      await env.close();
    }
  });
});
