import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GymError } from '../core/errors.js';
import { writeAtomic } from '../core/write-atomic.js';
import type { RunConfig, Shard } from './job.js';

/**
 * The folder of a queued run:
 *
 * ```
 * <out>/run.json                 the run's configuration, queue and shard count
 * <out>/shards/shard-000000/     one dataset per shard (trajectories.jsonl, images/, manifest.json)
 * <out>/failed/shard-000003.json a shard whose job used up its tries, with the error
 * <out>/merged/                  `thinkgym merge`'s dataset (by default)
 * ```
 */
export const RUN_FILES = { run: 'run.json', shards: 'shards', failed: 'failed', merged: 'merged' } as const;

/** What `run.json` holds. */
export interface RunFile {
  readonly kind: 'thinkgym-queued-run';
  readonly config: RunConfig;
  /** Where the jobs went (password hidden) and the queue name. */
  readonly queue: { readonly url: string; readonly name: string };
  readonly shards: number;
  readonly createdAt: string;
}

/** What a failed-shard marker holds. */
export interface FailedShard {
  readonly shard: Shard;
  readonly jobId: string;
  readonly attempts: number;
  readonly error: string;
  readonly failedAt: string;
}

/** The dataset folder of shard `index`. */
export function shardDir(out: string, index: number): string {
  return join(out, RUN_FILES.shards, `shard-${String(index).padStart(6, '0')}`);
}

function failedFile(out: string, index: number): string {
  return join(out, RUN_FILES.failed, `shard-${String(index).padStart(6, '0')}.json`);
}

/** Writes `run.json` atomically (temp file, sync, rename). */
export async function writeRunFile(out: string, run: RunFile): Promise<void> {
  await mkdir(join(out, RUN_FILES.shards), { recursive: true });
  await writeAtomic(join(out, RUN_FILES.run), `${JSON.stringify(run, null, 2)}\n`, { durable: true });
}

/** Reads `<out>/run.json`; `null` when the folder is not a queued run. */
export async function readRunFile(out: string): Promise<RunFile | null> {
  let body: string;
  try {
    body = await readFile(join(out, RUN_FILES.run), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw error;
  }
  let run: RunFile;
  try {
    run = JSON.parse(body) as RunFile;
  } catch (error) {
    throw new GymError('bad-run-file', `${join(out, RUN_FILES.run)} is not valid JSON; restore it from the queue's job data.`, {
      cause: error,
    });
  }
  if (run?.kind !== 'thinkgym-queued-run' || typeof run.config?.runId !== 'string') {
    throw new GymError('bad-run-file', `${join(out, RUN_FILES.run)} is not a thinkgym queued run.`);
  }
  return run;
}

/** Records that a shard's job used up its tries (read by `inspect` and `merge`). */
export async function markShardFailed(out: string, failed: FailedShard): Promise<void> {
  await mkdir(join(out, RUN_FILES.failed), { recursive: true });
  await writeAtomic(failedFile(out, failed.shard.index), `${JSON.stringify(failed, null, 2)}\n`, { durable: true });
}

/** Removes a shard's failure marker (its job has since completed). */
export async function clearShardFailed(out: string, index: number): Promise<void> {
  await rm(failedFile(out, index), { force: true });
}

/** The failure markers of a run, by shard index. */
export async function readFailedShards(out: string): Promise<FailedShard[]> {
  let names: string[];
  try {
    names = await readdir(join(out, RUN_FILES.failed));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const failed: FailedShard[] = [];
  for (const name of names.filter((entry) => entry.endsWith('.json')).sort()) {
    try {
      failed.push(JSON.parse(await readFile(join(out, RUN_FILES.failed, name), 'utf8')) as FailedShard);
    } catch {
      // A marker being replaced right now; the next read sees it.
    }
  }
  return failed;
}
