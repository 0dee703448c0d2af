import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { formatQueuedRun, summarizeQueuedRun } from '../../queue/inspect.js';
import { mergeRun } from '../../queue/merge.js';
import { readEpisodes } from '../../trajectories/reader.js';
import { summarizeDataset } from '../../trajectories/summary.js';
import { runCli, startCli } from '../helpers/cli-child.js';
import { startRedis } from './redis-harness.js';

const redis = await startRedis();

afterAll(async () => {
  await redis?.stop();
});

async function seedsOf(dir: string): Promise<number[]> {
  const seeds: number[] = [];
  for await (const record of readEpisodes(dir, { strict: true })) seeds.push(record.seed);
  return seeds.sort((a, b) => a - b);
}

/** Collects what a running child prints on stdout, readable while it runs. */
function watchStdout(run: ReturnType<typeof startCli>): () => string {
  let text = '';
  run.child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return () => text;
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}

/** Polls `check` every 50 ms until it returns a value, or fails after `ms`. */
async function until<T>(what: string, ms: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(redis === null)('queue mode on a real Redis', () => {
  const url = redis?.url ?? '';

  it('two workers, one killed with SIGKILL mid-shard: the job is re-delivered, resumed, and after merge every seed is there once', async () => {
    const out = await mkdtemp(join(tmpdir(), 'thinkgym-queue-'));
    const queue = new Queue('kill', { connection: { host: '127.0.0.1', port: redis?.port ?? 0 } });
    try {
      const enqueued = await runCli([
        'generate',
        '--env',
        'maze-v0',
        '--episodes',
        '12',
        '--shard-size',
        '6',
        '--concurrency',
        '1',
        '--queue',
        url,
        '--queue-name',
        'kill',
        '--out',
        join(out, 'run'),
      ]);
      expect(enqueued.code, enqueued.stderr).toBe(0);
      expect(enqueued.stdout).toContain('as 2 shard(s)');
      const workerArgs = ['worker', '--queue', url, '--queue-name', 'kill', '--lock-duration', '2', '--until-empty'];
      const first = startCli(workerArgs);
      const second = startCli(workerArgs);
      // Kill the first worker while it holds a shard with some, not all, episodes written.
      const held = await until('the first worker to be mid-shard', 45_000, async () => {
        const active = await queue.getJobs(['active']);
        return active.find(
          (job) =>
            job.processedBy?.endsWith(`:${first.child.pid}`) === true &&
            typeof job.progress === 'number' &&
            job.progress >= 1 &&
            job.progress <= 4,
        );
      });
      first.child.kill('SIGKILL');
      const killed = await first.done;
      expect(killed.code).toBeNull();
      const survivor = await second.done;
      expect(survivor.code, survivor.stderr).toBe(0);
      // The killed worker's shard came back through the stalled-job check and was resumed, not restarted.
      const shard = (held.data as { shard: { index: number } }).shard.index;
      expect(survivor.stderr).toMatch(
        new RegExp(`shard ${shard} \\(seeds [0-9.]+\\): \\d+ episode\\(s\\), 0 failed \\(\\d+ already written\\)`),
      );
      expect(await queue.getJobCounts('completed', 'failed')).toEqual({ completed: 2, failed: 0 });

      // Merge and inspect in-process (the CLI paths are run by the failed-list test).
      const report = await mergeRun(join(out, 'run'));
      expect(report.missing).toBe(0);
      expect(await seedsOf(join(out, 'run', 'merged'))).toEqual(range(12));
      const mergedSummary = await summarizeDataset(join(out, 'run', 'merged'));
      expect(mergedSummary.episodes).toBe(12);
      expect(mergedSummary.images.missing).toEqual([]);
      const runSummary = await summarizeQueuedRun(join(out, 'run'));
      expect(runSummary === null ? '' : formatQueuedRun(runSummary)).toContain('episodes 12 of 12 seeds written');
    } finally {
      await queue.close();
      await rm(out, { recursive: true, force: true });
    }
  }, 90_000);

  it('a shard whose episodes keep failing uses up its tries and lands in the failed list, shown by --wait, inspect and merge', async () => {
    const out = await mkdtemp(join(tmpdir(), 'thinkgym-queue-'));
    try {
      // A model server that refuses every connection: a port just freed.
      const run = join(out, 'run');
      const waiting = startCli([
        'generate',
        '--env',
        'maze-v0',
        '--episodes',
        '2',
        '--shard-size',
        '2',
        '--attempts',
        '2',
        '--policy',
        'openai',
        '--base-url',
        'http://127.0.0.1:9/v1',
        '--model',
        'absent',
        '--retries',
        '0',
        '--queue',
        url,
        '--queue-name',
        'failing',
        '--out',
        run,
        '--wait',
      ]);
      const printed = watchStdout(waiting);
      await until('the run to be enqueued', 45_000, async () => (/queued 2 episodes/.test(printed()) ? true : undefined));
      const worker = await runCli(['worker', '--queue', url, '--queue-name', 'failing', '--until-empty']);
      expect(worker.code, worker.stderr).toBe(0);
      expect(worker.stderr).toMatch(/shard 0 \(seeds 0\.\.1\): try 2 of 2 failed: .*first error/);
      const watched = await waiting.done;
      expect(watched.code).toBe(1);
      expect(watched.stderr).toMatch(/shard 0 \(job \S+\) failed after 2 tries: .*episodes of maze-v0 failed/);
      expect(watched.stderr).toContain('1 shard(s) failed after their tries');

      const inspected = await runCli(['inspect', run]);
      expect(inspected.stdout).toMatch(/FAILED shard 0 \(job \S+, 2 tries\): .*failed/);
      expect(inspected.stdout).toContain('episodes failed and not yet played again: shard 0 2');
      const merged = await runCli(['merge', run]);
      expect(merged.code).toBe(1);
      expect(merged.stderr).toContain('2 seed(s) of the run have no episode yet (first: 0, 1). Shards 0 used up their tries.');
      expect(merged.stdout).toContain('2 failure record(s) carried over');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 90_000);

  it('Redis restarted mid-run (AOF on): the worker reconnects; Ctrl-C on it finishes the episode in flight and returns the rest of the shard; every seed once', async () => {
    const out = await mkdtemp(join(tmpdir(), 'thinkgym-queue-'));
    const queue = new Queue('restart', { connection: { host: '127.0.0.1', port: redis?.port ?? 0, maxRetriesPerRequest: null } });
    queue.on('error', () => undefined);
    try {
      const run = join(out, 'run');
      const enqueued = await runCli([
        'generate',
        '--env',
        'maze-v0',
        '--episodes',
        '40',
        '--shard-size',
        '20',
        '--concurrency',
        '1',
        '--queue',
        url,
        '--queue-name',
        'restart',
        '--out',
        run,
      ]);
      expect(enqueued.code, enqueued.stderr).toBe(0);
      const worker = startCli(['worker', '--queue', url, '--queue-name', 'restart', '--lock-duration', '3', '--until-empty']);
      await until('the first episode', 45_000, async () =>
        (await queue.getJobs(['active'])).some((job) => Number(job.progress) >= 1) ? true : undefined,
      );
      await redis?.restart({ downMs: 1000 });
      // After the restart the worker goes on; stop it with Ctrl-C in the middle of a shard.
      const held = await until('a shard in progress after the restart', 45_000, async () =>
        // Shards of 20 leave a wide window to catch one mid-way, however fast the machine runs.
        (await queue.getJobs(['active'])).find((job) => Number(job.progress) >= 1 && Number(job.progress) <= 12),
      );
      worker.child.kill('SIGINT');
      const stopped = await worker.done;
      expect(stopped.code, stopped.stderr).toBe(130);
      expect(stopped.stderr).toMatch(/stopped after \d+ episode\(s\); the rest is back in the queue/);
      expect(await queue.getJobState(String(held.id))).toBe('waiting');
      const second = await runCli(['worker', '--queue', url, '--queue-name', 'restart', '--until-empty']);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stderr).toMatch(/\(\d+ already written\)/);
      expect((await mergeRun(run)).missing).toBe(0);
      expect(await seedsOf(join(run, 'merged'))).toEqual(range(40));
    } finally {
      await queue.close();
      await rm(out, { recursive: true, force: true });
    }
  }, 90_000);
});
