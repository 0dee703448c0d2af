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
 * CPU-bound, oracle policy, one episode in flight per process) for 48 seeds, Redis with AOF
 * (`appendfsync everysec`). Both are timed by wall clock including process start-up and warm-up:
 * generate from its start to its exit; a queued run (already enqueued) from starting its worker
 * processes to its last completed shard. Ratios are episodes/s over generate's; the queue's
 * overhead per episode is (1 worker's time - generate's) / episodes.
 */
export const run: BenchRun = async () => {
  const redis = await startRedis({ appendfsync: 'everysec' });
  if (redis === null) throw new GymError('bench-failed', 'redis-server is needed for the queue bench (apt-get install redis-server).');
  const dir = await mkdtemp(join(tmpdir(), 'thinkgym-bench-queue-'));
  try {
    const plainStarted = performance.now();
    await runChild([
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
    const plainSeconds = (performance.now() - plainStarted) / 1000;
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
    // Timed like generate: from starting the worker processes to the last shard written.
    const started = performance.now();
    for (let index = 0; index < workers; index += 1) {
      children.push(spawn(process.execPath, [BIN, 'worker', '--queue', url, '--queue-name', name], { stdio: 'ignore' }));
    }
    const shards = Math.ceil(EPISODES / SHARD_SIZE);
    for (;;) {
      const counts = await queue.getJobCounts('completed', 'failed');
      if ((counts.failed ?? 0) > 0) throw new GymError('bench-failed', `a shard job failed in ${name}`);
      if ((counts.completed ?? 0) >= shards) {
        return (performance.now() - started) / 1000;
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
