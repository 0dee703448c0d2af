import { encodePngPixels } from '../../core/png-encode.js';
import type { RawImage } from '../../tools/image/pixels.js';
import { rasterizeSvg } from '../../tools/image/rasterize-svg.js';
import type { PixelBox } from '../../tools/image/scene.js';
import { type FontName, fixed, measureText, type TextOptions, textToPath } from '../../tools/image/text.js';
import { formatNumber } from './format.js';
import { type Chart, type ChartData, type ChartStyle, formatValue } from './generate.js';
import type { ChartElement, ChartScene, ValueAxis } from './scene.js';

/** A rendered chart: PNG bytes, their pixels, the SVG they were rasterised from, and the scene graph. */
export interface RenderedChart {
  readonly png: Buffer;
  readonly raw: RawImage;
  readonly svg: string;
  readonly scene: ChartScene;
}

/**
 * Draws a chart: lays it out as SVG (all text as glyph paths from the bundled DejaVu fonts) while
 * recording the pixel box of every mark and label, then rasterises the SVG in TypeScript
 * (`rasterize-svg.ts`) and encodes an RGB PNG (`core/png-encode.ts`). No native library takes
 * part, so the same chart gives the same bytes on every machine, and a long run holds no native
 * heap. The pixels are drawn into `target` when it is large enough (see `rasterizeSvg`).
 */
export function renderChart(chart: Chart, target?: Buffer): RenderedChart {
  const { svg, scene } = layoutChart(chart);
  const raw = rasterizeSvg(svg, target);
  const png = encodePngPixels(raw.width, raw.height, { kind: 'rgb' }, raw.data, 'dynamic');
  return { png, raw, svg, scene };
}

/** Lays a chart out: its SVG document and scene graph (pure and synchronous). */
export function layoutChart(chart: Chart): { svg: string; scene: ChartScene } {
  const canvas = new Canvas(chart.style);
  const top = drawTitle(canvas, chart);
  const layout = chart.data.type === 'pie' ? layoutPie(canvas, chart, top) : layoutCartesian(canvas, chart, top);
  const { width, height } = chart.style;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${canvas.parts.join('')}</svg>`;
  return {
    svg,
    scene: {
      width,
      height,
      chartType: chart.data.type,
      plot: layout.plot,
      ...(layout.valueAxis === undefined ? {} : { valueAxis: layout.valueAxis }),
      elements: canvas.elements,
    },
  };
}

/** SVG parts and scene elements being built. */
class Canvas {
  readonly parts: string[] = [];
  readonly elements: ChartElement[] = [];
  readonly style: ChartStyle;

  constructor(style: ChartStyle) {
    this.style = style;
    this.parts.push(`<rect x="0" y="0" width="${style.width}" height="${style.height}" fill="${style.background}"/>`);
  }

  rect(box: PixelBox, fill: string, stroke?: string): void {
    const outline = stroke === undefined ? '' : ` stroke="${stroke}" stroke-width="1"`;
    this.parts.push(
      `<rect x="${fixed(box.x1)}" y="${fixed(box.y1)}" width="${fixed(box.x2 - box.x1)}" height="${fixed(box.y2 - box.y1)}" fill="${fill}"${outline}/>`,
    );
  }

  line(x1: number, y1: number, x2: number, y2: number, stroke: string, width = 1): void {
    this.parts.push(
      `<line x1="${fixed(x1)}" y1="${fixed(y1)}" x2="${fixed(x2)}" y2="${fixed(y2)}" stroke="${stroke}" stroke-width="${fixed(width)}"/>`,
    );
  }

  polyline(points: readonly { x: number; y: number }[], stroke: string, width: number): void {
    const list = points.map((point) => `${fixed(point.x)},${fixed(point.y)}`).join(' ');
    this.parts.push(
      `<polyline points="${list}" fill="none" stroke="${stroke}" stroke-width="${fixed(width)}" stroke-linejoin="round" stroke-linecap="round"/>`,
    );
  }

  circle(x: number, y: number, radius: number, fill: string, stroke?: string): void {
    const outline = stroke === undefined ? '' : ` stroke="${stroke}" stroke-width="1.5"`;
    this.parts.push(`<circle cx="${fixed(x)}" cy="${fixed(y)}" r="${fixed(radius)}" fill="${fill}"${outline}/>`);
  }

  path(d: string, fill: string, stroke?: string): void {
    const outline = stroke === undefined ? '' : ` stroke="${stroke}" stroke-width="1" stroke-linejoin="round"`;
    this.parts.push(`<path d="${d}" fill="${fill}"${outline}/>`);
  }

  text(value: string, options: TextOptions, fill = this.style.textColor): PixelBox {
    const placed = textToPath(value, options);
    if (placed.d !== '') this.parts.push(`<path d="${placed.d}" fill="${fill}"/>`);
    if ((options.rotate ?? 0) % 90 !== 0) this.slanted.set(placed.box, placed.corners);
    return placed.box;
  }

  /** Adds a scene element; a slanted text's element also gets its rotated rectangle. */
  add(element: ChartElement): void {
    const rectangle = this.slanted.get(element.box);
    this.elements.push(rectangle === undefined ? element : { ...element, rectangle });
  }

  /** Rotated rectangles of slanted texts, by the box `text` returned. */
  private readonly slanted = new Map<PixelBox, readonly (readonly [number, number])[]>();
}

interface Layout {
  readonly plot: PixelBox;
  readonly valueAxis?: ValueAxis;
}

function lineHeight(font: FontName, size: number): number {
  const metrics = measureText('0', font, size);
  return metrics.ascent + metrics.descent;
}

function padding(style: ChartStyle): number {
  return Math.round(style.fontSize * 0.9);
}

/** Largest size ≤ `size` (down to `min`) at which `text` fits in `width`. */
function fitSize(text: string, font: FontName, size: number, width: number, min: number): number {
  let current = size;
  while (current > min && measureText(text, font, current).width > width) current -= 0.5;
  return current;
}

function drawTitle(canvas: Canvas, chart: Chart): number {
  const { style, data } = chart;
  const pad = padding(style);
  const size = fitSize(data.title, style.titleFont, Math.round(style.fontSize * 1.35), style.width - 2 * pad, 9);
  const x = style.titleAlign === 'center' ? style.width / 2 : pad;
  const box = canvas.text(data.title, {
    font: style.titleFont,
    size,
    x,
    y: pad,
    anchor: style.titleAlign === 'center' ? 'middle' : 'start',
    baseline: 'top',
  });
  canvas.add({ id: 'title', kind: 'title', name: data.title, box });
  return box.y2 + Math.round(style.fontSize * 0.7);
}

interface LegendItem {
  readonly name: string;
  readonly color: string;
  /** Offsets from the legend's origin. */
  readonly x: number;
  readonly y: number;
  readonly textWidth: number;
}

interface LegendLayout {
  readonly width: number;
  readonly height: number;
  readonly items: readonly LegendItem[];
  readonly size: number;
}

function layoutLegend(
  style: ChartStyle,
  names: readonly string[],
  colors: readonly string[],
  maxWidth: number,
  column: boolean,
  lineSwatch: boolean,
): LegendLayout {
  const size = Math.max(9, Math.round(style.fontSize * 0.95));
  const swatch = lineSwatch ? size * 1.8 : size * 0.85;
  const gap = size * 0.45;
  const spacing = size * 1.2;
  const rowHeight = lineHeight(style.font, size) * 1.15;
  const items: LegendItem[] = [];
  let x = 0;
  let y = 0;
  let width = 0;
  names.forEach((name, index) => {
    const textWidth = measureText(name, style.font, size).width;
    const itemWidth = swatch + gap + textWidth;
    if (column) {
      if (index > 0) y += rowHeight;
      x = 0;
    } else if (x > 0 && x + itemWidth > maxWidth) {
      x = 0;
      y += rowHeight;
    }
    items.push({ name, color: colors[index] ?? '#000000', x, y, textWidth });
    width = Math.max(width, x + itemWidth);
    x += itemWidth + spacing;
  });
  return { width, height: y + rowHeight, items, size };
}

function drawLegend(
  canvas: Canvas,
  legend: LegendLayout,
  originX: number,
  originY: number,
  lineSwatch: boolean,
  markerRadius: number,
  categories = false,
): void {
  const style = canvas.style;
  const size = legend.size;
  const swatch = lineSwatch ? size * 1.8 : size * 0.85;
  const rowHeight = lineHeight(style.font, size) * 1.15;
  legend.items.forEach((item, index) => {
    const x = originX + item.x;
    const centre = originY + item.y + rowHeight / 2;
    if (lineSwatch) {
      canvas.line(x, centre, x + swatch, centre, item.color, style.lineWidth);
      if (style.markers) canvas.circle(x + swatch / 2, centre, markerRadius, item.color);
    } else {
      canvas.rect({ x1: x, y1: centre - swatch / 2, x2: x + swatch, y2: centre + swatch / 2 }, item.color);
    }
    const textBox = canvas.text(item.name, { font: style.font, size, x: x + swatch + size * 0.45, y: centre, baseline: 'middle' });
    // A line swatch is `swatch` long but only as tall as its marker (or its stroke).
    const half = lineSwatch ? Math.max(style.markers ? markerRadius : 0, style.lineWidth / 2) : swatch / 2;
    canvas.add({
      id: `legend:${index}`,
      kind: 'legend-entry',
      name: item.name,
      ...(categories ? { category: item.name, categoryIndex: index } : { series: item.name, seriesIndex: index }),
      box: { x1: x, y1: Math.min(textBox.y1, centre - half), x2: textBox.x2, y2: Math.max(textBox.y2, centre + half) },
    });
  });
}

function seriesColors(chart: Chart): string[] {
  const { palette } = chart.style;
  const count = chart.data.type === 'pie' ? chart.data.categories.length : chart.data.series.length;
  return Array.from({ length: count }, (_, index) => palette[index % palette.length] as string);
}

function luminance(hex: string): number {
  const value = Number.parseInt(hex.slice(1), 16);
  const channel = (shift: number): number => ((value >> shift) & 0xff) / 255;
  return 0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0);
}

function contrastText(fill: string): string {
  return luminance(fill) > 0.55 ? '#1a1a1a' : '#ffffff';
}

function tickValues(data: ChartData): number[] {
  const scale = data.scale;
  if (scale === undefined) return [];
  const count = Math.round(scale.max / scale.step);
  return Array.from({ length: count + 1 }, (_, index) => Number((index * scale.step).toFixed(6)));
}

function tickText(data: ChartData, style: ChartStyle, value: number): string {
  const decimals = data.scale?.tickDecimals ?? 0;
  return `${data.measure.prefix}${formatNumber(value, decimals, style.thousands)}${data.measure.suffix}`;
}

// ---------------------------------------------------------------------------------------------
// Cartesian charts: bars (vertical, horizontal, grouped, stacked) and lines.

interface Mark {
  readonly series: number;
  readonly category: number;
  readonly value: number;
  readonly base: number;
}

function layoutCartesian(canvas: Canvas, chart: Chart, titleBottom: number): Layout {
  const { data, style } = chart;
  const scale = data.scale;
  if (scale === undefined) throw new Error('cartesian charts need a value scale');
  const { width: W, height: H, font } = style;
  const pad = padding(style);
  const size = style.fontSize;
  const gap = Math.round(size * 0.5);
  const tickLength = 5;
  const horizontal = data.type === 'horizontal-bar';
  const isLine = data.type === 'line' || data.type === 'multi-line';
  const multi = data.series.length > 1;
  const colors = seriesColors(chart);
  const axisTitleSize = Math.max(9, Math.round(size * 1.05));
  const axisTitleHeight = lineHeight(font, axisTitleSize);
  const ticks = tickValues(data);
  const tickTexts = ticks.map((value) => tickText(data, style, value));
  const tickWidth = Math.max(...tickTexts.map((text) => measureText(text, font, size).width));
  const textHeight = lineHeight(font, size);
  const n = data.categories.length;
  /** Pixels between the axis maximum and the plot's far edge: room for a marker or a bar's outline. */
  const inset = Math.max(6, Math.ceil(style.markerRadius) + 3);

  let top = titleBottom;
  let bottomReserve = pad;
  let rightReserve = pad;
  let legend: LegendLayout | undefined;
  if (multi) {
    const column = style.legend === 'right';
    legend = layoutLegend(
      style,
      data.series.map((series) => series.name),
      colors,
      W - 2 * pad,
      column,
      isLine,
    );
    if (style.legend === 'top') top += legend.height + gap;
    else if (style.legend === 'bottom') bottomReserve += legend.height + gap;
    else rightReserve += legend.width + gap * 2;
  }
  const labelSize = Math.max(8, Math.round(size * 0.85));
  const labelTexts = data.series.map((series) => series.values.map((value) => formatValue(data, style, value)));
  const maxLabelWidth = Math.max(...labelTexts.flat().map((text) => measureText(text, font, labelSize).width));
  const labelHeight = lineHeight(font, labelSize);

  let plot: PixelBox;
  let categorySize = size;
  let rotate = false;
  if (!horizontal) {
    const left = pad + (data.valueTitle === undefined ? 0 : axisTitleHeight + gap) + tickWidth + tickLength + 4;
    let right = rightReserve;
    const band0 = (W - left - right) / n;
    const widths = (at: number): number[] => data.categories.map((category) => measureText(category, font, at).width);
    while (Math.max(...widths(categorySize)) > band0 * 0.92 && categorySize > Math.max(8, size * 0.75)) categorySize -= 0.5;
    const categoryWidths = widths(categorySize);
    rotate = Math.max(...categoryWidths) > band0 * 0.95;
    const categoryHeight = lineHeight(font, categorySize);
    const diagonal = Math.SQRT1_2;
    const extent = rotate ? Math.max(...categoryWidths) * diagonal + categoryHeight * diagonal : categoryHeight;
    let adjustedLeft = left;
    if (rotate) adjustedLeft = Math.max(left, pad + (categoryWidths[0] ?? 0) * diagonal - band0 / 2);
    else right = Math.max(right, pad + (categoryWidths[n - 1] ?? 0) / 2 - band0 / 2);
    const bottom = bottomReserve + (data.categoryTitle === undefined ? 0 : axisTitleHeight + gap) + extent + tickLength + 6;
    let headroom = 0;
    if (style.valueLabels) headroom = isLine ? labelHeight + style.markerRadius + 4 : labelHeight + 4;
    if (style.valueLabels && !isLine && data.type !== 'stacked-bar') {
      const barWidth = barGeometry(data, style, (W - adjustedLeft - right) / n).barWidth;
      if (rotatesValueLabels(data, (W - adjustedLeft - right) / n, barWidth, maxLabelWidth)) headroom = maxLabelWidth + 6;
    }
    // The top tick label is centred on the axis maximum, `inset` below the plot's top: leave room for its upper half.
    const tickRoom = textHeight / 2 + 2 - inset;
    plot = {
      x1: Math.round(adjustedLeft),
      y1: Math.round(top + Math.max(headroom, tickRoom, 0)),
      x2: Math.round(W - right),
      y2: Math.round(H - bottom),
    };
  } else {
    const bottom = bottomReserve + (data.valueTitle === undefined ? 0 : axisTitleHeight + gap) + textHeight + tickLength + 6;
    const plotHeight = H - top - bottom;
    const band = plotHeight / n;
    while (lineHeight(font, categorySize) > band * 0.95 && categorySize > 7) categorySize -= 0.5;
    const categoryWidth = Math.max(...data.categories.map((category) => measureText(category, font, categorySize).width));
    const left = pad + (data.categoryTitle === undefined ? 0 : axisTitleHeight + gap) + categoryWidth + tickLength + 4;
    const lastTick = measureText(tickTexts[tickTexts.length - 1] ?? '', font, size).width / 2;
    const right = rightReserve + Math.max(lastTick, style.valueLabels ? maxLabelWidth + 6 : 0);
    plot = { x1: Math.round(left), y1: Math.round(top + textHeight / 2), x2: Math.round(W - right), y2: Math.round(H - bottom) };
  }

  // The axis maximum sits `inset` inside the plot, so a mark at the maximum never touches the plot's edge.
  const axis: ValueAxis = horizontal
    ? { orientation: 'horizontal', min: 0, max: scale.max, start: plot.x1, end: plot.x2 - inset, ticks }
    : { orientation: 'vertical', min: 0, max: scale.max, start: plot.y2, end: plot.y1 + inset, ticks };
  const at = (value: number): number => axis.start + (value / scale.max) * (axis.end - axis.start);

  // Gridlines, then marks, then axes and labels on top.
  if (style.gridlines) {
    for (const value of ticks.slice(1)) {
      const position = Math.round(at(value)) + 0.5;
      if (horizontal) canvas.line(position, plot.y1, position, plot.y2, style.gridColor);
      else canvas.line(plot.x1, position, plot.x2, position, style.gridColor);
    }
  }

  if (isLine) drawLines(canvas, chart, plot, at, labelSize, labelTexts);
  else drawBars(canvas, chart, plot, at, horizontal, labelSize, labelTexts, maxLabelWidth);

  // Axes.
  if (horizontal) {
    canvas.line(plot.x1 + 0.5, plot.y1, plot.x1 + 0.5, plot.y2, style.axisColor);
    if (style.valueAxisLine) canvas.line(plot.x1, plot.y2 + 0.5, plot.x2, plot.y2 + 0.5, style.axisColor);
  } else {
    canvas.line(plot.x1, plot.y2 + 0.5, plot.x2, plot.y2 + 0.5, style.axisColor);
    if (style.valueAxisLine) canvas.line(plot.x1 - 0.5, plot.y1, plot.x1 - 0.5, plot.y2, style.axisColor);
  }

  // Value ticks and their labels.
  ticks.forEach((value, index) => {
    const position = Math.round(at(value)) + 0.5;
    const label = tickTexts[index] ?? '';
    let box: PixelBox;
    if (horizontal) {
      canvas.line(position, plot.y2, position, plot.y2 + tickLength, style.axisColor);
      box = canvas.text(label, { font, size, x: position, y: plot.y2 + tickLength + 3, anchor: 'middle', baseline: 'top' });
    } else {
      canvas.line(plot.x1 - tickLength, position, plot.x1, position, style.axisColor);
      box = canvas.text(label, { font, size, x: plot.x1 - tickLength - 4, y: position, anchor: 'end', baseline: 'middle' });
    }
    canvas.add({ id: `tick-label:${index}`, kind: 'tick-label', name: label, value, box });
  });

  // Category labels.
  const band = ((horizontal ? plot.y2 - plot.y1 : plot.x2 - plot.x1) as number) / n;
  data.categories.forEach((category, index) => {
    const centre = (horizontal ? plot.y1 : plot.x1) + band * (index + 0.5);
    let box: PixelBox;
    if (horizontal) {
      canvas.line(plot.x1 - tickLength, centre, plot.x1, centre, style.axisColor);
      box = canvas.text(category, { font, size: categorySize, x: plot.x1 - tickLength - 4, y: centre, anchor: 'end', baseline: 'middle' });
    } else {
      canvas.line(centre, plot.y2, centre, plot.y2 + tickLength, style.axisColor);
      box = rotate
        ? canvas.text(category, {
            font,
            size: categorySize,
            x: centre + 3,
            y: plot.y2 + tickLength + 3,
            anchor: 'end',
            baseline: 'top',
            rotate: -45,
          })
        : canvas.text(category, { font, size: categorySize, x: centre, y: plot.y2 + tickLength + 3, anchor: 'middle', baseline: 'top' });
    }
    canvas.add({ id: `category-label:${index}`, kind: 'category-label', name: category, category, categoryIndex: index, box });
  });

  // Axis titles.
  const categoryLabelBottom = Math.max(
    plot.y2,
    ...canvas.elements.filter((element) => element.kind === 'category-label').map((element) => element.box.y2),
  );
  const tickLabelLeft = Math.min(
    plot.x1,
    ...canvas.elements.filter((element) => element.kind === 'tick-label').map((element) => element.box.x1),
  );
  const categoryLabelLeft = Math.min(
    plot.x1,
    ...canvas.elements.filter((element) => element.kind === 'category-label').map((element) => element.box.x1),
  );
  if (data.valueTitle !== undefined) {
    const box = horizontal
      ? canvas.text(data.valueTitle, {
          font,
          size: axisTitleSize,
          x: (plot.x1 + plot.x2) / 2,
          y: plot.y2 + tickLength + 3 + textHeight + gap,
          anchor: 'middle',
          baseline: 'top',
        })
      : canvas.text(data.valueTitle, {
          font,
          size: fitSize(data.valueTitle, font, axisTitleSize, plot.y2 - plot.y1, 8),
          x: tickLabelLeft - gap,
          y: (plot.y1 + plot.y2) / 2,
          anchor: 'middle',
          baseline: 'bottom',
          rotate: -90,
        });
    canvas.add({ id: 'axis-title:value', kind: 'axis-title', name: data.valueTitle, box });
  }
  if (data.categoryTitle !== undefined) {
    const box = horizontal
      ? canvas.text(data.categoryTitle, {
          font,
          size: axisTitleSize,
          x: categoryLabelLeft - gap,
          y: (plot.y1 + plot.y2) / 2,
          anchor: 'middle',
          baseline: 'bottom',
          rotate: -90,
        })
      : canvas.text(data.categoryTitle, {
          font,
          size: axisTitleSize,
          x: (plot.x1 + plot.x2) / 2,
          y: categoryLabelBottom + gap,
          anchor: 'middle',
          baseline: 'top',
        });
    canvas.add({ id: 'axis-title:category', kind: 'axis-title', name: data.categoryTitle, box });
  }

  if (legend !== undefined) {
    let x: number;
    let y: number;
    if (style.legend === 'right') {
      x = W - pad - legend.width;
      y = Math.max(titleBottom, (plot.y1 + plot.y2) / 2 - legend.height / 2);
    } else if (style.legend === 'top') {
      x = (W - legend.width) / 2;
      y = titleBottom;
    } else {
      x = (W - legend.width) / 2;
      y = H - pad - legend.height;
    }
    drawLegend(canvas, legend, x, y, isLine, style.markerRadius);
  }
  return { plot, valueAxis: axis };
}

/**
 * Whether the value labels of vertical bars are turned upright: when the widest one is wider than
 * its bar plus the free space beside it. Grouped bars stand side by side, so there a label must fit
 * within its own bar (less a pixel) or it would run into its neighbour's label.
 */
function rotatesValueLabels(data: ChartData, band: number, barWidth: number, maxLabelWidth: number): boolean {
  if (data.type === 'grouped-bar') return maxLabelWidth > barWidth - 1;
  return maxLabelWidth > barWidth + (band - barWidth) * 0.9;
}

function barGeometry(data: ChartData, style: ChartStyle, band: number): { groupWidth: number; barWidth: number } {
  const groupWidth = band * style.barRatio;
  const barWidth = data.type === 'grouped-bar' ? groupWidth / data.series.length : groupWidth;
  return { groupWidth, barWidth };
}

function drawBars(
  canvas: Canvas,
  chart: Chart,
  plot: PixelBox,
  at: (value: number) => number,
  horizontal: boolean,
  labelSize: number,
  labelTexts: readonly (readonly string[])[],
  maxLabelWidth: number,
): void {
  const { data, style } = chart;
  const n = data.categories.length;
  const band = (horizontal ? plot.y2 - plot.y1 : plot.x2 - plot.x1) / n;
  const { groupWidth, barWidth } = barGeometry(data, style, band);
  const colors = seriesColors(chart);
  const multi = data.series.length > 1;
  const stacked = data.type === 'stacked-bar';
  const grouped = data.type === 'grouped-bar';
  const labelHeight = lineHeight(style.font, labelSize);
  const rotateLabels = !horizontal && !stacked && rotatesValueLabels(data, band, barWidth, maxLabelWidth);
  // Upright labels of grouped bars stand side by side: shrink them to their bar's width, or leave them out.
  let uprightSize = labelSize;
  if (rotateLabels && grouped) {
    while (lineHeight(style.font, uprightSize) > barWidth - 1 && uprightSize > 7) uprightSize -= 0.5;
  }
  const uprightFits = !(rotateLabels && grouped) || lineHeight(style.font, uprightSize) <= barWidth - 1;
  const marks: Mark[] = [];
  for (let category = 0; category < n; category += 1) {
    let base = 0;
    data.series.forEach((series, index) => {
      const value = series.values[category] ?? 0;
      marks.push({ series: index, category, value, base: stacked ? base : 0 });
      if (stacked) base += value;
    });
  }
  for (const mark of marks) {
    const bandStart = (horizontal ? plot.y1 : plot.x1) + band * mark.category;
    const offset = (band - groupWidth) / 2 + (grouped ? barWidth * mark.series : 0);
    const start = bandStart + offset;
    const from = at(mark.base);
    const to = at(mark.base + mark.value);
    const box: PixelBox = horizontal
      ? { x1: from, y1: start, x2: to, y2: start + barWidth }
      : { x1: start, y1: to, x2: start + barWidth, y2: from };
    const color = colors[mark.series] ?? '#000000';
    canvas.rect(box, color, stacked ? style.background : undefined);
    const series = data.series[mark.series];
    const category = data.categories[mark.category] ?? '';
    canvas.add({
      id: `bar:${mark.series}:${mark.category}`,
      kind: 'bar',
      name: category,
      category,
      categoryIndex: mark.category,
      ...(multi && series !== undefined ? { series: series.name, seriesIndex: mark.series } : { seriesIndex: mark.series }),
      value: mark.value,
      box,
      anchor: horizontal ? { x: to, y: start + barWidth / 2 } : { x: start + barWidth / 2, y: to },
      ...(stacked ? { base: mark.base } : {}),
    });
    if (!style.valueLabels || !uprightFits) continue;
    const label = labelTexts[mark.series]?.[mark.category] ?? '';
    let labelBox: PixelBox | undefined;
    if (stacked) {
      const width = measureText(label, style.font, labelSize).width;
      if (box.y2 - box.y1 >= labelHeight + 2 && width + 4 <= barWidth) {
        labelBox = canvas.text(
          label,
          { font: style.font, size: labelSize, x: start + barWidth / 2, y: (box.y1 + box.y2) / 2, anchor: 'middle', baseline: 'middle' },
          contrastText(color),
        );
      }
    } else if (horizontal) {
      labelBox = canvas.text(label, {
        font: style.font,
        size: labelSize,
        x: to + 4,
        y: start + barWidth / 2,
        anchor: 'start',
        baseline: 'middle',
      });
    } else if (rotateLabels) {
      labelBox = canvas.text(label, {
        font: style.font,
        size: uprightSize,
        x: start + barWidth / 2,
        y: to - 3,
        anchor: 'start',
        baseline: 'middle',
        rotate: -90,
      });
    } else {
      labelBox = canvas.text(label, {
        font: style.font,
        size: labelSize,
        x: start + barWidth / 2,
        y: to - 2,
        anchor: 'middle',
        baseline: 'bottom',
      });
    }
    if (labelBox !== undefined) {
      canvas.add({
        id: `value-label:${mark.series}:${mark.category}`,
        kind: 'value-label',
        name: label,
        category,
        categoryIndex: mark.category,
        ...(multi && series !== undefined ? { series: series.name, seriesIndex: mark.series } : { seriesIndex: mark.series }),
        value: mark.value,
        box: labelBox,
      });
    }
  }
  if (stacked) {
    for (let category = 0; category < n; category += 1) {
      const total = data.series.reduce((sum, series) => sum + (series.values[category] ?? 0), 0);
      const start = plot.x1 + band * category + (band - groupWidth) / 2;
      const name = data.categories[category] ?? '';
      canvas.add({
        id: `stack:${category}`,
        kind: 'stack',
        name,
        category: name,
        categoryIndex: category,
        value: Number(total.toFixed(6)),
        box: { x1: start, y1: at(total), x2: start + barWidth, y2: at(0) },
        anchor: { x: start + barWidth / 2, y: at(total) },
      });
    }
  }
}

function drawLines(
  canvas: Canvas,
  chart: Chart,
  plot: PixelBox,
  at: (value: number) => number,
  labelSize: number,
  labelTexts: readonly (readonly string[])[],
): void {
  const { data, style } = chart;
  const n = data.categories.length;
  const band = (plot.x2 - plot.x1) / n;
  const colors = seriesColors(chart);
  const multi = data.series.length > 1;
  const radius = style.markers ? style.markerRadius : 0;
  const size = fitSize(
    labelTexts.flat().reduce((longest, text) => (text.length > longest.length ? text : longest), ''),
    style.font,
    labelSize,
    band * 0.95,
    7,
  );
  data.series.forEach((series, seriesIndex) => {
    const color = colors[seriesIndex] ?? '#000000';
    const points = series.values.map((value, index) => ({ x: plot.x1 + band * (index + 0.5), y: at(value) }));
    canvas.polyline(points, color, style.lineWidth);
    points.forEach((point, index) => {
      if (style.markers) canvas.circle(point.x, point.y, radius, color, style.background);
      const category = data.categories[index] ?? '';
      const boxRadius = Math.max(radius, 3);
      canvas.add({
        id: `point:${seriesIndex}:${index}`,
        kind: 'point',
        name: category,
        category,
        categoryIndex: index,
        ...(multi ? { series: series.name, seriesIndex } : { seriesIndex }),
        value: series.values[index] ?? 0,
        box: { x1: point.x - boxRadius, y1: point.y - boxRadius, x2: point.x + boxRadius, y2: point.y + boxRadius },
        anchor: point,
      });
    });
  });
  // With several lines, the lowest value at a category is labelled below its point, others above;
  // more than two lines get no value labels (they would collide).
  if (!style.valueLabels || data.series.length > 2) return;
  data.series.forEach((series, seriesIndex) => {
    series.values.forEach((value, index) => {
      const label = labelTexts[seriesIndex]?.[index] ?? '';
      const x = plot.x1 + band * (index + 0.5);
      const others = data.series.filter((_, other) => other !== seriesIndex).map((other) => other.values[index] ?? 0);
      const below = others.some((other) => other > value || (other === value && seriesIndex > 0));
      const offset = Math.max(radius, 2) + 3;
      const box = below
        ? canvas.text(label, { font: style.font, size, x, y: at(value) + offset, anchor: 'middle', baseline: 'top' })
        : canvas.text(label, { font: style.font, size, x, y: at(value) - offset, anchor: 'middle', baseline: 'bottom' });
      const category = data.categories[index] ?? '';
      canvas.add({
        id: `value-label:${seriesIndex}:${index}`,
        kind: 'value-label',
        name: label,
        category,
        categoryIndex: index,
        ...(multi ? { series: series.name, seriesIndex } : { seriesIndex }),
        value,
        box,
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Pie charts.

interface PieLabel {
  readonly index: number;
  readonly text: string;
  readonly inside: boolean;
  x: number;
  y: number;
  readonly anchorX: number;
  readonly anchorY: number;
  readonly right: boolean;
}

function layoutPie(canvas: Canvas, chart: Chart, titleBottom: number): Layout {
  const { data, style } = chart;
  const { width: W, height: H, font } = style;
  const pad = padding(style);
  const gap = Math.round(style.fontSize * 0.5);
  const values = data.series[0]?.values ?? [];
  const colors = seriesColors(chart);
  const direct = style.pieNames === 'direct';
  const size = style.fontSize;
  const textHeight = lineHeight(font, size);
  let legend: LegendLayout | undefined;
  const area = { x1: pad, y1: titleBottom, x2: W - pad, y2: H - pad };
  if (!direct) {
    const column = style.legend !== 'bottom';
    legend = layoutLegend(style, data.categories, colors, W - 2 * pad, column, false);
    if (column) area.x2 -= legend.width + gap * 2;
    else area.y2 -= legend.height + gap;
  }
  const labelTexts = values.map((value, index) =>
    direct ? `${data.categories[index] ?? ''} ${formatValue(data, style, value)}` : formatValue(data, style, value),
  );
  const widest = Math.max(...labelTexts.map((text) => measureText(text, font, size).width));
  const radius = Math.max(30, Math.min((area.x2 - area.x1) / 2 - widest - 14, (area.y2 - area.y1) / 2 - textHeight - 10));
  const cx = (area.x1 + area.x2) / 2;
  const cy = (area.y1 + area.y2) / 2;
  const point = (angle: number, distance: number): { x: number; y: number } => ({
    x: cx + distance * Math.sin((angle * Math.PI) / 180),
    y: cy - distance * Math.cos((angle * Math.PI) / 180),
  });
  const total = values.reduce((sum, value) => sum + value, 0);
  let angle = 0;
  const labels: PieLabel[] = [];
  values.forEach((value, index) => {
    const sweep = (value / total) * 360;
    const start = angle;
    const end = angle + sweep;
    angle = end;
    const from = point(start, radius);
    const to = point(end, radius);
    const large = sweep > 180 ? 1 : 0;
    const color = colors[index] ?? '#000000';
    canvas.path(
      `M${fixed(cx)} ${fixed(cy)}L${fixed(from.x)} ${fixed(from.y)}A${fixed(radius)} ${fixed(radius)} 0 ${large} 1 ${fixed(to.x)} ${fixed(to.y)}Z`,
      color,
      style.background,
    );
    const samples = [{ x: cx, y: cy }];
    for (let step = 0; step <= 24; step += 1) samples.push(point(start + (sweep * step) / 24, radius));
    const category = data.categories[index] ?? '';
    const middle = (start + end) / 2;
    const centroid = point(middle, radius * 0.62);
    canvas.add({
      id: `wedge:${index}`,
      kind: 'wedge',
      name: category,
      category,
      categoryIndex: index,
      value,
      angles: [start, end],
      box: {
        x1: Math.min(...samples.map((sample) => sample.x)),
        y1: Math.min(...samples.map((sample) => sample.y)),
        x2: Math.max(...samples.map((sample) => sample.x)),
        y2: Math.max(...samples.map((sample) => sample.y)),
      },
      anchor: centroid,
    });
    const text = labelTexts[index] ?? '';
    const textWidth = measureText(text, font, size).width;
    const inside = !direct && sweep >= 22 && radius * 0.62 * ((sweep * Math.PI) / 180) >= textWidth + 6;
    const outer = point(middle, radius + 10);
    const edge = point(middle, radius);
    labels.push({
      index,
      text,
      inside,
      x: inside ? centroid.x : outer.x,
      y: inside ? centroid.y : outer.y,
      anchorX: edge.x,
      anchorY: edge.y,
      right: Math.sin((middle * Math.PI) / 180) >= 0,
    });
  });
  // Keep outside labels on each side at least a line apart.
  for (const right of [true, false]) {
    const side = labels.filter((label) => !label.inside && label.right === right).sort((a, b) => a.y - b.y);
    for (let index = 1; index < side.length; index += 1) {
      const previous = side[index - 1] as PieLabel;
      const current = side[index] as PieLabel;
      if (current.y - previous.y < textHeight + 2) current.y = previous.y + textHeight + 2;
    }
  }
  for (const label of labels) {
    const fill = colors[label.index] ?? '#000000';
    const category = data.categories[label.index] ?? '';
    const value = values[label.index] ?? 0;
    let box: PixelBox;
    if (label.inside) {
      box = canvas.text(label.text, { font, size, x: label.x, y: label.y, anchor: 'middle', baseline: 'middle' }, contrastText(fill));
    } else {
      canvas.line(label.anchorX, label.anchorY, label.x + (label.right ? -2 : 2), label.y, style.axisColor, 0.8);
      box = canvas.text(label.text, { font, size, x: label.x, y: label.y, anchor: label.right ? 'start' : 'end', baseline: 'middle' });
    }
    canvas.add({
      id: `value-label:0:${label.index}`,
      kind: 'value-label',
      name: label.text,
      category,
      categoryIndex: label.index,
      seriesIndex: 0,
      value,
      box,
    });
  }
  if (legend !== undefined) {
    const column = style.legend !== 'bottom';
    const x = column ? W - pad - legend.width : (W - legend.width) / 2;
    const y = column ? Math.max(titleBottom, cy - legend.height / 2) : H - pad - legend.height;
    drawLegend(canvas, legend, x, y, false, 0, true);
  }
  return { plot: { x1: cx - radius, y1: cy - radius, x2: cx + radius, y2: cy + radius } };
}
