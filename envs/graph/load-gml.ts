import { FormatError } from '../../core/errors.js';
import type { AttributeValue } from '../../tools/graph/text-graph.js';
import type { RawEdge, RawGraph, RawNode } from './raw-graph.js';

/** A GML value: a number, a string, or a nested list of key-value entries. */
type GmlValue = number | string | GmlEntry[];

interface GmlEntry {
  readonly key: string;
  readonly value: GmlValue;
  readonly line: number;
}

type Token =
  | { readonly kind: 'key'; readonly text: string; readonly line: number }
  | { readonly kind: 'number'; readonly value: number; readonly line: number }
  | { readonly kind: 'string'; readonly value: string; readonly line: number }
  | { readonly kind: 'open'; readonly line: number }
  | { readonly kind: 'close'; readonly line: number };

/**
 * Parses GML as network-science data sets publish it: `graph [ ... ]` on one line or with the
 * bracket on the next line, optional `Creator "..."`/`Version` lines before it, `#` comments,
 * `directed 0|1`, `node [ id 0 label "..." value 1 ]`, `edge [ source 0 target 1 ]`, nested lists
 * (flattened into dotted attribute names such as `graphics.x`) and quoted strings that may span
 * lines and carry HTML entities (`&amp;`, `&#38;`, `&#x26;`), which are decoded.
 * Throws {@link FormatError} with the file and line of the first problem.
 */
export function parseGml(source: string, file = 'graph.gml'): RawGraph {
  const tokens = tokenize(source, file);
  let position = 0;
  const parseEntries = (closing: Token | undefined): GmlEntry[] => {
    const entries: GmlEntry[] = [];
    for (;;) {
      const token = tokens[position];
      if (token === undefined) {
        if (closing === undefined) return entries;
        throw new FormatError(`${file} line ${closing.line}: the list opened here with "[" is never closed with "]".`, {
          file,
          line: closing.line,
        });
      }
      position += 1;
      if (token.kind === 'close') {
        if (closing !== undefined) return entries;
        throw new FormatError(`${file} line ${token.line}: "]" closes no open list.`, { file, line: token.line });
      }
      if (token.kind !== 'key') {
        const what = token.kind === 'open' ? '"["' : token.kind === 'string' ? `the string "${token.value}"` : `the number ${token.value}`;
        throw new FormatError(`${file} line ${token.line}: expected a key (such as node, edge, id), found ${what}.`, {
          file,
          line: token.line,
        });
      }
      const valueToken = tokens[position];
      if (valueToken === undefined || valueToken.kind === 'close') {
        throw new FormatError(`${file} line ${token.line}: key "${token.text}" has no value.`, { file, line: token.line });
      }
      position += 1;
      let value: GmlValue;
      if (valueToken.kind === 'open') value = parseEntries(valueToken);
      else if (valueToken.kind === 'key') {
        const special = specialNumber(valueToken.text);
        if (special === undefined) {
          throw new FormatError(
            `${file} line ${valueToken.line}: key "${token.text}" must be followed by a number, a "string" or a [ list ], found "${valueToken.text}".`,
            {
              file,
              line: valueToken.line,
            },
          );
        }
        value = special;
      } else value = valueToken.value;
      entries.push({ key: token.text, value, line: token.line });
    }
  };
  const top = parseEntries(undefined);
  const graph = top.find((entry) => entry.key === 'graph');
  if (graph === undefined || !Array.isArray(graph.value)) {
    const line = graph?.line ?? 1;
    throw new FormatError(`${file} line ${line}: no "graph [ ... ]" block; a GML file holds one graph list.`, { file, line });
  }
  return readGraph(graph.value, file);
}

function readGraph(entries: readonly GmlEntry[], file: string): RawGraph {
  let directed = false;
  const nodes: RawNode[] = [];
  const edges: RawEdge[] = [];
  for (const entry of entries) {
    if (entry.key === 'directed') directed = Number(entry.value) === 1;
    else if (entry.key === 'node') nodes.push(readNode(entry, file));
    else if (entry.key === 'edge') edges.push(readEdge(entry, file));
  }
  return { file, directed, nodes, edges, implicitNodes: false };
}

function readNode(entry: GmlEntry, file: string): RawNode {
  const fields = listOf(entry, file);
  const id = fields.find((field) => field.key === 'id');
  if (id === undefined || Array.isArray(id.value)) {
    throw new FormatError(`${file} line ${entry.line}: node has no "id" (every node needs one, e.g. node [ id 0 label "a" ]).`, {
      file,
      line: entry.line,
    });
  }
  const attributes: Record<string, AttributeValue> = {};
  flatten(fields, '', attributes, new Set(['id']));
  return { id: String(id.value), attributes, line: entry.line };
}

function readEdge(entry: GmlEntry, file: string): RawEdge {
  const fields = listOf(entry, file);
  const end = (key: 'source' | 'target'): string => {
    const field = fields.find((candidate) => candidate.key === key);
    if (field === undefined || Array.isArray(field.value)) {
      throw new FormatError(`${file} line ${entry.line}: edge has no "${key}" (edges look like edge [ source 0 target 1 ]).`, {
        file,
        line: entry.line,
      });
    }
    return String(field.value);
  };
  return { source: end('source'), target: end('target'), line: entry.line };
}

function listOf(entry: GmlEntry, file: string): readonly GmlEntry[] {
  if (Array.isArray(entry.value)) return entry.value;
  throw new FormatError(`${file} line ${entry.line}: "${entry.key}" must be a [ list ], found a single value.`, { file, line: entry.line });
}

function flatten(entries: readonly GmlEntry[], prefix: string, into: Record<string, AttributeValue>, skip: ReadonlySet<string>): void {
  for (const entry of entries) {
    if (prefix === '' && skip.has(entry.key)) continue;
    const name = prefix === '' ? entry.key : `${prefix}.${entry.key}`;
    if (Array.isArray(entry.value)) flatten(entry.value, name, into, skip);
    else into[name] = entry.value;
  }
}

/** A number (not run into letters) or a key, matched where the tokenizer stands. */
const WORD = /[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?![A-Za-z_])|[+-]?[A-Za-z_][A-Za-z0-9_]*/y;

function tokenize(source: string, file: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let index = 0;
  while (index < source.length) {
    const character = source[index] as string;
    if (character === '\n') {
      line += 1;
      index += 1;
    } else if (character === ' ' || character === '\t' || character === '\r' || character === '\f' || character === '\ufeff') {
      index += 1;
    } else if (character === '#') {
      while (index < source.length && source[index] !== '\n') index += 1;
    } else if (character === '[') {
      tokens.push({ kind: 'open', line });
      index += 1;
    } else if (character === ']') {
      tokens.push({ kind: 'close', line });
      index += 1;
    } else if (character === '"') {
      const start = line;
      const end = source.indexOf('"', index + 1);
      if (end === -1)
        throw new FormatError(`${file} line ${start}: the string opened here is never closed with a double quote.`, { file, line: start });
      const raw = source.slice(index + 1, end);
      for (let newline = raw.indexOf('\n'); newline !== -1; newline = raw.indexOf('\n', newline + 1)) line += 1;
      tokens.push({ kind: 'string', value: raw.includes('&') ? decodeEntities(raw) : raw, line: start });
      index = end + 1;
    } else {
      WORD.lastIndex = index;
      const match = WORD.exec(source);
      if (match === null) {
        throw new FormatError(
          `${file} line ${line}: unexpected character "${character}" (GML holds keys, numbers, "strings" and [ lists ]).`,
          { file, line },
        );
      }
      const word = match[0];
      const code = word.charCodeAt(word.length > 1 && (word[0] === '-' || word[0] === '+') ? 1 : 0);
      if ((code >= 48 && code <= 57) || code === 46) tokens.push({ kind: 'number', value: Number(word), line });
      else tokens.push({ kind: 'key', text: word, line });
      index += word.length;
    }
  }
  return tokens;
}

function specialNumber(word: string): number | undefined {
  const upper = word.toUpperCase();
  if (upper === 'INF' || upper === '+INF') return Number.POSITIVE_INFINITY;
  if (upper === '-INF') return Number.NEGATIVE_INFINITY;
  if (upper === 'NAN' || upper === '+NAN' || upper === '-NAN') return Number.NaN;
  return undefined;
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes HTML character references: `&#38;`, `&#x26;` and the common named ones. Unknown names stay as written. */
export function decodeEntities(value: string): string {
  return value.replace(/&(#\d+|#[xX][0-9a-fA-F]+|[A-Za-z]+);/g, (whole, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[body] ?? whole;
  });
}
