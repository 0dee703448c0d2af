import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { GymError } from '../core/errors.js';
import { startRedis } from '../tests/queue/redis-harness.js';
import type { BenchRow, BenchRun } from './report.js';

const EPISODES = 48;
const SHARD_SIZE = 6;
const BIN = join(import.meta.dirname, '..', 'bin', 'thinkgym.js');

/**
 * Queue mode against in-process `thinkgym generate` on this machine: maze-v0 (PNG observations,
 * CPU-bound, oracle policy, one episode in flight per process) for 48 seeds. Generate's time is
 * its batch time (as it reports it, start-up excluded); a queued run's time goes from its first
 * job's start to its last job's end (the queue's timestamps), with the workers already started. Ratios are episodes/s
 * over generate's; the queue's overhead per episode is (1 worker's time − generate's) / episodes.
 */
export const run: BenchRun = async () => {
  const redis = await startRedis();
  if (redis === null) throw new GymError('bench-failed', 'redis-server is needed for the queue bench (apt-get install redis-server).');
  const dir = await mkdtemp(join(tmpdir(), 'thinkgym-bench-queue-'));
  try {
    const generate = await runChild([
      'generate',
      '--env',
      'maze-v0',
      '--episodes',
      String(EPISODES),
      '--concurrency',
      '1',
      '--quiet',
      '--out',
      join(dir, 'plain'),
    ]);
    const match = / in ([0-9.]+) s/.exec(generate);
    if (match?.[1] === undefined) throw new GymError('bench-failed', `generate printed no time: ${generate}`);
    const plainSeconds = Number(match[1]);
    const baseline = { name: 'generate in-process', value: EPISODES / plainSeconds };
    const rows: BenchRow[] = [{ name: 'generate in-process, maze-v0', value: baseline.value, unit: 'episodes/s', higherIsBetter: true }];
    const seconds: number[] = [];
    for (const workers of [1, 2]) {
      const elapsed = await queuedRun(redis.url, redis.port, `bench${workers}`, workers, join(dir, `queued-${workers}`));
      seconds.push(elapsed);
      rows.push({
        name: `queue, ${workers} worker process(es)`,
        value: EPISODES / elapsed,
        unit: 'episodes/s',
        baseline,
        higherIsBetter: true,
      });
    }
    rows.push({
      name: 'queue overhead per episode (1 worker vs generate)',
      value: (((seconds[0] ?? 0) - plainSeconds) * 1000) / EPISODES,
      unit: 'ms',
      higherIsBetter: false,
    });
    return {
      title: 'queue mode (BullMQ on a loopback redis-server, maze-v0 oracle)',
      rows,
      notes: [
        `${EPISODES} episodes, shards of ${SHARD_SIZE}, one episode in flight per process; generate ${plainSeconds.toFixed(1)} s, queue ${seconds.map((value) => value.toFixed(1)).join(' s / ')} s`,
      ],
    };
  } finally {
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  }
};

async function queuedRun(url: string, port: number, name: string, workers: number, out: string): Promise<number> {
  const children: ChildProcess[] = [];
  const queue = new Queue(name, { connection: { host: '127.0.0.1', port } });
  try {
    for (let index = 0; index < workers; index += 1) {
      children.push(
        spawn(process.execPath, [BIN, 'worker', '--queue', url, '--queue-name', name], { stdio: ['ignore', 'ignore', 'pipe'] }),
      );
    }
    // Each worker says it is on the queue once it has loaded and connected.
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) =>
            child.stderr?.on('data', (chunk: Buffer) => {
              if (chunk.toString().includes('worker on')) resolve();
            }),
          ),
      ),
    );
    await runChild([
      'generate',
      '--env',
      'maze-v0',
      '--episodes',
      String(EPISODES),
      '--concurrency',
      '1',
      '--shard-size',
      String(SHARD_SIZE),
      '--queue',
      url,
      '--queue-name',
      name,
      '--out',
      out,
    ]);
    const shards = Math.ceil(EPISODES / SHARD_SIZE);
    for (;;) {
      const counts = await queue.getJobCounts('completed', 'failed');
      if ((counts.failed ?? 0) > 0) throw new GymError('bench-failed', `a shard job failed in ${name}`);
      if ((counts.completed ?? 0) >= shards) {
        // From the first job's start to the last job's end, by the queue's own clock.
        const jobs = await queue.getJobs(['completed']);
        const first = Math.min(...jobs.map((job) => job.processedOn ?? Number.POSITIVE_INFINITY));
        const last = Math.max(...jobs.map((job) => job.finishedOn ?? 0));
        return (last - first) / 1000;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await queue.close();
  }
}

/** Runs `thinkgym <args>` to the end; its stdout, or an error with its stderr. */
function runChild(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new GymError('bench-failed', `thinkgym ${args[0]} exited with ${code}: ${stderr}`)),
    );
  });
}
