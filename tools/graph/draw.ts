import type { Font } from 'opentype.js';
import { dejaVuSans, textPath, textWidth } from './glyphs.js';
import { type GraphToolState, neighbourhood, visibleNeighbors } from './state.js';

/** Options of {@link drawSubgraph}. */
export interface DrawOptions {
  /** Image width and plot height, in pixels. */
  readonly size?: number;
  /** Most 1-hop nodes drawn (the first in graph order). */
  readonly maxFirstHop?: number;
  /** Most 2-hop nodes drawn. */
  readonly maxSecondHop?: number;
}

/** A drawn neighbourhood. */
export interface SubgraphDrawing {
  readonly png: Buffer;
  /** Nodes drawn, the centre included. */
  readonly drawn: number;
  /** Nodes within reach, the centre excluded. */
  readonly total: number;
  /** Edges drawn. */
  readonly edges: number;
}

/** Class colours, in the order of the graph's sorted class list (cycled beyond twelve). */
const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#bcbd22',
  '#7f7f7f',
  '#393b79',
  '#637939',
];
const HIDDEN_FILL = '#ffffff';
const LABEL_SIZE = 11;

interface Placed {
  readonly index: number;
  readonly x: number;
  readonly y: number;
  /** Unit direction from the centre, for placing the label outside the node. */
  readonly dx: number;
  readonly dy: number;
}

/**
 * Draws a node's 1- or 2-hop neighbourhood as a PNG: the centre in the middle, 1-hop nodes on an
 * inner circle in graph order starting at the top and going clockwise, 2-hop nodes on an outer
 * circle next to the neighbour they are reached through. Visible classes colour the nodes (legend
 * below); ids are drawn as glyph paths from DejaVu Sans. The layout depends only on the graph and
 * the visible set, so the same task gives the same bytes.
 */
export async function drawSubgraph(
  state: GraphToolState,
  center: number,
  hops: 1 | 2,
  options: DrawOptions = {},
): Promise<SubgraphDrawing> {
  const size = options.size ?? 640;
  const reached = neighbourhood(state, center, hops);
  const first = reached.filter((entry) => entry.hop === 1).slice(0, options.maxFirstHop ?? 24);
  const firstSet = new Set(first.map((entry) => entry.index));
  const second = reached
    .filter((entry) => entry.hop === 2 && entry.via !== undefined && firstSet.has(entry.via))
    .slice(0, options.maxSecondHop ?? 48);
  const middle = size / 2;
  const innerRadius = hops === 1 ? size * 0.36 : size * 0.22;
  const outerRadius = size * 0.42;
  const placed = new Map<number, Placed>([[center, { index: center, x: middle, y: middle, dx: Math.SQRT1_2, dy: Math.SQRT1_2 }]]);
  const angleOf = new Map<number, number>();
  first.forEach((entry, order) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * order) / Math.max(1, first.length);
    angleOf.set(entry.index, angle);
    placed.set(entry.index, polar(entry.index, middle, innerRadius, angle));
  });
  const firstOrder = new Map(first.map((entry, order) => [entry.index, order]));
  const outer = second.slice().sort((a, b) => (firstOrder.get(a.via ?? -1) ?? 0) - (firstOrder.get(b.via ?? -1) ?? 0) || a.index - b.index);
  const start = first.length > 0 ? -Math.PI / 2 - Math.PI / Math.max(1, first.length) : -Math.PI / 2;
  outer.forEach((entry, order) => {
    const angle = start + (2 * Math.PI * (order + 0.5)) / Math.max(1, outer.length);
    placed.set(entry.index, polar(entry.index, middle, outerRadius, angle));
  });

  const font = await dejaVuSans();
  const parts: string[] = [];
  let edges = 0;
  for (const node of placed.values()) {
    for (const other of visibleNeighbors(state, node.index)) {
      const target = placed.get(other);
      if (target === undefined || other < node.index) continue;
      edges += 1;
      parts.push(
        `<line x1="${fixed(node.x)}" y1="${fixed(node.y)}" x2="${fixed(target.x)}" y2="${fixed(target.y)}" stroke="#9a9a9a" stroke-width="1.2"/>`,
      );
    }
  }
  const classes = state.graph.classes;
  const colourOf = (index: number): string => {
    const label = state.graph.node(index).label;
    if (!state.visibleLabels.has(index) || label === undefined) return HIDDEN_FILL;
    return PALETTE[classes.indexOf(label) % PALETTE.length] ?? HIDDEN_FILL;
  };
  for (const node of placed.values()) {
    const isCenter = node.index === center;
    const radius = isCenter ? 13 : 9;
    parts.push(
      `<circle cx="${fixed(node.x)}" cy="${fixed(node.y)}" r="${radius}" fill="${colourOf(node.index)}" stroke="${isCenter ? '#000000' : '#444444'}" stroke-width="${isCenter ? 3 : 1.2}"/>`,
    );
    const label = shorten(state.graph.node(node.index).id);
    const width = textWidth(font, label, LABEL_SIZE);
    const distance = radius + 10;
    const lx = node.x + node.dx * distance - (isCenter ? 0 : width / 2);
    const ly = node.y + node.dy * distance + LABEL_SIZE * 0.35;
    parts.push(`<path d="${textPath(font, label, lx, ly, LABEL_SIZE)}" fill="#000000"/>`);
  }
  const legend = drawLegend(font, classes, size);
  const height = size + legend.height;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${height}" viewBox="0 0 ${size} ${height}">`,
    `<rect width="${size}" height="${height}" fill="#ffffff"/>`,
    ...parts,
    legend.svg,
    '</svg>',
  ].join('');
  const sharp = (await import('sharp')).default;
  const png = await sharp(Buffer.from(svg)).png({ compressionLevel: 6, palette: false }).toBuffer();
  return { png, drawn: placed.size, total: reached.length, edges };
}

function drawLegend(font: Font, classes: readonly string[], size: number): { svg: string; height: number } {
  const entries = [
    ...classes.map((name, order) => ({ name, fill: PALETTE[order % PALETTE.length] ?? HIDDEN_FILL })),
    { name: 'not visible', fill: HIDDEN_FILL },
  ];
  const rowHeight = 22;
  const parts: string[] = [];
  let x = 12;
  let row = 0;
  for (const entry of entries) {
    const name = shorten(entry.name, 24);
    const width = 18 + textWidth(font, name, 12) + 16;
    if (x + width > size - 8 && x > 12) {
      row += 1;
      x = 12;
    }
    const y = size + 8 + row * rowHeight;
    parts.push(`<rect x="${fixed(x)}" y="${fixed(y)}" width="12" height="12" fill="${entry.fill}" stroke="#444444" stroke-width="1"/>`);
    parts.push(`<path d="${textPath(font, name, x + 18, y + 11, 12)}" fill="#000000"/>`);
    x += width;
  }
  return { svg: parts.join(''), height: 16 + (row + 1) * rowHeight };
}

function polar(index: number, middle: number, radius: number, angle: number): Placed {
  const dx = Math.cos(angle);
  const dy = Math.sin(angle);
  return { index, x: middle + radius * dx, y: middle + radius * dy, dx, dy };
}

function shorten(value: string, length = 14): string {
  return value.length > length ? `${value.slice(0, length - 1)}…` : value;
}

function fixed(value: number): string {
  return String(Math.round(value * 100) / 100);
}
