import { createReadStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { GymError } from '../core/errors.js';
import { DirectoryImageStore } from '../core/image-store.js';
import { FAILURES_FILE, FailureLog, type FailureRecord } from '../trajectories/failures.js';
import { readEpisodes, readManifest } from '../trajectories/reader.js';
import type { RendererVersions } from '../trajectories/record.js';
import { SeedRange } from '../trajectories/schema.js';
import { DatasetWriter, recordImages } from '../trajectories/writer.js';
import { RUN_FILES, readFailedShards, readRunFile, shardDir } from './layout.js';

/** What {@link mergeRun} did. */
export interface MergeReport {
  /** The merged dataset's folder. */
  readonly out: string;
  readonly shards: number;
  /** Shards with no dataset yet (never started). */
  readonly absentShards: number;
  readonly episodes: number;
  /** Lines dropped because their (env, version, seed) was already taken from an earlier shard or line. */
  readonly duplicates: number;
  /** Distinct images copied (each once, by hash). */
  readonly images: number;
  /** Seeds of the run with no episode; the first few are listed. */
  readonly missing: number;
  readonly missingSeeds: readonly number[];
  /** Failure records carried over (seeds still without an episode). */
  readonly failures: number;
  /** Shards whose jobs used up their tries. */
  readonly failedShards: readonly number[];
  /** Corrupt lines skipped in the shards. */
  readonly corruptLines: number;
}

/**
 * Joins a queued run's shards into one dataset (by default `<dir>/merged`), each (env, version,
 * seed) exactly once: shards are read in order and a line whose key was already taken is dropped.
 * Images are copied once each, checked against their hash. Failure records of seeds that still have
 * no episode are carried into the merged `failures.jsonl`. The dataset is built in a temporary
 * folder and renamed into place, so merging again (after more shards finished) replaces it whole.
 */
export async function mergeRun(dir: string, options: { readonly out?: string } = {}): Promise<MergeReport> {
  const root = resolve(dir);
  const run = await readRunFile(root);
  if (run === null) {
    throw new GymError(
      'not-a-queued-run',
      `${root} holds no run.json; merge joins the shards of a run made with thinkgym generate --queue.`,
    );
  }
  const config = run.config;
  const out = resolve(options.out ?? join(root, RUN_FILES.merged));
  const building = `${out}.building-${process.pid}`;
  await rm(building, { recursive: true, force: true });
  const renderer = await firstRenderer(root, run.shards);
  const writer = await DatasetWriter.open(building, {
    envs: { [config.env]: config.manifestEnv },
    policy: config.policyName,
    format: config.format,
    rewards: config.rewards,
    ...(config.rewardPreset === undefined ? {} : { rewardPreset: config.rewardPreset }),
    seeds: new SeedRange(config.firstSeed, config.episodes),
    ...(renderer === undefined ? {} : { renderer }),
  });
  const seen = new Set<string>();
  const seeds = new Set<number>();
  const copied = new Set<string>();
  const failures: FailureRecord[] = [];
  let duplicates = 0;
  let absentShards = 0;
  let corruptLines = 0;
  try {
    for (let index = 0; index < run.shards; index += 1) {
      const source = shardDir(root, index);
      if (!(await isFile(join(source, 'trajectories.jsonl')))) {
        absentShards += 1;
        continue;
      }
      const store = new DirectoryImageStore(source);
      const stream = readEpisodes(source);
      for await (const record of stream) {
        const key = `${record.env}\u0000${record.envVersion}\u0000${record.seed}`;
        if (seen.has(key)) {
          duplicates += 1;
          continue;
        }
        seen.add(key);
        if (record.env === config.env) seeds.add(record.seed);
        for (const sha256 of recordImages(record)) {
          if (copied.has(sha256)) continue;
          const ref = await writer.images.put(await store.get(sha256));
          if (ref.sha256 !== sha256) {
            throw new GymError(
              'image-corrupt',
              `${store.pathOf(sha256)} does not hash to its name; regenerate shard ${index} (delete it and enqueue its seeds again).`,
            );
          }
          copied.add(sha256);
        }
        await writer.append(record);
      }
      corruptLines += stream.problems.filter((problem) => problem.incomplete !== true).length;
      failures.push(...(await readFailureLines(source)));
    }
    const missingSeeds: number[] = [];
    let missing = 0;
    for (const seed of new SeedRange(config.firstSeed, config.episodes)) {
      if (seeds.has(seed)) continue;
      missing += 1;
      if (missingSeeds.length < 10) missingSeeds.push(seed);
    }
    const log = new FailureLog(building);
    const carried = new Set<string>();
    for (const failure of failures) {
      const key = `${failure.env}\u0000${failure.envVersion}\u0000${failure.seed}`;
      if (seen.has(key) || carried.has(key)) continue;
      carried.add(key);
      await log.append(failure);
    }
    await log.close();
    await writer.close();
    await rm(out, { recursive: true, force: true });
    await rename(building, out);
    return {
      out,
      shards: run.shards,
      absentShards,
      episodes: seen.size,
      duplicates,
      images: copied.size,
      missing,
      missingSeeds,
      failures: carried.size,
      failedShards: (await readFailedShards(root)).map((failed) => failed.shard.index),
      corruptLines,
    };
  } catch (error) {
    await writer.close().catch(() => undefined);
    await rm(building, { recursive: true, force: true });
    throw error;
  }
}

/** The renderer versions of the first shard that recorded them. */
async function firstRenderer(root: string, shards: number): Promise<RendererVersions | undefined> {
  for (let index = 0; index < shards; index += 1) {
    const manifest = await readManifest(shardDir(root, index)).catch(() => null);
    if (manifest?.renderer !== undefined) return manifest.renderer;
  }
  return undefined;
}

/** The readable records of a shard's `failures.jsonl` (a torn last line is skipped). */
async function readFailureLines(dir: string): Promise<FailureRecord[]> {
  const file = join(dir, FAILURES_FILE);
  if (!(await isFile(file))) return [];
  const records: FailureRecord[] = [];
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    try {
      const record = JSON.parse(line) as FailureRecord;
      if (typeof record.env === 'string' && typeof record.seed === 'number') records.push(record);
    } catch {
      // A torn last line of a killed worker.
    }
  }
  return records;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
