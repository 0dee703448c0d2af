import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { makeEnv } from '../../core/registry.js';
import '../../envs/graph/index.js';
import { Random } from '../../core/random.js';
import { expectedGraphSize, MAX_EDGES, MAX_NODES, MAX_WEDGES } from '../../envs/graph/env.js';
import { generateSbmGraph } from '../../envs/graph/generate.js';
import { loadGraph, parseEdgeList } from '../../envs/graph/load.js';

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

describe('graph loaders check the whole file first', () => {
  it('list every bad edge-list line, and refuse empty and binary files', async () => {
    expect(() => parseEdgeList('a b\nc\nd e\nf\n,g\n', 'g.edges')).toThrow(
      /g\.edges: 3 lines are not edges[\s\S]*line 2: "c"[\s\S]*line 4: "f"[\s\S]*line 5: ",g"/,
    );
    const folder = await mkdtemp(join(tmpdir(), 'thinkgym-graph-files-'));
    try {
      await writeFile(join(folder, 'empty.edges'), '');
      await writeFile(join(folder, 'binary.gml'), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe]));
      await expect(loadGraph({ path: join(folder, 'empty.edges') })).rejects.toThrow(/empty\.edges is empty/);
      await expect(loadGraph({ path: join(folder, 'binary.gml') })).rejects.toThrow(/binary\.gml is not a text file/);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
