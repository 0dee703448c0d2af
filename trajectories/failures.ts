import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { PromptFormat } from '../agents/policy.js';
import type { StepRecord } from './record.js';

/** The file beside `trajectories.jsonl` that lists the episodes that failed. */
export const FAILURES_FILE = 'failures.jsonl';

/**
 * One line of `failures.jsonl`: an episode that ended in an error (a model server that refused,
 * a policy fault) instead of terminating or being truncated. Nothing is dropped silently, so an
 * evaluation can count what it did not score; `--resume` plays these seeds again.
 */
export interface FailureRecord {
  readonly schemaVersion: 1;
  readonly env: string;
  readonly envVersion: number;
  readonly seed: number;
  readonly policy: string;
  readonly format: PromptFormat;
  /** What went wrong: the message, the error's code and, for a model server, the HTTP status. */
  readonly error: { readonly message: string; readonly code?: string; readonly status?: number };
  /** Turns taken before the failure. */
  readonly turns: number;
  /** Those turns, as they would have been recorded. */
  readonly steps: readonly StepRecord[];
  /** ISO 8601 time of the failure. */
  readonly failedAt: string;
}

/** Turns any thrown value into the `error` field of a {@link FailureRecord}. */
export function failureError(error: unknown): FailureRecord['error'] {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const status = (error as { data?: { status?: unknown } } | null)?.data?.status;
  return {
    message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof status === 'number' ? { status } : {}),
  };
}

/**
 * Appends failure records to `<dir>/failures.jsonl`, crash-safely: each record is one `write` of
 * one line on a file opened for appending, then `fdatasync`, before {@link append} resolves. The
 * file is created on the first failure, so a run without failures leaves none.
 */
export class FailureLog {
  /** The file written. */
  readonly file: string;
  private handle: FileHandle | undefined;
  private queue: Promise<void> = Promise.resolve();
  private written = 0;

  constructor(dir: string) {
    this.file = join(dir, FAILURES_FILE);
  }

  /** Failures appended by this log. */
  get count(): number {
    return this.written;
  }

  /** Appends one failure and syncs it to disk. Safe to call concurrently. */
  append(record: FailureRecord): Promise<void> {
    const line = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    const run = this.queue.then(async () => {
      this.handle ??= await open(this.file, 'a');
      let offset = 0;
      while (offset < line.length) {
        const { bytesWritten } = await this.handle.write(line, offset, line.length - offset);
        offset += bytesWritten;
      }
      await this.handle.datasync();
      this.written += 1;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Waits for pending appends and closes the file. */
  async close(): Promise<void> {
    await this.queue;
    await this.handle?.close();
    this.handle = undefined;
  }
}

/** What `failures.jsonl` holds, as counted by {@link readFailures}. */
export interface FailureSummary {
  /** Failure lines read. */
  readonly failures: number;
  /** Distinct env + seed pairs that failed, as {@link failureKey}s. */
  readonly seeds: ReadonlySet<string>;
  /** Failures by error code (`model-server`, …; `error` when there is none). */
  readonly byCode: Readonly<Record<string, number>>;
  /** The first few failures, for a report. */
  readonly first: readonly { readonly env: string; readonly seed: number; readonly turns: number; readonly message: string }[];
  /** Lines that were not failure records (a torn last line after a crash), by number. */
  readonly badLines: readonly number[];
}

/** The key of an env + seed pair in {@link FailureSummary.seeds}. */
export function failureKey(env: string, seed: number): string {
  return `${env}\u0000${seed}`;
}

/** Reads `<dir>/failures.jsonl` (streaming); `null` when there is none. */
export async function readFailures(dir: string): Promise<FailureSummary | null> {
  const file = join(dir, FAILURES_FILE);
  let input: ReturnType<typeof createReadStream>;
  try {
    input = createReadStream(file, { encoding: 'utf8' });
    await new Promise<void>((resolve, reject) => {
      input.once('open', () => resolve());
      input.once('error', reject);
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  const keys = new Set<string>();
  const byCode: Record<string, number> = {};
  const first: FailureSummary['first'][number][] = [];
  const badLines: number[] = [];
  let failures = 0;
  let number = 0;
  for await (const line of lines) {
    number += 1;
    if (line.trim() === '') continue;
    let record: FailureRecord;
    try {
      record = JSON.parse(line) as FailureRecord;
    } catch {
      badLines.push(number);
      continue;
    }
    if (typeof record.env !== 'string' || typeof record.seed !== 'number' || typeof record.error?.message !== 'string') {
      badLines.push(number);
      continue;
    }
    failures += 1;
    keys.add(failureKey(record.env, record.seed));
    const code = record.error.code ?? 'error';
    byCode[code] = (byCode[code] ?? 0) + 1;
    if (first.length < 5) first.push({ env: record.env, seed: record.seed, turns: record.turns, message: record.error.message });
  }
  return { failures, seeds: keys, byCode, first, badLines };
}
