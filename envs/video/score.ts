import type { Gold } from './questions.js';

/**
 * Scoring video-v0 answers. Times are read as seconds (`83`, `83.5 s`) or clock times (`1:23`,
 * `0:01:23`) and are right within the question's tolerance; choices by letter (`B`, `(B)`, `B.`)
 * or by the option's text; counts as integers (digits or words up to twenty); words and colours
 * case- and space-insensitively. Each check returns 1 or 0.
 */

/** The score (1 or 0) of `answer` against `gold`. */
export function scoreAnswer(answer: string, gold: Gold): number {
  const cleaned = answer
    .trim()
    .replace(/^["'`(]+|["'`).!]+$/g, '')
    .trim();
  switch (gold.type) {
    case 'time': {
      const value = parseTime(cleaned);
      return value !== undefined && Math.abs(value - gold.seconds) <= gold.tolerance + 1e-9 ? 1 : 0;
    }
    case 'choice': {
      const letter = /^\(?([A-Za-z])\)?[.:)]?(?:\s|$)/.exec(cleaned)?.[1]?.toUpperCase();
      if (letter !== undefined && (cleaned.length <= 3 || /^\(?[A-Za-z][.:)]\s/.test(cleaned))) return letter === gold.letter ? 1 : 0;
      const index = gold.options.findIndex((option) => normalise(option) === normalise(cleaned));
      return index >= 0 && String.fromCharCode(65 + index) === gold.letter ? 1 : 0;
    }
    case 'count':
      return parseCount(cleaned) === gold.value ? 1 : 0;
    case 'word':
      return normalise(cleaned) === normalise(gold.value) ? 1 : 0;
  }
}

/** Seconds from `83`, `83.5 s`, `83 seconds`, `1:23`, `01:02:03`; undefined when unreadable. */
export function parseTime(value: string): number | undefined {
  const text = value.trim().toLowerCase();
  const clock = /^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(text);
  if (clock !== null) return Number(clock[1] ?? 0) * 3600 + Number(clock[2]) * 60 + Number(clock[3]);
  const plain = /^(\d+(?:\.\d+)?)\s*(?:s|sec|secs|second|seconds)?$/.exec(text);
  return plain === null ? undefined : Number(plain[1]);
}

const NUMBER_WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
  'twenty',
];

function parseCount(value: string): number | undefined {
  const text = value
    .trim()
    .toLowerCase()
    .replace(/\s*times?$/, '');
  if (/^\d+(?:\.0+)?$/.test(text)) return Number(text);
  const index = NUMBER_WORDS.indexOf(text);
  return index === -1 ? undefined : index;
}

function normalise(value: string): string {
  return value.toLowerCase().replace(/\s+/g, ' ').trim();
}
