/**
 * graph-v0 bench: oracle accuracy per task against simple baselines scored on the very same
 * tasks, look-ups per episode, episode throughput, BM25 against a linear scan, GML parsing against
 * JSON.parse of the same graph, and generation time of a large graph.
 */
import { runEpisode } from '../agents/episode.js';
import { OraclePolicy } from '../agents/policies/oracle.js';
import { MemoryImageStore } from '../core/image-store.js';
import { Random } from '../core/random.js';
import { makeEnv, validateEnvOptions } from '../core/registry.js';
import '../envs/graph/index.js';
import { createEpisodeState, definition, type GraphEnvOptions } from '../envs/graph/env.js';
import { generateSbmGraph } from '../envs/graph/generate.js';
import { parseGml } from '../envs/graph/load.js';
import { type GraphState, scoreAnswer } from '../envs/graph/tasks.js';
import { Bm25Index, tokenize } from '../tools/graph/search.js';
import type { TextGraph } from '../tools/graph/text-graph.js';
import type { BenchRow, BenchRun } from './report.js';

const EPISODES = 100;
const TASKS = ['classification', 'path', 'link'] as const;

export const run: BenchRun = async () => {
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const images = new MemoryImageStore();
  for (const task of TASKS) {
    const options = validateEnvOptions(definition.spec, { task }) as unknown as GraphEnvOptions;
    const env = await makeEnv('graph-v0', { options: { task }, images });
    let oracle = 0;
    let baseline = 0;
    let lookups = 0;
    let turns = 0;
    for (let seed = 0; seed < EPISODES; seed += 1) {
      const record = await runEpisode(env, new OraclePolicy(), { seed, images });
      oracle += record.score;
      turns += record.counts.turns;
      lookups += Number(record.steps.at(-1)?.extra?.lookups ?? 0);
      const state = createEpisodeState(new Random(seed), seed, options);
      baseline += scoreAnswer(state, baselineAnswer(state, seed)).score;
    }
    const name = BASELINES[task];
    rows.push({
      name: `${task}: oracle score`,
      value: oracle / EPISODES,
      unit: 'mean score',
      baseline: { name, value: baseline / EPISODES },
      higherIsBetter: true,
    });
    rows.push({ name: `${task}: oracle look-ups`, value: lookups / EPISODES, unit: 'calls/episode', higherIsBetter: false });
    notes.push(`${task}: mean ${(turns / EPISODES).toFixed(1)} turns per oracle episode.`);
  }

  const mixed = await makeEnv('graph-v0', { images });
  const started = performance.now();
  let steps = 0;
  for (let seed = 0; seed < EPISODES; seed += 1) steps += (await runEpisode(mixed, new OraclePolicy(), { seed, images })).counts.turns;
  const seconds = (performance.now() - started) / 1000;
  rows.push({
    name: 'mixed: oracle episodes (reset + generate 200 nodes)',
    value: EPISODES / seconds,
    unit: 'episodes/s',
    higherIsBetter: true,
  });
  rows.push({ name: 'mixed: oracle steps', value: steps / seconds, unit: 'steps/s', higherIsBetter: true });

  const big = generateSbmGraph(new Random(1), {
    nodes: 10_000,
    classes: 8,
    pIn: 0.004,
    pOut: 0.0002,
    closure: 0.1,
    wordsPerNode: 12,
    textNoise: 0.6,
  }).graph;
  rows.push(...searchRows(big));
  rows.push(...gmlRows(big));
  const generation = performance.now();
  const huge = generateSbmGraph(new Random(2), {
    nodes: 50_000,
    classes: 10,
    pIn: 0.002,
    pOut: 0.00005,
    closure: 0.05,
    wordsPerNode: 12,
    textNoise: 0.6,
  }).graph;
  rows.push({
    name: `generate SBM graph (50k nodes, ${huge.edgeCount} edges)`,
    value: performance.now() - generation,
    unit: 'ms',
    higherIsBetter: false,
  });
  notes.push(
    `${EPISODES} seeds per task on default options (200 nodes, 4 classes, pIn 0.1, pOut 0.008, closure 0.1, visibleFraction 0.3, maxPathLength 4).`,
    'Baselines on the same tasks: classification = the most common visible class (no look-ups about the target);',
    'path = a blind random walk of up to 26 steps from the source, loop-erased when it reaches the target; link = always "yes" (tasks alternate yes/no).',
    `Search and GML rows use a generated graph of ${big.size} nodes and ${big.edgeCount} edges.`,
  );
  return { title: 'graph-v0', rows, notes };
};

const BASELINES: Record<(typeof TASKS)[number], string> = {
  classification: 'majority visible class',
  path: 'random walk',
  link: 'always yes',
};

function baselineAnswer(state: GraphState, seed: number): string {
  const task = state.task;
  const graph = state.graph;
  if (task.kind === 'link') return 'yes';
  if (task.kind === 'classification') {
    const counts = new Map<string, number>();
    for (const index of state.visibleLabels) {
      const label = graph.node(index).label;
      if (label !== undefined) counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? '';
  }
  const random = new Random(`walk:${seed}`);
  const walk = [task.source];
  for (let step = 0; step < 26 && walk.at(-1) !== task.target; step += 1) {
    const here = walk.at(-1) as number;
    const next = random.pick(graph.neighbors(here));
    const seen = walk.indexOf(next);
    if (seen >= 0) walk.length = seen + 1;
    else walk.push(next);
  }
  return walk.map((index) => graph.node(index).id).join(' > ');
}

function searchRows(graph: TextGraph): BenchRow[] {
  const built = performance.now();
  const index = new Bm25Index(graph.nodes.map((node) => node.text));
  const buildMs = performance.now() - built;
  const queries = Array.from({ length: 200 }, (_, position) =>
    graph
      .node((position * 37) % graph.size)
      .text.split(' ')
      .slice(0, 3)
      .join(' '),
  );
  let checksum = 0;
  const indexed = performance.now();
  for (const query of queries) checksum += index.search(query, 5)[0]?.index ?? 0;
  const indexedSeconds = (performance.now() - indexed) / 1000;
  const documents = graph.nodes.map((node) => tokenize(node.text));
  const scanned = performance.now();
  for (const query of queries.slice(0, 50)) checksum += linearScan(documents, query);
  const scanSeconds = (performance.now() - scanned) / 1000;
  if (checksum < 0) throw new Error('unreachable');
  return [
    { name: `BM25 index build (${graph.size} node texts)`, value: buildMs, unit: 'ms', higherIsBetter: false },
    {
      name: 'search_nodes queries (inverted index)',
      value: queries.length / indexedSeconds,
      unit: 'queries/s',
      baseline: { name: 'linear scan', value: 50 / scanSeconds },
      higherIsBetter: true,
    },
  ];
}

/** Term-overlap scoring of every document, the cost a search without an index pays. */
function linearScan(documents: readonly string[][], query: string): number {
  const terms = new Set(tokenize(query));
  let best = -1;
  let bestScore = -1;
  documents.forEach((tokens, index) => {
    let score = 0;
    for (const token of tokens) if (terms.has(token)) score += 1;
    if (score > bestScore) {
      bestScore = score;
      best = index;
    }
  });
  return best;
}

function gmlRows(graph: TextGraph): BenchRow[] {
  const gml = ['Creator "thinkgym bench"', 'graph', '[', '  directed 0'];
  for (const node of graph.nodes)
    gml.push('  node', '  [', `    id ${node.id.slice(1)}`, `    label "${node.text}"`, `    value "${node.label ?? ''}"`, '  ]');
  for (const [a, b] of graph.edges()) gml.push('  edge', '  [', `    source ${a}`, `    target ${b}`, '  ]');
  gml.push(']');
  const gmlText = gml.join('\n');
  const json = JSON.stringify({
    directed: false,
    multigraph: false,
    graph: {},
    nodes: graph.nodes.map((node) => ({ id: Number(node.id.slice(1)), label: node.text, value: node.label })),
    links: [...graph.edges()].map(([source, target]) => ({ source, target })),
  });
  const parsed = performance.now();
  const raw = parseGml(gmlText, 'bench.gml');
  const gmlSeconds = (performance.now() - parsed) / 1000;
  const native = performance.now();
  JSON.parse(json);
  const jsonSeconds = (performance.now() - native) / 1000;
  if (raw.nodes.length !== graph.size) throw new Error('GML round trip lost nodes');
  return [
    {
      name: `parse GML (${(gmlText.length / 1e6).toFixed(1)} MB)`,
      value: gmlText.length / 1e6 / gmlSeconds,
      unit: 'MB/s',
      baseline: { name: 'JSON.parse of node-link', value: json.length / 1e6 / jsonSeconds },
      higherIsBetter: true,
    },
  ];
}
