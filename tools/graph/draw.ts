import type { Font } from 'opentype.js';
import { dejaVuSans, textPath, textWidth } from './glyphs.js';
import { layoutSubgraph, type SubgraphLayout, type SubgraphLayoutOptions, shorten } from './layout-subgraph.js';
import type { GraphToolState } from './state.js';

/** Options of {@link drawSubgraph}: the layout's size and caps. */
export type DrawOptions = SubgraphLayoutOptions;

/** A drawn neighbourhood. */
export interface SubgraphDrawing {
  readonly png: Buffer;
  /** Nodes drawn, the centre included. */
  readonly drawn: number;
  /** Nodes within reach, the centre excluded. */
  readonly total: number;
  /** Edges drawn. */
  readonly edges: number;
  /** Where the nodes, labels and caption went (for checks). */
  readonly layout: SubgraphLayout;
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
/** Most classes the legend names (colours repeat beyond twelve anyway). */
const LEGEND_CLASSES = 12;

/**
 * Draws a node's 1- or 2-hop neighbourhood as a PNG from {@link layoutSubgraph}: a caption on
 * top (counts, what was cut, which links are drawn), lines, nodes coloured by visible class (legend
 * below), and each id on a white halo beside its node, clear of every node and other id. Text is
 * glyph paths from DejaVu Sans. The layout depends only on the graph and the visible set, so the
 * same task gives the same bytes.
 */
export async function drawSubgraph(
  state: GraphToolState,
  center: number,
  hops: 1 | 2,
  options: DrawOptions = {},
): Promise<SubgraphDrawing> {
  const font = await dejaVuSans();
  const layout = layoutSubgraph(state, center, hops, font, options);
  const size = layout.width;
  const parts: string[] = [];
  for (const { from, to } of layout.edges) {
    const spoke = from.hop === 0;
    parts.push(
      `<line x1="${fixed(from.x)}" y1="${fixed(from.y)}" x2="${fixed(to.x)}" y2="${fixed(to.y)}" stroke="${spoke ? '#7a7a7a' : '#b4b4b4'}" stroke-width="${spoke ? 1.6 : 1}"/>`,
    );
  }
  const classes = state.graph.classes;
  const colourOf = (index: number): string => {
    const label = state.graph.node(index).label;
    if (!state.visibleLabels.has(index) || label === undefined) return HIDDEN_FILL;
    return PALETTE[classes.indexOf(label) % PALETTE.length] ?? HIDDEN_FILL;
  };
  for (const node of layout.nodes) {
    const isCenter = node.hop === 0;
    parts.push(
      `<circle cx="${fixed(node.x)}" cy="${fixed(node.y)}" r="${node.radius}" fill="${colourOf(node.index)}" stroke="${isCenter ? '#000000' : '#444444'}" stroke-width="${isCenter ? 3 : 1.2}"/>`,
    );
  }
  for (const label of layout.labels) {
    const { x1, y1, x2, y2 } = label.box;
    parts.push(
      `<rect x="${fixed(x1 - 1)}" y="${fixed(y1)}" width="${fixed(x2 - x1 + 2)}" height="${fixed(y2 - y1)}" rx="2" fill="#ffffff" fill-opacity="0.85"/>`,
      `<path d="${textPath(font, label.text, label.x, label.y, label.size)}" fill="#000000"/>`,
    );
  }
  for (const line of layout.caption) parts.push(`<path d="${textPath(font, line.text, line.x, line.y, line.size)}" fill="#222222"/>`);
  const legend = drawLegend(font, classes, size, layout.height);
  const height = layout.height + legend.height;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${height}" viewBox="0 0 ${size} ${height}">`,
    `<rect width="${size}" height="${height}" fill="#ffffff"/>`,
    ...parts,
    legend.svg,
    '</svg>',
  ].join('');
  const sharp = (await import('sharp')).default;
  const png = await sharp(Buffer.from(svg)).png({ compressionLevel: 6, palette: false }).toBuffer();
  return { png, drawn: layout.nodes.length, total: layout.total, edges: layout.edges.length, layout };
}

function drawLegend(font: Font, classes: readonly string[], size: number, top: number): { svg: string; height: number } {
  // At most LEGEND_CLASSES classes are named, so the drawing's height stays bounded for graphs with many classes.
  const named = classes.slice(0, LEGEND_CLASSES);
  const entries = [
    ...named.map((name, order) => ({ name, fill: PALETTE[order % PALETTE.length] ?? HIDDEN_FILL })),
    ...(classes.length > named.length ? [{ name: `+${classes.length - named.length} more classes`, fill: '#dddddd' }] : []),
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
    const y = top + 8 + row * rowHeight;
    parts.push(`<rect x="${fixed(x)}" y="${fixed(y)}" width="12" height="12" fill="${entry.fill}" stroke="#444444" stroke-width="1"/>`);
    parts.push(`<path d="${textPath(font, name, x + 18, y + 11, 12)}" fill="#000000"/>`);
    x += width;
  }
  return { svg: parts.join(''), height: 16 + (row + 1) * rowHeight };
}

function fixed(value: number): string {
  return String(Math.round(value * 100) / 100);
}
