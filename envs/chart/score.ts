import type { Gold } from './questions.js';

/**
 * Answer scoring as ChartQA: a numeric answer is right when within 5% of the gold value
 * (relaxed accuracy, `|prediction - gold| / |gold| <= 0.05`, exact when the gold is 0); any other
 * answer must match exactly, ignoring case, spacing and surrounding punctuation.
 */

/** ChartQA's tolerance for numeric answers. */
export const RELAXED_TOLERANCE = 0.05;

const NUMBER = /[-+−]?[$€£]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+−]?[$€£]?\.\d+/g;

/**
 * Reads a number from an answer: commas between thousands, currency signs, `%` and unit words are
 * ignored ("$1,234.5 million" → 1234.5, "45%" → 45, "-$5" → -5, "−3" with U+2212 → -3). When the
 * text holds several numbers the last one is taken ("from 35 to 42, a rise of 7" → 7). Undefined
 * when there is none.
 */
export function parseNumber(text: string): number | undefined {
  const last = text.match(NUMBER)?.at(-1);
  if (last === undefined) return undefined;
  const value = Number(last.replaceAll(',', '').replace('−', '-').replace(/[$€£]/, ''));
  return Number.isFinite(value) ? value : undefined;
}

/** Whether `text` is a number as a gold label (digits with optional sign, `-`, `+` or `−`, commas, decimals, `%`). */
export function isNumericLabel(text: string): boolean {
  return /^\s*[-+−]?[$€£]?\s*(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?\s*%?\s*$/.test(text) && /\d/.test(text);
}

/**
 * Lower-cases, collapses spaces, strips surrounding spaces and quotes, and trailing punctuation
 * also outside a closing quote (`“Laptops”.` → `laptops`).
 */
export function normalizeAnswer(text: string): string {
  return text
    .toLowerCase()
    .replace(/^["'`“”‘’\s]+/, '')
    .replace(/["'`“”‘’\s.!?;:,]+$/, '')
    .replace(/\s+/g, ' ');
}

/** ChartQA relaxed accuracy of one numeric answer: 1 when within `tolerance` of `gold`. */
export function relaxedNumber(prediction: number, gold: number, tolerance = RELAXED_TOLERANCE): number {
  if (gold === 0) return prediction === 0 ? 1 : 0;
  return Math.abs(prediction - gold) / Math.abs(gold) <= tolerance + 1e-12 ? 1 : 0;
}

/** Scores `prediction` against a gold answer: 1 or 0. */
export function scoreAnswer(prediction: string, gold: Gold, tolerance = RELAXED_TOLERANCE): number {
  if (gold.type === 'number') {
    // No number in the answer reads as NaN, which is within no tolerance.
    return relaxedNumber(parseNumber(prediction) ?? Number.NaN, gold.value, tolerance);
  }
  const answer = normalizeAnswer(prediction);
  const accepted = [gold.text, ...gold.aliases].map(normalizeAnswer);
  return accepted.includes(answer) ? 1 : 0;
}

/** A gold answer from a ChartQA label: numeric labels are scored relaxed, others exactly. */
export function goldFromLabel(label: string): Gold {
  if (isNumericLabel(label)) {
    const value = parseNumber(label);
    if (value !== undefined) return { type: 'number', value, text: label.trim() };
  }
  return { type: 'name', text: label.trim(), aliases: [] };
}

/** ChartQA's relaxed accuracy of a prediction against a raw label string. */
export function relaxedAccuracy(prediction: string, label: string, tolerance = RELAXED_TOLERANCE): number {
  return scoreAnswer(prediction, goldFromLabel(label), tolerance);
}
