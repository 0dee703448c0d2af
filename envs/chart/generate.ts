import type { Random } from '../../core/random.js';
import type { FontName } from '../../tools/image/text.js';
import { formatNumber, roundTo } from './format.js';
import { generateQuestion, QUESTION_KINDS, type Question, type QuestionKind } from './questions.js';
import { MEASURES, type Measure, PALETTES, SERIES_SETS, THEMES, type Theme } from './themes.js';

/** The chart types chart-v0 draws. */
export const CHART_TYPES = ['bar', 'horizontal-bar', 'grouped-bar', 'stacked-bar', 'line', 'multi-line', 'pie'] as const;

/** One chart type. */
export type ChartType = (typeof CHART_TYPES)[number];

/** One named sequence of values, one per category. */
export interface Series {
  readonly name: string;
  readonly values: readonly number[];
}

/** The value axis of a cartesian chart: 0..max with ticks every `step`. */
export interface ValueScale {
  readonly max: number;
  readonly step: number;
  /** Decimals printed on tick labels. */
  readonly tickDecimals: number;
  /** Values are multiples of this, so they can be read off the axis (a fifth or half of a step). */
  readonly quantum: number;
}

/** What a chart shows: the data and its words, independent of how it is drawn. */
export interface ChartData {
  readonly type: ChartType;
  readonly title: string;
  readonly theme: Pick<Theme, 'id' | 'noun' | 'plural' | 'preposition' | 'ordered'>;
  readonly measure: Pick<Measure, 'id' | 'name' | 'prefix' | 'suffix'>;
  readonly categories: readonly string[];
  readonly series: readonly Series[];
  /** Decimals of the values (0 or 1). */
  readonly valueDecimals: number;
  /** Absent for pie charts. */
  readonly scale?: ValueScale;
  /** Value axis title, when drawn. */
  readonly valueTitle?: string;
  /** Category axis title, when drawn. */
  readonly categoryTitle?: string;
}

/** How a chart is drawn: size, fonts, colours and options. */
export interface ChartStyle {
  readonly width: number;
  readonly height: number;
  readonly font: FontName;
  readonly titleFont: FontName;
  /** Base font size in pixels (tick and category labels). */
  readonly fontSize: number;
  readonly palette: readonly string[];
  readonly background: string;
  readonly textColor: string;
  readonly axisColor: string;
  readonly gridColor: string;
  readonly gridlines: boolean;
  /** Print each value next to its mark (pie charts always print them). */
  readonly valueLabels: boolean;
  /** Share of a category's band the bars fill. */
  readonly barRatio: number;
  readonly legend: 'top' | 'right' | 'bottom';
  /** Line charts: draw a marker at each point. */
  readonly markers: boolean;
  readonly markerRadius: number;
  readonly lineWidth: number;
  /** Group thousands with commas in labels. */
  readonly thousands: boolean;
  readonly titleAlign: 'center' | 'left';
  /** Draw the value axis line. */
  readonly valueAxisLine: boolean;
  /** Pie charts: names in a legend, or printed beside each wedge. */
  readonly pieNames: 'legend' | 'direct';
}

/** A chart to draw. */
export interface Chart {
  readonly data: ChartData;
  readonly style: ChartStyle;
}

/** Options of {@link generateChart}. */
export interface ChartGenerationOptions {
  readonly chartTypes: readonly ChartType[];
  readonly minWidth: number;
  readonly maxWidth: number;
  readonly minHeight: number;
  readonly maxHeight: number;
  /** Probability that a cartesian chart prints value labels. */
  readonly valueLabels: number;
}

/** Default generation options. */
export const DEFAULT_GENERATION: ChartGenerationOptions = {
  chartTypes: CHART_TYPES,
  minWidth: 480,
  maxWidth: 1024,
  minHeight: 360,
  maxHeight: 800,
  valueLabels: 0.5,
};

const STEPS = [0.2, 0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000];

const CATEGORY_COUNTS: Record<ChartType, readonly [number, number]> = {
  bar: [3, 10],
  'horizontal-bar': [3, 12],
  'grouped-bar': [3, 6],
  'stacked-bar': [3, 7],
  line: [5, 12],
  'multi-line': [4, 10],
  pie: [3, 7],
};

const PIE_MEASURES: readonly { name: string; titles: readonly string[] }[] = [
  {
    name: 'share of respondents',
    titles: ['Share of respondents by {noun}', 'Survey: favourite {noun}', 'Preferred {noun} (share of respondents)'],
  },
  { name: 'share of sales', titles: ['Sales by {noun}, share of total', 'Share of sales by {noun}'] },
  { name: 'share of the budget', titles: ['Budget split by {noun}', 'Share of the budget by {noun}'] },
];

/** A chart and a question about it. */
export interface ChartTask {
  readonly chart: Chart;
  readonly question: Question;
}

/**
 * Draws a task: a chart and a question of one of `kinds` about it. Chart data, style and question
 * come from separate forks of `random`, so the same seed always gives the same task.
 */
export function generateTask(
  random: Random,
  options: ChartGenerationOptions = DEFAULT_GENERATION,
  kinds: readonly QuestionKind[] = QUESTION_KINDS,
): ChartTask {
  const chart = generateChart(random.fork('chart'), options);
  const question = generateQuestion(random.fork('question'), chart.data, kinds);
  return { chart, question };
}

/** Draws a chart (data and style) from `random`; the same draws give the same chart. */
export function generateChart(random: Random, options: ChartGenerationOptions = DEFAULT_GENERATION): Chart {
  const type = random.pick(options.chartTypes);
  const valueLabels = type === 'pie' || random.chance(options.valueLabels);
  const data = generateData(random.fork('data'), type, valueLabels);
  const style = generateStyle(random.fork('style'), data, options, valueLabels);
  return { data, style };
}

function generateData(random: Random, type: ChartType, valueLabels: boolean): ChartData {
  const needsOrder = type === 'line' || type === 'multi-line';
  const themes = THEMES.filter((theme) => (type === 'pie' ? theme.partsOfWhole : needsOrder ? theme.ordered : true));
  const theme = random.pick(themes);
  const [low, high] = CATEGORY_COUNTS[type];
  const count = random.int(low, Math.min(high, theme.maxCount));
  const categories = theme.categories(random, count);
  const themeInfo = { id: theme.id, noun: theme.noun, plural: theme.plural, preposition: theme.preposition, ordered: theme.ordered };

  if (type === 'pie') {
    const measure = random.pick(PIE_MEASURES);
    const values = pieShares(random, count);
    return {
      type,
      title: pickTitle(random, measure.titles, theme, categories),
      theme: themeInfo,
      measure: { id: 'share', name: measure.name, prefix: '', suffix: '%' },
      categories,
      series: [{ name: measure.name, values }],
      valueDecimals: 0,
    };
  }

  const measures = MEASURES.filter((measure) => measure.themes.includes(theme.id));
  const measure = random.pick(measures.length > 0 ? measures : MEASURES);
  const seriesCount =
    type === 'grouped-bar' ? random.int(2, count <= 4 ? 4 : 3) : type === 'stacked-bar' || type === 'multi-line' ? random.int(2, 4) : 1;
  const seriesNames = seriesCount === 1 ? [measure.name] : pickSeriesNames(random, seriesCount, categories);
  // Printed labels allow finer values, except where labels may not fit (stacks, several lines).
  const fine = valueLabels && (type === 'bar' || type === 'horizontal-bar' || type === 'grouped-bar' || type === 'line');
  const scale = pickScale(random, measure, fine);
  const valueDecimals = scale.quantum < 1 ? 1 : 0;
  const series = seriesNames.map((name, index) => ({
    name,
    values: seriesValues(random.fork(`series-${index}`), type, scale, count, seriesCount),
  }));
  if (type === 'stacked-bar') fitStacks(series, scale);
  return {
    type,
    title: pickTitle(random, measure.titles, theme, categories),
    theme: themeInfo,
    measure: { id: measure.id, name: measure.name, prefix: measure.prefix, suffix: measure.suffix },
    categories,
    series: series.map((item) => ({ name: item.name, values: item.values.map((value) => roundTo(value, valueDecimals)) })),
    valueDecimals,
    scale,
    ...(random.chance(0.8) ? { valueTitle: measure.axisTitle } : {}),
    ...(random.chance(0.45) ? { categoryTitle: capitalize(theme.noun) } : {}),
  };
}

function pickSeriesNames(random: Random, count: number, categories: readonly string[]): string[] {
  const sets = SERIES_SETS.filter((set) => set.length >= count && !set.some((name) => categories.includes(name)));
  return random.pick(sets).slice(0, count);
}

function pickScale(random: Random, measure: Measure, fine: boolean): ValueScale {
  const [low, high] = measure.top;
  const top = Math.exp(random.uniform(Math.log(low), Math.log(high)));
  const options: { step: number; ticks: number }[] = [];
  for (const step of STEPS) {
    const ticks = Math.ceil(top / step - 1e-9);
    if (ticks >= 4 && ticks <= 8) options.push({ step, ticks });
  }
  const chosen = options.length > 0 ? random.pick(options) : { step: 1, ticks: 5 };
  const step = chosen.step;
  const max = roundTo(step * chosen.ticks, 6);
  const tickDecimals = Number.isInteger(step) ? 0 : 1;
  let quantum: number;
  if (fine) quantum = step >= 10 ? 1 : 0.1;
  else quantum = decimalsOf(step / 5) <= 1 ? roundTo(step / 5, 6) : roundTo(step / 2, 6);
  return { max, step, tickDecimals, quantum };
}

function decimalsOf(value: number): number {
  for (let decimals = 0; decimals <= 6; decimals += 1) if (Math.abs(roundTo(value, decimals) - value) < 1e-9) return decimals;
  return 7;
}

function quantize(value: number, scale: ValueScale, low: number, high: number): number {
  const minimum = Math.ceil(low / scale.quantum - 1e-9);
  const maximum = Math.floor(high / scale.quantum + 1e-9);
  const steps = Math.min(maximum, Math.max(minimum, Math.round(value / scale.quantum)));
  return roundTo(steps * scale.quantum, 6);
}

function seriesValues(random: Random, type: ChartType, scale: ValueScale, count: number, seriesCount: number): number[] {
  const { max } = scale;
  if (type === 'line' || type === 'multi-line') {
    const monotone = random.chance(0.35) ? monotoneValues(random, scale, count) : undefined;
    if (monotone !== undefined) return monotone;
    let value = random.uniform(0.2, 0.9) * max;
    const drift = random.uniform(-0.06, 0.06) * max;
    return Array.from({ length: count }, (_, index) => {
      if (index > 0) value += drift + random.normal(0, 0.12 * max);
      value = Math.min(0.98 * max, Math.max(0.06 * max, value));
      return quantize(value, scale, 0.04 * max, max);
    });
  }
  if (type === 'stacked-bar') {
    return Array.from({ length: count }, () => quantize(random.uniform(0.3, 1) * (max / seriesCount), scale, 0.06 * max, max));
  }
  return Array.from({ length: count }, () => quantize(random.uniform(0.08, 1) * max, scale, 0.04 * max, max));
}

/**
 * Strictly increasing or decreasing multiples of the quantum, neighbours at least 3% of the axis
 * apart, so "increasing or decreasing" has a clear answer.
 */
function monotoneValues(random: Random, scale: ValueScale, count: number): number[] | undefined {
  const low = Math.ceil((0.04 * scale.max) / scale.quantum - 1e-9);
  const high = Math.floor(scale.max / scale.quantum + 1e-9);
  const gap = Math.max(1, Math.ceil((0.03 * scale.max) / scale.quantum - 1e-9));
  const needed = (count - 1) * gap;
  if (high - low < needed) return undefined;
  const width = Math.min(high - low, Math.max(needed, Math.round(random.uniform(0.4, 0.9) * (high - low))));
  const start = random.int(low, high - width);
  const room = width - needed;
  const picked = new Set<number>();
  while (picked.size < count) picked.add(random.int(0, room + count - 1));
  const offsets = [...picked].sort((a, b) => a - b).map((offset, index) => offset - index + index * gap);
  const values = offsets.map((offset) => roundTo((start + offset) * scale.quantum, 6));
  return random.chance(0.5) ? values : values.reverse();
}

/** Shrinks the largest segment of any stack whose total passes the axis top. */
function fitStacks(series: { values: number[] }[], scale: ValueScale): void {
  const categories = series[0]?.values.length ?? 0;
  for (let category = 0; category < categories; category += 1) {
    for (let guard = 0; guard < 100; guard += 1) {
      const total = series.reduce((sum, item) => sum + (item.values[category] ?? 0), 0);
      if (total <= scale.max + 1e-9) break;
      let largest = series[0];
      for (const item of series) if ((item.values[category] ?? 0) > (largest?.values[category] ?? 0)) largest = item;
      if (largest === undefined) break;
      largest.values[category] = roundTo((largest.values[category] ?? 0) - scale.quantum, 6);
    }
  }
}

function pieShares(random: Random, count: number): number[] {
  for (;;) {
    const weights = Array.from({ length: count }, () => random.uniform(0.25, 1) ** 1.4);
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    const raw = weights.map((weight) => (weight / total) * 100);
    const shares = raw.map(Math.floor);
    let missing = 100 - shares.reduce((sum, share) => sum + share, 0);
    const order = raw
      .map((value, index) => ({ index, rest: value - Math.floor(value) }))
      .sort((a, b) => b.rest - a.rest || a.index - b.index);
    for (const { index } of order) {
      if (missing <= 0) break;
      shares[index] = (shares[index] ?? 0) + 1;
      missing -= 1;
    }
    if (shares.every((share) => share >= 4)) return shares;
  }
}

function pickTitle(random: Random, templates: readonly string[], theme: Theme, categories: readonly string[]): string {
  const fitting = templates.filter((template) => theme.ordered || !template.includes('{first}'));
  return fillTitle(random.pick(fitting.length > 0 ? fitting : templates), theme, categories);
}

function fillTitle(template: string, theme: Theme, categories: readonly string[]): string {
  return template
    .replaceAll('{noun}', theme.noun)
    .replaceAll('{first}', categories[0] ?? '')
    .replaceAll('{last}', categories[categories.length - 1] ?? '');
}

function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

const FONTS: readonly (readonly [FontName, FontName])[] = [
  ['sans', 'sans-bold'],
  ['sans', 'sans-bold'],
  ['sans-condensed', 'sans-condensed-bold'],
  ['serif', 'serif-bold'],
  ['serif-condensed', 'serif-condensed-bold'],
  ['sans', 'sans'],
];

function generateStyle(random: Random, data: ChartData, options: ChartGenerationOptions, valueLabels: boolean): ChartStyle {
  const width = random.int(options.minWidth, Math.max(options.minWidth, options.maxWidth));
  const height = random.int(options.minHeight, Math.max(options.minHeight, options.maxHeight));
  const [font, titleFont] = random.pick(FONTS);
  const fontSize = Math.round(Math.min(22, Math.max(10, Math.min(width, height) * random.uniform(0.022, 0.03))));
  const base = random.pick(PALETTES);
  const offset = random.int(0, base.length - 1);
  const palette = base.map((_, index) => base[(index + offset) % base.length] as string);
  return {
    width,
    height,
    font,
    titleFont,
    fontSize,
    palette,
    background: random.pick(['#ffffff', '#ffffff', '#ffffff', '#f7f7f7', '#fbf8f1', '#f4f6fb']),
    textColor: random.pick(['#222222', '#333333', '#000000', '#2b2b3a']),
    axisColor: random.pick(['#444444', '#666666', '#222222']),
    gridColor: random.pick(['#dddddd', '#e4e4e4', '#d0d0d0']),
    gridlines: random.chance(0.7),
    valueLabels: data.type === 'pie' || valueLabels,
    barRatio: random.uniform(0.5, 0.8),
    legend: random.pick(['top', 'right', 'bottom'] as const),
    markers: random.chance(0.7),
    markerRadius: random.int(3, 5),
    lineWidth: random.pick([2, 2.5, 3]),
    thousands: random.chance(0.6),
    titleAlign: random.pick(['center', 'left'] as const),
    valueAxisLine: random.chance(0.5),
    pieNames: random.pick(['legend', 'direct'] as const),
  };
}

/** A value as the chart prints it: prefix, decimals, grouping and suffix. */
export function formatValue(data: ChartData, style: Pick<ChartStyle, 'thousands'>, value: number, decimals = data.valueDecimals): string {
  return `${data.measure.prefix}${formatNumber(value, decimals, style.thousands)}${data.measure.suffix}`;
}
