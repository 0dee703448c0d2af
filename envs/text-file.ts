import { readFile } from 'node:fs/promises';
import { FormatError } from '../core/errors.js';

/**
 * Refuses an empty file and one that is not text (NUL bytes or bytes that are not UTF-8), before
 * any parsing, with one clear error.
 */
export function checkText(text: string, file: string, what: string): void {
  if (text.trim() === '') throw new FormatError(`${file} is empty; pass a ${what}.`, { file });
  const nul = text.indexOf('\u0000');
  const replacement = text.indexOf('\uFFFD');
  const bad = nul < 0 ? replacement : replacement < 0 ? nul : Math.min(nul, replacement);
  if (bad >= 0) {
    const line = text.slice(0, bad).split('\n').length;
    throw new FormatError(`${file} is not a text file (a binary byte on line ${line}); pass a ${what}.`, { file, line });
  }
}

/**
 * Reads a dataset file as UTF-8; a file that cannot be read becomes a {@link FormatError} with
 * `message` (which names the file and what to pass instead) and the cause.
 */
export async function readDatasetText(path: string, message: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new FormatError(message, { file: path }, error);
  }
}
