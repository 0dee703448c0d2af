import type { InvalidReason } from '../core/env.js';
import { DirectoryImageStore } from '../core/image-store.js';
import { type FailureSummary, failureKey, readFailures } from './failures.js';
import { type LineProblem, readEpisodes, readManifest } from './reader.js';
import type { EpisodeRecord } from './record.js';
import { type DatasetManifest, INVALID_REASONS } from './schema.js';
import { recordImages } from './writer.js';

/** Min, mean and max of a quantity over episodes (all 0 when there are none). */
export interface Spread {
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

/** Per-env figures of a dataset. */
export interface EnvSummary {
  readonly episodes: number;
  readonly successes: number;
  readonly successRate: number;
  readonly turns: Spread;
  readonly meanTotalReward: number;
  readonly invalidActions: number;
}

/** What `thinkgym inspect` prints about a dataset. */
export interface DatasetSummary {
  readonly dir: string;
  /** The manifest, or `null` when the dataset has none. */
  readonly manifest: DatasetManifest | null;
  readonly episodes: number;
  readonly successes: number;
  readonly successRate: number;
  readonly terminated: number;
  readonly truncated: number;
  readonly turns: Spread;
  readonly toolCalls: Spread;
  /** Mean of each reward term over episodes (a term missing from an episode counts as 0). */
  readonly rewardTerms: Readonly<Record<string, number>>;
  readonly totalReward: Spread;
  /** Invalid actions in all, and by reason (only reasons that occurred). */
  readonly invalidActions: { readonly total: number; readonly byReason: Readonly<Partial<Record<InvalidReason, number>>> };
  /** By env id, sorted. */
  readonly envs: Readonly<Record<string, EnvSummary>>;
  /** Distinct images the episodes reference, how many exist, and the first few missing. */
  readonly images: { readonly referenced: number; readonly present: number; readonly missing: readonly string[] };
  /** Corrupt lines (skipped). */
  readonly problems: readonly LineProblem[];
  /**
   * Episodes that failed with an error (from `failures.jsonl`): how many failure lines, of how
   * many env + seed pairs, and how many of those still have no episode (`--resume` retries them).
   */
  readonly failures: {
    readonly failures: number;
    readonly seeds: number;
    readonly outstanding: number;
    readonly byCode: Readonly<Record<string, number>>;
    readonly first: FailureSummary['first'];
    readonly badLines: readonly number[];
  };
}

class Accumulator {
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  add(value: number): void {
    this.count += 1;
    this.sum += value;
    this.min = Math.min(this.min, value);
    this.max = Math.max(this.max, value);
  }

  spread(): Spread {
    return this.count === 0 ? { mean: 0, min: 0, max: 0 } : { mean: round(this.sum / this.count), min: this.min, max: this.max };
  }
}

class EnvAccumulator {
  successes = 0;
  invalidActions = 0;
  readonly turns = new Accumulator();
  readonly reward = new Accumulator();

  add(record: EpisodeRecord): void {
    if (record.success) this.successes += 1;
    this.invalidActions += record.counts.invalidActions;
    this.turns.add(record.counts.turns);
    this.reward.add(record.totalReward);
  }

  summary(): EnvSummary {
    const episodes = this.turns.count;
    return {
      episodes,
      successes: this.successes,
      successRate: rate(this.successes, episodes),
      turns: this.turns.spread(),
      meanTotalReward: this.reward.spread().mean,
      invalidActions: this.invalidActions,
    };
  }
}

/** How many missing image hashes a summary lists. */
const MISSING_LISTED = 20;

/**
 * Reads a whole dataset once (streaming) and sums it up: counts, success rate, turns, reward
 * terms, invalid actions by reason, a per-env breakdown, images referenced vs present on disk, and
 * the corrupt lines met.
 */
export async function summarizeDataset(dir: string): Promise<DatasetSummary> {
  const manifest = await readManifest(dir);
  const failed = await readFailures(dir);
  const outstanding = new Set(failed?.seeds ?? []);
  const all = new EnvAccumulator();
  const toolCalls = new Accumulator();
  const envs = new Map<string, EnvAccumulator>();
  const termSums = new Map<string, number>();
  const reasons = new Map<InvalidReason, number>();
  const images = new Set<string>();
  let terminated = 0;
  let truncated = 0;
  const stream = readEpisodes(dir);
  for await (const record of stream) {
    all.add(record);
    outstanding.delete(failureKey(record.env, record.seed));
    toolCalls.add(record.counts.toolCalls);
    let env = envs.get(record.env);
    if (env === undefined) {
      env = new EnvAccumulator();
      envs.set(record.env, env);
    }
    env.add(record);
    if (record.terminated) terminated += 1;
    if (record.truncated) truncated += 1;
    for (const name of new Set([...termSums.keys(), ...Object.keys(record.rewardTerms)])) {
      termSums.set(name, (termSums.get(name) ?? 0) + (record.rewardTerms[name] ?? 0));
    }
    for (const step of record.steps) {
      if (step.invalid !== null) reasons.set(step.invalid.reason, (reasons.get(step.invalid.reason) ?? 0) + 1);
    }
    for (const sha256 of recordImages(record)) images.add(sha256);
  }
  const store = new DirectoryImageStore(dir);
  const missing: string[] = [];
  let present = 0;
  for (const sha256 of images) {
    if (await store.has(sha256)) present += 1;
    else missing.push(sha256);
  }
  const overall = all.summary();
  const byReason: Partial<Record<InvalidReason, number>> = {};
  for (const reason of INVALID_REASONS) {
    const count = reasons.get(reason);
    if (count !== undefined) byReason[reason] = count;
  }
  return {
    dir,
    manifest,
    episodes: overall.episodes,
    successes: overall.successes,
    successRate: overall.successRate,
    terminated,
    truncated,
    turns: overall.turns,
    toolCalls: toolCalls.spread(),
    rewardTerms: Object.fromEntries([...termSums].map(([name, sum]) => [name, round(sum / Math.max(1, overall.episodes))])),
    totalReward: all.reward.spread(),
    invalidActions: { total: overall.invalidActions, byReason },
    envs: Object.fromEntries([...envs].sort(([a], [b]) => a.localeCompare(b)).map(([id, env]) => [id, env.summary()])),
    images: { referenced: images.size, present, missing: missing.slice(0, MISSING_LISTED) },
    problems: stream.problems,
    failures: {
      failures: failed?.failures ?? 0,
      seeds: failed?.seeds.size ?? 0,
      outstanding: outstanding.size,
      byCode: failed?.byCode ?? {},
      first: failed?.first ?? [],
      badLines: failed?.badLines ?? [],
    },
  };
}

/** A readable report of a {@link DatasetSummary}: totals, reward terms, invalid actions, a per-env table, problems. */
export function formatSummary(summary: DatasetSummary): string {
  const lines: string[] = [];
  const manifest = summary.manifest;
  lines.push(`dataset  ${summary.dir}`);
  if (manifest === null) lines.push('manifest (none)');
  else lines.push(`policy   ${manifest.policy}  format ${manifest.format}  updated ${manifest.updatedAt}`);
  if (manifest?.renderer !== undefined) {
    const packages = Object.entries(manifest.renderer.packages).map(([name, version]) => `${name} ${version}`);
    lines.push(
      `renderer sharp ${manifest.renderer.sharp}  libvips ${manifest.renderer.libvips}${packages.length > 0 ? `  ${packages.join('  ')}` : ''}`,
    );
  }
  lines.push(
    `episodes ${summary.episodes}  success ${summary.successes} (${percent(summary.successRate)})  terminated ${summary.terminated}  truncated ${summary.truncated}`,
  );
  lines.push(`turns    mean ${fixed(summary.turns.mean)}  min ${summary.turns.min}  max ${summary.turns.max}`);
  lines.push(`tools    mean ${fixed(summary.toolCalls.mean)} calls per episode`);
  lines.push(
    `reward   mean ${fixed(summary.totalReward.mean)}  min ${fixed(summary.totalReward.min)}  max ${fixed(summary.totalReward.max)}`,
  );
  const terms = Object.entries(summary.rewardTerms);
  if (terms.length > 0) lines.push(`terms    ${terms.map(([name, mean]) => `${name} ${fixed(mean)}`).join('  ')}`);
  const reasons = Object.entries(summary.invalidActions.byReason);
  lines.push(
    `invalid  ${summary.invalidActions.total}${reasons.length > 0 ? `  (${reasons.map(([reason, count]) => `${reason} ${count}`).join(', ')})` : ''}`,
  );
  const missing = summary.images.referenced - summary.images.present;
  lines.push(
    `images   ${summary.images.referenced} referenced, ${summary.images.present} present${missing > 0 ? `, ${missing} MISSING` : ''}`,
  );
  const failures = summary.failures;
  if (failures.failures > 0 || failures.badLines.length > 0) {
    const codes = Object.entries(failures.byCode).map(([code, count]) => `${code} ${count}`);
    lines.push(
      `failed   ${failures.failures} (${failures.seeds} seeds, ${failures.outstanding} not yet played again${codes.length > 0 ? `; ${codes.join(', ')}` : ''}); see failures.jsonl, --resume retries them`,
    );
    for (const failure of failures.first) {
      lines.push(`  ${failure.env} seed ${failure.seed} after ${failure.turns} turn(s): ${failure.message}`);
    }
    if (failures.badLines.length > 0) lines.push(`  unreadable failures.jsonl line(s): ${failures.badLines.slice(0, 10).join(', ')}`);
  }
  const envRows = Object.entries(summary.envs);
  if (envRows.length > 0) {
    lines.push('');
    lines.push(
      table(
        ['env', 'episodes', 'success', 'turns', 'reward', 'invalid'],
        envRows.map(([id, env]) => [
          id,
          String(env.episodes),
          percent(env.successRate),
          fixed(env.turns.mean),
          fixed(env.meanTotalReward),
          String(env.invalidActions),
        ]),
      ),
    );
  }
  if (summary.problems.length > 0) {
    lines.push('');
    lines.push(`${summary.problems.length} corrupt line(s) skipped:`);
    for (const problem of summary.problems.slice(0, 10)) lines.push(`  line ${problem.line}: ${problem.message}`);
    if (summary.problems.length > 10) lines.push(`  … and ${summary.problems.length - 10} more`);
  }
  return lines.join('\n');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const render = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [render(header), render(widths.map((width) => '-'.repeat(width))), ...rows.map(render)].join('\n');
}

function rate(part: number, whole: number): number {
  return whole === 0 ? 0 : round(part / whole);
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

function fixed(value: number): string {
  return value.toFixed(3);
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
