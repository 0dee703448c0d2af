import type { Font } from 'opentype.js';
import { textWidth } from './glyphs.js';
import { type GraphToolState, neighbourhood, visibleNeighbors } from './state.js';

/** Options of {@link layoutSubgraph}. */
export interface SubgraphLayoutOptions {
  /** Width of the drawing and height of its plot, in pixels (default 640). */
  readonly size?: number;
  /** Most 1-hop nodes drawn, the first in graph order (default 24 for 1 hop, 16 for 2 hops). */
  readonly maxFirstHop?: number;
  /** Most 2-hop nodes drawn, the first in graph order among those reached through a drawn 1-hop node (default 32). */
  readonly maxSecondHop?: number;
}

/** An axis-aligned box in pixels. */
export interface Box {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

/** A node as drawn: a circle. */
export interface PlacedNode {
  readonly index: number;
  /** 0 for the centre, then 1 or 2. */
  readonly hop: 0 | 1 | 2;
  readonly x: number;
  readonly y: number;
  readonly radius: number;
}

/** A text as drawn: its value, baseline origin, size and box. */
export interface PlacedText {
  readonly text: string;
  /** The node it names; absent for the caption. */
  readonly index?: number;
  readonly x: number;
  /** Baseline. */
  readonly y: number;
  readonly size: number;
  readonly box: Box;
}

/** Where everything of a neighbourhood drawing goes. */
export interface SubgraphLayout {
  readonly width: number;
  /** Height of caption and plot; the legend goes below. */
  readonly height: number;
  /** The square the nodes and their labels stay in. */
  readonly plot: Box;
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly { readonly from: PlacedNode; readonly to: PlacedNode }[];
  readonly labels: readonly PlacedText[];
  /** Caption lines above the plot: what is drawn, and what is left out. */
  readonly caption: readonly PlacedText[];
  /** Nodes within reach, the centre excluded. */
  readonly total: number;
}

/** Label and caption sizes in pixels. */
export const LABEL_SIZE = 11;
const CAPTION_SIZE = 12;
const CAPTION_LINE = 16;
const CENTRE_RADIUS = 13;
const NODE_RADIUS = 9;

/**
 * Lays out a node's neighbourhood radially by hop: the centre in the middle, 1-hop nodes evenly on
 * an inner ring (graph order, clockwise from the top), 2-hop nodes on an outer ring in the sector of
 * the neighbour they are reached through. Lines join the centre to its neighbours; with 1 hop, links
 * between neighbours are drawn too; with 2 hops only the links from ring 1 to ring 2 are (links
 * within a ring would cross the whole picture). Each id is placed outside its node, pushed outwards
 * and turned around the node until its box touches no node and no other label. When the
 * neighbourhood is larger than the caps, the caption says how many nodes are drawn.
 */
export function layoutSubgraph(
  state: GraphToolState,
  center: number,
  hops: 1 | 2,
  font: Font,
  options: SubgraphLayoutOptions = {},
): SubgraphLayout {
  const size = options.size ?? 640;
  const reached = neighbourhood(state, center, hops);
  const allFirst = reached.filter((entry) => entry.hop === 1);
  const first = allFirst.slice(0, options.maxFirstHop ?? (hops === 2 ? 16 : 24));
  const firstOrder = new Map(first.map((entry, order) => [entry.index, order]));
  const allSecond = reached.filter((entry) => entry.hop === 2);
  const second = allSecond.filter((entry) => entry.via !== undefined && firstOrder.has(entry.via)).slice(0, options.maxSecondHop ?? 32);

  const caption = captionLines(state, center, hops, {
    first: first.length,
    allFirst: allFirst.length,
    second: second.length,
    allSecond: allSecond.length,
  });
  const top = 6 + caption.length * CAPTION_LINE;
  const plot: Box = { x1: 0, y1: top, x2: size, y2: top + size };
  const middle = { x: size / 2, y: top + size / 2 };
  const innerRadius = hops === 1 ? size * 0.34 : size * 0.2;
  const outerRadius = size * 0.37;

  const centreNode: PlacedNode = { index: center, hop: 0, x: middle.x, y: middle.y, radius: CENTRE_RADIUS };
  const nodes: PlacedNode[] = [centreNode];
  const angles = new Map<number, number>([[center, Math.PI / 4]]);
  first.forEach((entry, order) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * order) / Math.max(1, first.length);
    angles.set(entry.index, angle);
    nodes.push(polar(entry.index, 1, middle, innerRadius, angle));
  });
  const outer = second.slice().sort((a, b) => (firstOrder.get(a.via ?? -1) ?? 0) - (firstOrder.get(b.via ?? -1) ?? 0) || a.index - b.index);
  const start = first.length > 0 ? -Math.PI / 2 - Math.PI / Math.max(1, first.length) : -Math.PI / 2;
  outer.forEach((entry, order) => {
    const angle = start + (2 * Math.PI * (order + 0.5)) / Math.max(1, outer.length);
    angles.set(entry.index, angle);
    nodes.push(polar(entry.index, 2, middle, outerRadius, angle));
  });

  const byIndex = new Map(nodes.map((node) => [node.index, node]));
  const edges: { from: PlacedNode; to: PlacedNode }[] = [];
  for (const node of nodes) {
    for (const other of visibleNeighbors(state, node.index)) {
      const target = byIndex.get(other);
      if (target === undefined || other < node.index) continue;
      const hopsApart = Math.abs(node.hop - target.hop);
      const kept = hops === 1 ? true : hopsApart === 1;
      if (kept) edges.push(node.hop <= target.hop ? { from: node, to: target } : { from: target, to: node });
    }
  }

  const obstacles: Box[] = nodes.map((node) => circleBox(node, 2));
  const labels: PlacedText[] = [];
  for (const node of nodes) {
    const text = shorten(state.graph.node(node.index).id);
    const label = placeLabel(font, text, node, angles.get(node.index) ?? 0, plot, obstacles);
    labels.push(label);
    obstacles.push(pad(label.box, 1));
  }
  return { width: size, height: top + size, plot, nodes, edges, labels, caption: placeCaption(font, caption, size), total: reached.length };
}

function captionLines(
  state: GraphToolState,
  center: number,
  hops: 1 | 2,
  counts: { first: number; allFirst: number; second: number; allSecond: number },
): string[] {
  const id = state.graph.node(center).id;
  const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
  const reach =
    hops === 1
      ? `${id}: ${plural(counts.allFirst, 'neighbour')}.`
      : `${id}: ${plural(counts.allFirst, 'neighbour')}, ${plural(counts.allSecond, 'node')} 2 hops away.`;
  const cut = counts.first < counts.allFirst || counts.second < counts.allSecond;
  const lines = [reach];
  if (cut) {
    lines.push(
      hops === 1
        ? `Drawn: the first ${counts.first} of ${counts.allFirst} (graph order); neighbors lists all.`
        : `Drawn: ${counts.first} of ${counts.allFirst} neighbours, ${counts.second} of ${counts.allSecond} 2-hop nodes (graph order).`,
    );
  }
  if (hops === 2) lines.push('Lines: centre to ring 1, ring 1 to ring 2; links within a ring are not drawn.');
  return lines;
}

function placeCaption(font: Font, lines: readonly string[], size: number): PlacedText[] {
  return lines.map((text, line) => {
    let fontSize = CAPTION_SIZE;
    while (fontSize > 8 && textWidth(font, text, fontSize) > size - 16) fontSize -= 0.5;
    const width = textWidth(font, text, fontSize);
    const y = 4 + (line + 1) * CAPTION_LINE - 4;
    return { text, x: 8, y, size: fontSize, box: textBox(8, y, width, fontSize) };
  });
}

/** Turns around the node, from straight outwards to the far side, then further out. */
const TURNS = [0, 0.45, -0.45, 0.9, -0.9, 1.35, -1.35, 1.8, -1.8, 2.4, -2.4, Math.PI];
const GAPS = [3, 9, 16, 24];

function placeLabel(font: Font, text: string, node: PlacedNode, angle: number, plot: Box, obstacles: readonly Box[]): PlacedText {
  const width = textWidth(font, text, LABEL_SIZE);
  const height = LABEL_SIZE * 1.17;
  let fallback: PlacedText | undefined;
  let fewest = Number.POSITIVE_INFINITY;
  for (const gap of GAPS) {
    for (const turn of TURNS) {
      const ux = Math.cos(angle + turn);
      const uy = Math.sin(angle + turn);
      const reach = node.radius + gap + Math.abs(ux) * (width / 2) + Math.abs(uy) * (height / 2);
      const cx = node.x + ux * reach;
      const cy = node.y + uy * reach;
      const x = cx - width / 2;
      const baseline = cy + height / 2 - LABEL_SIZE * 0.24;
      const label: PlacedText = { text, index: node.index, x, y: baseline, size: LABEL_SIZE, box: textBox(x, baseline, width, LABEL_SIZE) };
      const inside =
        label.box.x1 >= plot.x1 + 2 && label.box.x2 <= plot.x2 - 2 && label.box.y1 >= plot.y1 + 2 && label.box.y2 <= plot.y2 - 2;
      const hits = obstacles.filter((box) => overlaps(box, label.box)).length + (inside ? 0 : 100);
      if (hits === 0) return label;
      if (hits < fewest) {
        fewest = hits;
        fallback = label;
      }
    }
  }
  return fallback as PlacedText;
}

/** The box of a text of `width` at `size` whose baseline starts at (x, y) (DejaVu's ascender and descender). */
function textBox(x: number, y: number, width: number, size: number): Box {
  return { x1: x, y1: y - size * 0.93, x2: x + width, y2: y + size * 0.24 };
}

/** The box of a node's circle, outline included, grown by `margin`. */
export function circleBox(node: PlacedNode, margin = 0): Box {
  const reach = node.radius + (node.hop === 0 ? 1.5 : 0.6) + margin;
  return { x1: node.x - reach, y1: node.y - reach, x2: node.x + reach, y2: node.y + reach };
}

/** Whether two boxes share any area. */
export function overlaps(a: Box, b: Box): boolean {
  return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
}

function pad(box: Box, margin: number): Box {
  return { x1: box.x1 - margin, y1: box.y1 - margin, x2: box.x2 + margin, y2: box.y2 + margin };
}

function polar(index: number, hop: 1 | 2, middle: { x: number; y: number }, radius: number, angle: number): PlacedNode {
  return { index, hop, x: middle.x + radius * Math.cos(angle), y: middle.y + radius * Math.sin(angle), radius: NODE_RADIUS };
}

/** An id cut to `length` characters with an ellipsis. */
export function shorten(value: string, length = 14): string {
  return value.length > length ? `${value.slice(0, length - 1)}…` : value;
}
