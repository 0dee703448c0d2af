import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { FormatError, GymError } from '../core/errors.js';
import type { EpisodeRecord } from './record.js';
import { type DatasetManifest, validateEpisodeRecord, validateManifest } from './schema.js';

/** File names inside a dataset directory. */
export const DATASET_FILES = {
  trajectories: 'trajectories.jsonl',
  manifest: 'manifest.json',
  images: 'images',
} as const;

/** A line of `trajectories.jsonl` that could not be read as an episode. */
export interface LineProblem {
  /** 1-based line number. */
  readonly line: number;
  /** What is wrong (bad JSON, or the schema problems). */
  readonly message: string;
  /** The file's last line, not ending in a newline: a write that was interrupted. */
  readonly incomplete?: boolean;
}

/** Options of {@link readEpisodes}. */
export interface ReadEpisodesOptions {
  /** Called for each corrupt line; reading goes on. Problems are also collected on the stream. */
  readonly onProblem?: (problem: LineProblem) => void;
  /** Throw a {@link FormatError} naming the file and line at the first corrupt line instead. */
  readonly strict?: boolean;
}

/** The episodes of a dataset, streamed; corrupt lines are skipped and listed in `problems`. */
export interface EpisodeStream extends AsyncIterable<EpisodeRecord> {
  /** The `trajectories.jsonl` being read. */
  readonly file: string;
  /** Corrupt lines met so far (complete once iteration has finished). */
  readonly problems: readonly LineProblem[];
}

/** The `trajectories.jsonl` of a source that is either a dataset directory or the file itself. */
export async function resolveTrajectoriesFile(source: string): Promise<string> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(source);
  } catch (error) {
    throw new GymError('no-dataset', `No dataset at ${source}; generate one with \`thinkgym generate --out ${source}\`.`, { cause: error });
  }
  if (!info.isDirectory()) return source;
  const file = join(source, DATASET_FILES.trajectories);
  try {
    await stat(file);
  } catch (error) {
    throw new GymError('no-dataset', `${source} holds no ${DATASET_FILES.trajectories}; is it a thinkgym dataset directory?`, {
      cause: error,
    });
  }
  return file;
}

/**
 * Streams the episodes of a dataset (a directory or a `trajectories.jsonl`), line by line, without
 * loading the file. Each line is parsed and validated against the episode schema; a corrupt line
 * (bad JSON, schema failure) is reported with its 1-based number through `onProblem` and in
 * `problems`, and reading continues with the next line. Blank lines are skipped. With `strict`,
 * the first corrupt line throws a {@link FormatError} instead.
 */
export function readEpisodes(source: string, options: ReadEpisodesOptions = {}): EpisodeStream {
  const problems: LineProblem[] = [];
  let file = source;
  const stream: EpisodeStream = {
    get file() {
      return file;
    },
    problems,
    [Symbol.asyncIterator]: () => iterate(),
  };
  async function* iterate(): AsyncGenerator<EpisodeRecord> {
    file = await resolveTrajectoriesFile(source);
    const terminated = await endsWithNewline(file);
    const input = createReadStream(file, { encoding: 'utf8' });
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    // A corrupt line is held back one line, to know whether it is the unterminated last one.
    let pending: LineProblem | undefined;
    const report = (problem: LineProblem): void => {
      if (options.strict === true) {
        throw new FormatError(`${file}:${problem.line}: ${problem.message}`, { file, line: problem.line });
      }
      problems.push(problem);
      options.onProblem?.(problem);
    };
    let number = 0;
    try {
      for await (const line of lines) {
        number += 1;
        if (pending !== undefined) {
          report(pending);
          pending = undefined;
        }
        if (line.trim() === '') continue;
        const parsed = parseEpisodeLine(line);
        if (parsed.ok) yield parsed.value;
        else pending = { line: number, message: parsed.message };
      }
      if (pending !== undefined) {
        const last = pending.line === number && !terminated;
        report(
          last ? { ...pending, message: `incomplete last line (an interrupted write): ${pending.message}`, incomplete: true } : pending,
        );
      }
    } finally {
      lines.close();
      input.destroy();
    }
  }
  return stream;
}

/** Parses and validates one line of `trajectories.jsonl`. */
export function parseEpisodeLine(line: string): { ok: true; value: EpisodeRecord } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, message: `not valid JSON (${(error as Error).message})` };
  }
  const validation = validateEpisodeRecord(value);
  if (!validation.ok) return { ok: false, message: `not a valid episode record: ${validation.problems.join('; ')}` };
  return { ok: true, value: validation.value };
}

/**
 * Reads and validates `<dir>/manifest.json`. Returns `null` when the dataset has no manifest yet;
 * throws a {@link FormatError} naming the file when it is not valid JSON or fails the schema.
 */
export async function readManifest(dir: string): Promise<DatasetManifest | null> {
  const file = join(dir, DATASET_FILES.manifest);
  let body: string;
  try {
    body = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new FormatError(
      `${file} is not valid JSON (${(error as Error).message}); restore it or delete it and resume to rebuild it.`,
      { file },
      error,
    );
  }
  const validation = validateManifest(value);
  if (!validation.ok) {
    throw new FormatError(`${file} is not a valid thinkgym manifest: ${validation.problems.join('; ')}`, { file });
  }
  return validation.value;
}

async function endsWithNewline(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    await handle.close();
  }
}
