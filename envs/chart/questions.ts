import type { Random } from '../../core/random.js';
import { formatAnswerNumber, roundTo } from './format.js';
import type { ChartData } from './generate.js';

/** The kinds of questions chart-v0 asks, after ChartQA's human and machine questions. */
export const QUESTION_KINDS = ['retrieval', 'comparison', 'extremum', 'difference', 'ratio', 'sum', 'average', 'trend', 'count'] as const;

/** One question kind. */
export type QuestionKind = (typeof QUESTION_KINDS)[number];

/** The expected answer: a number (scored with relaxed accuracy) or a name (exact match). */
export type Gold =
  | { readonly type: 'number'; readonly value: number; readonly text: string }
  | { readonly type: 'name'; readonly text: string; readonly aliases: readonly string[] };

/** A question about a chart, with its answer and what it depends on. */
export interface Question {
  readonly kind: QuestionKind;
  readonly text: string;
  readonly answer: Gold;
  /** Ids of the scene elements whose values the answer depends on (see scene.ts for the id scheme). */
  readonly targets: readonly string[];
  /** For `count` questions: the threshold, which the oracle draws as a guide line. */
  readonly threshold?: number;
  /** How the answer follows from the values read, e.g. `42 - 35 = 7`. */
  readonly explanation: string;
}

/** A value of the chart: series and category indexes plus the value. */
interface Cell {
  readonly series: number;
  readonly category: number;
  readonly value: number;
}

const INCREASE = ['increase', 'increased', 'increases', 'increasing', 'rise', 'rose', 'up', 'went up', 'grew', 'growth'];
const DECREASE = [
  'decrease',
  'decreased',
  'decreases',
  'decreasing',
  'fall',
  'fell',
  'down',
  'went down',
  'declined',
  'decline',
  'dropped',
];

/** The id of the scene mark of a value. */
export function markId(data: ChartData, series: number, category: number): string {
  if (data.type === 'pie') return `wedge:${category}`;
  if (data.type === 'line' || data.type === 'multi-line') return `point:${series}:${category}`;
  return `bar:${series}:${category}`;
}

/**
 * Writes a question about `data` of one of `kinds` (those that fit the chart), with its answer.
 * Numbers in questions and answers are those printed or readable on the chart; pairs compared or
 * counted differ by at least a readable margin, so every answer can be read off the image.
 */
export function generateQuestion(random: Random, data: ChartData, kinds: readonly QuestionKind[] = QUESTION_KINDS): Question {
  const writer = new QuestionWriter(random, data);
  const open = kinds.filter((kind) => writer.fits(kind));
  let candidates = open.length > 0 ? open : ['retrieval' as const];
  for (let attempt = 0; attempt < 40 && candidates.length > 0; attempt += 1) {
    const kind = random.pick(candidates);
    const question = writer.write(kind);
    if (question !== undefined) return question;
    if (attempt % 4 === 3) candidates = candidates.filter((candidate) => candidate !== kind);
  }
  return writer.retrieval();
}

class QuestionWriter {
  private readonly random: Random;
  private readonly data: ChartData;
  private readonly multi: boolean;
  /** Smallest difference between two values a reader can tell apart on this chart. */
  private readonly margin: number;

  constructor(random: Random, data: ChartData) {
    this.random = random;
    this.data = data;
    this.multi = data.series.length > 1;
    this.margin = data.scale === undefined ? 2 : Math.max(data.scale.quantum, 0.03 * data.scale.max);
  }

  fits(kind: QuestionKind): boolean {
    if (kind === 'trend') return this.data.theme.ordered && this.data.type !== 'pie' && this.data.categories.length >= 3;
    if (kind === 'average') return this.data.type !== 'pie';
    return true;
  }

  write(kind: QuestionKind): Question | undefined {
    switch (kind) {
      case 'retrieval':
        return this.retrieval();
      case 'comparison':
        return this.comparison();
      case 'extremum':
        return this.extremum();
      case 'difference':
        return this.difference();
      case 'ratio':
        return this.ratio();
      case 'sum':
        return this.sum();
      case 'average':
        return this.average();
      case 'trend':
        return this.trend();
      case 'count':
        return this.count();
    }
  }

  retrieval(): Question {
    const cell = this.randomCell();
    const measure = this.data.measure.name;
    const where = this.where(cell);
    const text =
      this.data.type === 'pie'
        ? this.random.pick([
            `What percentage does ${this.category(cell)} account for?`,
            `What is the share of ${this.category(cell)}?`,
            `What percentage of the total is ${this.category(cell)}?`,
          ])
        : this.random.pick([
            `What was the ${measure} ${where}?`,
            `What is the value ${where}?`,
            `According to the chart, what was the ${measure} ${where}?`,
          ]);
    return {
      kind: 'retrieval',
      text,
      answer: number(cell.value),
      targets: [this.id(cell)],
      explanation: `The value ${where} is ${this.show(cell.value)}.`,
    };
  }

  private comparison(): Question | undefined {
    const pair = this.pair();
    if (pair === undefined) return undefined;
    const [a, b] = pair;
    const higher = this.random.chance(0.5);
    const measure = this.data.measure.name;
    const acrossSeries = a.category === b.category;
    const name = (cell: Cell): string => (acrossSeries ? this.seriesName(cell) : this.category(cell));
    const winner = (higher ? a.value > b.value : a.value < b.value) ? a : b;
    const facts = `${this.label(a)} is ${this.show(a.value)} and ${this.label(b)} is ${this.show(b.value)}`;
    if (this.random.chance(0.35)) {
      const yes = higher ? a.value > b.value : a.value < b.value;
      const text = acrossSeries
        ? `${capitalize(this.data.theme.preposition)} ${this.category(a)}, was the ${measure} of ${this.seriesName(a)} ${higher ? 'higher' : 'lower'} than that of ${this.seriesName(b)}?`
        : `Is the ${measure} ${this.where(a)} ${higher ? 'higher' : 'lower'} than ${this.where(b, false)}?`;
      return {
        kind: 'comparison',
        text,
        answer: { type: 'name', text: yes ? 'Yes' : 'No', aliases: [] },
        targets: [this.id(a), this.id(b)],
        explanation: `${facts}, so the answer is ${yes ? 'yes' : 'no'}.`,
      };
    }
    const adjective = higher ? 'higher' : 'lower';
    const text = acrossSeries
      ? `${capitalize(this.data.theme.preposition)} ${this.category(a)}, which had the ${adjective} ${measure}: ${this.seriesName(a)} or ${this.seriesName(b)}?`
      : `Which ${this.data.theme.noun} has the ${adjective} ${measure}${this.ofSeries(a)}: ${this.category(a)} or ${this.category(b)}?`;
    return {
      kind: 'comparison',
      text,
      answer: { type: 'name', text: name(winner), aliases: [] },
      targets: [this.id(a), this.id(b)],
      explanation: `${facts}, so ${name(winner)} is ${adjective}.`,
    };
  }

  private extremum(): Question | undefined {
    const highest = this.random.chance(0.6);
    const word = highest ? 'highest' : 'lowest';
    const measure = this.data.measure.name;
    if (this.data.type === 'stacked-bar' && this.random.chance(0.5)) {
      const totals = this.data.categories.map((_, category) => ({ category, value: this.total(category) }));
      const best = unique(totals, highest, this.margin);
      if (best === undefined) return undefined;
      const name = this.data.categories[best.category] ?? '';
      return {
        kind: 'extremum',
        text: `Which ${this.data.theme.noun} has the ${word} total ${measure}?`,
        answer: { type: 'name', text: name, aliases: [] },
        targets: totals.map((total) => `stack:${total.category}`),
        explanation: `The stacks total ${totals.map((total) => this.show(total.value)).join(', ')}; the ${word} is ${name} with ${this.show(best.value)}.`,
      };
    }
    const series = this.random.int(0, this.data.series.length - 1);
    const cells = this.seriesCells(series);
    const best = unique(cells, highest, this.margin);
    if (best === undefined) return undefined;
    const of = this.multi ? ` of ${this.data.series[series]?.name ?? ''}` : '';
    const values = `The values${of} are ${cells.map((cell) => this.show(cell.value)).join(', ')}`;
    if (this.random.chance(0.4)) {
      return {
        kind: 'extremum',
        text: `What is the ${word} ${measure}${of} shown in the chart?`,
        answer: number(best.value),
        targets: cells.map((cell) => this.id(cell)),
        explanation: `${values}; the ${word} is ${this.show(best.value)}.`,
      };
    }
    const text =
      this.data.type === 'pie'
        ? `Which ${this.data.theme.noun} has the ${highest ? 'largest' : 'smallest'} share?`
        : `Which ${this.data.theme.noun} has the ${word} ${measure}${of}?`;
    return {
      kind: 'extremum',
      text,
      answer: { type: 'name', text: this.category(best), aliases: [] },
      targets: cells.map((cell) => this.id(cell)),
      explanation: `${values}; the ${word} is ${this.category(best)} with ${this.show(best.value)}.`,
    };
  }

  private difference(): Question | undefined {
    const pair = this.pair();
    if (pair === undefined) return undefined;
    const [a, b] = pair;
    const [big, small] = a.value >= b.value ? [a, b] : [b, a];
    const difference = roundTo(big.value - small.value, 6);
    const text =
      a.category === b.category
        ? `${capitalize(this.data.theme.preposition)} ${this.category(a)}, what is the difference between the ${this.data.measure.name} of ${this.seriesName(a)} and ${this.seriesName(b)}?`
        : `What is the difference between the ${this.data.measure.name} ${this.where(a)} and ${this.where(b, false)}?`;
    return {
      kind: 'difference',
      text,
      answer: number(difference),
      targets: [this.id(a), this.id(b)],
      explanation: `${this.label(big)} is ${this.show(big.value)} and ${this.label(small)} is ${this.show(small.value)}; ${this.show(big.value)} - ${this.show(small.value)} = ${formatAnswerNumber(difference)}.`,
    };
  }

  private ratio(): Question | undefined {
    const floor = this.data.scale === undefined ? 8 : 0.15 * this.data.scale.max;
    const pair = this.pair((cell) => cell.value >= floor);
    if (pair === undefined) return undefined;
    const [a, b] = pair;
    const ratio = roundTo(a.value / b.value, 2);
    const text =
      a.category === b.category
        ? `${capitalize(this.data.theme.preposition)} ${this.category(a)}, what is the ratio of the ${this.data.measure.name} of ${this.seriesName(a)} to that of ${this.seriesName(b)}?`
        : `What is the ratio of the ${this.data.measure.name} ${this.where(a)} to that ${this.where(b, false)}?`;
    return {
      kind: 'ratio',
      text,
      answer: number(ratio),
      targets: [this.id(a), this.id(b)],
      explanation: `${this.label(a)} is ${this.show(a.value)} and ${this.label(b)} is ${this.show(b.value)}; ${this.show(a.value)} / ${this.show(b.value)} = ${formatAnswerNumber(ratio)}.`,
    };
  }

  private sum(): Question | undefined {
    const measure = this.data.measure.name;
    if (this.data.type === 'stacked-bar' && this.random.chance(0.5)) {
      const category = this.random.int(0, this.data.categories.length - 1);
      const cells = this.data.series.map((_, series) => this.cell(series, category));
      const total = this.total(category);
      const name = this.data.categories[category] ?? '';
      return {
        kind: 'sum',
        text: `What is the total ${measure} ${this.data.theme.preposition} ${name} across all series?`,
        answer: number(total),
        targets: [`stack:${category}`],
        explanation: `The stack ${this.data.theme.preposition} ${name} adds up to ${cells.map((cell) => this.show(cell.value)).join(' + ')} = ${formatAnswerNumber(total)}.`,
      };
    }
    const pair = this.pair(undefined, 0);
    if (pair === undefined) return undefined;
    const [a, b] = pair;
    const total = roundTo(a.value + b.value, 6);
    const text =
      a.category === b.category
        ? `${capitalize(this.data.theme.preposition)} ${this.category(a)}, what is the combined ${measure} of ${this.seriesName(a)} and ${this.seriesName(b)}?`
        : this.data.type === 'pie'
          ? `What is the combined share of ${this.category(a)} and ${this.category(b)}?`
          : `What is the sum of the ${measure} ${this.where(a)} and ${this.where(b, false)}?`;
    return {
      kind: 'sum',
      text,
      answer: number(total),
      targets: [this.id(a), this.id(b)],
      explanation: `${this.label(a)} is ${this.show(a.value)} and ${this.label(b)} is ${this.show(b.value)}; ${this.show(a.value)} + ${this.show(b.value)} = ${formatAnswerNumber(total)}.`,
    };
  }

  private average(): Question | undefined {
    const series = this.random.int(0, this.data.series.length - 1);
    const cells = this.seriesCells(series);
    if (cells.length > 8) return undefined;
    const total = cells.reduce((sum, cell) => sum + cell.value, 0);
    const average = roundTo(total / cells.length, 2);
    const of = this.multi ? ` of ${this.data.series[series]?.name ?? ''}` : '';
    return {
      kind: 'average',
      text: this.random.pick([
        `What is the average ${this.data.measure.name}${of} across all ${this.data.theme.plural} shown?`,
        `What is the mean ${this.data.measure.name}${of} over the ${cells.length} ${this.data.theme.plural} in the chart?`,
      ]),
      answer: number(average),
      targets: cells.map((cell) => this.id(cell)),
      explanation: `(${cells.map((cell) => this.show(cell.value)).join(' + ')}) / ${cells.length} = ${formatAnswerNumber(roundTo(total, 6))} / ${cells.length} = ${formatAnswerNumber(average)}.`,
    };
  }

  private trend(): Question | undefined {
    const series = this.random.int(0, this.data.series.length - 1);
    const cells = this.seriesCells(series);
    const of = this.multi ? ` of ${this.data.series[series]?.name ?? ''}` : '';
    const measure = this.data.measure.name;
    const increasing = cells.every((cell, index) => index === 0 || cell.value > (cells[index - 1]?.value ?? 0));
    const decreasing = cells.every((cell, index) => index === 0 || cell.value < (cells[index - 1]?.value ?? 0));
    if ((increasing || decreasing) && this.random.chance(0.6)) {
      return {
        kind: 'trend',
        text: `Is the ${measure}${of} increasing or decreasing over the period shown?`,
        answer: { type: 'name', text: increasing ? 'increasing' : 'decreasing', aliases: increasing ? INCREASE : DECREASE },
        targets: cells.map((cell) => this.id(cell)),
        explanation: `Every value is ${increasing ? 'higher' : 'lower'} than the one before (${cells.map((cell) => this.show(cell.value)).join(', ')}), so it is ${increasing ? 'increasing' : 'decreasing'}.`,
      };
    }
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const [first, second] = this.random.sample(cells, 2).sort((x, y) => x.category - y.category);
      if (first === undefined || second === undefined || Math.abs(first.value - second.value) < this.margin) continue;
      const rose = second.value > first.value;
      return {
        kind: 'trend',
        text: `Did the ${measure}${of} increase or decrease from ${this.category(first)} to ${this.category(second)}?`,
        answer: { type: 'name', text: rose ? 'increase' : 'decrease', aliases: rose ? INCREASE : DECREASE },
        targets: [this.id(first), this.id(second)],
        explanation: `It went from ${this.show(first.value)} in ${this.category(first)} to ${this.show(second.value)} in ${this.category(second)}, so it ${rose ? 'increased' : 'decreased'}.`,
      };
    }
    return undefined;
  }

  private count(): Question | undefined {
    const series = this.random.int(0, this.data.series.length - 1);
    const cells = this.seriesCells(series);
    const scale = this.data.scale;
    const step = scale === undefined ? 5 : scale.step / 2;
    const top = scale === undefined ? 60 : scale.max;
    const thresholds: number[] = [];
    for (let value = step; value < top - 1e-9; value += step) {
      const threshold = roundTo(value, 6);
      const above = cells.filter((cell) => cell.value > threshold).length;
      const clear = cells.every((cell) => Math.abs(cell.value - threshold) >= this.margin * 0.66);
      if (clear && above >= 1 && above < cells.length) thresholds.push(threshold);
    }
    if (thresholds.length === 0) return undefined;
    const threshold = this.random.pick(thresholds);
    const above = cells.filter((cell) => cell.value > threshold);
    const of = this.multi ? ` of ${this.data.series[series]?.name ?? ''}` : '';
    const shown = `${this.data.measure.prefix}${formatAnswerNumber(threshold)}${this.data.measure.suffix}`;
    const text =
      this.data.type === 'pie'
        ? `How many ${this.data.theme.plural} have a share greater than ${shown}?`
        : `How many ${this.data.theme.plural} have a ${this.data.measure.name}${of} greater than ${shown}?`;
    return {
      kind: 'count',
      text,
      answer: number(above.length),
      targets: cells.map((cell) => this.id(cell)),
      threshold,
      explanation: `${above.length} of the ${cells.length} values are above ${shown}: ${above.map((cell) => `${this.category(cell)} (${this.show(cell.value)})`).join(', ')}.`,
    };
  }

  // -- helpers --

  private cell(series: number, category: number): Cell {
    return { series, category, value: this.data.series[series]?.values[category] ?? 0 };
  }

  private seriesCells(series: number): Cell[] {
    return this.data.categories.map((_, category) => this.cell(series, category));
  }

  private randomCell(): Cell {
    return this.cell(this.random.int(0, this.data.series.length - 1), this.random.int(0, this.data.categories.length - 1));
  }

  private total(category: number): number {
    return roundTo(
      this.data.series.reduce((sum, series) => sum + (series.values[category] ?? 0), 0),
      6,
    );
  }

  /** Two cells that differ by a readable margin: two categories of one series, or two series at one category. */
  private pair(accept: (cell: Cell) => boolean = () => true, margin = this.margin): [Cell, Cell] | undefined {
    for (let attempt = 0; attempt < 30; attempt += 1) {
      let a: Cell;
      let b: Cell;
      if (this.multi && this.random.chance(0.4)) {
        const category = this.random.int(0, this.data.categories.length - 1);
        const [first, second] = this.random.sample(
          this.data.series.map((_, series) => series),
          2,
        );
        a = this.cell(first ?? 0, category);
        b = this.cell(second ?? 1, category);
      } else {
        const series = this.random.int(0, this.data.series.length - 1);
        const [first, second] = this.random.sample(
          this.data.categories.map((_, category) => category),
          2,
        );
        a = this.cell(series, first ?? 0);
        b = this.cell(series, second ?? 1);
      }
      if (
        accept(a) &&
        accept(b) &&
        Math.abs(a.value - b.value) >= margin &&
        (margin > 0 || a.category !== b.category || a.series !== b.series)
      ) {
        return [a, b];
      }
    }
    return undefined;
  }

  private id(cell: Cell): string {
    return markId(this.data, cell.series, cell.category);
  }

  private category(cell: Cell): string {
    return this.data.categories[cell.category] ?? '';
  }

  private seriesName(cell: Cell): string {
    return this.data.series[cell.series]?.name ?? '';
  }

  /** " of North" for multi-series charts. */
  private ofSeries(cell: Cell): string {
    return this.multi ? ` for ${this.seriesName(cell)}` : '';
  }

  /** "of North in 2019" / "in 2019" / "for Laptops". */
  private where(cell: Cell, withSeries = true): string {
    const place = `${this.data.theme.preposition} ${this.category(cell)}`;
    return this.multi && withSeries ? `of ${this.seriesName(cell)} ${place}` : place;
  }

  /** A short name for a value in explanations: "2019" or "North in 2019". */
  private label(cell: Cell): string {
    return this.multi ? `${this.seriesName(cell)} ${this.data.theme.preposition} ${this.category(cell)}` : this.category(cell);
  }

  private show(value: number): string {
    return formatAnswerNumber(value);
  }
}

function number(value: number): Gold {
  return { type: 'number', value, text: formatAnswerNumber(value) };
}

/** The highest (or lowest) item when it beats every other by at least `margin`. */
function unique<T extends { value: number }>(items: readonly T[], highest: boolean, margin: number): T | undefined {
  const sorted = [...items].sort((a, b) => (highest ? b.value - a.value : a.value - b.value));
  const [first, second] = sorted;
  if (first === undefined) return undefined;
  if (second !== undefined && Math.abs(first.value - second.value) < margin) return undefined;
  return first;
}

function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
