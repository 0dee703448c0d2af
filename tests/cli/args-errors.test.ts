import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attachNegativeNumbers, parseCommand, UsageError } from '../../cli/args.js';
import { reportError } from '../../cli/errors.js';
import { FormatError } from '../../core/errors.js';
import { SeedCounter } from '../../trajectories/seed-counter.js';

describe('command-line parsing', () => {
  const flags = { episodes: { type: 'string' }, seed: { type: 'string' }, quiet: { type: 'boolean' } } as const;

  it('takes a negative number after a string flag as its value', () => {
    expect(attachNegativeNumbers(['--episodes', '-5', '--quiet', 'x'], flags)).toEqual(['--episodes=-5', '--quiet', 'x']);
    expect(attachNegativeNumbers(['--seed', '-.5'], flags)).toEqual(['--seed=-.5']);
    expect(attachNegativeNumbers(['--quiet', '-5'], flags)).toEqual(['--quiet', '-5']);
    expect(parseCommand(['--episodes', '-5'], flags, 'usage').values.episodes).toBe('-5');
    expect(() => parseCommand(['--episodes', '--quiet'], flags, 'usage')).toThrow(UsageError);
  });
});

describe('reportError', () => {
  it('turns Node file-system errors into one line naming the path, with exit code 1', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'thinkgym-report-'));
    try {
      const file = join(folder, 'file.txt');
      await writeFile(file, 'x');
      const system = (code: string, path: string, syscall = 'open'): Error =>
        Object.assign(new Error(`${code}: failed, ${syscall} '${path}'`), { code, path, syscall });
      expect(reportError(system('ENOTDIR', join(file, 'manifest.json')))).toEqual({
        message: `error: cannot use ${join(file, 'manifest.json')}: ${file} is a file, not a folder; pass a folder path (a dataset folder holds trajectories.jsonl and manifest.json).`,
        exitCode: 1,
      });
      expect(reportError(system('EEXIST', file, 'mkdir')).message).toBe(
        `error: ${file} already exists and is not a folder; choose another path or move it away.`,
      );
      expect(reportError(system('EISDIR', folder)).message).toMatch(/is a folder, but a file is needed here/);
      expect(reportError(system('EACCES', folder, 'mkdir')).message).toMatch(/^error: permission denied writing .*folder you can write to/);
      expect(reportError(system('EACCES', file, 'scandir')).message).toMatch(/permission denied reading/);
      expect(reportError(new FormatError('wrapped', {}, system('ENOENT', file))).message).toBe('error: wrapped');
      expect(reportError(new Error('x', { cause: system('ENOSPC', file, 'write') })).message).toMatch(/no space left/);
      expect(reportError(new UsageError('bad flag'))).toEqual({ message: 'bad flag', exitCode: 2 });
      const unexpected = reportError(new TypeError('oops.'));
      expect(unexpected.message).toMatch(/^error: oops\. \(an unexpected fault; run with THINKGYM_DEBUG=1/);
      expect(unexpected.message.split('\n')).toHaveLength(1);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('SeedCounter', () => {
  it('keeps runs of seeds, not one entry per seed, and counts repeats', () => {
    const counter = new SeedCounter();
    for (let seed = 0; seed < 100_000; seed += 1) counter.add('maze-v0', seed);
    for (const seed of [100_005, 100_003, 100_004, 100_001, 100_002, 100_000]) counter.add('maze-v0', seed);
    counter.add('maze-v0', 7);
    counter.add('sokoban-v0', 7);
    expect(counter.runs).toBe(2);
    expect(counter.has('maze-v0', 99_999)).toBe(true);
    expect(counter.has('maze-v0', 100_006)).toBe(false);
    expect(counter.has('graph-v0', 0)).toBe(false);
    expect(counter.count('maze-v0', 7)).toBe(2);
    expect(counter.count('maze-v0', 8)).toBe(1);
    expect(counter.countIn('maze-v0', 99_990, 100)).toBe(16);
    expect(counter.countIn('maze-v0', -5, 10)).toBe(5);
    counter.add('maze-v0', 100_010);
    counter.add('maze-v0', 100_008);
    expect(counter.runs).toBe(4);
    counter.add('maze-v0', 100_009);
    counter.add('maze-v0', 100_007);
    expect(counter.runs).toBe(3);
    counter.add('maze-v0', 100_006);
    expect(counter.runs).toBe(2);
    expect(counter.countIn('maze-v0', 0, 1_000_000_000)).toBe(100_011);
  });
});
