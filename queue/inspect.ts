import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readFailures } from '../trajectories/failures.js';
import { readEpisodes } from '../trajectories/reader.js';
import { planShards } from './job.js';
import { type FailedShard, RUN_FILES, type RunFile, readFailedShards, readRunFile, shardDir } from './layout.js';

/** Where a queued run's folder stands, read from its files (no queue needed). */
export interface QueuedRunSummary {
  readonly dir: string;
  readonly run: RunFile;
  /** Per shard: seeds asked, episodes written, failed episodes recorded. */
  readonly shards: readonly {
    readonly index: number;
    readonly seeds: number;
    readonly episodes: number;
    readonly successes: number;
    readonly failures: number;
  }[];
  readonly episodes: number;
  readonly successes: number;
  /** Shards whose jobs used up their tries, with the error. */
  readonly failed: readonly FailedShard[];
  /** Corrupt lines over all shards. */
  readonly problems: number;
  /** Lines repeating a seed already in its shard (a job re-delivered while its first worker still ran); merge drops them. */
  readonly duplicates: number;
  /** Whether `<dir>/merged` holds a merged dataset. */
  readonly merged: boolean;
}

/** Sums up a queued run's shards; `null` when `dir` is not a queued run's folder. */
export async function summarizeQueuedRun(dir: string): Promise<QueuedRunSummary | null> {
  const run = await readRunFile(dir);
  if (run === null) return null;
  const config = run.config;
  const shards: QueuedRunSummary['shards'][number][] = [];
  let problems = 0;
  let duplicates = 0;
  for (const shard of planShards(config.firstSeed, config.episodes, config.shardSize)) {
    const folder = shardDir(dir, shard.index);
    if (!(await exists(join(folder, 'trajectories.jsonl')))) {
      shards.push({ index: shard.index, seeds: shard.count, episodes: 0, successes: 0, failures: 0 });
      continue;
    }
    const stream = readEpisodes(folder);
    const seeds = new Set<number>();
    let successes = 0;
    let lines = 0;
    for await (const record of stream) {
      lines += 1;
      if (record.env !== config.env || seeds.has(record.seed)) continue;
      seeds.add(record.seed);
      if (record.success) successes += 1;
    }
    problems += stream.problems.filter((problem) => problem.incomplete !== true).length;
    duplicates += lines - seeds.size;
    const failed = await readFailures(folder);
    const outstanding = [...(failed?.seeds ?? [])].filter((key) => !seeds.has(Number(key.split('\u0000')[1]))).length;
    shards.push({ index: shard.index, seeds: shard.count, episodes: seeds.size, successes, failures: outstanding });
  }
  return {
    dir,
    run,
    shards,
    episodes: shards.reduce((sum, shard) => sum + shard.episodes, 0),
    successes: shards.reduce((sum, shard) => sum + shard.successes, 0),
    failed: await readFailedShards(dir),
    problems,
    duplicates,
    merged: await exists(join(dir, RUN_FILES.merged, 'trajectories.jsonl')),
  };
}

/** A readable report of a {@link QueuedRunSummary}. */
export function formatQueuedRun(summary: QueuedRunSummary): string {
  const config = summary.run.config;
  const complete = summary.shards.filter((shard) => shard.episodes >= shard.seeds).length;
  const started = summary.shards.filter((shard) => shard.episodes > 0 && shard.episodes < shard.seeds).length;
  const rate = summary.episodes === 0 ? '-' : `${((100 * summary.successes) / summary.episodes).toFixed(1)}%`;
  const lines = [
    `queued run ${summary.dir} (run ${config.runId} on ${summary.run.queue.url}, queue ${summary.run.queue.name})`,
    `env      ${config.env}  policy ${config.policyName}  format ${config.format}  seeds ${config.firstSeed}..${config.firstSeed + config.episodes - 1}`,
    `episodes ${summary.episodes} of ${config.episodes} seeds written  success ${rate}${summary.duplicates > 0 ? `  (${summary.duplicates} repeated line(s), dropped by merge)` : ''}`,
    `shards   ${summary.shards.length}: ${complete} complete, ${started} partial, ${summary.shards.length - complete - started} not started, ${summary.failed.length} failed`,
  ];
  const withFailures = summary.shards.filter((shard) => shard.failures > 0);
  if (withFailures.length > 0) {
    lines.push(
      `episodes failed and not yet played again: ${withFailures.map((shard) => `shard ${shard.index} ${shard.failures}`).join(', ')}`,
    );
  }
  for (const failed of summary.failed) {
    lines.push(`  FAILED shard ${failed.shard.index} (job ${failed.jobId}, ${failed.attempts} tries): ${failed.error}`);
  }
  if (summary.problems > 0) lines.push(`${summary.problems} corrupt line(s) in the shards; inspect each shard folder for details`);
  lines.push(
    summary.merged
      ? `merged   ${join(summary.dir, RUN_FILES.merged)} (thinkgym inspect it; merge again after more shards finish)`
      : `merged   not yet: thinkgym merge ${summary.dir}`,
  );
  return lines.join('\n');
}

/**
 * `thinkgym inspect` on a queued run's folder: prints its summary (JSON with `json`) and returns the
 * exit code (1 when shards hold corrupt lines); `undefined` when `dir` is not one.
 */
export async function inspectQueuedRun(dir: string, json: boolean): Promise<number | undefined> {
  const summary = await summarizeQueuedRun(dir);
  if (summary === null) return undefined;
  console.log(json ? JSON.stringify(summary, null, 2) : formatQueuedRun(summary));
  return summary.problems > 0 ? 1 : 0;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
