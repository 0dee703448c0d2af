import { appendFile, mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FormatError, GymError, ValidationError } from '../../core/errors.js';
import { compileSchema } from '../../core/schema.js';
import { DEFAULT_REWARD_CONFIG } from '../../rewards/terms.js';
import { type LineProblem, readEpisodes, readManifest } from '../../trajectories/reader.js';
import type { EpisodeRecord } from '../../trajectories/record.js';
import { compactSeeds, EPISODE_RECORD_SCHEMA, expandSeeds, MANIFEST_SCHEMA, mergeSeedSpans } from '../../trajectories/schema.js';
import { type DatasetInit, DatasetWriter } from '../../trajectories/writer.js';
import { PROBE_SPEC, storedSyntheticRecord, syntheticRecord } from '../helpers/trajectory-fixtures.js';

const INIT: DatasetInit = {
  envs: { 'probe-v0': { version: 0, options: {}, instructions: PROBE_SPEC.instructions, answers: true, maxTurns: 4, tools: [] } },
  policy: 'scripted',
  format: 'hermes',
  rewards: DEFAULT_REWARD_CONFIG,
  seeds: [0, 1, 2, 3, 4, 10],
};

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'thinkgym-dataset-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(source: string, problems: LineProblem[] = []): Promise<EpisodeRecord[]> {
  const records: EpisodeRecord[] = [];
  for await (const record of readEpisodes(source, { onProblem: (problem) => problems.push(problem) })) records.push(record);
  return records;
}

async function writeEpisodes(seeds: readonly number[]): Promise<EpisodeRecord[]> {
  const writer = await DatasetWriter.open(dir, INIT);
  const records: EpisodeRecord[] = [];
  for (const seed of seeds) {
    const record = await storedSyntheticRecord(writer.images, seed);
    await writer.append(record);
    records.push(record);
  }
  await writer.close();
  return records;
}

describe('schemas', () => {
  it('compile under strict ajv', () => {
    expect(() => compileSchema(EPISODE_RECORD_SCHEMA)).not.toThrow();
    expect(() => compileSchema(MANIFEST_SCHEMA)).not.toThrow();
  });

  it('store seeds as runs', () => {
    expect(compactSeeds([5, 1, 2, 3, 3, 9])).toEqual([
      { start: 1, count: 3 },
      { start: 5, count: 1 },
      { start: 9, count: 1 },
    ]);
    expect([...expandSeeds(compactSeeds([4, 2, 3]))]).toEqual([2, 3, 4]);
    expect(
      mergeSeedSpans(
        [{ start: 0, count: 10 }],
        [
          { start: 5, count: 10 },
          { start: 30, count: 1 },
        ],
      ),
    ).toEqual([
      { start: 0, count: 15 },
      { start: 30, count: 1 },
    ]);
  });
});

describe('DatasetWriter and readEpisodes', () => {
  it('round-trip episodes, images and the manifest', async () => {
    const written = await writeEpisodes([0, 1, 2]);
    const read = await collect(dir);
    expect(read).toEqual(written);
    const manifest = await readManifest(dir);
    expect(manifest).not.toBeNull();
    expect(manifest?.counts).toEqual({ episodes: 3, successes: 0, invalidActions: 0, images: 6 });
    expect(manifest?.seeds).toEqual([
      { start: 0, count: 5 },
      { start: 10, count: 1 },
    ]);
    expect(manifest?.policy).toBe('scripted');
    expect(manifest?.envs['probe-v0']?.instructions).toBe(PROBE_SPEC.instructions);
    const body = await readFile(join(dir, 'trajectories.jsonl'), 'utf8');
    expect(body.endsWith('\n')).toBe(true);
    expect(body.split('\n')).toHaveLength(4);
    expect(body).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    const sha = written[0]?.task.find((part) => part.type === 'image');
    expect(sha?.type).toBe('image');
    if (sha?.type === 'image') {
      const png = await stat(join(dir, 'images', sha.image.sha256.slice(0, 2), `${sha.image.sha256}.png`));
      expect(png.size).toBeGreaterThan(0);
    }
  });

  it('reads a trajectories.jsonl file given directly', async () => {
    await writeEpisodes([7]);
    const read = await collect(join(dir, 'trajectories.jsonl'));
    expect(read.map((record) => record.seed)).toEqual([7]);
  });

  it('refuses a non-empty dataset without resume, and a foreign non-empty folder', async () => {
    await writeEpisodes([0]);
    await expect(DatasetWriter.open(dir, INIT)).rejects.toThrow(/--resume/);
    const other = await mkdtemp(join(tmpdir(), 'thinkgym-other-'));
    await writeFile(join(other, 'notes.txt'), 'hello');
    await expect(DatasetWriter.open(other, INIT, { resume: true })).rejects.toThrow(/choose another --out/);
    await rm(other, { recursive: true, force: true });
  });

  it('resume skips written seeds and keeps counting', async () => {
    await writeEpisodes([0, 1]);
    const writer = await DatasetWriter.open(dir, { ...INIT, seeds: [0, 1, 2, 3] }, { resume: true });
    expect(writer.resumed).toEqual({ episodes: 2, truncated: null, problems: [] });
    expect(writer.has('probe-v0', 0)).toBe(true);
    expect(writer.has('probe-v0', 1)).toBe(true);
    expect(writer.has('probe-v0', 2)).toBe(false);
    expect(writer.has('other-v0', 0)).toBe(false);
    for (const seed of [0, 1, 2, 3]) {
      if (writer.has('probe-v0', seed)) continue;
      await writer.append(await storedSyntheticRecord(writer.images, seed));
    }
    const manifest = await writer.close();
    expect(manifest.counts.episodes).toBe(4);
    expect((await collect(dir)).map((record) => record.seed)).toEqual([0, 1, 2, 3]);
  });

  it('resume refuses a different policy or env version and says what differs', async () => {
    await writeEpisodes([0]);
    const changed: DatasetInit = {
      ...INIT,
      policy: 'random',
      envs: { 'probe-v0': { ...(INIT.envs['probe-v0'] as NonNullable<DatasetInit['envs'][string]>), version: 1 } },
    };
    const error = await DatasetWriter.open(dir, changed, { resume: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GymError);
    expect((error as GymError).code).toBe('dataset-mismatch');
    expect((error as Error).message).toMatch(/policy is "scripted" in the dataset, "random" now/);
    expect((error as Error).message).toMatch(/probe-v0 version differs \(0 vs 1\)/);
  });

  it('cuts a torn last line on resume and reports it', async () => {
    await writeEpisodes([0, 1, 2]);
    const file = join(dir, 'trajectories.jsonl');
    const full = await readFile(file, 'utf8');
    const third = full.split('\n')[2] ?? '';
    const size = (await stat(file)).size;
    await truncate(file, size - Math.floor(third.length / 2));
    const problems: LineProblem[] = [];
    const read = await collect(dir, problems);
    expect(read.map((record) => record.seed)).toEqual([0, 1]);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.line).toBe(3);
    expect(problems[0]?.incomplete).toBe(true);

    const writer = await DatasetWriter.open(dir, INIT, { resume: true });
    expect(writer.resumed?.truncated?.line).toBe(3);
    expect(writer.resumed?.truncated?.bytes).toBeGreaterThan(0);
    expect(writer.resumed?.episodes).toBe(2);
    expect(writer.has('probe-v0', 2)).toBe(false);
    await writer.append(await storedSyntheticRecord(writer.images, 2));
    await writer.close();
    const after: LineProblem[] = [];
    expect((await collect(dir, after)).map((record) => record.seed)).toEqual([0, 1, 2]);
    expect(after).toEqual([]);
  });

  it('keeps a complete last record that only lost its newline', async () => {
    await writeEpisodes([0, 1]);
    const file = join(dir, 'trajectories.jsonl');
    await truncate(file, (await stat(file)).size - 1);
    const writer = await DatasetWriter.open(dir, INIT, { resume: true });
    expect(writer.resumed).toEqual({ episodes: 2, truncated: null, problems: [] });
    await writer.close();
  });

  it('reports a corrupt line in the middle with its line number and reads on', async () => {
    await writeEpisodes([0, 1, 2]);
    const file = join(dir, 'trajectories.jsonl');
    const lines = (await readFile(file, 'utf8')).split('\n');
    const bad = JSON.parse(lines[2] ?? '') as Record<string, unknown>;
    bad.score = 7;
    await writeFile(file, [lines[0], '{"not json', JSON.stringify(bad), lines[1], ''].join('\n'));
    const problems: LineProblem[] = [];
    const read = await collect(dir, problems);
    expect(read.map((record) => record.seed)).toEqual([0, 1]);
    expect(problems.map((problem) => problem.line)).toEqual([2, 3]);
    expect(problems[0]?.message).toMatch(/not valid JSON/);
    expect(problems[1]?.message).toMatch(/score/);
    expect(problems.some((problem) => problem.incomplete === true)).toBe(false);

    const stream = readEpisodes(dir, { strict: true });
    const error = await (async () => {
      for await (const _record of stream) {
        // the first line is fine; the second throws
      }
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).line).toBe(2);
    expect((error as FormatError).file).toBe(file);
  });

  it('rejects an invalid record (a bug) and a record whose images are not stored', async () => {
    const writer = await DatasetWriter.open(dir, INIT);
    const good = await storedSyntheticRecord(writer.images, 0);
    await expect(writer.append({ ...good, score: 2 })).rejects.toBeInstanceOf(ValidationError);
    await expect(writer.append({ ...good, counts: { ...good.counts, turns: 3 } })).rejects.toThrow(/counts.turns/);
    const foreign = syntheticRecord(
      1,
      { sha256: 'a'.repeat(64), width: 8, height: 8, mime: 'image/png' },
      good.task[1]?.type === 'image' ? good.task[1].image : { sha256: 'b'.repeat(64), width: 1, height: 1, mime: 'image/png' },
    );
    await expect(writer.append(foreign)).rejects.toThrow(/not in/);
    await writer.append(good);
    const manifest = await writer.close();
    expect(manifest.counts.episodes).toBe(1);
    await expect(writer.append(good)).rejects.toThrow(/closed/);
  });

  it('serialises concurrent appends into whole lines', async () => {
    const writer = await DatasetWriter.open(dir, INIT);
    const records = await Promise.all(Array.from({ length: 20 }, (_, seed) => storedSyntheticRecord(writer.images, seed)));
    await Promise.all(records.map((record) => writer.append(record)));
    await writer.close();
    const problems: LineProblem[] = [];
    const read = await collect(dir, problems);
    expect(problems).toEqual([]);
    expect(read.map((record) => record.seed).sort((a, b) => a - b)).toEqual(records.map((record) => record.seed));
  });

  it('writes the manifest at open and while appending, before close', async () => {
    const writer = await DatasetWriter.open(dir, INIT, { manifestEvery: 2 });
    expect((await readManifest(dir))?.counts.episodes).toBe(0);
    for (const seed of [0, 1, 2]) await writer.append(await storedSyntheticRecord(writer.images, seed));
    expect((await readManifest(dir))?.counts.episodes).toBe(2);
    await writer.close();
    expect((await readManifest(dir))?.counts.episodes).toBe(3);
  });

  it('tolerates blank lines and an empty file', async () => {
    await writeEpisodes([0]);
    await appendFile(join(dir, 'trajectories.jsonl'), '\n\n');
    expect(await collect(dir)).toHaveLength(1);
    await writeFile(join(dir, 'trajectories.jsonl'), '');
    expect(await collect(dir)).toHaveLength(0);
  });

  it('explains a missing dataset', async () => {
    await expect(collect(join(dir, 'nowhere'))).rejects.toThrow(/No dataset/);
    expect(await readManifest(dir)).toBeNull();
  });
});
