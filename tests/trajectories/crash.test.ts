import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DirectoryImageStore } from '../../core/image-store.js';
import { DEFAULT_REWARD_CONFIG } from '../../rewards/terms.js';
import { type LineProblem, parseEpisodeLine, readEpisodes, readManifest } from '../../trajectories/reader.js';
import { DatasetWriter, recordImages } from '../../trajectories/writer.js';
import { PROBE_SPEC } from '../helpers/trajectory-fixtures.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HELPER = join(ROOT, 'tests/helpers/crash-writer.ts');

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'thinkgym-crash-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the writer in a child process, SIGKILLs it once `wanted` episodes are reported, returns the reported seeds. */
async function killAfter(wanted: number): Promise<number[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', HELPER, dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const reported: number[] = [];
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  await new Promise<void>((resolvePromise, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^episode (\d+)$/.exec(line);
        if (match !== null) reported.push(Number(match[1]));
      }
      if (reported.length >= wanted && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.once('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolvePromise();
      else reject(new Error(`crash writer exited with ${code}: ${errors}`));
    });
  });
  return reported;
}

it('a SIGKILLed writer leaves every reported episode readable, at most one torn line, and all images', async () => {
  const reported = await killAfter(5);
  expect(reported.length).toBeGreaterThanOrEqual(5);

  const body = await readFile(join(dir, 'trajectories.jsonl'), 'utf8');
  const lines = body.split('\n');
  const tail = lines.pop() ?? '';
  // Every newline-terminated line is a whole, valid episode; only the unterminated tail may be torn.
  for (const line of lines) expect(parseEpisodeLine(line).ok).toBe(true);
  if (tail !== '') expect(parseEpisodeLine(tail).ok).toBe(false);

  const problems: LineProblem[] = [];
  const seeds: number[] = [];
  const store = new DirectoryImageStore(dir);
  for await (const record of readEpisodes(dir, { onProblem: (problem) => problems.push(problem) })) {
    seeds.push(record.seed);
    for (const sha256 of recordImages(record)) expect(await store.has(sha256)).toBe(true);
  }
  expect(problems.length).toBeLessThanOrEqual(1);
  if (problems.length === 1) expect(problems[0]?.incomplete).toBe(true);
  for (const seed of reported) expect(seeds).toContain(seed);
  expect(seeds).toEqual(seeds.map((_, index) => index));

  const manifest = await readManifest(dir);
  expect(manifest?.policy).toBe('scripted');

  // Resuming repairs the file and continues after the written seeds.
  const writer = await DatasetWriter.open(
    dir,
    {
      envs: { 'probe-v0': { version: 0, options: {}, instructions: PROBE_SPEC.instructions, answers: true, maxTurns: 4, tools: [] } },
      policy: 'scripted',
      format: 'hermes',
      rewards: DEFAULT_REWARD_CONFIG,
    },
    { resume: true },
  );
  expect(writer.resumed?.episodes).toBe(seeds.length);
  expect(writer.resumed?.problems).toEqual([]);
  for (const seed of seeds) expect(writer.has('probe-v0', seed)).toBe(true);
  await writer.close();
  const after: LineProblem[] = [];
  for await (const _record of readEpisodes(dir, { onProblem: (problem) => after.push(problem) })) {
    // drain
  }
  expect(after).toEqual([]);
});
