import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchRow } from './report.js';

const BIN = resolve(import.meta.dirname, '..', 'bin', 'thinkgym.js');
/** Episodes of the long run. */
export const CHART_EPISODES = 1000;
/** Peak RSS goal of the long chart run, in MiB. */
const PEAK_GOAL_MIB = 300;
/**
 * The most the RSS floor may rise from the second quarter of the run to the last and still count
 * as flat, as a share of the floor. From run to run the floor wanders by about 10 MiB on this
 * workload (3,000-episode runs stay within that band), so a tighter bound would measure the
 * wander, not growth.
 */
const FLAT_SHARE = 0.05;
const FRACTIONS = [0.25, 0.5, 0.75, 1] as const;

/** What the long chart run measured. */
export interface ChartRun {
  readonly rows: readonly BenchRow[];
  readonly notes: readonly string[];
}

/**
 * `thinkgym generate --env chart-v0 --policy oracle --episodes 1000`, run as a user runs it
 * (`node bin/thinkgym.js`, so dist/ when it is current): the kernel's peak RSS of the process
 * (VmHWM) and its RSS when 25, 50, 75 and 100% of the episodes are written, read from /proc every
 * 50 ms while the episodes are counted in trajectories.jsonl. Whether memory grows with the run is
 * the rise of the RSS floor ({@link windowFloors}, per quarter of the episodes) from the second
 * quarter to the last, the last sample taken before the last episode is written; the peak row
 * counts the teeth above the floor. Linux only (/proc); elsewhere
 * it returns a note and no rows.
 */
export async function measureChartRun(environment: Readonly<Record<string, string>> = {}): Promise<ChartRun> {
  const label = Object.entries(environment)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  const suffix = label === '' ? '' : `, ${label}`;
  if (!existsSync('/proc/self/status'))
    return { rows: [], notes: ['chart-v0 1,000-episode run skipped: RSS is read from /proc (Linux only)'] };
  const out = await mkdtemp(join(tmpdir(), 'thinkgym-bench-chart-'));
  try {
    const data = join(out, 'data');
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [BIN, 'generate', '--env', 'chart-v0', '--policy', 'oracle', '--episodes', String(CHART_EPISODES), '--out', data, '--quiet'],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...environment } },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((done, fail) => {
      child.on('error', fail);
      child.on('close', done);
    });
    const episodes = new LineCounter(join(data, 'trajectories.jsonl'));
    const atFraction: (number | undefined)[] = FRACTIONS.map(() => undefined);
    /** (episodes written, RSS) from 25% of the run on, for the slope. */
    const late: [number, number][] = [];
    let peak = 0;
    let running = true;
    void exited.then(() => {
      running = false;
    });
    while (running) {
      const status = await procStatus(child.pid ?? 0);
      // A process that has exited but not been reaped reports no resident pages: not a sample.
      if (status !== undefined && status.rssMiB > 0) {
        peak = Math.max(peak, status.peakMiB);
        const written = await episodes.count();
        // From a quarter of the episodes until the last is written: not the writer's shutdown.
        if (written >= FRACTIONS[0] * CHART_EPISODES && written < CHART_EPISODES) late.push([written, status.rssMiB]);
        FRACTIONS.forEach((fraction, index) => {
          if (atFraction[index] === undefined && written >= fraction * CHART_EPISODES) atFraction[index] = status.rssMiB;
        });
      }
      await new Promise((resolveWait) => setTimeout(resolveWait, 50));
    }
    const code = await exited;
    if (code !== 0) throw new Error(`generate chart-v0 exited ${code}: ${output.slice(-2000)}`);
    const seconds = (performance.now() - started) / 1000;
    const rows: BenchRow[] = [
      {
        name: `chart-v0 peak RSS, ${CHART_EPISODES.toLocaleString('en')} oracle episodes (thinkgym generate${suffix})`,
        value: peak,
        unit: 'MiB',
        higherIsBetter: false,
        goal: `< ${PEAK_GOAL_MIB} MiB`,
      },
    ];
    const floors = windowFloors(late, FLOOR_WINDOW);
    const second = floors[0]?.[1];
    const last = floors[floors.length - 1]?.[1];
    if (floors.length >= 2 && second !== undefined && last !== undefined) {
      rows.push({
        name: `chart-v0 RSS floor growth, last quarter of the run over the second (lowest RSS in each)${suffix}`,
        value: last - second,
        unit: 'MiB',
        higherIsBetter: false,
        goal: `flat: within ${FLAT_SHARE * 100}% of the floor (${(FLAT_SHARE * second).toFixed(1)} MiB)`,
      });
    }
    const samples = FRACTIONS.map((fraction, index) => `${fraction * 100}% ${atFraction[index]?.toFixed(0) ?? '?'} MiB`).join(', ');
    return {
      rows,
      notes: [
        `chart-v0${suffix}: ${CHART_EPISODES} episodes in ${seconds.toFixed(1)} s (concurrency 4, images on disk); RSS at ${samples}; peak is the kernel's VmHWM; ` +
          `RSS floors by quarter from the second: ${floors.map(([, rss]) => `${rss.toFixed(0)} MiB`).join(', ')}`,
      ],
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/**
 * Episodes per window whose lowest RSS sample is one point of the floor: a quarter of the run, so
 * that every window holds troughs between the teeth (a tooth lasts up to about 60 episodes).
 */
const FLOOR_WINDOW = CHART_EPISODES / 4;

/**
 * The floor of RSS under garbage collection's sawtooth: per window of `window` episodes, the
 * episode count at its middle and the lowest RSS sampled in it. What the collector cannot free
 * shows in the floor; a tooth (garbage not yet collected, or malloc holding memory it will reuse)
 * does not move it.
 */
export function windowFloors(points: readonly (readonly [number, number])[], window: number): [number, number][] {
  const lowest = new Map<number, number>();
  for (const [episodes, rss] of points) {
    const key = Math.floor(episodes / window);
    lowest.set(key, Math.min(lowest.get(key) ?? Number.POSITIVE_INFINITY, rss));
  }
  return [...lowest].sort(([a], [b]) => a - b).map(([key, rss]) => [(key + 0.5) * window, rss]);
}

/** Current and peak resident set size of a process, in MiB, from /proc; undefined once it has gone. */
async function procStatus(pid: number): Promise<{ rssMiB: number; peakMiB: number } | undefined> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

/** Counts the lines of a file that is being appended to, reading only the bytes added since the last count. */
class LineCounter {
  private offset = 0;
  private lines = 0;

  constructor(private readonly path: string) {}

  async count(): Promise<number> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(this.path, 'r');
    } catch {
      return this.lines;
    }
    try {
      const buffer = Buffer.alloc(1 << 16);
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        for (let index = 0; index < bytesRead; index += 1) if (buffer[index] === 10) this.lines += 1;
      }
    } finally {
      await handle.close();
    }
    return this.lines;
  }
}
