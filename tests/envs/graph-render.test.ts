import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../agents/episode.js';
import { OraclePolicy } from '../../agents/policies/oracle.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { Random } from '../../core/random.js';
import { makeEnv, validateEnvOptions } from '../../core/registry.js';
import '../../envs/graph/index.js';
import { createEpisodeState, definition, type GraphEnvOptions } from '../../envs/graph/env.js';
import { dejaVuSans } from '../../tools/graph/glyphs.js';
import { circleBox, layoutSubgraph, overlaps, type SubgraphLayout } from '../../tools/graph/layout-subgraph.js';

/** Every way the labels of a drawing collide: label with label, label with node, label out of the plot. */
function collisions(layout: SubgraphLayout): string[] {
  const problems: string[] = [];
  const { labels, nodes, plot } = layout;
  for (const [position, label] of labels.entries()) {
    const box = label.box;
    if (box.x1 < plot.x1 || box.x2 > plot.x2 || box.y1 < plot.y1 || box.y2 > plot.y2) problems.push(`${label.text} leaves the plot`);
    for (const other of labels.slice(position + 1))
      if (overlaps(box, other.box)) problems.push(`${label.text} overlaps label ${other.text}`);
    for (const node of nodes) if (overlaps(box, circleBox(node))) problems.push(`${label.text} overlaps node ${node.index}`);
  }
  for (const line of layout.caption) if (line.box.y2 > plot.y1) problems.push(`caption "${line.text}" runs into the plot`);
  return problems;
}

const OPTIONS = validateEnvOptions(definition.spec, { render: true }) as unknown as GraphEnvOptions;

describe('render_subgraph layout', () => {
  it('no label box overlaps another label or a node, over many neighbourhoods of 1 and 2 hops', async () => {
    const font = await dejaVuSans();
    const problems: string[] = [];
    let capped = 0;
    let drawings = 0;
    for (let seed = 0; seed < 12; seed += 1) {
      const state = createEpisodeState(new Random(seed), seed, OPTIONS);
      const graph = state.graph;
      // The busiest node, and a few others spread over the graph.
      let busiest = 0;
      for (let index = 0; index < graph.size; index += 1)
        if (graph.neighbors(index).length > graph.neighbors(busiest).length) busiest = index;
      for (const center of [busiest, seed, (seed * 37) % graph.size, (seed * 91 + 5) % graph.size]) {
        for (const hops of [1, 2] as const) {
          const layout = layoutSubgraph(state, center, hops, font);
          drawings += 1;
          expect(layout.labels).toHaveLength(layout.nodes.length);
          if (layout.caption.some((line) => line.text.startsWith('Drawn:'))) capped += 1;
          for (const problem of collisions(layout))
            problems.push(`seed ${seed}, node ${graph.node(center).id}, ${hops} hop(s): ${problem}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(drawings).toBe(96);
    expect(capped).toBeGreaterThan(0);
  });

  it('says in the image what a capped drawing leaves out', async () => {
    const font = await dejaVuSans();
    const state = createEpisodeState(new Random(1), 1, OPTIONS);
    const center = state.graph.indexOf('n20') as number;
    const layout = layoutSubgraph(state, center, 2, font);
    expect(layout.caption.map((line) => line.text)).toEqual([
      'n20: 12 neighbours, 54 nodes 2 hops away.',
      'Drawn: 12 of 12 neighbours, 32 of 54 2-hop nodes (graph order).',
      'Lines: centre to ring 1, ring 1 to ring 2; links within a ring are not drawn.',
    ]);
    expect(layout.nodes).toHaveLength(1 + 12 + 32);
    // With two hops, no line joins two nodes of the same ring.
    expect(layout.edges.every((edge) => Math.abs(edge.from.hop - edge.to.hop) === 1)).toBe(true);
  });
});

describe('graph-v0 oracle with render=true', () => {
  it('draws the neighbourhood it studies in every task kind, and still solves path tasks', async () => {
    const images = new MemoryImageStore();
    for (const task of ['path', 'classification', 'link'] as const) {
      const env = await makeEnv('graph-v0', { images, options: { render: true, task } });
      for (let seed = 0; seed < 4; seed += 1) {
        const record = await runEpisode(env, new OraclePolicy(), { seed, images });
        const names = record.steps.map((step) => (step.action.type === 'tool_call' ? step.action.name : step.action.type));
        expect(
          names.filter((name) => name === 'render_subgraph'),
          `${task} seed ${seed}`,
        ).toHaveLength(1);
        const drawn = record.steps.find((step) => step.action.type === 'tool_call' && step.action.name === 'render_subgraph');
        expect(drawn?.observation.some((part) => part.type === 'image')).toBe(true);
        expect(drawn?.invalid).toBeNull();
        if (task === 'path') expect({ seed, success: record.success, score: record.score }).toEqual({ seed, success: true, score: 1 });
      }
      await env.close();
    }
    const plain = await makeEnv('graph-v0', { images, options: { task: 'path' } });
    const record = await runEpisode(plain, new OraclePolicy(), { seed: 0, images });
    expect(record.steps.some((step) => step.action.type === 'tool_call' && step.action.name === 'render_subgraph')).toBe(false);
  });
});
