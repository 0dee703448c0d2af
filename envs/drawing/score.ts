import { normalizeAnswer, parseNumber } from '../chart/score.js';
import { type Gold, optionLetter } from './questions.js';

/**
 * Scoring as the spatial benchmarks do it: multiple choice by exact match (the option letter, or
 * the option's text), numbers by VSI-Bench's mean relative accuracy.
 */

/** VSI-Bench's confidence thresholds: 0.50, 0.55, …, 0.95. */
export const MRA_THRESHOLDS: readonly number[] = Array.from({ length: 10 }, (_, index) => 0.5 + index * 0.05);

/**
 * Mean relative accuracy: the share of thresholds θ for which the relative error
 * `|prediction − gold| / |gold|` is below `1 − θ`. A relative error under 5% scores 1, one of 10%
 * scores 0.8, one of 30% scores 0.4, one of 50% or more scores 0. A gold of 0 needs an exact 0.
 */
export function meanRelativeAccuracy(prediction: number, gold: number): number {
  if (!Number.isFinite(prediction)) return 0;
  if (gold === 0) return prediction === 0 ? 1 : 0;
  const error = Math.abs(prediction - gold) / Math.abs(gold);
  const passed = MRA_THRESHOLDS.filter((threshold) => error < 1 - threshold - 1e-12).length;
  return passed / MRA_THRESHOLDS.length;
}

/**
 * The letter a multiple-choice answer picks, or `undefined`: `B`, `(B)`, `B.`, `B. the lamp` and
 * the option text alone (`the lamp`, `lamp`) all pick B.
 */
export function chosenOption(answer: string, options: readonly string[]): number | undefined {
  const trimmed = answer.trim();
  const letter = /^\(?([A-Za-z])\)?(?:[.:)]\s*(.*))?$/.exec(trimmed);
  if (letter !== null) {
    const index = (letter[1] as string).toUpperCase().charCodeAt(0) - 65;
    if (index >= 0 && index < options.length) {
      const rest = letter[2];
      if (rest === undefined || rest.trim() === '' || sameText(rest, options[index] as string)) return index;
    }
  }
  const byText = options.findIndex((option) => sameText(trimmed, option));
  return byText === -1 ? undefined : byText;
}

/** Scores an answer against the gold: 0 or 1 for choices and texts, mean relative accuracy for numbers. */
export function scoreDrawingAnswer(answer: string, gold: Gold): number {
  if (gold.type === 'choice') return chosenOption(answer, gold.options) === gold.index ? 1 : 0;
  if (gold.type === 'text') return sameText(answer, gold.text) ? 1 : 0;
  const value = parseNumber(answer);
  return value === undefined ? 0 : meanRelativeAccuracy(value, gold.value);
}

/** Options as shown to the model: `A. the lamp`, one per line. */
export function formatOptions(options: readonly string[]): string {
  return options.map((option, index) => `${optionLetter(index)}. ${option}`).join('\n');
}

function sameText(first: string, second: string): boolean {
  const strip = (value: string): string => normalizeAnswer(value).replace(/^the /, '');
  return strip(first) === strip(second);
}
