import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GymError } from '../core/errors.js';
import { MemoryImageStore } from '../core/image-store.js';
import { Random } from '../core/random.js';
import { makeEnv } from '../core/registry.js';
import '../envs/sokoban/index.js';
import { generateLevel } from '../envs/sokoban/generate.js';
import type { Level } from '../envs/sokoban/level.js';
import { loadLevels } from '../envs/sokoban/load.js';
import { type SolveOptions, solve } from '../envs/sokoban/solve.js';
import { oracleStepRate, type StepRate } from './measure.js';
import type { BenchRow, BenchRun } from './report.js';

/** Where the Boxoban files are: `$BOXOBAN_DIR`, else the copy in `assets/boxoban`. */
const DATA = process.env.BOXOBAN_DIR ?? fileURLToPath(new URL('../assets/boxoban/', import.meta.url));
const TIME_LIMIT_MS = 10_000;
const BASELINE_LEVELS = 100;

/** Solver results over a set of levels. */
interface Sweep {
  readonly levels: number;
  readonly solved: number;
  readonly milliseconds: number[];
  readonly nodes: number;
  readonly pushes: number;
  readonly moves: number;
  readonly seconds: number;
}

/**
 * sokoban-v0 solver and env speed, one core:
 * - the A* solver on all 1,000 Boxoban unfiltered test levels (at most 10 s each): solve rate,
 *   median and slowest time per level, mean solution length in pushes and moves; the same on the
 *   1,000 medium validation levels;
 * - against baselines measured in the same run on the first 100 unfiltered levels: breadth-first
 *   search over pushes without heuristic or deadlock pruning, and A* without deadlock pruning;
 * - env steps/s with the PNG against the ASCII-only observation, and generator levels/s.
 */
export const run: BenchRun = async () => {
  const unfilteredFile = join(DATA, 'unfiltered-test-000.txt');
  const mediumFile = join(DATA, 'medium-valid-000.txt');
  if (!existsSync(unfilteredFile) || !existsSync(mediumFile)) {
    throw new GymError(
      'bench-data-missing',
      `Boxoban files not found in ${DATA}; set BOXOBAN_DIR to the folder holding unfiltered-test-000.txt.`,
    );
  }
  const unfiltered = await loadLevels(unfilteredFile);
  const medium = await loadLevels(mediumFile);
  const astar = sweep('unfiltered A*', unfiltered, {});
  const mediumSweep = sweep('medium A*', medium, {});
  const subset = unfiltered.slice(0, BASELINE_LEVELS);
  const subsetAstar = sweep('subset A*', subset, {});
  const subsetBfs = sweep('subset BFS', subset, { algorithm: 'bfs', deadlocks: false });
  const subsetNoDeadlocks = sweep('subset A* without deadlocks', subset, { deadlocks: false });
  const ascii = await stepsPerSecond('ascii', unfilteredFile);
  const rendered = await stepsPerSecond('both', unfilteredFile);
  const generated = generatorRate(200);

  const rows: BenchRow[] = [
    { name: 'Boxoban unfiltered-test solved (1,000, <=10 s each)', value: rate(astar), unit: '%', higherIsBetter: true },
    { name: 'unfiltered median solve time', value: median(astar.milliseconds), unit: 'ms', higherIsBetter: false },
    { name: 'unfiltered slowest level', value: Math.max(...astar.milliseconds), unit: 'ms', higherIsBetter: false },
    { name: 'unfiltered mean solution pushes', value: astar.pushes / astar.solved, unit: 'pushes', higherIsBetter: false },
    { name: 'unfiltered mean solution moves', value: astar.moves / astar.solved, unit: 'moves', higherIsBetter: false },
    { name: 'Boxoban medium-valid solved (1,000)', value: rate(mediumSweep), unit: '%', higherIsBetter: true },
    { name: 'medium median solve time', value: median(mediumSweep.milliseconds), unit: 'ms', higherIsBetter: false },
    { name: 'medium mean solution pushes', value: mediumSweep.pushes / mediumSweep.solved, unit: 'pushes', higherIsBetter: false },
    {
      name: `median solve time, first ${BASELINE_LEVELS} unfiltered`,
      value: median(subsetAstar.milliseconds),
      unit: 'ms',
      baseline: { name: 'BFS over pushes', value: median(subsetBfs.milliseconds) },
      higherIsBetter: false,
    },
    {
      name: `mean states stored, first ${BASELINE_LEVELS} unfiltered`,
      value: subsetAstar.nodes / subsetAstar.levels,
      unit: 'states',
      baseline: { name: 'BFS over pushes', value: subsetBfs.nodes / subsetBfs.levels },
      higherIsBetter: false,
    },
    {
      name: 'mean states stored with deadlock pruning',
      value: subsetAstar.nodes / subsetAstar.levels,
      unit: 'states',
      baseline: { name: 'A* without pruning', value: subsetNoDeadlocks.nodes / subsetNoDeadlocks.levels },
      higherIsBetter: false,
    },
    {
      name: 'env steps/s (PNG + ASCII, 32 px)',
      value: rendered.rate,
      unit: 'steps/s',
      baseline: { name: 'ASCII only', value: ascii.rate },
      higherIsBetter: true,
      goal: STEP_GOAL,
    },
    {
      name: 'env steps/s by CPU time (PNG + ASCII)',
      value: rendered.cpuRate,
      unit: 'steps/s',
      baseline: { name: 'ASCII only', value: ascii.cpuRate },
      higherIsBetter: true,
      goal: STEP_GOAL,
    },
    { name: 'generated 10x10 levels/s (solver check included)', value: generated, unit: 'levels/s', higherIsBetter: true },
  ];
  return {
    title: 'sokoban-v0',
    rows,
    notes: [
      `unfiltered: ${astar.solved}/${astar.levels} solved in ${astar.seconds.toFixed(1)} s, p99 ${percentile(astar.milliseconds, 0.99).toFixed(1)} ms; ` +
        `medium: ${mediumSweep.solved}/${mediumSweep.levels} in ${mediumSweep.seconds.toFixed(1)} s, mean ${(mediumSweep.moves / mediumSweep.solved).toFixed(1)} moves`,
      `baselines on the first ${BASELINE_LEVELS} unfiltered levels: BFS solved ${subsetBfs.solved} in ${subsetBfs.seconds.toFixed(1)} s, ` +
        `A* ${subsetAstar.solved} in ${subsetAstar.seconds.toFixed(2)} s; all push-optimal (mean pushes ${(subsetBfs.pushes / subsetBfs.solved).toFixed(2)} vs ${(subsetAstar.pushes / subsetAstar.solved).toFixed(2)})`,
      `env steps: oracle moves over the first ${rendered.episodes} unfiltered levels, reset excluded, ${rendered.steps} steps per mode; ` +
        `goal ${STEP_GOAL} with PNG on a quiet machine (1-min load average ${rendered.load.toFixed(2)} when measured; CPU time counts all threads)`,
    ],
  };
};

function sweep(label: string, levels: readonly Level[], options: SolveOptions): Sweep {
  const started = performance.now();
  const milliseconds: number[] = [];
  let solved = 0;
  let nodes = 0;
  let pushes = 0;
  let moves = 0;
  levels.forEach((level, index) => {
    const result = solve(level, level, { timeLimitMs: TIME_LIMIT_MS, maxNodes: 5_000_000, ...options });
    milliseconds.push(result.milliseconds);
    nodes += result.nodes;
    if (result.status === 'solved') {
      solved += 1;
      pushes += result.pushes.length;
      moves += result.moves.length;
    }
    if ((index + 1) % 50 === 0 || index + 1 === levels.length) {
      process.stderr.write(`\rsokoban ${label}: ${index + 1}/${levels.length} levels, ${solved} solved   `);
    }
  });
  process.stderr.write('\n');
  return { levels: levels.length, solved, milliseconds, nodes, pushes, moves, seconds: (performance.now() - started) / 1000 };
}

/** The steps/s goal of grid envs with PNG observations. */
const STEP_GOAL = '>= 2,000 steps/s';

async function stepsPerSecond(observation: 'both' | 'ascii', levels: string): Promise<StepRate & { episodes: number }> {
  const env = await makeEnv('sokoban-v0', { images: new MemoryImageStore(), options: { levels, observation } });
  const episodes = 50;
  return { ...(await oracleStepRate(env, -5, episodes)), episodes };
}

function generatorRate(count: number): number {
  const started = performance.now();
  for (let seed = 0; seed < count; seed += 1) generateLevel(new Random(seed));
  return (count / (performance.now() - started)) * 1000;
}

function rate(result: Sweep): number {
  return (100 * result.solved) / result.levels;
}

function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}
