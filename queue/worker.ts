import { hostname } from 'node:os';
import { type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Policy, PromptFormat } from '../agents/policy.js';
import { checkReachable, type QueueAddress } from './connection.js';
import { openQueue } from './enqueue.js';
import { checkShardJob, type PolicyFlags, type ShardResult } from './job.js';
import { clearShardFailed, markShardFailed } from './layout.js';
import { runShard } from './run-shard.js';

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  readonly address: QueueAddress;
  /** Shard jobs run at once by this process (each runs its run's `concurrency` episodes at once). */
  readonly concurrency: number;
  /**
   * How long a job's lock lasts without renewal, in ms; a worker killed with SIGKILL leaves its job
   * to the stalled-job check, which re-delivers it after about this long (default 30 000).
   */
  readonly lockDurationMs?: number;
  /** Exit once the queue holds no waiting, delayed or active job. */
  readonly untilEmpty?: boolean;
  /** Builds the policy factory of a run from its flags, as `thinkgym generate` does. */
  readonly policyFactory: (flags: PolicyFlags, format: PromptFormat) => () => Policy;
  /** Where progress lines go (stderr by default). */
  readonly log?: (line: string) => void;
}

/** A running worker. */
export interface RunningWorker {
  /**
   * Stops gracefully: no new job is taken, each job in flight finishes its episodes in flight and
   * goes back to the queue with the rest of its shard (a later worker resumes it).
   */
  stop(): void;
  /** Resolves when the worker has closed (after {@link stop}, or when the queue ran empty with `untilEmpty`). */
  readonly closed: Promise<void>;
}

/** How many times a job may be re-delivered after its worker died before it counts as failed. */
const MAX_STALLED = 3;

/**
 * Starts a BullMQ worker on the queue that runs shard jobs with {@link runShard}: the run's
 * configuration comes with each job. A job whose episodes fail throws, so BullMQ retries it (with
 * back-off) and the retry resumes the shard; after its last try the shard is recorded under
 * `<out>/failed/` with its error.
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  await checkReachable(options.address);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const graceful = new AbortController();
  const lockDuration = options.lockDurationMs ?? 30_000;
  const processor = async (job: Job, token?: string): Promise<ShardResult> => {
    let data: ReturnType<typeof checkShardJob>;
    try {
      data = checkShardJob(job.data);
    } catch (error) {
      throw new UnrecoverableError((error as Error).message);
    }
    const { run, shard } = data;
    const seeds = `seeds ${shard.firstSeed}..${shard.firstSeed + shard.count - 1}`;
    const started = performance.now();
    try {
      const outcome = await runShard(data, {
        createPolicy: options.policyFactory(run.policy, run.format),
        signal: graceful.signal,
        onProgress: (written) => job.updateProgress(written).catch(() => undefined),
      });
      if (outcome.stopped) {
        await job.moveToWait(token);
        log(`shard ${shard.index} (${seeds}): stopped after ${outcome.episodes} episode(s); the rest is back in the queue`);
        throw new WaitingError();
      }
      if (outcome.failed > 0 && !run.allowFailures) {
        throw new Error(
          `${outcome.failed} episode(s) of shard ${shard.index} failed (see ${run.out}/shards/…/failures.jsonl); first: ${outcome.firstError ?? 'unknown'}`,
        );
      }
      await clearShardFailed(run.out, shard.index);
      const resumed = outcome.resumed > 0 ? ` (${outcome.resumed} already written)` : '';
      log(
        `shard ${shard.index} (${seeds}): ${outcome.episodes} episode(s), ${outcome.failed} failed${resumed} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      return { episodes: outcome.episodes, successes: outcome.successes, failed: outcome.failed, resumed: outcome.resumed };
    } catch (error) {
      if (error instanceof WaitingError) throw error;
      const attempts = job.opts.attempts ?? 1;
      const final = job.attemptsMade + 1 >= attempts || error instanceof UnrecoverableError;
      const message = error instanceof Error ? error.message : String(error);
      log(`shard ${shard.index} (${seeds}): try ${job.attemptsMade + 1} of ${attempts} failed: ${message}`);
      if (final) {
        await markShardFailed(run.out, {
          shard,
          jobId: String(job.id),
          attempts: job.attemptsMade + 1,
          error: message,
          failedAt: new Date().toISOString(),
        }).catch(() => undefined);
      }
      throw error;
    }
  };
  const worker = new Worker(options.address.name, processor, {
    connection: { ...options.address.connection },
    // Shown on each job as `processedBy`: which machine and process holds it.
    name: `${hostname()}:${process.pid}`,
    concurrency: options.concurrency,
    lockDuration,
    stalledInterval: lockDuration,
    maxStalledCount: MAX_STALLED,
    removeOnComplete: { count: 1_000_000 },
    removeOnFail: { count: 1_000_000 },
  });
  let lastError = '';
  worker.on('error', (error) => {
    // Connection errors repeat while Redis is away (a restart); say each new one once.
    if (error.message !== lastError) log(`queue: ${error.message} (retrying)`);
    lastError = error.message;
  });
  worker.on('ready', () => {
    lastError = '';
  });
  let watcher: ReturnType<typeof setInterval> | undefined;
  const closed = (async () => {
    await worker.waitUntilReady();
    if (options.untilEmpty !== true) return new Promise<void>((resolve) => worker.once('closed', () => resolve()));
    const queue = openQueue(options.address);
    try {
      await new Promise<void>((resolve) => {
        let idleReads = 0;
        watcher = setInterval(() => {
          queue
            .getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'wait')
            .then((counts) => {
              const open = Object.values(counts).reduce((sum, count) => sum + count, 0);
              // Two empty reads in a row, so a job between states is not missed.
              idleReads = open === 0 ? idleReads + 1 : 0;
              if (idleReads >= 2 || graceful.signal.aborted) resolve();
            })
            .catch(() => undefined);
        }, 250);
        worker.once('closed', () => resolve());
      });
    } finally {
      clearInterval(watcher);
      await queue.close();
      await worker.close();
    }
  })();
  return {
    stop: () => {
      graceful.abort();
      void worker.close();
    },
    closed,
  };
}
