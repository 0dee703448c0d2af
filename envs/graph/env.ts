import type { EnvContext, EnvSpec, Oracle } from '../../core/env.js';
import { ValidationError } from '../../core/errors.js';
import type { Random } from '../../core/random.js';
import type { EnvDefinition } from '../../core/registry.js';
import type { Tool } from '../../core/tool.js';
import { type AnswerCheck, type Task, ToolEnv } from '../../core/tool-env.js';
import { graphTools } from '../../tools/graph/index.js';
import type { TextGraph } from '../../tools/graph/text-graph.js';
import { type ContextBounds, describeBounds } from '../context-budget.js';
import { generateSbmGraph } from './generate.js';
import { type GraphFormat, loadGraph } from './load.js';
import { renderTask } from './render.js';
import { briefOf, createGraphOracle } from './solve.js';
import { createGraphState, type GraphState, LONGER_PATH_SCORE, scoreAnswer, type TaskKind } from './tasks.js';

/** The options of graph-v0, after validation (defaults filled). */
export interface GraphEnvOptions {
  readonly task: TaskKind | 'mixed';
  readonly nodes: number;
  readonly classes: number;
  readonly pIn: number;
  readonly pOut: number;
  readonly closure: number;
  readonly wordsPerNode: number;
  readonly textNoise: number;
  readonly visibleFraction: number;
  readonly maxPathLength: number;
  readonly graph: string;
  readonly format: GraphFormat | 'auto';
  readonly nodeFile: string;
  readonly classAttribute: string;
  readonly textAttribute: string;
  readonly render: boolean;
}

/**
 * Bounds of generated graphs. Every reset builds its graph, so they keep one reset within a few
 * hundred MB and seconds: 20 000 nodes at mean degree 10 with closure take about 4 s and 175 MB;
 * 1 M edges without closure about 7 s and 310 MB (bench/peak-memory.ts measures the largest).
 */
export const MAX_NODES = 20_000;
/** Most expected edges (block model plus triadic closure) of a generated graph. */
export const MAX_EDGES = 1_000_000;
/** Most expected wedges (pairs of neighbours) that triadic closure draws for. */
export const MAX_WEDGES = 5_000_000;

/** Expected size of a generated graph: block-model edges, closure wedges and closure edges. */
export function expectedGraphSize(options: Pick<GraphEnvOptions, 'nodes' | 'classes' | 'pIn' | 'pOut' | 'closure'>): {
  edges: number;
  wedges: number;
  meanDegree: number;
} {
  const classes = Math.max(2, Math.min(options.classes, 12));
  const perClass = options.nodes / classes;
  const blockEdges =
    options.pIn * classes * ((perClass * (perClass - 1)) / 2) + options.pOut * ((classes * (classes - 1)) / 2) * perClass * perClass;
  const meanDegree = (2 * blockEdges) / options.nodes;
  const wedges = options.closure > 0 ? (options.nodes * meanDegree * meanDegree) / 2 : 0;
  return { edges: Math.round(blockEdges + options.closure * wedges), wedges: Math.round(wedges), meanDegree };
}

/** Refuses generated-graph options whose expected size is beyond {@link MAX_EDGES} or {@link MAX_WEDGES}. */
export function checkGraphSize(options: GraphEnvOptions): void {
  if (options.graph !== '') return;
  const size = expectedGraphSize(options);
  if (size.edges <= MAX_EDGES && size.wedges <= MAX_WEDGES) return;
  const degreeLimit = options.closure > 0 ? Math.sqrt((2 * MAX_WEDGES) / options.nodes) : (2 * MAX_EDGES) / options.nodes;
  throw new ValidationError(
    `graph-v0 options nodes=${options.nodes}, pIn=${options.pIn}, pOut=${options.pOut}, closure=${options.closure} would make about ` +
      `${Math.round(size.edges).toLocaleString('en')} edges and ${Math.round(size.wedges).toLocaleString('en')} closure wedges (mean degree ${size.meanDegree.toFixed(0)}); ` +
      `the limits are ${MAX_EDGES.toLocaleString('en')} edges and ${MAX_WEDGES.toLocaleString('en')} wedges. Lower pIn and pOut (mean degree about ` +
      `nodes/classes*pIn + nodes*pOut, keep it under ${Math.floor(degreeLimit)}), lower closure, or use fewer nodes.`,
    [`expected edges ${size.edges} > ${MAX_EDGES} or wedges ${size.wedges} > ${MAX_WEDGES}`],
  );
}

/** JSON schema of graph-v0's options. */
export const GRAPH_OPTIONS_SCHEMA = {
  type: 'object',
  properties: {
    task: {
      type: 'string',
      enum: ['classification', 'path', 'link', 'mixed'],
      default: 'mixed',
      description: 'Task type: node classification, path finding, link prediction, or mixed (the seed picks one).',
    },
    nodes: {
      type: 'integer',
      minimum: 10,
      maximum: MAX_NODES,
      default: 200,
      description: `Generated graphs: number of nodes. With pIn, pOut and closure it must stay within ${MAX_EDGES.toLocaleString('en')} expected edges and ${MAX_WEDGES.toLocaleString('en')} closure wedges (each reset builds its graph).`,
    },
    classes: { type: 'integer', minimum: 2, maximum: 12, default: 4, description: 'Generated graphs: number of classes (blocks).' },
    pIn: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: 0.1,
      description: 'Generated graphs: edge probability between two nodes of the same class.',
    },
    pOut: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: 0.008,
      description: 'Generated graphs: edge probability between two nodes of different classes.',
    },
    closure: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: 0.1,
      description:
        'Generated graphs: chance that two nodes with a common neighbour are also linked (triadic closure; gives link prediction its signal).',
    },
    wordsPerNode: { type: 'integer', minimum: 1, maximum: 200, default: 12, description: 'Generated graphs: words in each node text.' },
    textNoise: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: 0.6,
      description: "Generated graphs: chance that a text word is a shared noise word rather than a word of the node's class.",
    },
    visibleFraction: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: 0.3,
      description: 'Fraction of labelled nodes whose class get_node shows (a classification target is always hidden).',
    },
    maxPathLength: {
      type: 'integer',
      minimum: 2,
      maximum: 20,
      default: 4,
      description: 'Path tasks: the largest shortest-path distance asked for (pairs are at distance 2 or more when possible).',
    },
    graph: {
      type: 'string',
      default: '',
      description: 'A graph file to load instead of generating one (GML, node-link JSON, or an edge list); empty generates.',
    },
    format: {
      type: 'string',
      enum: ['auto', 'gml', 'node-link', 'edge-list'],
      default: 'auto',
      description: 'Format of the graph file; auto goes by the extension (.gml, .json, .edges/.txt/.csv).',
    },
    nodeFile: { type: 'string', default: '', description: 'Edge lists: a node CSV with a header (id, text, class, other attributes).' },
    classAttribute: {
      type: 'string',
      default: 'auto',
      description:
        'Loaded graphs: the node attribute holding the class; auto tries class, value, category, community, group, club, label; none loads no classes.',
    },
    textAttribute: {
      type: 'string',
      default: 'auto',
      description:
        'Loaded graphs: the node attribute holding the text; auto tries text, title, abstract, description, content, name, label; none leaves texts empty.',
    },
    render: {
      type: 'boolean',
      default: false,
      description: 'Add the render_subgraph tool, which returns a drawing of a neighbourhood (for visual agents).',
    },
  },
  additionalProperties: false,
} as const;

/** Most entries one `neighbors` page lists (the tool's own cap is larger). */
export const GRAPH_MAX_PAGE = 100;
/** The turn limit. */
export const GRAPH_TURNS = 30;

/**
 * The bounds every graph-v0 observation keeps for generated graphs at the largest options: the
 * longest text is a full `neighbors` page at 2 hops (100 entries such as "n19999 via n19998"),
 * a `search_nodes` list of 20 snippets, or a node text cut at 1,200 characters; the largest image
 * is a render_subgraph drawing (640 px wide; caption, plot and a legend of at most 12 classes).
 */
export const GRAPH_BOUNDS: ContextBounds = {
  observationCharacters: 2600,
  image: { width: 640, height: 820, characters: 300 },
  turns: GRAPH_TURNS,
};

const INSTRUCTIONS = [
  'You work on a graph whose nodes carry text. The graph is never shown whole: explore it with the tools.',
  'get_node(id) reads a node: its text, attributes, degree, and its class when that class is visible. neighbors(id, hops, limit, offset) lists linked nodes one page at a time (hops=2 also gives nodes two links away, each with the neighbour it is reached through). search_nodes(query, k) ranks nodes by text. Node ids are strings.',
  'Each episode asks one of three things; answer with the answer tool (or <answer>…</answer>):',
  '- node classification: the class name only, one of the listed classes;',
  `- path finding: node ids from the start node to the end node joined by " > ", each consecutive pair linked by an edge (a shortest path scores 1, a longer valid one ${LONGER_PATH_SCORE});`,
  '- link prediction: "yes" or "no" (if the edge exists it is hidden from the tools).',
  'Correct answers that use fewer look-ups earn more.',
].join('\n');

const SPEC: EnvSpec = {
  id: 'graph-v0',
  version: 0,
  instructions: INSTRUCTIONS,
  maxTurns: GRAPH_TURNS,
  answers: true,
  options: GRAPH_OPTIONS_SCHEMA,
  doc: {
    description:
      'Navigate a text-attributed graph through look-up tools, never seeing it whole, to classify a node (its class hidden, some others visible), find a path between two nodes, or tell whether two nodes are linked (the edge, if any, hidden). Graphs are generated (a stochastic block model with some triadic closure, whose node texts draw words from per-class invented vocabularies, so text and structure both carry the class) or loaded from GML, node-link JSON, or an edge list with a node CSV.',
    tools:
      'get_node(id): text, attributes, degree, and the class when visible. neighbors(id, hops=1|2, limit, offset): a page of the 1- or 2-hop neighbourhood in a fixed order (graph order, 1-hop first), with the total and the next offset; 2-hop entries name their link. search_nodes(query, k): BM25 ranking of node texts. render_subgraph(id, hops) (option render): a PNG drawing of the neighbourhood laid out radially by hop (1-hop nodes on an inner circle, 2-hop nodes on an outer one next to the neighbour they are reached through; at 2 hops only links between consecutive circles are drawn), each id on a halo beside its node and clear of every node and other id, visible classes as colours, and a caption with the counts that says when only the first 24 neighbours (16 at 2 hops) and 32 2-hop nodes are drawn. answer(answer). Unknown ids give a tool error with close ids.',
    observation:
      'Reset: one text naming the graph (size, classes, share of visible classes) and the task with its answer format. Steps: each tool returns text (render_subgraph also an image); StepInfo.data holds the same result as structured data for programs.',
    reward:
      'The answer scores in [0, 1]: classification 1 for the right class; link 1 for the right yes/no; path 1 for a valid shortest path, 0.5 for a valid longer path (simple, consecutive nodes linked, right ends), else 0. Tool calls earn 0 env reward; the episode rewards add the invalid-call penalty and quality-gated efficiency. info.extra reports the task type and the number of look-ups (successful graph tool calls, overall and per tool) so efficiency can be measured on look-ups.',
    episodeEnd:
      'Terminates on the answer; truncated at the turn limit (30 by default). Invalid calls and tool errors cost a turn and never end the episode.',
    options:
      'task (classification|path|link|mixed, default mixed); generated graphs: nodes (200, at most 20000; with pIn, pOut and closure within 1,000,000 expected edges and 5,000,000 closure wedges), classes (4), pIn (0.1), pOut (0.008), closure (0.1), wordsPerNode (12), textNoise (0.6); visibleFraction (0.3); maxPathLength (4); loaded graphs: graph (file path), format (auto|gml|node-link|edge-list), nodeFile (CSV for edge lists), classAttribute and textAttribute (auto, none, or an attribute name); render (false). ' +
      `neighbors pages hold at most ${GRAPH_MAX_PAGE} entries. ${describeBounds(GRAPH_BOUNDS)} Loaded graphs keep these bounds ` +
      'except for long ids and attributes, which are shown as they are.',
    versionHistory:
      'v0: first version: classification, path and link tasks on generated SBM graphs or loaded GML, node-link JSON and edge-list files. ' +
      'v0 render revision: render_subgraph draws a radial layout with a caption, labels clear of nodes and of each other, and no ' +
      'links within a ring at 2 hops (images change); with render=true the oracle draws the neighbourhood it studies once per ' +
      'episode (one more turn); neighbors pages hold at most 100 entries (was 200), so an episode fits a 32k-token context.',
  },
};

/**
 * The state of the episode `seed`, exactly as graph-v0's reset builds it from `new Random(seed)`:
 * the loaded graph or a generated one, then the task. Benches use it to score baselines on the
 * very tasks the env poses.
 */
export function createEpisodeState(random: Random, seed: number, options: GraphEnvOptions, loaded?: TextGraph): GraphState {
  const graph =
    loaded ??
    generateSbmGraph(random.fork('graph'), {
      nodes: options.nodes,
      classes: options.classes,
      pIn: options.pIn,
      pOut: options.pOut,
      closure: options.closure,
      wordsPerNode: options.wordsPerNode,
      textNoise: options.textNoise,
    }).graph;
  return createGraphState(random, seed, graph, {
    task: options.task,
    visibleFraction: options.visibleFraction,
    maxPathLength: options.maxPathLength,
  });
}

/** graph-v0: a text-attributed graph behind look-up tools. */
export class GraphEnv extends ToolEnv<GraphState> {
  readonly spec = SPEC;
  protected readonly toolset: readonly Tool<GraphState, never>[];
  private readonly options: GraphEnvOptions;
  private readonly loaded: TextGraph | undefined;

  /** `loaded` is the graph read from `options.graph`, when one was given. */
  constructor(options: GraphEnvOptions, context: EnvContext, loaded?: TextGraph) {
    super(context);
    this.options = options;
    this.loaded = loaded;
    this.toolset = graphTools({ render: options.render, maxLimit: GRAPH_MAX_PAGE });
  }

  protected override async createTask(random: Random, seed: number): Promise<Task<GraphState>> {
    const state = createEpisodeState(random, seed, this.options, this.loaded);
    return { state, observation: renderTask(state) };
  }

  protected override checkAnswer(state: GraphState, answer: string): AnswerCheck {
    return scoreAnswer(state, answer);
  }

  protected override describe(state: GraphState): Readonly<Record<string, unknown>> {
    return { task: state.task.kind, lookups: state.usage.lookups, lookupsByTool: { ...state.usage.byTool } };
  }

  protected override createOracle(state: GraphState): Oracle {
    return createGraphOracle(briefOf(state), { render: this.options.render });
  }
}

/** The graph-v0 definition the registry loads. Loads the graph file, if any, once per env. */
export const definition: EnvDefinition = {
  spec: SPEC,
  async create(raw, context) {
    const options = raw as unknown as GraphEnvOptions;
    checkGraphSize(options);
    const loaded =
      options.graph === ''
        ? undefined
        : await loadGraph({
            path: options.graph,
            format: options.format,
            nodeFile: options.nodeFile,
            classAttribute: options.classAttribute,
            textAttribute: options.textAttribute,
          });
    return new GraphEnv(options, context, loaded);
  },
};
