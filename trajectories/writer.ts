import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PromptFormat } from '../agents/policy.js';
import { contentImages } from '../core/content.js';
import type { EnvSpec } from '../core/env.js';
import { GymError, ValidationError } from '../core/errors.js';
import { DirectoryImageStore } from '../core/image-store.js';
import { stableJson } from '../core/stable-json.js';
import { type ToolSpec, toToolSpec } from '../core/tool.js';
import type { RewardConfig } from '../rewards/terms.js';
import { DATASET_FILES, type LineProblem, parseEpisodeLine, readEpisodes, readManifest } from './reader.js';
import { type EpisodeRecord, type ManifestEnv, type RendererVersions, TRAJECTORY_SCHEMA_VERSION } from './record.js';
import {
  compactSeeds,
  type DatasetManifest,
  type ManifestCounts,
  mergeSeedSpans,
  validateEpisodeRecord,
  validateManifest,
} from './schema.js';
import { SeedCounter } from './seed-counter.js';
import { DigestSet } from './writer-digests.js';

/** What a new dataset is about; written into its manifest and checked again on resume. */
export interface DatasetInit {
  /** Each env the run uses, by id (see {@link manifestEnv}). */
  readonly envs: Readonly<Record<string, ManifestEnv>>;
  readonly policy: string;
  readonly format: PromptFormat;
  readonly rewards: RewardConfig;
  /** The reward preset the totals are computed with instead of the weights (`--reward-preset`). */
  readonly rewardPreset?: string;
  /** The seeds the run was asked for. */
  readonly seeds?: Iterable<number>;
  /** What draws the images (sharp, libvips, font packages); recorded as the manifest's `renderer`. */
  readonly renderer?: RendererVersions;
}

/** Options of {@link DatasetWriter.open}. */
export interface DatasetWriterOptions {
  /** Continue a dataset that already has episodes (the CLI's `--resume`). */
  readonly resume?: boolean;
  /** Rewrite `manifest.json` after this many appends (default 20); it is also rewritten on close. */
  readonly manifestEvery?: number;
  /** Also rewrite `manifest.json` on an append this many milliseconds after the last write (default 10 000). */
  readonly manifestIntervalMs?: number;
  /** Called for each corrupt line found while resuming (they are also in {@link ResumeReport.problems}). */
  readonly onProblem?: (problem: LineProblem) => void;
}

/** What resuming found in the existing dataset. */
export interface ResumeReport {
  /** Valid episodes already written. */
  readonly episodes: number;
  /** The unterminated last line that was cut away (a write interrupted by a crash), if any. */
  readonly truncated: { readonly line: number; readonly bytes: number } | null;
  /** Corrupt lines that were kept in place (the reader skips them). */
  readonly problems: readonly LineProblem[];
}

/** Builds the manifest entry of an env from its spec and tools (what exports need to rebuild prompts). */
export function manifestEnv(
  spec: EnvSpec,
  tools: readonly ToolSpec[],
  options: { readonly options?: Readonly<Record<string, unknown>>; readonly maxTurns?: number } = {},
): ManifestEnv {
  return {
    version: spec.version,
    options: options.options ?? {},
    instructions: spec.instructions,
    answers: spec.answers,
    maxTurns: options.maxTurns ?? spec.maxTurns,
    tools: tools.map(toToolSpec),
  };
}

/**
 * Appends episodes to a dataset directory: `trajectories.jsonl`, `images/xx/<sha256>.png` (through
 * {@link DatasetWriter.images}) and `manifest.json`.
 *
 * Crash safety: each episode is one `write` of one line on a file opened for appending, then
 * `fdatasync`, before {@link append} resolves; appends are queued, so concurrent workers never
 * interleave lines. A crash loses at most the episode in flight; its torn line, if any, is cut away
 * on resume. The manifest is written at open, every few appends, and on close (atomically, by
 * rename), so even a killed run leaves one.
 */
export class DatasetWriter {
  /** The dataset directory. */
  readonly dir: string;
  /** Where envs of this run put their images (pass it as `makeEnv(id, { images })`). */
  readonly images: DirectoryImageStore;
  private readonly handle: FileHandle;
  private readonly keys = new SeedCounter();
  /** Distinct images referenced by the episodes, in 128-bit prefixes (a run of millions stays small). */
  private readonly imageHashes = new DigestSet();
  private manifestState: { -readonly [K in keyof Omit<DatasetManifest, 'counts'>]: Omit<DatasetManifest, 'counts'>[K] };
  private totals = { episodes: 0, successes: 0, invalidActions: 0 };
  private queue: Promise<void> = Promise.resolve();
  private sinceManifest = 0;
  private lastManifestAt = 0;
  private readonly manifestEvery: number;
  private readonly manifestIntervalMs: number;
  private closed = false;
  private resumeReport: ResumeReport | null = null;

  private constructor(
    dir: string,
    handle: FileHandle,
    manifest: Omit<DatasetManifest, 'counts'>,
    schedule: { readonly manifestEvery: number; readonly manifestIntervalMs: number },
  ) {
    this.dir = dir;
    this.handle = handle;
    this.images = new DirectoryImageStore(dir);
    this.manifestState = { ...manifest };
    this.manifestEvery = schedule.manifestEvery;
    this.manifestIntervalMs = schedule.manifestIntervalMs;
  }

  /** What was found when resuming; `null` for a new dataset. */
  get resumed(): ResumeReport | null {
    return this.resumeReport;
  }

  /**
   * Opens a dataset for appending, creating the directory if needed. A directory holding anything
   * but a thinkgym dataset is refused; a dataset with episodes is refused unless `resume` is set
   * (one without episodes, left by a run that wrote none, is started afresh). Resuming cuts away a
   * torn last line (reported in {@link resumed}), reads the written episodes so {@link has} can skip
   * their seeds, and refuses with a {@link GymError} (`dataset-mismatch`) listing the differences
   * when the manifest's policy, format, reward weights or any env present in both differ from
   * `init`. Envs new to the dataset are added to its manifest.
   */
  static async open(dir: string, init: DatasetInit, options: DatasetWriterOptions = {}): Promise<DatasetWriter> {
    const manifestEvery = options.manifestEvery ?? 20;
    if (!Number.isInteger(manifestEvery) || manifestEvery < 1) {
      throw new GymError('bad-option', `manifestEvery must be a positive integer, got ${manifestEvery}.`);
    }
    const manifestIntervalMs = options.manifestIntervalMs ?? 10_000;
    if (!(manifestIntervalMs >= 0)) {
      throw new GymError('bad-option', `manifestIntervalMs must be a number of milliseconds >= 0, got ${manifestIntervalMs}.`);
    }
    await mkdir(dir, { recursive: true });
    const file = join(dir, DATASET_FILES.trajectories);
    const entries = await readdir(dir);
    const isDataset = entries.includes(DATASET_FILES.trajectories) || entries.includes(DATASET_FILES.manifest);
    if (entries.length > 0 && !isDataset) {
      throw new GymError('output-not-empty', `${dir} is not empty and holds no thinkgym dataset; choose another --out.`);
    }
    const populated = entries.includes(DATASET_FILES.trajectories) && (await stat(file)).size > 0;
    if (populated && options.resume !== true) {
      throw new GymError(
        'dataset-exists',
        `${dir} already holds a dataset; pass --resume to continue it (seeds already written are skipped) or choose another --out.`,
      );
    }
    const now = new Date().toISOString();
    const requested = compactSeeds(init.seeds ?? []);
    let manifest: Omit<DatasetManifest, 'counts'> = {
      schemaVersion: TRAJECTORY_SCHEMA_VERSION,
      generator: 'thinkgym',
      createdAt: now,
      updatedAt: now,
      envs: { ...init.envs },
      policy: init.policy,
      format: init.format,
      rewards: init.rewards,
      ...(init.rewardPreset === undefined ? {} : { rewardPreset: init.rewardPreset }),
      seeds: requested,
      ...(init.renderer === undefined ? {} : { renderer: init.renderer }),
    };
    let truncated: ResumeReport['truncated'] = null;
    if (populated) {
      const existing = await readManifest(dir);
      if (existing !== null) {
        const differences = manifestDifferences(existing, init);
        if (differences.length > 0) {
          throw new GymError(
            'dataset-mismatch',
            `Cannot resume ${dir}: the run differs from the dataset (${differences.join('; ')}). Use the same settings or choose another --out.`,
            { data: { differences } },
          );
        }
        manifest = {
          ...manifest,
          createdAt: existing.createdAt,
          envs: { ...existing.envs, ...init.envs },
          seeds: mergeSeedSpans(existing.seeds, requested),
        };
      }
      truncated = await repairTornTail(file);
    }
    const handle = await open(file, 'a');
    const writer = new DatasetWriter(dir, handle, manifest, { manifestEvery, manifestIntervalMs });
    try {
      await writer.load(file, populated, truncated, options.onProblem);
      await writer.writeManifest();
    } catch (error) {
      await handle.close();
      throw error;
    }
    return writer;
  }

  /** Counts the episodes already in the file (resume). */
  private async load(
    file: string,
    populated: boolean,
    truncated: ResumeReport['truncated'],
    onProblem: DatasetWriterOptions['onProblem'],
  ): Promise<void> {
    if (populated) {
      const problems: LineProblem[] = [];
      for await (const record of readEpisodes(file, {
        onProblem: (problem) => {
          problems.push(problem);
          onProblem?.(problem);
        },
      })) {
        this.count(record);
      }
      this.resumeReport = { episodes: this.totals.episodes, truncated, problems };
    }
  }

  /** Whether an episode of `env` with `seed` is already in the dataset. */
  has(env: string, seed: number): boolean {
    return this.keys.has(env, seed);
  }

  /** How many episodes of `env` with `seed` the dataset holds (several rollouts per task for GRPO). */
  countOf(env: string, seed: number): number {
    return this.keys.count(env, seed);
  }

  /** How many distinct seeds of `start` … `start + count - 1` already have an episode of `env`. */
  writtenIn(env: string, start: number, count: number): number {
    return this.keys.countIn(env, start, count);
  }

  /** Totals so far, including episodes found on resume. */
  get counts(): ManifestCounts {
    return { ...this.totals, images: this.imageHashes.size };
  }

  /**
   * Validates `record` against the episode schema (a {@link ValidationError} means a bug in the
   * caller), checks that every image it references is in {@link images}, then appends it as one
   * line and syncs the file. Resolves once the line is on disk. Safe to call concurrently.
   */
  async append(record: EpisodeRecord): Promise<void> {
    if (this.closed) throw new GymError('writer-closed', `The dataset writer for ${this.dir} is closed; open it again to append.`);
    const validation = validateEpisodeRecord(record);
    if (!validation.ok) {
      throw new ValidationError(
        `Episode ${record.env} seed ${record.seed} is not a valid record: ${validation.problems.join('; ')}`,
        validation.problems,
      );
    }
    const hashes = recordImages(record);
    for (const sha256 of hashes) {
      if (!(await this.images.has(sha256))) {
        throw new GymError(
          'image-missing',
          `Episode ${record.env} seed ${record.seed} references image ${sha256}, which is not in ${this.images.root}; make the env with this writer's images store.`,
          { data: { sha256 } },
        );
      }
    }
    const line = `${JSON.stringify(record)}\n`;
    return this.enqueue(async () => {
      // One append of the whole line (writeFile loops until every byte is written).
      await this.handle.appendFile(line);
      await this.handle.datasync();
      this.count(record, hashes);
      this.sinceManifest += 1;
      if (this.sinceManifest >= this.manifestEvery || performance.now() - this.lastManifestAt >= this.manifestIntervalMs) {
        await this.writeManifest();
      }
    });
  }

  /** The manifest as it stands (counts included). */
  manifest(): DatasetManifest {
    return { ...this.manifestState, counts: this.counts };
  }

  /** Waits for pending appends, writes the final manifest (synced, atomic) and closes the file. Idempotent. */
  async close(): Promise<DatasetManifest> {
    if (!this.closed) {
      this.closed = true;
      try {
        await this.enqueue(() => this.writeManifest());
      } finally {
        await this.handle.close();
      }
    }
    return this.manifest();
  }

  private count(record: EpisodeRecord, hashes: Iterable<string> = recordImages(record)): void {
    this.keys.add(record.env, record.seed);
    for (const sha256 of hashes) this.imageHashes.add(sha256);
    this.totals = {
      episodes: this.totals.episodes + 1,
      successes: this.totals.successes + (record.success ? 1 : 0),
      invalidActions: this.totals.invalidActions + record.counts.invalidActions,
    };
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async writeManifest(): Promise<void> {
    this.manifestState.updatedAt = new Date().toISOString();
    const manifest = this.manifest();
    const checked = validateManifest(manifest);
    if (!checked.ok) throw new ValidationError(`The dataset manifest is not valid: ${checked.problems.join('; ')}`, checked.problems);
    const target = join(this.dir, DATASET_FILES.manifest);
    const temporary = `${target}.${process.pid}.tmp`;
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(`${JSON.stringify(manifest, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
    this.sinceManifest = 0;
    this.lastManifestAt = performance.now();
  }
}

/** The distinct images an episode references (task and observations). */
export function recordImages(record: EpisodeRecord): Set<string> {
  const hashes = new Set<string>();
  for (const ref of contentImages(record.task)) hashes.add(ref.sha256);
  for (const step of record.steps) for (const ref of contentImages(step.observation)) hashes.add(ref.sha256);
  return hashes;
}

/** What differs between an existing manifest and a run that wants to resume it. */
function manifestDifferences(existing: DatasetManifest, init: DatasetInit): string[] {
  const differences: string[] = [];
  if (existing.policy !== init.policy) differences.push(`policy is "${existing.policy}" in the dataset, "${init.policy}" now`);
  if (existing.format !== init.format) differences.push(`format is ${existing.format} in the dataset, ${init.format} now`);
  if (existing.rewardPreset !== init.rewardPreset) {
    differences.push(`reward preset is ${existing.rewardPreset ?? 'none'} in the dataset, ${init.rewardPreset ?? 'none'} now`);
  }
  const rewardNames = new Set([...Object.keys(existing.rewards), ...Object.keys(init.rewards)]);
  for (const name of rewardNames) {
    const before = (existing.rewards as unknown as Record<string, number | undefined>)[name];
    const now = (init.rewards as unknown as Record<string, number | undefined>)[name];
    if (before !== now) differences.push(`reward weight ${name} is ${String(before)} in the dataset, ${String(now)} now`);
  }
  for (const [id, env] of Object.entries(init.envs)) {
    const before = existing.envs[id];
    if (before === undefined) continue;
    for (const field of ['version', 'maxTurns', 'answers', 'instructions', 'options', 'tools'] as const) {
      if (stableJson(before[field]) !== stableJson(env[field])) {
        const shown = field === 'instructions' || field === 'tools' ? '' : ` (${stableJson(before[field])} vs ${stableJson(env[field])})`;
        differences.push(`${id} ${field} differs${shown}`);
      }
    }
  }
  return differences;
}

/**
 * Cuts an unterminated last line (a write interrupted by a crash) from `trajectories.jsonl`, which
 * must not be empty. A tail that is in fact a complete, valid record only lacks its newline, which
 * is added instead.
 */
async function repairTornTail(file: string): Promise<ResumeReport['truncated']> {
  const handle = await open(file, 'r+');
  try {
    const { size } = await handle.stat();
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    if (last[0] === 0x0a) return null;
    const keep = await lastNewlineEnd(handle, size);
    const tail = Buffer.alloc(size - keep);
    await handle.read(tail, 0, tail.length, keep);
    if (parseEpisodeLine(tail.toString('utf8')).ok) {
      await handle.write('\n', size);
      await handle.datasync();
      return null;
    }
    const line = (await countNewlines(handle)) + 1;
    await handle.truncate(keep);
    await handle.datasync();
    return { line, bytes: size - keep };
  } finally {
    await handle.close();
  }
}

/** The offset just after the last newline before `size` (0 when there is none). */
async function lastNewlineEnd(handle: FileHandle, size: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const { bytesRead } = await handle.read(chunk, 0, end - start, start);
    const index = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (index >= 0) return start + index + 1;
    end = start;
  }
  return 0;
}

/** The newlines of the whole file (called once the torn tail is known to hold none). */
async function countNewlines(handle: FileHandle): Promise<number> {
  const chunk = Buffer.alloc(1024 * 1024);
  let count = 0;
  for (let position = 0; ; ) {
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
    if (bytesRead === 0) return count;
    for (const byte of chunk.subarray(0, bytesRead)) if (byte === 0x0a) count += 1;
    position += bytesRead;
  }
}
