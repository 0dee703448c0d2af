import { FormatError, GymError } from '../../core/errors.js';
import type { AttributeValue, GraphNode } from '../../tools/graph/text-graph.js';
import { TextGraph } from '../../tools/graph/text-graph.js';

/** A node as a file declares it: an id and every attribute, none yet chosen as class or text. */
export interface RawNode {
  readonly id: string;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** 1-based line where the node is declared, when the format has lines. */
  readonly line?: number;
}

/** An edge as a file declares it, by node ids. */
export interface RawEdge {
  readonly source: string;
  readonly target: string;
  readonly line?: number;
}

/** A graph as read from a file, before the class and text attributes are chosen. */
export interface RawGraph {
  readonly file: string;
  readonly directed: boolean;
  readonly nodes: readonly RawNode[];
  readonly edges: readonly RawEdge[];
  /** Whether edges may name nodes the file does not declare (edge lists), which are then added. */
  readonly implicitNodes: boolean;
}

/** Which attributes hold the class and the text. */
export interface AttributeChoice {
  /** Attribute holding the class; `auto` picks a common one, `none` loads no classes. */
  readonly classAttribute?: string;
  /** Attribute holding the text; `auto` picks a common one, `none` leaves texts empty. */
  readonly textAttribute?: string;
  /** Graph name for prompts; the file name by default. */
  readonly name?: string;
}

/** Class attributes `auto` looks for, in order. */
export const CLASS_CANDIDATES = ['class', 'value', 'category', 'community', 'group', 'club', 'label', 'y', 'target'] as const;
/** Text attributes `auto` looks for, in order. */
export const TEXT_CANDIDATES = ['text', 'title', 'abstract', 'description', 'content', 'name', 'label'] as const;

/**
 * Turns a raw graph into a {@link TextGraph}: picks the class and text attributes, checks that
 * every edge names a declared node (or adds it, for edge lists) and drops the chosen attributes
 * from the ones shown as they are. Throws {@link FormatError} (file, line) for a dangling edge.
 */
export function toTextGraph(raw: RawGraph, choice: AttributeChoice = {}): TextGraph {
  const nodes = raw.nodes.slice();
  const indexOf = new Map<string, number>();
  nodes.forEach((node, index) => {
    if (indexOf.has(node.id)) {
      throw new FormatError(
        `${raw.file}${at(node.line)}: node id "${node.id}" is declared twice; node ids must be unique.`,
        location(raw.file, node.line),
      );
    }
    indexOf.set(node.id, index);
  });
  const edges: [number, number][] = [];
  const endpoint = (id: string, edge: RawEdge): number => {
    const known = indexOf.get(id);
    if (known !== undefined) return known;
    if (!raw.implicitNodes) {
      throw new FormatError(
        `${raw.file}${at(edge.line)}: edge ${edge.source} -> ${edge.target} names node "${id}", which is not declared.`,
        location(raw.file, edge.line),
      );
    }
    nodes.push({ id, attributes: {} });
    indexOf.set(id, nodes.length - 1);
    return nodes.length - 1;
  };
  for (const edge of raw.edges) edges.push([endpoint(edge.source, edge), endpoint(edge.target, edge)]);
  const classAttribute = chooseAttribute(nodes, choice.classAttribute ?? 'auto', CLASS_CANDIDATES, undefined, raw.file, 'class');
  const textAttribute = chooseAttribute(nodes, choice.textAttribute ?? 'auto', TEXT_CANDIDATES, classAttribute, raw.file, 'text');
  const graphNodes: GraphNode[] = nodes.map((node) => {
    const attributes: Record<string, AttributeValue> = {};
    for (const [key, value] of Object.entries(node.attributes))
      if (key !== classAttribute && key !== textAttribute) attributes[key] = value;
    const label = classAttribute === undefined ? undefined : node.attributes[classAttribute];
    const nodeText = textAttribute === undefined ? undefined : node.attributes[textAttribute];
    return {
      id: node.id,
      text: nodeText === undefined ? '' : String(nodeText),
      label: label === undefined || label === '' ? undefined : String(label),
      attributes,
    };
  });
  return new TextGraph({ name: choice.name ?? baseName(raw.file), directed: raw.directed, nodes: graphNodes, edges });
}

function chooseAttribute(
  nodes: readonly RawNode[],
  requested: string,
  candidates: readonly string[],
  exclude: string | undefined,
  file: string,
  role: 'class' | 'text',
): string | undefined {
  if (requested === 'none') return undefined;
  const present = new Set<string>();
  for (const node of nodes) for (const key of Object.keys(node.attributes)) present.add(key);
  if (requested !== 'auto') {
    if (present.has(requested)) return requested;
    const listed = [...present].sort().join(', ') || '(none)';
    throw new GymError(
      'unknown-attribute',
      `${file}: no node has the attribute "${requested}" chosen as ${role}Attribute. Attributes in this file: ${listed}.`,
    );
  }
  const valuesOf = (name: string): AttributeValue[] =>
    nodes.map((node) => node.attributes[name]).filter((value): value is AttributeValue => value !== undefined && value !== '');
  const usable = candidates.filter((candidate) => candidate !== exclude && present.has(candidate));
  if (role === 'text') {
    // The first candidate most nodes have; failing that, the one the most nodes have.
    const covered = usable.find((candidate) => valuesOf(candidate).length * 2 >= nodes.length);
    if (covered !== undefined) return covered;
    return usable.reduce<string | undefined>(
      (best, candidate) => (best === undefined || valuesOf(candidate).length > valuesOf(best).length ? candidate : best),
      undefined,
    );
  }
  // A class repeats: at most half as many distinct values as labelled nodes (a name column does not qualify).
  return usable.find((candidate) => {
    const values = valuesOf(candidate);
    const distinct = new Set(values.map(String)).size;
    return distinct >= 1 && distinct <= Math.max(2, Math.floor(values.length / 2));
  });
}

/** ` line N` for messages, or nothing. */
export function at(line: number | undefined): string {
  return line === undefined ? '' : ` line ${line}`;
}

/** A FormatError location object without undefined fields. */
export function location(file: string, line: number | undefined): { file: string; line?: number } {
  return line === undefined ? { file } : { file, line };
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}
