import type { Chart, ChartData, ChartStyle, ChartType, Series, ValueScale } from '../../envs/chart/generate.js';
import { PALETTES } from '../../envs/chart/themes.js';
import { compareRows, type EpisodeRow } from './rows.js';
import { shortNumber } from './text.js';

/** A dataset picture: the chart to draw, the file it goes to, and a caption. */
export interface DatasetChart {
  /** File name (no folder), e.g. `success-by-env.png`. */
  readonly file: string;
  readonly chart: Chart;
  /** Plain-text caption shown under the image. */
  readonly caption: string;
}

/** Most bars or points one chart draws; more categories are grouped into ranges. */
const MOST_CATEGORIES = 16;
const NICE_STEPS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000];

/** A 0-based value axis that holds `largest`, with at most 8 round ticks (whole steps for counts). */
export function niceScale(largest: number, integers = false): ValueScale {
  const top = largest > 0 ? largest : 1;
  for (const step of NICE_STEPS) {
    if (integers && !Number.isInteger(step)) continue;
    const ticks = Math.ceil(top / step - 1e-9);
    if (ticks <= 8) {
      const decimals = Number.isInteger(step) ? 0 : Number.isInteger(step * 10) ? 1 : 2;
      return { max: Number((step * Math.max(ticks, 1)).toFixed(6)), step, tickDecimals: decimals, quantum: step / 10 };
    }
  }
  const step = 10 ** Math.ceil(Math.log10(top / 8));
  return { max: step * Math.ceil(top / step), step, tickDecimals: 0, quantum: step };
}

function style(width: number, height: number, type: ChartType, valueLabels: boolean): ChartStyle {
  return {
    width,
    height,
    font: 'sans',
    titleFont: 'sans-bold',
    fontSize: 13,
    palette: PALETTES[0] ?? ['#4e79a7'],
    background: '#ffffff',
    textColor: '#222222',
    axisColor: '#444444',
    gridColor: '#e4e4e4',
    gridlines: true,
    valueLabels: valueLabels || type === 'pie',
    barRatio: 0.7,
    legend: 'top',
    markers: true,
    markerRadius: 3,
    lineWidth: 2,
    thousands: true,
    titleAlign: 'left',
    valueAxisLine: true,
    pieNames: 'legend',
  };
}

interface ChartInput {
  readonly type: ChartType;
  readonly title: string;
  readonly categories: readonly string[];
  readonly series: readonly Series[];
  readonly unit?: { readonly name: string; readonly suffix: string };
  readonly decimals: number;
  readonly valueTitle: string;
  readonly categoryTitle: string;
  readonly valueLabels: boolean;
  readonly height?: number;
}

function chartOf(input: ChartInput): Chart {
  const values = input.series.flatMap((series) => series.values);
  const data: ChartData = {
    type: input.type,
    title: input.title,
    theme: { id: 'dataset', noun: input.categoryTitle, plural: input.categoryTitle, preposition: 'for', ordered: false },
    measure: { id: 'dataset', name: input.unit?.name ?? input.valueTitle, prefix: '', suffix: input.unit?.suffix ?? '' },
    categories: input.categories,
    series: input.series,
    valueDecimals: input.decimals,
    scale: niceScale(Math.max(0, ...values), input.decimals === 0),
    valueTitle: input.valueTitle,
    categoryTitle: input.categoryTitle,
  };
  return { data, style: style(720, input.height ?? 380, input.type, input.valueLabels) };
}

function successBy(rows: readonly EpisodeRow[], key: (row: EpisodeRow) => string | null): { categories: string[]; values: number[] } {
  const groups = new Map<string, { episodes: number; successes: number }>();
  for (const row of rows) {
    const name = key(row);
    if (name === null) continue;
    const group = groups.get(name) ?? { episodes: 0, successes: 0 };
    group.episodes += 1;
    if (row.success) group.successes += 1;
    groups.set(name, group);
  }
  const sorted = [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, MOST_CATEGORIES);
  return {
    categories: sorted.map(([name, group]) => `${name} (${group.episodes})`),
    values: sorted.map(([, group]) => Number(((100 * group.successes) / group.episodes).toFixed(1))),
  };
}

/** Bins for integer counts 0..largest: one per value when few, else equal ranges. */
function bins(largest: number): { labels: string[]; index: (value: number) => number } {
  const width = Math.max(1, Math.ceil((largest + 1) / MOST_CATEGORIES));
  const count = Math.floor(largest / width) + 1;
  const labels = Array.from({ length: count }, (_, bin) =>
    width === 1 ? String(bin) : `${bin * width}–${Math.min(largest, bin * width + width - 1)}`,
  );
  return { labels, index: (value) => Math.min(count - 1, Math.floor(Math.max(0, value) / width)) };
}

function distribution(rows: readonly EpisodeRow[]): Chart {
  const largest = Math.max(0, ...rows.map((row) => Math.max(row.turns, row.toolCalls)));
  const { labels, index } = bins(largest);
  const turns = labels.map(() => 0);
  const calls = labels.map(() => 0);
  for (const row of rows) {
    turns[index(row.turns)] = (turns[index(row.turns)] ?? 0) + 1;
    calls[index(row.toolCalls)] = (calls[index(row.toolCalls)] ?? 0) + 1;
  }
  return chartOf({
    type: 'grouped-bar',
    title: 'Turns and tool calls per episode',
    categories: labels,
    series: [
      { name: 'turns', values: turns },
      { name: 'tool calls', values: calls },
    ],
    decimals: 0,
    valueTitle: 'episodes',
    categoryTitle: 'count per episode',
    valueLabels: labels.length <= 10,
  });
}

/**
 * Reward terms per episode in seed order (means over blocks of consecutive episodes when there
 * are many). Terms that are never positive are drawn negated and named so; terms of both signs
 * cannot share the 0-based axis and are listed in the caption instead.
 */
function rewardTerms(rows: readonly EpisodeRow[]): { chart: Chart; skipped: string[] } | null {
  const sorted = [...rows].sort(compareRows);
  const names = [...new Set(sorted.flatMap((row) => Object.keys(row.rewardTerms)))].sort();
  const blockSize = Math.max(1, Math.ceil(sorted.length / MOST_CATEGORIES));
  const blocks: EpisodeRow[][] = [];
  for (let start = 0; start < sorted.length; start += blockSize) blocks.push(sorted.slice(start, start + blockSize));
  const categories = blocks.map((block) => {
    const first = block[0];
    const last = block[block.length - 1];
    return block.length === 1 || first === undefined || last === undefined ? `#${first?.seed ?? ''}` : `#${first.seed}–${last.seed}`;
  });
  const series: Series[] = [];
  const skipped: string[] = [];
  for (const name of names) {
    const values = blocks.map((block) => block.reduce((total, row) => total + (row.rewardTerms[name] ?? 0), 0) / block.length);
    const positive = values.some((value) => value > 0);
    const negative = values.some((value) => value < 0);
    if (!positive && !negative) continue;
    if (positive && negative) skipped.push(name);
    else if (negative) series.push({ name: `−${name} (negated)`, values: values.map((value) => Number((-value).toFixed(3))) });
    else series.push({ name, values: values.map((value) => Number(value.toFixed(3))) });
  }
  if (series.length === 0) return null;
  const lines = categories.length >= 2;
  const type: ChartType = series.length === 1 ? (lines ? 'line' : 'bar') : lines ? 'multi-line' : 'grouped-bar';
  return {
    chart: chartOf({
      type,
      title: blockSize === 1 ? 'Reward terms per episode' : `Reward terms per episode (mean of ${blockSize} by seed)`,
      categories,
      series: series.slice(0, 8),
      decimals: 2,
      valueTitle: 'term value',
      categoryTitle: 'seed',
      valueLabels: false,
    }),
    skipped,
  };
}

function toolUsage(rows: readonly EpisodeRow[]): Chart | null {
  const counts = new Map<string, number>();
  for (const row of rows) for (const [name, count] of Object.entries(row.tools)) counts.set(name, (counts.get(name) ?? 0) + count);
  if (counts.size === 0) return null;
  const sorted = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).slice(0, MOST_CATEGORIES);
  return chartOf({
    type: 'horizontal-bar',
    title: 'Tool calls by tool',
    categories: sorted.map(([name]) => name),
    series: [{ name: 'calls', values: sorted.map(([, count]) => count) }],
    decimals: 0,
    valueTitle: 'calls',
    categoryTitle: 'tool',
    valueLabels: true,
    height: Math.max(240, 80 + 34 * sorted.length),
  });
}

/**
 * The pictures of a dataset, drawn with chart-v0's own renderer: success by env and by question
 * kind, the distribution of turns and tool calls, reward terms per episode, tool usage by name.
 */
export function datasetCharts(rows: readonly EpisodeRow[]): DatasetChart[] {
  if (rows.length === 0) return [];
  const charts: DatasetChart[] = [];
  const byEnv = successBy(rows, (row) => row.env);
  const success = (title: string, categoryTitle: string, data: { categories: string[]; values: number[] }): Chart =>
    chartOf({
      type: 'bar',
      title,
      categories: data.categories,
      series: [{ name: 'success', values: data.values }],
      unit: { name: 'success rate', suffix: '%' },
      decimals: 1,
      valueTitle: 'success (%)',
      categoryTitle,
      valueLabels: true,
    });
  charts.push({
    file: 'success-by-env.png',
    chart: success('Success by env', 'env (episodes)', byEnv),
    caption: `Success rate by env, episodes in brackets: ${byEnv.categories.map((name, index) => `${name} ${byEnv.values[index]}%`).join(', ')}.`,
  });
  const envs = new Set(rows.map((row) => row.env));
  const byKind = successBy(rows, (row) =>
    row.kind === null ? null : envs.size > 1 ? `${row.env.replace(/-v\d+$/, '')} ${row.kind}` : row.kind,
  );
  if (byKind.categories.length > 0) {
    charts.push({
      file: 'success-by-kind.png',
      chart: success('Success by question kind', 'kind (episodes)', byKind),
      caption: `Success rate by question kind or task type: ${byKind.categories.map((name, index) => `${name} ${byKind.values[index]}%`).join(', ')}.`,
    });
  }
  charts.push({
    file: 'turns-and-tool-calls.png',
    chart: distribution(rows),
    caption: 'How many episodes took each number of turns and of tool calls.',
  });
  const terms = rewardTerms(rows);
  if (terms !== null) {
    charts.push({
      file: 'reward-terms.png',
      chart: terms.chart,
      caption: `Each reward term by episode, in seed order.${terms.skipped.length > 0 ? ` Not drawn (they take both signs): ${terms.skipped.join(', ')}.` : ''}`,
    });
  }
  const tools = toolUsage(rows);
  if (tools !== null) {
    const total = rows.reduce((sum, row) => sum + row.toolCalls, 0);
    charts.push({
      file: 'tool-usage.png',
      chart: tools,
      caption: `Tool calls by tool name, ${total} calls in all (${shortNumber(total / rows.length, 2)} per episode).`,
    });
  }
  return charts;
}
