import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GymError, ValidationError } from '../../core/errors.js';
import { DEFAULT_REWARD_CONFIG, type RewardConfig } from '../../rewards/terms.js';
import { type LineProblem, readEpisodes, readManifest } from '../../trajectories/reader.js';
import type { EpisodeRecord, ManifestEnv } from '../../trajectories/record.js';
import { type DatasetInit, DatasetWriter, manifestEnv, recordImages } from '../../trajectories/writer.js';
import { PROBE_SPEC, storedSyntheticRecord } from '../helpers/trajectory-fixtures.js';

const PROBE_ENV: ManifestEnv = {
  version: 0,
  options: { size: 8, layout: { rows: 2, columns: 3 } },
  instructions: PROBE_SPEC.instructions,
  answers: true,
  maxTurns: 4,
  tools: [],
};

const INIT: DatasetInit = {
  envs: { 'probe-v0': PROBE_ENV },
  policy: 'scripted',
  format: 'hermes',
  rewards: DEFAULT_REWARD_CONFIG,
  seeds: [0, 1, 2],
};

/** Bytes of the `answer` field of a long record: its line is well past the writer's 64 KiB read chunk. */
const LONG = 100_000;

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'thinkgym-resume-'));
  file = join(dir, 'trajectories.jsonl');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(problems: LineProblem[] = []): Promise<EpisodeRecord[]> {
  const records: EpisodeRecord[] = [];
  for await (const record of readEpisodes(dir, { onProblem: (problem) => problems.push(problem) })) records.push(record);
  return records;
}

/** Writes one episode per entry of `answers` (seeds 0, 1, …), each with that answer text. */
async function writeEpisodes(answers: readonly (string | null)[], init: DatasetInit = INIT): Promise<EpisodeRecord[]> {
  const writer = await DatasetWriter.open(dir, init);
  const records: EpisodeRecord[] = [];
  for (const [seed, answer] of answers.entries()) {
    const record = await storedSyntheticRecord(writer.images, seed, { answer });
    await writer.append(record);
    records.push(record);
  }
  await writer.close();
  return records;
}

async function mismatch(init: DatasetInit): Promise<GymError> {
  const error = await DatasetWriter.open(dir, init, { resume: true }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(GymError);
  expect((error as GymError).code).toBe('dataset-mismatch');
  return error as GymError;
}

describe('resuming a dataset whose last record lost only its newline', () => {
  it('restores the newline, so the next append is a line of its own', async () => {
    const written = await writeEpisodes(['a', 'b']);
    await truncate(file, (await stat(file)).size - 1);
    const writer = await DatasetWriter.open(dir, INIT, { resume: true });
    expect(writer.resumed).toEqual({ episodes: 2, truncated: null, problems: [] });
    const third = await storedSyntheticRecord(writer.images, 2);
    await writer.append(third);
    await writer.close();
    const problems: LineProblem[] = [];
    expect(await collect(problems)).toEqual([...written, third]);
    expect(problems).toEqual([]);
    const body = await readFile(file, 'utf8');
    expect(body.split('\n').map((line) => line.length > 0)).toEqual([true, true, true, false]);
  });

  it('keeps a complete record longer than 64 KiB', async () => {
    const written = await writeEpisodes(['a', 'x'.repeat(LONG)]);
    await truncate(file, (await stat(file)).size - 1);
    const writer = await DatasetWriter.open(dir, INIT, { resume: true });
    expect(writer.resumed).toEqual({ episodes: 2, truncated: null, problems: [] });
    await writer.close();
    expect(await collect()).toEqual(written);
    expect((await readFile(file, 'utf8')).endsWith('}\n')).toBe(true);
  });
});

describe('resuming a dataset with a torn last line', () => {
  it('cuts a torn line longer than 64 KiB back to the previous newline', async () => {
    const written = await writeEpisodes(['a', 'b', 'x'.repeat(LONG)]);
    const body = await readFile(file);
    const lastStart = body.subarray(0, body.length - 1).lastIndexOf(0x0a) + 1;
    await truncate(file, body.length - 1000);
    const writer = await DatasetWriter.open(dir, INIT, { resume: true });
    expect(writer.resumed).toEqual({ episodes: 2, truncated: { line: 3, bytes: body.length - 1000 - lastStart }, problems: [] });
    expect((await stat(file)).size).toBe(lastStart);
    expect(writer.has('probe-v0', 2)).toBe(false);
    const again = await storedSyntheticRecord(writer.images, 2);
    await writer.append(again);
    await writer.close();
    expect(await collect()).toEqual([...written.slice(0, 2), again]);
  });

  it('cuts a torn line that follows a line longer than 64 KiB', async () => {
    const written = await writeEpisodes(['x'.repeat(LONG), 'y'.repeat(LONG), 'c']);
    const body = await readFile(file);
    const lastStart = body.subarray(0, body.length - 1).lastIndexOf(0x0a) + 1;
    await truncate(file, body.length - 10);
    const writer = await DatasetWriter.open(dir, INIT, { resume: true });
    expect(writer.resumed).toEqual({ episodes: 2, truncated: { line: 3, bytes: body.length - 10 - lastStart }, problems: [] });
    await writer.close();
    expect(await collect()).toEqual(written.slice(0, 2));
  });

  it('finds the previous newline at the very start of a 64 KiB chunk', async () => {
    const written = await writeEpisodes(['a', 'x'.repeat(LONG)]);
    const body = await readFile(file);
    const lastStart = body.subarray(0, body.length - 1).lastIndexOf(0x0a) + 1;
    // 64 KiB - 1 bytes of torn tail: the chunk read back from the end starts on the newline itself.
    await truncate(file, lastStart + 64 * 1024 - 1);
    const writer = await DatasetWriter.open(dir, INIT, { resume: true });
    expect(writer.resumed).toEqual({ episodes: 1, truncated: { line: 2, bytes: 64 * 1024 - 1 }, problems: [] });
    await writer.close();
    expect(await collect()).toEqual(written.slice(0, 1));
  });

  it('cuts a torn first line longer than 64 KiB to an empty file', async () => {
    await writeEpisodes(['x'.repeat(LONG)]);
    const size = (await stat(file)).size;
    await truncate(file, size - 2);
    const writer = await DatasetWriter.open(dir, INIT, { resume: true });
    expect(writer.resumed).toEqual({ episodes: 0, truncated: { line: 1, bytes: size - 2 }, problems: [] });
    expect((await stat(file)).size).toBe(0);
    const record = await storedSyntheticRecord(writer.images, 0);
    await writer.append(record);
    await writer.close();
    expect(await collect()).toEqual([record]);
  });

  it('numbers the torn line correctly after more than 1 MiB of episodes', async () => {
    const answers = Array.from({ length: 12 }, (_, index) => String(index).repeat(LONG));
    const written = await writeEpisodes([...answers, 'torn']);
    expect((await stat(file)).size).toBeGreaterThan(1024 * 1024);
    await truncate(file, (await stat(file)).size - 5);
    const writer = await DatasetWriter.open(dir, INIT, { resume: true });
    expect(writer.resumed?.truncated?.line).toBe(13);
    expect(writer.resumed?.episodes).toBe(12);
    await writer.close();
    expect(await collect()).toEqual(written.slice(0, 12));
  });

  it('keeps corrupt lines in the middle when no onProblem is given', async () => {
    await writeEpisodes(['a', 'b']);
    const lines = (await readFile(file, 'utf8')).split('\n');
    await writeFile(file, [lines[0], 'not json', lines[1], ''].join('\n'));
    const writer = await DatasetWriter.open(dir, INIT, { resume: true });
    expect(writer.resumed?.problems.map((problem) => problem.line)).toEqual([2]);
    await writer.close();
  });

  it('reports corrupt lines in the middle through onProblem and keeps them', async () => {
    await writeEpisodes(['a', 'b']);
    const lines = (await readFile(file, 'utf8')).split('\n');
    await writeFile(file, [lines[0], '{"broken', lines[1], ''].join('\n'));
    const seen: LineProblem[] = [];
    const writer = await DatasetWriter.open(dir, INIT, { resume: true, onProblem: (problem) => seen.push(problem) });
    expect(writer.resumed?.episodes).toBe(2);
    expect(writer.resumed?.problems.map((problem) => problem.line)).toEqual([2]);
    expect(seen).toEqual(writer.resumed?.problems);
    await writer.close();
    expect((await readFile(file, 'utf8')).split('\n')[1]).toBe('{"broken');
  });
});

describe('resume checks', () => {
  it('refuses different reward weights, naming each one', async () => {
    await writeEpisodes(['a']);
    const error = await mismatch({ ...INIT, rewards: { ...DEFAULT_REWARD_CONFIG, format: 0.5, toolUse: 0 } });
    expect(error.message).toContain(
      'reward weight format is 0.1 in the dataset, 0.5 now; reward weight toolUse is 0.2 in the dataset, 0 now',
    );
    expect(error.data).toEqual({
      differences: ['reward weight format is 0.1 in the dataset, 0.5 now', 'reward weight toolUse is 0.2 in the dataset, 0 now'],
    });
  });

  it('refuses a reward term present on one side only', async () => {
    const extra = { ...DEFAULT_REWARD_CONFIG, novelty: 0.3 } as RewardConfig;
    await writeEpisodes(['a'], { ...INIT, rewards: extra });
    expect((await mismatch(INIT)).message).toContain('reward weight novelty is 0.3 in the dataset, undefined now');
    await rm(dir, { recursive: true, force: true });
    await writeEpisodes(['a']);
    expect((await mismatch({ ...INIT, rewards: extra })).message).toContain('reward weight novelty is undefined in the dataset, 0.3 now');
  });

  it('refuses a different prompt format', async () => {
    await writeEpisodes(['a']);
    const error = await mismatch({ ...INIT, format: 'openai' });
    expect(error.message).toBe(
      `Cannot resume ${dir}: the run differs from the dataset (format is hermes in the dataset, openai now). Use the same settings or choose another --out.`,
    );
  });

  it('refuses each changed field of an env, showing the values of short ones', async () => {
    await writeEpisodes(['a']);
    const changed = (env: Partial<ManifestEnv>) => mismatch({ ...INIT, envs: { 'probe-v0': { ...PROBE_ENV, ...env } } });
    expect((await changed({ maxTurns: 6 })).data).toEqual({ differences: ['probe-v0 maxTurns differs (4 vs 6)'] });
    expect((await changed({ answers: false })).data).toEqual({ differences: ['probe-v0 answers differs (true vs false)'] });
    expect((await changed({ instructions: 'Other.' })).data).toEqual({ differences: ['probe-v0 instructions differs'] });
    expect((await changed({ options: { size: 9, layout: { rows: 2, columns: 3 } } })).data).toEqual({
      differences: ['probe-v0 options differs ({"layout":{"columns":3,"rows":2},"size":8} vs {"layout":{"columns":3,"rows":2},"size":9})'],
    });
    const tool = { name: 'zoom', description: 'Zoom.', parameters: { type: 'object', properties: {} } };
    expect((await changed({ tools: [tool] as ManifestEnv['tools'] })).data).toEqual({ differences: ['probe-v0 tools differs'] });
  });

  it('accepts options written in another key order, at every depth', async () => {
    await writeEpisodes(['a']);
    const reordered: ManifestEnv = { ...PROBE_ENV, options: { layout: { columns: 3, rows: 2 }, size: 8 } };
    const writer = await DatasetWriter.open(dir, { ...INIT, envs: { 'probe-v0': reordered } }, { resume: true });
    expect(writer.resumed?.episodes).toBe(1);
    await writer.close();
  });

  it('lists every difference at once', async () => {
    await writeEpisodes(['a']);
    const error = await mismatch({ ...INIT, policy: 'random', format: 'openai', envs: { 'probe-v0': { ...PROBE_ENV, version: 2 } } });
    expect(error.data).toEqual({
      differences: [
        'policy is "scripted" in the dataset, "random" now',
        'format is hermes in the dataset, openai now',
        'probe-v0 version differs (0 vs 2)',
      ],
    });
  });
});

describe('resuming with envs the dataset does not have yet', () => {
  const OTHER: ManifestEnv = { ...PROBE_ENV, version: 3, instructions: 'Another env.', options: {} };

  it('adds the new env to the manifest and keeps the existing ones', async () => {
    await writeEpisodes(['a']);
    const before = await readManifest(dir);
    const writer = await DatasetWriter.open(dir, { ...INIT, envs: { 'other-v3': OTHER }, seeds: [5, 6] }, { resume: true });
    expect(writer.manifest().envs).toEqual({ 'probe-v0': PROBE_ENV, 'other-v3': OTHER });
    expect((await readManifest(dir))?.envs).toEqual({ 'probe-v0': PROBE_ENV, 'other-v3': OTHER });
    const record = await storedSyntheticRecord(writer.images, 5, { env: 'other-v3', envVersion: 3 });
    await writer.append(record);
    const manifest = await writer.close();
    expect(manifest.envs).toEqual({ 'probe-v0': PROBE_ENV, 'other-v3': OTHER });
    expect(manifest.createdAt).toBe(before?.createdAt);
    expect(manifest.seeds).toEqual([
      { start: 0, count: 3 },
      { start: 5, count: 2 },
    ]);
    expect(manifest.counts.episodes).toBe(2);
    expect(writer.has('other-v3', 5)).toBe(true);
    expect(writer.has('probe-v0', 5)).toBe(false);
  });

  it('keeps the manifest envs when the run names both', async () => {
    await writeEpisodes(['a']);
    const writer = await DatasetWriter.open(dir, { ...INIT, envs: { 'probe-v0': PROBE_ENV, 'other-v3': OTHER } }, { resume: true });
    const manifest = await writer.close();
    expect(Object.keys(manifest.envs).sort()).toEqual(['other-v3', 'probe-v0']);
  });
});

describe('DatasetWriter bookkeeping', () => {
  it('counts rollouts, successes, invalid actions and distinct images, also across a resume', async () => {
    const writer = await DatasetWriter.open(dir, INIT);
    const first = await storedSyntheticRecord(writer.images, 0, { success: true, score: 1 });
    const second = await storedSyntheticRecord(writer.images, 0, {
      counts: { turns: 1, toolCalls: 1, invalidActions: 1 },
    });
    await writer.append(first);
    await writer.append(second);
    expect(writer.countOf('probe-v0', 0)).toBe(2);
    expect(writer.countOf('probe-v0', 1)).toBe(0);
    await writer.append(await storedSyntheticRecord(writer.images, 2));
    expect(writer.writtenIn('probe-v0', 0, 2)).toBe(1);
    expect(writer.writtenIn('probe-v0', 0, 3)).toBe(2);
    expect(writer.writtenIn('other-v0', 0, 3)).toBe(0);
    expect(writer.counts).toEqual({ episodes: 3, successes: 1, invalidActions: 1, images: 4 });
    await writer.close();
    const resumed = await DatasetWriter.open(dir, INIT, { resume: true });
    expect(resumed.counts).toEqual({ episodes: 3, successes: 1, invalidActions: 1, images: 4 });
    expect(resumed.countOf('probe-v0', 0)).toBe(2);
    expect(resumed.manifest().counts).toEqual({ episodes: 3, successes: 1, invalidActions: 1, images: 4 });
    await resumed.close();
    expect(recordImages(first)).toEqual(new Set(recordImages(second)));
    expect(recordImages(first).size).toBe(2);
  });

  it('does not rewrite the manifest before manifestEvery appends or 10 s', async () => {
    const writer = await DatasetWriter.open(dir, INIT, { manifestEvery: 3 });
    await writer.append(await storedSyntheticRecord(writer.images, 0));
    await writer.append(await storedSyntheticRecord(writer.images, 1));
    expect((await readManifest(dir))?.counts.episodes).toBe(0);
    await writer.append(await storedSyntheticRecord(writer.images, 2));
    expect((await readManifest(dir))?.counts.episodes).toBe(3);
    await writer.append(await storedSyntheticRecord(writer.images, 3));
    expect((await readManifest(dir))?.counts.episodes).toBe(3);
    const closed = await writer.close();
    expect(closed.counts.episodes).toBe(4);
    expect(await writer.close()).toEqual(closed);
    expect((await readdir(dir)).sort()).toEqual(['images', 'manifest.json', 'trajectories.jsonl']);
  });

  it('rewrites the manifest after every append with manifestEvery 1', async () => {
    const writer = await DatasetWriter.open(dir, INIT, { manifestEvery: 1 });
    await writer.append(await storedSyntheticRecord(writer.images, 0));
    expect((await readManifest(dir))?.counts.episodes).toBe(1);
    await writer.append(await storedSyntheticRecord(writer.images, 1));
    expect((await readManifest(dir))?.counts.episodes).toBe(2);
    await writer.close();
  });

  it('records no seeds when the run names none, and stamps each manifest write', async () => {
    const { seeds: _seeds, ...unseeded } = INIT;
    const writer = await DatasetWriter.open(dir, unseeded);
    expect(writer.manifest().seeds).toEqual([]);
    const opened = writer.manifest();
    expect(opened.updatedAt >= opened.createdAt).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const closed = await writer.close();
    expect(closed.updatedAt > opened.updatedAt).toBe(true);
    expect((await readManifest(dir))?.updatedAt).toBe(closed.updatedAt);
  });

  it('resumes a dataset whose manifest was lost, rebuilding it from the run', async () => {
    await writeEpisodes(['a', 'b']);
    await rm(join(dir, 'manifest.json'));
    await truncate(file, (await stat(file)).size - 3);
    const writer = await DatasetWriter.open(dir, { ...INIT, policy: 'other' }, { resume: true });
    expect(writer.resumed).toMatchObject({ episodes: 1, truncated: { line: 2 } });
    const manifest = await writer.close();
    expect(manifest).toMatchObject({ policy: 'other', counts: { episodes: 1 }, envs: INIT.envs });
  });

  it('keys episodes so that env ids and seeds cannot run together', async () => {
    const writer = await DatasetWriter.open(dir, INIT);
    await writer.append(await storedSyntheticRecord(writer.images, 35, { env: 'probe-v3' }));
    expect(writer.has('probe-v3', 35)).toBe(true);
    expect(writer.has('probe-v', 335)).toBe(false);
    expect(writer.has('probe-v33', 5)).toBe(false);
    await writer.close();
  });

  it('rewrites the manifest on every append once manifestIntervalMs has passed', async () => {
    const writer = await DatasetWriter.open(dir, INIT, { manifestEvery: 100, manifestIntervalMs: 0 });
    await writer.append(await storedSyntheticRecord(writer.images, 0));
    expect((await readManifest(dir))?.counts.episodes).toBe(1);
    await writer.close();
    for (const manifestIntervalMs of [-1, Number.NaN]) {
      const error = await DatasetWriter.open(join(dir, 'other'), INIT, { manifestIntervalMs }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(GymError);
      expect((error as GymError).code).toBe('bad-option');
      expect((error as Error).message).toBe(`manifestIntervalMs must be a number of milliseconds >= 0, got ${manifestIntervalMs}.`);
    }
  });

  it('records the reward preset and renderer versions, and refuses a resume under another preset', async () => {
    const renderer = { sharp: '0.34.0', libvips: '8.16.0', packages: { 'dejavu-fonts-ttf': '2.37.3' } };
    const writer = await DatasetWriter.open(dir, { ...INIT, rewardPreset: 'gated', renderer });
    expect(writer.manifest()).toMatchObject({ rewardPreset: 'gated', renderer });
    await writer.append(await storedSyntheticRecord(writer.images, 0));
    await writer.close();
    expect(await readManifest(dir)).toMatchObject({ rewardPreset: 'gated', renderer });
    expect((await mismatch({ ...INIT, renderer })).data).toEqual({ differences: ['reward preset is gated in the dataset, none now'] });
    expect((await mismatch({ ...INIT, rewardPreset: 'dense' })).data).toEqual({
      differences: ['reward preset is gated in the dataset, dense now'],
    });
    await rm(dir, { recursive: true, force: true });
    const plain = await DatasetWriter.open(dir, INIT);
    expect('rewardPreset' in plain.manifest()).toBe(false);
    expect('renderer' in plain.manifest()).toBe(false);
    await plain.append(await storedSyntheticRecord(plain.images, 0));
    await plain.close();
    expect((await mismatch({ ...INIT, rewardPreset: 'gated' })).data).toEqual({
      differences: ['reward preset is none in the dataset, gated now'],
    });
  });

  it('says which rule each refusal broke, by code and message', async () => {
    const bad = await DatasetWriter.open(dir, INIT, { manifestEvery: 0 }).catch((caught: unknown) => caught);
    expect((bad as GymError).code).toBe('bad-option');
    await writeEpisodes(['a']);
    const exists = await DatasetWriter.open(dir, INIT).catch((caught: unknown) => caught);
    expect((exists as GymError).code).toBe('dataset-exists');
    expect((exists as Error).message).toBe(
      `${dir} already holds a dataset; pass --resume to continue it (seeds already written are skipped) or choose another --out.`,
    );
    const writer = await DatasetWriter.open(dir, INIT, { resume: true });
    const good = await storedSyntheticRecord(writer.images, 1);
    const invalid = await writer.append({ ...good, score: 2, durationMs: -1 }).catch((caught: unknown) => caught);
    expect((invalid as Error).message).toMatch(/^Episode probe-v0 seed 1 is not a valid record: .*score.*; .*durationMs/);
    const sha256 = 'c'.repeat(64);
    const missing = await writer
      .append({ ...good, task: [{ type: 'image', image: { sha256, width: 1, height: 1, mime: 'image/png' } }] })
      .catch((caught: unknown) => caught);
    expect((missing as GymError).code).toBe('image-missing');
    expect((missing as GymError).data).toEqual({ sha256 });
    expect((missing as Error).message).toBe(
      `Episode probe-v0 seed 1 references image ${sha256}, which is not in ${writer.images.root}; make the env with this writer's images store.`,
    );
    await writer.close();
    const closed = await writer.append(good).catch((caught: unknown) => caught);
    expect((closed as GymError).code).toBe('writer-closed');
    expect((closed as Error).message).toBe(`The dataset writer for ${dir} is closed; open it again to append.`);
    expect((await collect()).map((record) => record.seed)).toEqual([0]);
  });

  it('refuses a manifestEvery that is not a positive integer', async () => {
    for (const manifestEvery of [0, -1, 1.5, Number.NaN]) {
      await expect(DatasetWriter.open(dir, INIT, { manifestEvery })).rejects.toThrow(
        `manifestEvery must be a positive integer, got ${manifestEvery}.`,
      );
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('starts afresh, without resume, in a dataset that holds no episodes', async () => {
    await writeFile(file, '');
    const writer = await DatasetWriter.open(dir, INIT);
    expect(writer.resumed).toBeNull();
    await writer.append(await storedSyntheticRecord(writer.images, 0));
    await writer.close();
    expect((await collect()).map((record) => record.seed)).toEqual([0]);
  });

  it('starts afresh in a folder holding only a manifest', async () => {
    await writeEpisodes(['a']);
    await rm(file);
    await rm(join(dir, 'images'), { recursive: true });
    const writer = await DatasetWriter.open(dir, { ...INIT, policy: 'other' });
    expect(writer.manifest().policy).toBe('other');
    await writer.close();
    expect((await readManifest(dir))?.policy).toBe('other');
  });

  it('creates a missing folder and refuses one holding other files', async () => {
    const nested = join(dir, 'a', 'b');
    const writer = await DatasetWriter.open(nested, INIT);
    expect(writer.dir).toBe(nested);
    expect(writer.manifest()).toMatchObject({ policy: 'scripted', format: 'hermes', seeds: [{ start: 0, count: 3 }] });
    await writer.close();
    const error = await DatasetWriter.open(join(dir, 'a'), INIT).catch((caught: unknown) => caught);
    expect((error as GymError).code).toBe('output-not-empty');
  });

  it('refuses to write a manifest that fails its schema', async () => {
    const error = await DatasetWriter.open(dir, { ...INIT, policy: '', rewards: { ...DEFAULT_REWARD_CONFIG, format: Number.NaN } }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/^The dataset manifest is not valid: .*policy.*; .*format/);
  });

  it('builds an env entry from a spec, with options and a turn limit', () => {
    expect(manifestEnv(PROBE_SPEC, [])).toEqual({
      version: 0,
      options: {},
      instructions: PROBE_SPEC.instructions,
      answers: true,
      maxTurns: 4,
      tools: [],
    });
    expect(manifestEnv(PROBE_SPEC, [], { options: { size: 3 }, maxTurns: 9 })).toMatchObject({ options: { size: 3 }, maxTurns: 9 });
  });
});
