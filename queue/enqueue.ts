import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { Queue } from 'bullmq';
import { GymError } from '../core/errors.js';
import { checkReachable, parseQueueUrl, type QueueAddress } from './connection.js';
import { planShards, type RunConfig, type ShardJobData, shardJobId } from './job.js';
import { readRunFile, writeRunFile } from './layout.js';
import { watchRun } from './progress.js';

/** Options of {@link enqueueRun}. */
export interface EnqueueOptions {
  /** `redis://host:port` */
  readonly url: string;
  readonly queueName?: string;
  /** The run, less its id (made here). */
  readonly config: Omit<RunConfig, 'runId'>;
  /** Watch the run with a live progress line until every shard is completed or failed. */
  readonly wait: boolean;
  /** Stops waiting (the run goes on in the workers). */
  readonly signal?: AbortSignal;
}

/**
 * Enqueues a run as one BullMQ job per shard of seeds and writes `<out>/run.json`; returns the exit
 * code. Without `wait` it returns once the jobs are in Redis; with it, it draws the run's progress
 * from the queue and returns 0 when every shard completed, 1 when some failed (each listed with its
 * error), 130 when `signal` stopped the watch. The output folder must be new or empty.
 */
export async function enqueueRun(options: EnqueueOptions): Promise<number> {
  const address = parseQueueUrl(options.url, options.queueName);
  const out = options.config.out;
  if ((await readRunFile(out)) !== null) {
    throw new GymError(
      'run-exists',
      `${out} already holds a queued run; start more workers to finish it (thinkgym worker --queue ${address.display}), or choose another --out.`,
    );
  }
  const entries = await readdir(out).catch(() => []);
  if (entries.length > 0) throw new GymError('output-not-empty', `${out} is not empty; a queued run needs a new folder for --out.`);
  await checkReachable(address);
  const config: RunConfig = { ...options.config, runId: `${Date.now().toString(36)}${randomBytes(3).toString('hex')}` };
  const shards = planShards(config.firstSeed, config.episodes, config.shardSize);
  const queue = openQueue(address);
  try {
    await writeRunFile(out, {
      kind: 'thinkgym-queued-run',
      config,
      queue: { url: address.display, name: address.name },
      shards: shards.length,
      createdAt: new Date().toISOString(),
    });
    await queue.addBulk(
      shards.map((shard) => ({
        name: 'shard',
        data: { version: 1, run: config, shard } satisfies ShardJobData,
        opts: {
          jobId: shardJobId(config.runId, shard.index),
          attempts: config.attempts,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: false,
          removeOnFail: false,
        },
      })),
    );
    console.log(
      `queued ${config.episodes} episodes of ${config.env} as ${shards.length} shard(s) of up to ${config.shardSize} seeds on ${address.display} (queue ${address.name}, run ${config.runId}); output in ${out}`,
    );
    if (!options.wait) {
      console.log(
        `start workers with: thinkgym worker --queue ${address.display}${address.name === 'thinkgym' ? '' : ` --queue-name ${address.name}`}`,
      );
      console.log(`then join the shards with: thinkgym merge ${out}`);
      return 0;
    }
    const status = await watchRun(queue, config, shards, options.signal === undefined ? {} : { signal: options.signal });
    if (options.signal?.aborted === true) {
      console.log('stopped watching; the run goes on in the workers.');
      return 130;
    }
    if (status.failed.length > 0) {
      console.error(
        `error: ${status.failed.length} shard(s) failed after their tries (listed above and by thinkgym inspect ${out}); fix the cause and retry them, or merge what is there.`,
      );
      return 1;
    }
    console.log(`every shard is done; join them with: thinkgym merge ${out}`);
    return 0;
  } finally {
    await queue.close();
  }
}

/** A BullMQ queue handle on `address`. */
export function openQueue(address: QueueAddress): Queue {
  return new Queue(address.name, { connection: { ...address.connection } });
}
