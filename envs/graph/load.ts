import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { FormatError } from '../../core/errors.js';
import type { TextGraph } from '../../tools/graph/text-graph.js';
import { checkText } from '../text-file.js';
import { parseEdgeList, parseNodeCsv } from './load-edge-list.js';
import { parseGml } from './load-gml.js';
import { parseNodeLink } from './load-node-link.js';
import { type AttributeChoice, type RawGraph, toTextGraph } from './raw-graph.js';

export { parseEdgeList, parseNodeCsv } from './load-edge-list.js';
export { decodeEntities, parseGml } from './load-gml.js';
export { parseNodeLink } from './load-node-link.js';
export type { AttributeChoice, RawEdge, RawGraph, RawNode } from './raw-graph.js';
export { toTextGraph } from './raw-graph.js';

/** Graph file formats thinkgym reads. */
export type GraphFormat = 'gml' | 'node-link' | 'edge-list';

/** Options of {@link loadGraph}. */
export interface LoadGraphOptions extends AttributeChoice {
  /** The graph file; relative paths resolve against the working directory. */
  readonly path: string;
  /** The file format; `auto` (default) goes by the extension. */
  readonly format?: GraphFormat | 'auto';
  /** For edge lists: a node table (CSV) with ids, texts, classes and other attributes. */
  readonly nodeFile?: string;
}

const EXTENSIONS: Readonly<Record<string, GraphFormat>> = {
  '.gml': 'gml',
  '.json': 'node-link',
  '.edges': 'edge-list',
  '.edgelist': 'edge-list',
  '.txt': 'edge-list',
  '.csv': 'edge-list',
  '.tsv': 'edge-list',
  '.el': 'edge-list',
};

/** The format a path's extension implies; throws {@link FormatError} when it implies none. */
export function formatOf(path: string): GraphFormat {
  const format = EXTENSIONS[extname(path).toLowerCase()];
  if (format !== undefined) return format;
  throw new FormatError(
    `${path}: cannot tell the graph format from the extension "${extname(path)}"; name it .gml, .json (node-link) or .edges/.txt/.csv (edge list), or pass the format option.`,
    { file: path },
  );
}

/** Parses graph text of a known format into a raw graph (class and text attributes not yet chosen). */
export function parseGraph(source: string, format: GraphFormat, file: string, nodes?: string, nodeFile?: string): RawGraph {
  if (format === 'gml') return parseGml(source, file);
  if (format === 'node-link') return parseNodeLink(source, file);
  return parseEdgeList(source, file, nodes === undefined ? [] : parseNodeCsv(nodes, nodeFile));
}

/**
 * Reads a graph file (GML, node-link JSON, or an edge list with an optional node CSV) into a
 * {@link TextGraph}, choosing the class and text attributes. Throws {@link FormatError} naming
 * the file (and line, where the format has lines) when the file is missing or malformed.
 */
export async function loadGraph(options: LoadGraphOptions): Promise<TextGraph> {
  const path = resolve(options.path);
  const format = options.format === undefined || options.format === 'auto' ? formatOf(path) : options.format;
  const source = await readText(path);
  const nodeFile = options.nodeFile === undefined || options.nodeFile === '' ? undefined : resolve(options.nodeFile);
  const nodes = nodeFile === undefined ? undefined : await readText(nodeFile);
  const raw = parseGraph(source, format, options.path, nodes, options.nodeFile);
  return toTextGraph(raw, options);
}

async function readText(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FormatError(`cannot read ${path}: ${(error as Error).message}. Check the graph (or nodeFile) option.`, { file: path }, error);
  }
  checkText(text, path, 'graph file (GML, node-link JSON, or an edge list) or node CSV');
  return text;
}
