import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { checkSplitsCommand } from '../../cli/commands/check-splits.js';
import '../../envs/index.js';
import { splitSeed } from '../../core/split.js';
import { startCli } from '../helpers/cli-child.js';

const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

async function thinkgym(args: readonly string[]) {
  return startCli(args).done;
}

describe('splits on the command line', () => {
  it('generate --split draws the split seeds, records the split and resumes by them', async () => {
    const root = await mkdtemp(join(tmpdir(), 'thinkgym-split-'));
    folders.push(root);
    const out = join(root, 'test');
    const first = await thinkgym([
      'generate',
      '--env',
      'maze-v0',
      '--out',
      out,
      '--episodes',
      '2',
      '--split',
      'test',
      '--quiet',
      '--option',
      'observation=ascii',
    ]);
    expect(first.code).toBe(0);
    const resumed = await thinkgym([
      'generate',
      '--env',
      'maze-v0',
      '--out',
      out,
      '--episodes',
      '3',
      '--split',
      'test',
      '--quiet',
      '--resume',
      '--option',
      'observation=ascii',
    ]);
    expect(resumed.stderr).toContain('resuming: 2 of 3 episodes already written');
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.envs['maze-v0'].split).toBe('test');
    expect(manifest.seeds).toEqual([{ start: 0, count: 3 }]);
    const seeds = (await readFile(join(out, 'trajectories.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).seed as number);
    expect(seeds.sort()).toEqual([0, 1, 2].map((index) => splitSeed('maze-v0', 0, 'test', index)).sort());
  }, 60_000);

  it('check-splits fails on a leaking task space and names the shared tasks', async () => {
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    try {
      const code = await checkSplitsCommand([
        'maze-v0',
        '--n',
        '40',
        '--option',
        'width=3',
        '--option',
        'height=3',
        '--option',
        'observation=ascii',
      ]);
      expect(code).toBe(1);
    } finally {
      log.mockRestore();
    }
    const output = lines.join('\n');
    expect(output).toMatch(/maze-v0: \d+ task\(s\) in two splits \(40 tasks per split/);
    expect(output).toMatch(/in (train|validation)\[\d+\] \(seed \d+\), (validation|test)\[\d+\]/);
  }, 60_000);
});
