import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { registry } from '../core/registry.js';
import '../envs/index.js';
import { measureChartRun } from './peak-memory-chart.js';
import type { BenchRow, BenchRun } from './report.js';

/** Integer options that set how big a task is; the bench sets each to its schema maximum. */
const SIZE_OPTIONS = new Set([
  'width',
  'height',
  'boxes',
  'tileSize',
  'cellSize',
  'nodes',
  'minWidth',
  'maxWidth',
  'minHeight',
  'maxHeight',
]);

/**
 * Options beside the size maxima. graph-v0 is bounded by expected edges and closure wedges as well
 * as nodes, so it is measured at both limits: the most wedges closure may draw for, and the most
 * edges without closure.
 */
const CASES: readonly { env: string; label: string; options: Readonly<Record<string, string>>; episodes: number }[] = [
  { env: 'maze-v0', label: 'largest maze', options: {}, episodes: 4 },
  { env: 'sokoban-v0', label: 'largest generated room, most boxes', options: {}, episodes: 4 },
  {
    env: 'graph-v0',
    label: '20,000 nodes at the wedge limit (closure 0.1)',
    options: { pIn: '0.0044', pOut: '0', closure: '0.1' },
    episodes: 2,
  },
  { env: 'graph-v0', label: '20,000 nodes at the edge limit (no closure)', options: { pIn: '0.02', pOut: '0', closure: '0' }, episodes: 2 },
  { env: 'chart-v0', label: 'largest chart', options: {}, episodes: 8 },
];

/**
 * Peak RSS of `thinkgym generate` (oracle policy, 4 episodes in flight, images written to disk) at
 * the largest size each env's options schema allows, each in a fresh child process, against a
 * child that only loads the CLI and lists the envs. Every size the schema allows must fit here.
 * Then a long run at default sizes: 1,000 chart-v0 episodes, whose RSS must stay flat (see
 * `peak-memory-chart.ts`).
 */
export const run: BenchRun = async () => {
  const rows: BenchRow[] = [];
  const baseline = await measure(['list']);
  const notes: string[] = [];
  for (const entry of CASES) {
    const options = { ...(await largestOptions(entry.env)), ...entry.options };
    const out = await mkdtemp(join(tmpdir(), 'thinkgym-bench-memory-'));
    try {
      const started = performance.now();
      const result = await measure([
        'generate',
        '--env',
        entry.env,
        '--episodes',
        String(entry.episodes),
        '--out',
        join(out, 'data'),
        '--quiet',
        ...Object.entries(options).flatMap(([key, value]) => ['--option', `${key}=${value}`]),
      ]);
      if (result.exitCode !== 0)
        throw new Error(`generate ${entry.env} ${JSON.stringify(options)} exited ${result.exitCode}: ${result.output}`);
      rows.push({
        name: `${entry.env} peak RSS, ${entry.label}`,
        value: result.peakMiB,
        unit: 'MiB',
        baseline: { name: 'CLI loaded', value: baseline.peakMiB },
        higherIsBetter: false,
      });
      notes.push(
        `${entry.env}: ${Object.entries(options)
          .map(([key, value]) => `${key}=${value}`)
          .join(' ')}, ${entry.episodes} episodes in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }
  const long = await measureChartRun();
  rows.push(...long.rows);
  notes.push(...long.notes);
  return {
    title: 'Peak memory at the largest allowed sizes, and over a long chart run (thinkgym generate, oracle, concurrency 4)',
    rows,
    notes,
  };
};

/** Each size option of an env set to its schema maximum. */
async function largestOptions(env: string): Promise<Record<string, string>> {
  const definition = await registry.loadEnv(env);
  const properties = (definition.spec.options as { properties?: Record<string, { type?: string; maximum?: number }> }).properties ?? {};
  const options: Record<string, string> = {};
  for (const [name, schema] of Object.entries(properties)) {
    if (SIZE_OPTIONS.has(name) && schema.type === 'integer' && typeof schema.maximum === 'number') options[name] = String(schema.maximum);
  }
  return options;
}

/** Runs the CLI in a child process and reads its peak RSS. */
function measure(args: readonly string[]): Promise<{ exitCode: number; peakMiB: number; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'peak-memory-child.ts'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', () => {
      const last = output.trim().split('\n').pop() ?? '';
      try {
        const parsed = JSON.parse(last) as { exitCode: number; peakMiB: number };
        done({ ...parsed, output });
      } catch {
        fail(new Error(`the bench child printed no result: ${output.slice(-2000)}`));
      }
    });
  });
}
