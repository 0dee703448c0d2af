import type { Queue } from 'bullmq';
import { formatProgress, type ProgressStream } from '../agents/progress.js';
import { type RunConfig, type Shard, shardJobId } from './job.js';

/** Where a queued run stands, read from the queue. */
export interface RunStatus {
  /** Shards by job state (`waiting`, `active`, `completed`, `failed`, `delayed` for a retry's back-off, `unknown` when the job is gone). */
  readonly states: Readonly<Record<string, number>>;
  /** Episodes written: whole completed shards plus the progress active jobs report. */
  readonly episodes: number;
  /** Shards whose jobs used up their tries, with the error of the last try. */
  readonly failed: readonly { readonly shard: number; readonly jobId: string; readonly attempts: number; readonly error: string }[];
  /** Every shard is completed or failed. */
  readonly finished: boolean;
}

/**
 * Reads the state of every shard's job of a run (one queue may hold several runs, so it asks per
 * job id rather than for the queue's totals), the episodes done, and the failed jobs with their
 * errors.
 */
export async function readRunStatus(queue: Queue, run: RunConfig, shards: readonly Shard[]): Promise<RunStatus> {
  const states: Record<string, number> = {};
  const failed: { shard: number; jobId: string; attempts: number; error: string }[] = [];
  let episodes = 0;
  let open = 0;
  await Promise.all(
    shards.map(async (shard) => {
      const jobId = shardJobId(run.runId, shard.index);
      const state = await queue.getJobState(jobId);
      states[state] = (states[state] ?? 0) + 1;
      if (state === 'completed') {
        episodes += shard.count;
        return;
      }
      if (state !== 'failed') open += 1;
      if (state === 'failed' || state === 'active' || state === 'waiting' || state === 'delayed') {
        const job = await queue.getJob(jobId);
        const progress = typeof job?.progress === 'number' ? job.progress : 0;
        episodes += Math.min(progress, shard.count);
        if (state === 'failed') {
          failed.push({ shard: shard.index, jobId, attempts: job?.attemptsMade ?? 0, error: job?.failedReason ?? 'unknown error' });
        }
      }
    }),
  );
  failed.sort((a, b) => a.shard - b.shard);
  return { states, episodes, failed, finished: open === 0 };
}

/** One line: the episode bar, then shards by state and, when any failed, the count. */
export function formatRunStatus(status: RunStatus, total: number, elapsedMs: number): string {
  const bar = formatProgress({ done: status.episodes, total, successes: status.episodes, failures: 0, elapsedMs }).replace(
    / success \S+/,
    '',
  );
  const order = ['completed', 'active', 'waiting', 'delayed', 'prioritized', 'failed', 'unknown'];
  const shards = order
    .filter((state) => (status.states[state] ?? 0) > 0)
    .map((state) => `${state} ${status.states[state]}`)
    .join(', ');
  return `${bar} | shards: ${shards}`;
}

/** Options of {@link watchRun}. */
export interface WatchOptions {
  readonly stream?: ProgressStream;
  /** Milliseconds between reads of the queue (default 500). */
  readonly intervalMs?: number;
  /** Stops watching (the run goes on in the workers). */
  readonly signal?: AbortSignal;
}

/**
 * Draws a live progress line from the queue until every shard is completed or failed (or
 * `signal` stops it): redrawn in place on a TTY, else printed when it changes, at most every 5 s.
 * Each failed shard is printed once with its error as soon as it is seen.
 */
export async function watchRun(queue: Queue, run: RunConfig, shards: readonly Shard[], options: WatchOptions = {}): Promise<RunStatus> {
  const stream = options.stream ?? process.stderr;
  const redraw = stream.isTTY === true;
  const interval = options.intervalMs ?? 500;
  const started = performance.now();
  const reported = new Set<number>();
  let lastLine = '';
  let lastPrint = Number.NEGATIVE_INFINITY;
  for (;;) {
    const status = await readRunStatus(queue, run, shards);
    for (const failure of status.failed) {
      if (reported.has(failure.shard)) continue;
      reported.add(failure.shard);
      stream.write(
        `${redraw ? '\r\x1b[2K' : ''}shard ${failure.shard} (job ${failure.jobId}) failed after ${failure.attempts} tries: ${failure.error}\n`,
      );
      lastLine = '';
    }
    const line = formatRunStatus(status, run.episodes, performance.now() - started);
    const now = performance.now();
    if (redraw) stream.write(`\r\x1b[2K${line}`);
    else if (line.replace(/ \S+ ep\/s eta \S+/, '') !== lastLine.replace(/ \S+ ep\/s eta \S+/, '') && now - lastPrint >= 5000) {
      stream.write(`${line}\n`);
      lastPrint = now;
    }
    lastLine = line;
    if (status.finished || options.signal?.aborted === true) {
      if (redraw) stream.write('\n');
      else if (lastPrint < now) stream.write(`${line}\n`);
      return status;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, interval);
      options.signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}
