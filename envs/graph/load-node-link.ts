import { FormatError } from '../../core/errors.js';
import type { AttributeValue } from '../../tools/graph/text-graph.js';
import type { RawEdge, RawGraph, RawNode } from './raw-graph.js';

/**
 * Parses node-link JSON as networkx writes it: `{"directed": false, "multigraph": false,
 * "graph": {}, "nodes": [{"id": ...}], "links": [{"source": ..., "target": ...}]}`, with the edge
 * array under `links` or `edges`. Endpoints name node ids; an integer that is no id but a valid
 * position in `nodes` is read as an index (the older d3 style). Nested attribute objects are
 * flattened into dotted names, arrays of scalars joined with spaces.
 * Throws {@link FormatError}: with the line for JSON syntax errors, with the JSON path otherwise.
 */
export function parseNodeLink(source: string, file = 'graph.json'): RawGraph {
  let document: unknown;
  try {
    document = JSON.parse(source);
  } catch (error) {
    const line = syntaxErrorLine(source, (error as Error).message);
    throw new FormatError(`${file} line ${line}: not valid JSON (${(error as Error).message}).`, { file, line }, error);
  }
  if (!isObject(document))
    throw new FormatError(`${file}: node-link JSON must be an object with "nodes" and "links" arrays.`, { file, line: 1 });
  const nodeList = document.nodes;
  const edgeList = document.links ?? document.edges;
  if (!Array.isArray(nodeList)) throw new FormatError(`${file}: "nodes" must be an array of {"id": ...} objects.`, { file });
  if (!Array.isArray(edgeList))
    throw new FormatError(`${file}: "links" (or "edges") must be an array of {"source": ..., "target": ...} objects.`, { file });
  const nodes: RawNode[] = nodeList.map((entry: unknown, position: number) => {
    if (!isObject(entry) || !isScalarId(entry.id)) {
      throw new FormatError(`${file}: nodes[${position}] needs an "id" that is a string or a number.`, { file });
    }
    const attributes: Record<string, AttributeValue> = {};
    for (const [key, value] of Object.entries(entry)) if (key !== 'id') flatten(key, value, attributes);
    return { id: String(entry.id), attributes };
  });
  const ids = new Set(nodes.map((node) => node.id));
  const name = document.links === undefined ? 'edges' : 'links';
  const edges: RawEdge[] = edgeList.map((entry: unknown, position: number) => {
    if (!isObject(entry)) throw new FormatError(`${file}: ${name}[${position}] must be an object with "source" and "target".`, { file });
    const end = (key: 'source' | 'target'): string => {
      const value = entry[key];
      if (!isScalarId(value)) throw new FormatError(`${file}: ${name}[${position}].${key} must be a node id (string or number).`, { file });
      if (ids.has(String(value))) return String(value);
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < nodes.length) return (nodes[value] as RawNode).id;
      throw new FormatError(
        `${file}: ${name}[${position}].${key} is ${JSON.stringify(value)}, which is neither a node id nor a node position.`,
        { file },
      );
    };
    return { source: end('source'), target: end('target') };
  });
  return { file, directed: document.directed === true, nodes, edges, implicitNodes: false };
}

function flatten(key: string, value: unknown, into: Record<string, AttributeValue>): void {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') into[key] = value;
  else if (Array.isArray(value)) {
    const scalars = value.filter((item) => typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean');
    if (scalars.length > 0) into[key] = scalars.map(String).join(' ');
  } else if (isObject(value)) {
    for (const [inner, innerValue] of Object.entries(value)) flatten(`${key}.${inner}`, innerValue, into);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isScalarId(value: unknown): value is string | number {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

/** The 1-based line of a `JSON.parse` error: from the message when it says, else found by a scan. */
function syntaxErrorLine(source: string, message: string): number {
  const line = /line (\d+)/.exec(message);
  if (line !== null) return Number(line[1]);
  const position = /position (\d+)/.exec(message);
  const offset = position !== null ? Number(position[1]) : jsonErrorOffset(source);
  let count = 1;
  for (let index = 0; index < Math.min(offset, source.length); index += 1) if (source.charCodeAt(index) === 10) count += 1;
  return count;
}

class JsonStop {
  readonly offset: number;
  constructor(offset: number) {
    this.offset = offset;
  }
}

/** Offset of the first JSON syntax error (a small recursive-descent scan; used only after JSON.parse failed). */
function jsonErrorOffset(source: string): number {
  let index = 0;
  const stop = (): never => {
    throw new JsonStop(index);
  };
  const space = (): void => {
    while (index < source.length && ' \t\n\r'.includes(source[index] as string)) index += 1;
  };
  const string = (): void => {
    index += 1;
    while (index < source.length) {
      const character = source[index] as string;
      if (character === '\\') index += 2;
      else if (character === '"') {
        index += 1;
        return;
      } else if (character < ' ') stop();
      else index += 1;
    }
    stop();
  };
  const value = (): void => {
    space();
    const character = source[index];
    if (character === '{' || character === '[') {
      const closing = character === '{' ? '}' : ']';
      index += 1;
      space();
      if (source[index] === closing) {
        index += 1;
        return;
      }
      for (;;) {
        if (closing === '}') {
          space();
          if (source[index] !== '"') stop();
          string();
          space();
          if (source[index] !== ':') stop();
          index += 1;
        }
        value();
        space();
        if (source[index] === ',') index += 1;
        else if (source[index] === closing) {
          index += 1;
          return;
        } else stop();
      }
    }
    if (character === '"') {
      string();
      return;
    }
    const literal = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(source.slice(index, index + 400));
    if (literal === null) stop();
    else index += literal[0].length;
  };
  try {
    value();
    space();
    if (index < source.length) stop();
    return source.length;
  } catch (error) {
    if (error instanceof JsonStop) return error.offset;
    throw error;
  }
}
