import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { BenchRow, BenchRun } from './report.js';

const BIN = resolve(import.meta.dirname, '..', 'bin', 'thinkgym.js');
/** Spawns per command; the median is reported. */
const RUNS = 11;
/** The start-up goal of `thinkgym --help` and `thinkgym list`, in seconds. */
const GOAL_SECONDS = 0.5;

/**
 * Start-up: wall time from spawn to exit of `thinkgym --help` and `thinkgym list`, median of
 * {@link RUNS} fresh processes each, against `node -e 0` spawned the same way in the same run (the
 * floor no command can go under). Runs whatever `bin/thinkgym.js` picks: dist/ when it is newer
 * than the sources (build first: `npm run build`), else the sources through tsx; a note says which.
 */
export const run: BenchRun = async () => {
  const floor = await medianSeconds(['-e', '0']);
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  for (const command of [['--help'], ['list']]) {
    const times = await spawnTimes([BIN, ...command]);
    const median = middle(times);
    rows.push({
      name: `thinkgym ${command.join(' ')} (median of ${RUNS})`,
      value: median,
      unit: 's',
      baseline: { name: 'node -e 0', value: floor },
      higherIsBetter: false,
      goal: `< ${GOAL_SECONDS} s`,
    });
    notes.push(`thinkgym ${command.join(' ')}: min ${Math.min(...times).toFixed(3)} s, max ${Math.max(...times).toFixed(3)} s`);
  }
  const how = await exec([BIN, '--help'], { THINKGYM_DEBUG: '1' });
  notes.push(
    /through tsx/.test(how.stderr)
      ? 'ran the TypeScript sources through tsx: dist/ is missing or older than the sources (`npm run build` first)'
      : 'ran the compiled dist/ (newer than every source)',
  );
  return { title: 'Start-up (fresh process to exit)', rows, notes };
};

async function medianSeconds(args: readonly string[]): Promise<number> {
  return middle(await spawnTimes(args));
}

/** Wall seconds of {@link RUNS} sequential spawns of node with `args`, after one unmeasured warm-up. */
async function spawnTimes(args: readonly string[]): Promise<number[]> {
  await exec(args);
  const times: number[] = [];
  for (let index = 0; index < RUNS; index += 1) {
    const started = performance.now();
    const result = await exec(args);
    times.push((performance.now() - started) / 1000);
    if (result.code !== 0) throw new Error(`node ${args.join(' ')} exited ${result.code}: ${result.stderr.slice(-2000)}`);
  }
  return times;
}

function exec(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => done({ code, stderr }));
  });
}

function middle(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}
