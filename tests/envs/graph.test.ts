import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../agents/episode.js';
import { OraclePolicy } from '../../agents/policies/oracle.js';
import { checkEnv } from '../../core/check-env.js';
import { contentImages, contentText } from '../../core/content.js';
import type { StepResult } from '../../core/env.js';
import { FormatError, GymError } from '../../core/errors.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { Random } from '../../core/random.js';
import { makeEnv } from '../../core/registry.js';
import type { GuardedEnv } from '../../core/wrappers.js';
import '../../envs/graph/index.js';
import { generateSbmGraph } from '../../envs/graph/generate.js';
import { loadGraph, parseEdgeList, parseGml, parseNodeCsv, parseNodeLink, toTextGraph } from '../../envs/graph/load.js';
import { createGraphState, parsePath, scoreAnswer } from '../../envs/graph/tasks.js';
import { Bm25Index, readToolData, suggestIds } from '../../tools/graph/index.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/graph/${name}`, import.meta.url));

async function graphEnv(options: Record<string, unknown> = {}, images = new MemoryImageStore()): Promise<GuardedEnv> {
  return makeEnv('graph-v0', { options, images });
}

function call(env: GuardedEnv, name: string, args: Record<string, unknown>): Promise<StepResult> {
  return env.step({ type: 'tool_call', name, arguments: args });
}

function formatError(run: () => unknown): FormatError {
  try {
    run();
  } catch (error) {
    if (error instanceof FormatError) return error;
    throw error;
  }
  throw new Error('expected a FormatError');
}

describe('graph loaders', () => {
  it('reads inline-style GML with string classes, comments and nested lists', async () => {
    const graph = await loadGraph({ path: fixture('inline.gml') });
    expect(graph.size).toBe(10);
    expect(graph.edgeCount).toBe(13);
    expect(graph.directed).toBe(false);
    expect(graph.classes).toEqual(['north', 'south']);
    expect(graph.node(0)).toEqual({ id: '0', text: 'Ann', label: 'north', attributes: { 'graphics.x': 0.5, 'graphics.y': 0 } });
    expect(graph.hasEdge(4, 5)).toBe(true);
  });

  it('reads Creator/newline-style GML, decoding HTML entities, with numeric classes', async () => {
    const graph = await loadGraph({ path: fixture('creator.gml') });
    expect(graph.size).toBe(24);
    expect(graph.edgeCount).toBe(39);
    expect(graph.classes).toEqual(['0', '1', '2']);
    expect(graph.nodes.slice(0, 3).map((node) => node.text)).toEqual(['Smith & Sons', 'Rock & Roll', 'Café Society']);
    expect(graph.node(23).attributes.note).toContain('two lines');
    expect(graph.neighbors(0)).toEqual([1, 3, 7, 23]);
  });

  it('lets options choose or drop the class and text attributes', async () => {
    const none = await loadGraph({ path: fixture('inline.gml'), classAttribute: 'none' });
    expect(none.classes).toEqual([]);
    expect(none.node(0).attributes.value).toBe('north');
    const chosen = toTextGraph(parseGml('graph [ node [ id 1 label "a" kind "x" ] node [ id 2 label "b" kind "y" ] ]'), {
      classAttribute: 'kind',
    });
    expect(chosen.classes).toEqual(['x', 'y']);
    expect(() => toTextGraph(parseGml('graph [ node [ id 1 ] ]'), { classAttribute: 'colour' })).toThrow(
      /no node has the attribute "colour"/,
    );
  });

  it('reads node-link JSON with "links" and with "edges" (ids or positions)', async () => {
    const graph = await loadGraph({ path: fixture('clubs.json') });
    expect(graph.size).toBe(12);
    expect(graph.edgeCount).toBe(16);
    expect(graph.classes).toEqual(['Mr. Hi', 'Officer']);
    expect(graph.node(0)).toMatchObject({
      id: '0',
      text: 'Ada likes chess and go',
      attributes: { 'meta.joined': 1970, tags: 'founder coach' },
    });
    const edges = toTextGraph(
      parseNodeLink(
        '{"directed": true, "nodes": [{"id": "a"}, {"id": "b"}, {"id": "c"}], "edges": [{"source": "a", "target": "b"}, {"source": 1, "target": 2}]}',
      ),
    );
    expect(edges.directed).toBe(true);
    expect([...edges.edges()]).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });

  it('reads an edge list with a node CSV (quoted fields, comments, implicit nodes)', async () => {
    const graph = await loadGraph({ path: fixture('papers.edges'), nodeFile: fixture('papers.nodes.csv') });
    expect(graph.size).toBe(11);
    expect(graph.edgeCount).toBe(13);
    expect(graph.classes).toEqual(['language', 'networks', 'retrieval']);
    expect(graph.node(0)).toEqual({ id: 'p1', text: 'Graphs, walks and random surfers', label: 'networks', attributes: { year: '1998' } });
    expect(graph.node(2).text).toBe('The "small world" revisited');
    expect(graph.node(4).text).toBe('Counting words: a\ntwo-line title');
    expect(graph.node(10)).toEqual({ id: 'p11', text: '', label: undefined, attributes: {} });
    const commas = toTextGraph(parseEdgeList('source,target\n# comment\na,b\n"b", c\n', 'e.csv'));
    expect(commas.nodes.map((node) => node.id)).toEqual(['a', 'b', 'c']);
    expect(commas.edgeCount).toBe(2);
  });

  it('reports malformed files as FormatError with the file and line', async () => {
    const unclosed = formatError(() => parseGml('graph [\n  node [ id 0 ]\n  node [ id 1\n', 'bad.gml'));
    expect(unclosed).toMatchObject({ file: 'bad.gml', line: 3 });
    expect(formatError(() => parseGml('graph [\n node [ id 0 label "open\n ]\n]'))).toMatchObject({ line: 2 });
    expect(formatError(() => toTextGraph(parseGml('graph [\n node [ id 0 ]\n edge [ source 0 target 9 ]\n]'))).line).toBe(3);
    expect(formatError(() => parseGml('graph [\n node [ label "x" ]\n]')).line).toBe(2);
    expect(formatError(() => parseGml('graph [\n node [ id 0 ]\n]\n]')).line).toBe(4);
    expect(formatError(() => parseGml('Creator "x"\n')).message).toMatch(/no "graph \[ ... \]" block/);
    expect(formatError(() => parseNodeLink('{\n  "nodes": [],\n  "links": [,]\n}', 'bad.json'))).toMatchObject({
      file: 'bad.json',
      line: 3,
    });
    expect(formatError(() => parseNodeLink('{"nodes": [{"name": "x"}], "links": []}')).message).toMatch(/nodes\[0\] needs an "id"/);
    expect(formatError(() => parseNodeCsv('id,text,class\n1,a,x\n2,"b, c"\n', 'n.csv'))).toMatchObject({ file: 'n.csv', line: 3 });
    expect(formatError(() => parseNodeCsv('id,text\n1,"never closed\n2,b\n')).line).toBe(2);
    expect(formatError(() => parseEdgeList('a b\n\nlonely\n', 'e.txt'))).toMatchObject({ file: 'e.txt', line: 3 });
    await expect(loadGraph({ path: fixture('papers.nodes.csv'), format: 'gml' })).rejects.toBeInstanceOf(FormatError);
    await expect(loadGraph({ path: 'graph.xyz' })).rejects.toThrow(/cannot tell the graph format/);
    await expect(loadGraph({ path: fixture('missing.gml') })).rejects.toThrow(/cannot read/);
  });
});

describe('graph-v0 env contract', () => {
  it('passes checkEnv on generated graphs', async () => {
    const images = new MemoryImageStore();
    const report = await checkEnv(await graphEnv({}, images), { images, seeds: [0, 1, 2, 7] });
    expect(report.usedOracle).toBe(true);
  });

  it('passes checkEnv on loaded fixture graphs, with the render tool', async () => {
    const images = new MemoryImageStore();
    await checkEnv(await graphEnv({ graph: fixture('creator.gml'), render: true }, images), { images });
    await checkEnv(await graphEnv({ graph: fixture('papers.edges'), nodeFile: fixture('papers.nodes.csv') }, images), { images });
  });

  it('gives the same task and observations for the same seed', async () => {
    const first = await graphEnv();
    const second = await graphEnv();
    const a = await first.reset({ seed: 42 });
    const b = await second.reset({ seed: 42 });
    expect(a.observation).toEqual(b.observation);
    const id = /node (n\d+)/.exec(contentText(a.observation))?.[1] ?? 'n0';
    for (const [name, args] of [
      ['neighbors', { id, hops: 2, limit: 7 }],
      ['get_node', { id }],
      ['search_nodes', { query: 'graph words', k: 3 }],
    ] as const) {
      expect((await call(first, name, args)).observation).toEqual((await call(second, name, args)).observation);
    }
    const other = await first.reset({ seed: 43 });
    expect(other.observation).not.toEqual(a.observation);
  });

  it('refuses classification on a graph without classes', async () => {
    const env = await graphEnv({ graph: fixture('inline.gml'), classAttribute: 'none', task: 'classification' });
    await expect(env.reset({ seed: 0 })).rejects.toBeInstanceOf(GymError);
  });
});

describe('graph-v0 oracle', () => {
  const images = new MemoryImageStore();
  const seeds = Array.from({ length: 30 }, (_, index) => index);

  it('finds a shortest path on every seed', async () => {
    const env = await graphEnv({ task: 'path' }, images);
    for (const seed of seeds) {
      const record = await runEpisode(env, new OraclePolicy(), { seed, images });
      expect(record.score, `seed ${seed}`).toBe(1);
      expect(record.counts.invalidActions).toBe(0);
    }
  });

  it('finds shortest paths beyond two hops from each end, on a sparse graph and on a loaded one', async () => {
    const sparse = await graphEnv({ task: 'path', nodes: 300, pIn: 0.03, pOut: 0.002, maxPathLength: 6 }, images);
    const loaded = await graphEnv({ task: 'path', graph: fixture('creator.gml'), maxPathLength: 8 }, images);
    const lengths = new Set<number>();
    for (const seed of seeds.slice(0, 15)) {
      const record = await runEpisode(sparse, new OraclePolicy(), { seed, images, format: 'openai' });
      expect(record.score, `seed ${seed}`).toBe(1);
      lengths.add(parsePath(record.answer ?? '').length - 1);
      expect((await runEpisode(loaded, new OraclePolicy(), { seed, images })).score).toBe(1);
    }
    expect(Math.max(...lengths)).toBeGreaterThan(4);
  });

  it('predicts links on well-separated graphs, balanced between yes and no', async () => {
    const env = await graphEnv({ task: 'link', classes: 8, pIn: 0.2, pOut: 0.001, closure: 0.3 }, images);
    let correct = 0;
    let positives = 0;
    for (const seed of Array.from({ length: 40 }, (_, index) => index)) {
      const record = await runEpisode(env, new OraclePolicy(), { seed, images });
      correct += record.score;
      if (record.expected === 'yes') positives += 1;
    }
    expect(positives).toBe(20);
    expect(correct / 40).toBeGreaterThanOrEqual(0.9);
  });

  it('classifies nodes better than the best constant guess', async () => {
    const env = await graphEnv({ task: 'classification' }, images);
    let correct = 0;
    const answers = new Map<string, number>();
    for (const seed of seeds) {
      const record = await runEpisode(env, new OraclePolicy(), { seed, images });
      correct += record.score;
      answers.set(record.expected ?? '', (answers.get(record.expected ?? '') ?? 0) + 1);
      expect(record.steps.at(-1)?.extra).toMatchObject({ task: 'classification', lookups: record.counts.toolCalls });
    }
    const majority = Math.max(...answers.values()) / seeds.length;
    expect(correct / seeds.length).toBeGreaterThan(majority + 0.2);
  });
});

describe('graph tools', () => {
  it('pages neighbors in a stable order with totals and next offsets', async () => {
    const env = await graphEnv({ task: 'path' });
    await env.reset({ seed: 3 });
    const whole = readToolData((await call(env, 'neighbors', { id: 'n10', hops: 2, limit: 100 })).info.data, 'neighbors');
    if (whole === undefined) throw new Error('no neighbors data');
    expect(whole.total).toBeGreaterThan(6);
    expect(whole.nextOffset).toBeNull();
    const firstHop = whole.neighbors.filter((entry) => entry.hop === 1).map((entry) => Number(entry.id.slice(1)));
    expect(firstHop).toEqual([...firstHop].sort((a, b) => a - b));
    const paged: string[] = [];
    let offset: number | null = 0;
    while (offset !== null) {
      const result: StepResult = await call(env, 'neighbors', { id: 'n10', hops: 2, limit: 3, offset });
      const page = readToolData(result.info.data, 'neighbors');
      if (page === undefined) throw new Error('no page');
      expect(page.total).toBe(whole.total);
      paged.push(...page.neighbors.map((entry) => entry.id));
      if (page.nextOffset !== null) expect(contentText(result.observation)).toContain(`offset=${page.nextOffset}`);
      offset = page.nextOffset;
    }
    expect(paged).toEqual(whole.neighbors.map((entry) => entry.id));
    const past = await call(env, 'neighbors', { id: 'n10', offset: 500 });
    expect(past.info.invalid?.reason).toBe('tool-error');
  });

  it('answers an unknown id with a tool error that suggests close ids', async () => {
    const env = await graphEnv();
    await env.reset({ seed: 0 });
    for (const [wrong, right] of [
      ['N17', 'n17'],
      ['17', 'n17'],
    ]) {
      const result = await call(env, 'get_node', { id: wrong });
      expect(result.info.invalid?.reason).toBe('tool-error');
      expect(contentText(result.observation)).toContain(`Did you mean "${right}"`);
      expect(result.terminated).toBe(false);
    }
    const graph = (await loadGraph({ path: fixture('creator.gml') })).nodes;
    expect(
      suggestIds(toTextGraph(parseGml('graph [ node [ id 10 label "Rock &amp; Roll" ] ]'), { classAttribute: 'none' }), 'rock & roll'),
    ).toEqual(['10']);
    expect(graph.length).toBe(24);
  });

  it('hides the class of a classification target and shows visible ones', async () => {
    const env = await graphEnv({ task: 'classification', visibleFraction: 1 });
    const reset = await env.reset({ seed: 5 });
    const target = /class of node (n\d+)/.exec(contentText(reset.observation))?.[1] ?? '';
    const own = await call(env, 'get_node', { id: target });
    expect(contentText(own.observation)).toContain('class: not visible');
    expect(readToolData(own.info.data, 'get_node')?.label).toBeNull();
    const neighbour = readToolData((await call(env, 'neighbors', { id: target })).info.data, 'neighbors')?.neighbors[0]?.id ?? '';
    expect(readToolData((await call(env, 'get_node', { id: neighbour })).info.data, 'get_node')?.label).toMatch(/\w+/);
  });

  it('hides the asked-about edge in positive link tasks', async () => {
    const env = await graphEnv({ task: 'link' });
    for (const seed of [0, 2, 4]) {
      const reset = await env.reset({ seed });
      const [, source, target] = /between node (\S+) and node (\S+)\?/.exec(contentText(reset.observation)) ?? [];
      const fromSource = readToolData((await call(env, 'neighbors', { id: source, hops: 2, limit: 100 })).info.data, 'neighbors');
      const fromTarget = readToolData((await call(env, 'neighbors', { id: target, limit: 100 })).info.data, 'neighbors');
      expect(fromSource?.neighbors.find((entry) => entry.id === target)?.hop).not.toBe(1);
      expect(fromTarget?.neighbors.some((entry) => entry.id === source)).toBe(false);
      const record = await runEpisode(env, new OraclePolicy(), { seed, images: new MemoryImageStore() });
      expect(record.expected).toBe('yes');
    }
  });

  it('ranks the node with the exact text first (BM25)', async () => {
    const env = await graphEnv();
    await env.reset({ seed: 11 });
    for (const id of ['n3', 'n50', 'n120']) {
      const node = readToolData((await call(env, 'get_node', { id })).info.data, 'get_node');
      const hits = readToolData((await call(env, 'search_nodes', { query: node?.text ?? '', k: 3 })).info.data, 'search_nodes')?.hits ?? [];
      expect(hits[0]?.id).toBe(id);
    }
    const index = new Bm25Index(['red apple pie', 'green apple', 'blue sky over the sea', 'apple apple apple tree']);
    expect(index.search('blue sea', 2).map((hit) => hit.index)).toEqual([2]);
    expect(index.search('apple', 4)[0]?.index).toBe(3);
    const empty = await call(env, 'search_nodes', { query: 'the of and' });
    expect(empty.info.invalid?.reason).toBe('tool-error');
  });

  it('draws a neighbourhood deterministically', async () => {
    const images = new MemoryImageStore();
    const env = await graphEnv({ render: true, task: 'path' }, images);
    await env.reset({ seed: 2 });
    const first = await call(env, 'render_subgraph', { id: 'n4', hops: 2 });
    await env.reset({ seed: 2 });
    const second = await call(env, 'render_subgraph', { id: 'n4', hops: 2 });
    const [image] = contentImages(first.observation);
    expect(image?.width).toBe(640);
    expect(contentImages(second.observation)).toEqual(contentImages(first.observation));
    expect(await images.has(image?.sha256 ?? '')).toBe(true);
    expect(readToolData(first.info.data, 'render_subgraph')?.drawn).toBeGreaterThan(5);
  });
});

describe('graph-v0 scoring and generation', () => {
  it('scores paths: shortest 1, longer 0.5, broken 0', async () => {
    const graph = await loadGraph({ path: fixture('inline.gml') });
    const state = createGraphState(new Random(1), 1, graph, { task: 'path', visibleFraction: 0.5, maxPathLength: 9 });
    if (state.task.kind !== 'path') throw new Error('expected a path task');
    const ids = state.task.shortest.map((index) => graph.node(index).id);
    expect(scoreAnswer(state, ids.join(' > '))).toMatchObject({ score: 1, success: true });
    expect(scoreAnswer(state, ids.join(' -> ')).score).toBe(1);
    expect(scoreAnswer(state, `${ids[0]} > ${ids.at(-1)}`).score).toBe(0);
    expect(scoreAnswer(state, [...ids, ids[0]].join(' > ')).score).toBe(0);
    // 0 > 1 > 3 > 4 is one edge longer than 0 > 2 > 4.
    const longer = createGraphState(new Random(1), 1, graph, { task: 'path', visibleFraction: 0.5, maxPathLength: 9 });
    const manual = { ...longer, task: { kind: 'path' as const, source: 0, target: 4, distance: 2, shortest: [0, 2, 4] } };
    expect(scoreAnswer(manual, '0 > 1 > 3 > 4')).toMatchObject({ score: 0.5, success: false });
    expect(scoreAnswer(manual, '0 > 2 > 4')).toMatchObject({ score: 1, expected: '0 > 2 > 4' });
  });

  it('generates connected, homophilous graphs whose texts follow their class', () => {
    const generated = generateSbmGraph(new Random(3), { nodes: 300, classes: 3, pIn: 0.05, pOut: 0.002, wordsPerNode: 10, textNoise: 0.5 });
    const graph = generated.graph;
    expect(graph.components()).toHaveLength(1);
    let same = 0;
    for (const [a, b] of graph.edges()) if (graph.node(a).label === graph.node(b).label) same += 1;
    expect(same / graph.edgeCount).toBeGreaterThan(0.8);
    const node = graph.node(0);
    const own = new Set(generated.vocabulary[node.label ?? ''] ?? []);
    const noise = new Set(generated.noiseWords);
    expect(node.text.split(' ').every((word) => own.has(word) || noise.has(word))).toBe(true);
    const again = generateSbmGraph(new Random(3), { nodes: 300, classes: 3, pIn: 0.05, pOut: 0.002, wordsPerNode: 10, textNoise: 0.5 });
    expect([...again.graph.edges()]).toEqual([...graph.edges()]);
  });
});
