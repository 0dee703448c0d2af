import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import sharp from 'sharp';
import { FormatError } from '../../core/errors.js';
import { PNG_OPTIONS } from '../../tools/image/pixels.js';
import { readDatasetText } from '../text-file.js';
import type { Gold } from './questions.js';
import { chosenOption } from './score.js';

/**
 * Loader for spatial benchmarks in the common JSON-lines shape (VSI-Bench, SPAR, MMSI and
 * SpatialEval exports): one object per line with `image` (or `images`, several views), `question`,
 * optional `options` and `answer`. Image paths are relative to the JSONL file. Items carry no
 * scene, so they serve evaluation only (no oracle).
 */

/** One benchmark item. */
export interface SpatialItem {
  /** 1-based line number in the file. */
  readonly line: number;
  /** Absolute image paths, first one the image the drawing tools act on. */
  readonly images: readonly string[];
  readonly question: string;
  /** Option texts without their letters (empty for open questions). */
  readonly options: readonly string[];
  readonly gold: Gold;
  /** The answer as written in the file. */
  readonly answer: string;
}

/** A loaded benchmark file. */
export interface SpatialSet {
  readonly file: string;
  readonly items: readonly SpatialItem[];
}

const NUMBER = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)\s*$/;

/**
 * Reads a JSONL benchmark file. Throws a {@link FormatError} naming the file and line of the first
 * bad item and saying what it should hold. Options may be a list (`["A. left", "B. right"]` or
 * `["left", "right"]`) or an object keyed by letter; the answer may be the letter or the option's
 * text. Without options, a numeric answer is scored by mean relative accuracy.
 */
export async function loadSpatialSet(file: string): Promise<SpatialSet> {
  const path = resolve(file);
  const content = await readDatasetText(
    path,
    `Cannot read the dataset file ${path}; pass the path of a .jsonl file (dataset=<file.jsonl>).`,
  );
  const items: SpatialItem[] = [];
  const lines = content.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    if (raw.trim() === '') continue;
    items.push(parseItem(raw, index + 1, path));
  }
  if (items.length === 0) throw new FormatError(`${path} holds no items; write one JSON object per line.`, { file: path });
  return { file: path, items };
}

function parseItem(raw: string, line: number, file: string): SpatialItem {
  const fail = (problem: string): never => {
    throw new FormatError(`${file}:${line}: ${problem}. Each line needs {"image" or "images", "question", "options"?, "answer"}.`, {
      file,
      line,
    });
  };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return fail(`not valid JSON (${(error as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail('not a JSON object');
  const record = value as Record<string, unknown>;
  const rawImages = record.images ?? (record.image === undefined ? undefined : [record.image]);
  if (!Array.isArray(rawImages) || rawImages.length === 0 || !rawImages.every((item) => typeof item === 'string' && item !== '')) {
    return fail('"image" must be a path, or "images" a non-empty list of paths');
  }
  if (typeof record.question !== 'string' || record.question.trim() === '') return fail('"question" must be a non-empty string');
  if (typeof record.answer !== 'string' && typeof record.answer !== 'number') return fail('"answer" must be a string or a number');
  const answer = String(record.answer).trim();
  if (answer === '') return fail('"answer" is empty');
  const options = parseOptions(record.options, fail);
  let gold: Gold;
  if (options.length > 0) {
    const index = chosenOption(answer, options);
    if (index === undefined) return fail(`the answer "${answer}" is neither an option letter nor an option's text`);
    gold = { type: 'choice', options, index };
  } else if (NUMBER.test(answer)) {
    const decimals = answer.includes('.') ? (answer.split('.')[1] ?? '').trim().length : 0;
    gold = { type: 'number', value: Number(answer), decimals };
  } else {
    gold = { type: 'text', text: answer };
  }
  const folder = dirname(file);
  return {
    line,
    images: (rawImages as string[]).map((image) => resolve(folder, image)),
    question: record.question.trim(),
    options,
    gold,
    answer,
  };
}

function parseOptions(value: unknown, fail: (problem: string) => never): string[] {
  if (value === undefined || value === null) return [];
  const texts = Array.isArray(value)
    ? value
    : typeof value === 'object'
      ? Object.entries(value as Record<string, unknown>)
          .sort(([first], [second]) => first.localeCompare(second))
          .map(([, text]) => text)
      : fail('"options" must be a list of strings or an object keyed by letter');
  if (!texts.every((text) => typeof text === 'string' || typeof text === 'number')) return fail('every option must be a string');
  return texts.map((text, index) => {
    const letter = String.fromCharCode(65 + index);
    const stripped = String(text).replace(new RegExp(`^\\(?${letter}\\)?[.:)]\\s*`, 'i'), '');
    return stripped.trim();
  });
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The PNG bytes of an item image (other formats are converted to PNG). */
export async function readItemImage(item: SpatialItem, path: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new FormatError(
      `Image ${path} of the item on line ${item.line} is missing; image paths are relative to the JSONL file.`,
      { file: path },
      error,
    );
  }
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return bytes;
  return sharp(bytes).removeAlpha().png(PNG_OPTIONS).toBuffer();
}
