import { FormatError } from '../../core/errors.js';
import type { AttributeValue } from '../../tools/graph/text-graph.js';
import type { RawEdge, RawGraph, RawNode } from './raw-graph.js';

const HEADER_PAIRS: readonly (readonly [string, string])[] = [
  ['source', 'target'],
  ['from', 'to'],
  ['src', 'dst'],
  ['node1', 'node2'],
  ['u', 'v'],
  ['id1', 'id2'],
];

/**
 * Parses an edge list: one edge per line, `source target` separated by whitespace or by a comma
 * (a tab-separated file works too); extra columns (weights, times) are ignored; `#` and `%`
 * start comments; a first line naming the columns (`source,target`, `from to`…) is skipped.
 * Nodes are the ones the edges name, in order of first appearance, unless `nodes` (from
 * {@link parseNodeCsv}) declares them first.
 */
export function parseEdgeList(source: string, file = 'graph.edges', nodes: readonly RawNode[] = []): RawGraph {
  const edges: RawEdge[] = [];
  const bad: { line: number; content: string }[] = [];
  let sawData = false;
  source.split('\n').forEach((rawLine, position) => {
    const line = position + 1;
    const content = rawLine.replace(/[#%].*$/, '').trim();
    if (content === '') return;
    const fields = (content.includes(',') ? content.split(',') : content.split(/\s+/)).map((field) => unquote(field.trim()));
    const first = fields[0] ?? '';
    const second = fields[1] ?? '';
    if (fields.length < 2 || first === '' || second === '') {
      bad.push({ line, content });
      return;
    }
    if (!sawData && HEADER_PAIRS.some(([a, b]) => a === first.toLowerCase() && b === second.toLowerCase())) {
      sawData = true;
      return;
    }
    sawData = true;
    edges.push({ source: first, target: second, line });
  });
  if (bad.length > 0) {
    const listed = bad.slice(0, 20).map((entry) => `  ${file} line ${entry.line}: "${entry.content}"`);
    if (bad.length > 20) listed.push(`  … and ${bad.length - 20} more`);
    throw new FormatError(
      bad.length === 1
        ? `${file} line ${bad[0]?.line}: expected two node ids ("a b" or "a,b"), found "${bad[0]?.content}".`
        : `${file}: ${bad.length} lines are not edges; each needs two node ids ("a b" or "a,b"):\n${listed.join('\n')}`,
      { file, line: bad[0]?.line ?? 1 },
    );
  }
  return { file, directed: false, nodes, edges, implicitNodes: true };
}

/**
 * Parses a node table (CSV with a header row, RFC 4180 quoting: fields in double quotes may hold
 * commas, newlines and doubled quotes). The id column is `id`, `node`, `node_id` or else the first
 * one; every other column becomes an attribute, numbers kept as text. A file whose header has
 * tabs and no commas is read as tab-separated. Throws {@link FormatError} with the line of a row
 * with the wrong number of fields, an unclosed quote or a repeated id.
 */
export function parseNodeCsv(source: string, file = 'nodes.csv'): RawNode[] {
  const firstLine = source.slice(0, source.indexOf('\n') === -1 ? source.length : source.indexOf('\n'));
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  const records = readCsv(source, file, delimiter).filter((record) => !(record.fields.length === 1 && record.fields[0] === ''));
  const header = records[0];
  if (header === undefined)
    throw new FormatError(`${file} line 1: the node table is empty; it needs a header row such as id,text,class.`, { file, line: 1 });
  const columns = header.fields.map((field) => field.trim());
  const lower = columns.map((column) => column.toLowerCase());
  const idColumn = Math.max(0, ['id', 'node', 'node_id', 'nodeid'].map((name) => lower.indexOf(name)).find((found) => found >= 0) ?? 0);
  const seen = new Set<string>();
  return records.slice(1).map((record) => {
    if (record.fields.length !== columns.length) {
      throw new FormatError(
        `${file} line ${record.line}: ${record.fields.length} field(s), but the header has ${columns.length} (${columns.join(', ')}). Quote fields that contain the delimiter.`,
        {
          file,
          line: record.line,
        },
      );
    }
    const id = (record.fields[idColumn] ?? '').trim();
    if (id === '')
      throw new FormatError(`${file} line ${record.line}: the id column "${columns[idColumn]}" is empty.`, { file, line: record.line });
    if (seen.has(id)) throw new FormatError(`${file} line ${record.line}: node id "${id}" appears twice.`, { file, line: record.line });
    seen.add(id);
    const attributes: Record<string, AttributeValue> = {};
    record.fields.forEach((value, column) => {
      if (column !== idColumn && value !== '') attributes[columns[column] ?? `column${column + 1}`] = value;
    });
    return { id, attributes, line: record.line };
  });
}

interface CsvRecord {
  readonly fields: string[];
  /** Line the record starts on. */
  readonly line: number;
}

function readCsv(source: string, file: string, delimiter: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let quoteLine = 1;
  for (let index = 0; index < source.length; index += 1) {
    const character = source[index] as string;
    if (quoted) {
      if (character === '"') {
        if (source[index + 1] === '"') {
          field += '"';
          index += 1;
        } else quoted = false;
      } else {
        if (character === '\n') line += 1;
        field += character;
      }
    } else if (character === '"' && field.trim() === '') {
      quoted = true;
      quoteLine = line;
      field = '';
    } else if (character === delimiter) {
      fields.push(field);
      field = '';
    } else if (character === '\n') {
      fields.push(field.replace(/\r$/, ''));
      records.push({ fields, line: recordLine });
      fields = [];
      field = '';
      line += 1;
      recordLine = line;
    } else field += character;
  }
  if (quoted) throw new FormatError(`${file} line ${quoteLine}: a quoted field opened here is never closed.`, { file, line: quoteLine });
  if (field !== '' || fields.length > 0) {
    fields.push(field.replace(/\r$/, ''));
    records.push({ fields, line: recordLine });
  }
  return records;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}
