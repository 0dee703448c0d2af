import { execFile } from 'node:child_process';
import { readFile, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAIRow } from '../../trajectories/export-openai.js';
import { makeProbeDataset } from '../helpers/probe-dataset.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'thinkgym.js');
const run = promisify(execFile);

/** Runs the `thinkgym` command as a child process and returns its exit code and output. */
async function thinkgym(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? -1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

let dataset: { dir: string };
beforeAll(async () => {
  dataset = await makeProbeDataset('hermes');
});
afterAll(async () => {
  await rm(dataset.dir, { recursive: true, force: true });
});

describe('thinkgym export --format openai --images path', () => {
  it('refuses without --allow-image-paths, in one line that says why and what to do, and writes nothing', async () => {
    const out = join(dataset.dir, 'export', 'refused.jsonl');
    const result = await thinkgym(['export', dataset.dir, '--format', 'openai', '--images', 'path', '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/--images path writes local file paths into image_url, which OpenAI fine-tuning rejects/);
    expect(result.stderr).toMatch(/add --allow-image-paths/);
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('writes absolute image paths with --allow-image-paths, and data URLs by default', async () => {
    const paths = join(dataset.dir, 'export', 'paths.jsonl');
    const allowed = await thinkgym([
      'export',
      dataset.dir,
      '--format',
      'openai',
      '--images',
      'path',
      '--allow-image-paths',
      '--out',
      paths,
    ]);
    expect(allowed.code, allowed.stderr).toBe(0);
    const [row] = (await readFile(paths, 'utf8'))
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as OpenAIRow);
    const urls = (row?.messages ?? []).flatMap((message) =>
      message.role === 'user' && typeof message.content !== 'string'
        ? message.content.flatMap((part) => (part.type === 'image_url' ? [part.image_url.url] : []))
        : [],
    );
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(isAbsolute(url)).toBe(true);

    const inline = join(dataset.dir, 'export', 'inline.jsonl');
    const plain = await thinkgym(['export', dataset.dir, '--format', 'openai', '--out', inline]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(await readFile(inline, 'utf8')).toContain('"url":"data:image/png;base64,');
  });
});
