import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, type CliRun, hasStackTrace, runCli, startCli } from './helpers/cli-child.js';
import { loadFixture, startLoopbackServer } from './helpers/loopback-server.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'thinkgym-faults-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh folder for one test. */
async function folder(name: string): Promise<string> {
  const path = join(root, name);
  await mkdir(path, { recursive: true });
  return path;
}

/** The run failed with exit code 1 and one error line that names `path`, and no stack trace. */
function expectOneLineError(run: CliRun, path: string, pattern: RegExp): void {
  expect(run.code, run.stderr).toBe(1);
  expect(hasStackTrace(run.stderr + run.stdout), run.stderr).toBe(false);
  const errors = run.stderr.split('\n').filter((line) => line.startsWith('error: '));
  expect(errors, run.stderr).toHaveLength(1);
  expect(errors[0]).toContain(path);
  expect(errors[0]).toMatch(pattern);
}

const small = ['--option', 'width=3', '--option', 'height=3', '--quiet'];

async function makeDataset(out: string, episodes = 3): Promise<void> {
  const made = await runCli(['generate', '--env', 'maze-v0', '--episodes', String(episodes), '--out', out, ...small]);
  expect(made.code, made.stderr).toBe(0);
}

describe('file-system faults are one-line errors that name the path', () => {
  it('generate --out an existing file (EEXIST) or a path under a file (ENOTDIR)', async () => {
    const base = await folder('out-file');
    const file = join(base, 'taken.txt');
    await writeFile(file, 'not a dataset');
    expectOneLineError(
      await runCli(['generate', '--env', 'maze-v0', '--episodes', '1', '--out', file]),
      file,
      /not a folder; choose another/,
    );
    const under = join(file, 'sub');
    expectOneLineError(
      await runCli(['generate', '--env', 'maze-v0', '--episodes', '1', '--out', under]),
      under,
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is a file, not a folder`),
    );
  });

  it('export --out and render --out a folder (EISDIR)', async () => {
    const data = join(await folder('eisdir'), 'data');
    await makeDataset(data);
    const target = await folder('eisdir/target');
    expectOneLineError(await runCli(['export', data, '--format', 'openai', '--out', target]), target, /is a folder, but a file is needed/);
    expectOneLineError(await runCli(['render', data, '--out', target]), target, /is a folder, but a file is needed/);
  });

  it('inspect and export given a file instead of a dataset folder (ENOTDIR)', async () => {
    const file = join(await folder('enotdir'), 'notes.txt');
    await writeFile(file, 'hello\n');
    expectOneLineError(await runCli(['inspect', file]), file, /is a file, not a folder/);
    expectOneLineError(await runCli(['export', file, '--format', 'sharegpt', '--out', `${file}.json`]), file, /is a file, not a folder/);
  });

  // Root may write anywhere, so a read-only folder is tested as an unprivileged user when the
  // tests run as root (child_process spawns with uid/gid), and as the current user otherwise.
  it('a read-only folder (EACCES) in generate, --resume, render and play --images', async (context) => {
    const asRoot = process.getuid?.() === 0;
    const user = asRoot ? { uid: 65534, gid: 65534 } : undefined;
    if (user !== undefined && !readableBy(user)) {
      console.warn(
        `SKIPPED the read-only folder test: running as root, it needs an unprivileged user (uid 65534) to run the command, ` +
          `but that user cannot read this checkout (${BIN}); clone it where other users can read it to run this test.`,
      );
      context.skip();
    }
    const base = await folder('readonly');
    const scratch = join(base, 'tmp');
    await mkdir(scratch);
    if (asRoot) {
      // Let the unprivileged child reach the folder (the run's temp root is private to root).
      for (let path = base; path !== dirname(path) && path.startsWith(dirname(root)); path = dirname(path)) await chmod(path, 0o755);
      await chmod(scratch, 0o777);
    }
    const locked = join(base, 'locked');
    await mkdir(locked);
    const data = join(base, 'data');
    await makeDataset(data);
    await chmod(locked, 0o555);
    for (const entry of await readdir(data, { recursive: true })) await chmod(join(data, entry), 0o555).catch(() => undefined);
    await chmod(join(data, 'trajectories.jsonl'), 0o444);
    await chmod(join(data, 'manifest.json'), 0o444);
    await chmod(data, 0o555);
    const options = { ...(user === undefined ? {} : { user }), env: { TMPDIR: scratch, HOME: scratch } };
    try {
      const target = join(locked, 'data');
      expectOneLineError(
        await runCli(['generate', '--env', 'maze-v0', '--episodes', '1', '--out', target, ...small], options),
        target,
        /permission denied writing .*; choose a folder you can write to/,
      );
      await expect(stat(target)).rejects.toMatchObject({ code: 'ENOENT' });
      expectOneLineError(
        await runCli(['generate', '--env', 'maze-v0', '--episodes', '5', '--out', data, '--resume', ...small], options),
        data,
        /permission denied writing/,
      );
      expectOneLineError(await runCli(['render', data], options), join(data, 'index'), /permission denied writing/);
      expectOneLineError(
        await runCli(['play', 'maze-v0', '--images', locked], { ...options, input: ':quit\n' }),
        locked,
        /permission denied writing/,
      );
    } finally {
      await chmod(locked, 0o755);
      await chmod(data, 0o755);
    }
  });
});

describe('command-line values', () => {
  it('reads a negative number after a flag as its value and rejects it with the flag rule', async () => {
    const run = await runCli(['generate', '--env', 'maze-v0', '--episodes', '-5', '--out', join(root, 'never')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--episodes must be an integer >= 1, got "-5"/);
    expect(run.stderr).not.toMatch(/ambiguous/);
  });

  it('refuses to --resume a dataset of another env and leaves it as it was', async () => {
    const data = join(await folder('other-env'), 'data');
    await makeDataset(data);
    const before = await readFile(join(data, 'trajectories.jsonl'), 'utf8');
    const run = await runCli(['generate', '--env', 'sokoban-v0', '--episodes', '2', '--out', data, '--resume', '--quiet']);
    expectOneLineError(run, data, /holds episodes of maze-v0, not sokoban-v0. Resume with --env maze-v0/);
    expect(await readFile(join(data, 'trajectories.jsonl'), 'utf8')).toBe(before);
  });
});

describe('bad level files are checked once, before the run', () => {
  const cases: { name: string; text: string | Buffer; expected: RegExp }[] = [
    { name: 'empty.txt', text: '', expected: /empty\.txt is empty; pass a Sokoban level file/ },
    { name: 'binary.txt', text: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x0a, 0x00]), expected: /is not a text file/ },
    {
      name: 'several.txt',
      text: [
        '; 0',
        '#####',
        '#@$.#',
        '#$  #',
        '#####',
        '; 1',
        '#####',
        '#@$.#',
        '#x  #',
        '#####',
        '; 2',
        '#####',
        '#@$. ',
        '#####',
        '; 3',
        '#####',
        '#@$.#',
        '#####',
      ].join('\n'),
      expected:
        /3 problem\(s\) in 4 level\(s\)[\s\S]*several\.txt:2: level "0" has 2 boxes but 1 goals[\s\S]*several\.txt:9: unknown character "x"[\s\S]*several\.txt:13: level "2" is not enclosed/,
    },
  ];
  for (const entry of cases) {
    it(`reports ${entry.name} once, with no misleading hint, and leaves no folder`, async () => {
      const base = await folder(`levels-${entry.name}`);
      const file = join(base, entry.name);
      await writeFile(file, entry.text);
      const out = join(base, 'data');
      const run = await runCli([
        'generate',
        '--env',
        'sokoban-v0',
        '--option',
        `levels=${file}`,
        '--episodes',
        '6',
        '--out',
        out,
        '--quiet',
      ]);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toMatch(entry.expected);
      expect(run.stderr.match(/error: /g)).toHaveLength(1);
      expect(run.stderr).not.toMatch(/seed \d+ failed|model server|\.\.(\s|$)/);
      expect(hasStackTrace(run.stderr)).toBe(false);
      await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
    });
  }

  it('lists every bad maze of a maze file', async () => {
    const file = join(await folder('mazes'), 'mazes.txt');
    await writeFile(file, ['#####', '#S G#', '#####', '', '#####', '#S  #', '#####', '', '#####', '#SxG#', '#####'].join('\n'));
    const run = await runCli(['generate', '--env', 'maze-v0', '--option', `levels=${file}`, '--out', join(root, 'mazes-out'), '--quiet']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/2 bad mazes[\s\S]*line 5: the maze that begins here has no goal[\s\S]*line 10: unknown character/);
  });

  it('lists every ChartQA item whose image is missing', async () => {
    const base = await folder('chartqa');
    await mkdir(join(base, 'png'));
    await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } })
      .png()
      .toFile(join(base, 'png', 'a.png'));
    const file = join(base, 'test_human.json');
    await writeFile(
      file,
      JSON.stringify([
        { imgname: 'a.png', query: 'q?', label: '1' },
        { imgname: 'b.png', query: 'q?', label: '2' },
        { imgname: 'c.png', query: 'q?', label: '3' },
      ]),
    );
    const run = await runCli(['generate', '--env', 'chart-v0', '--option', `chartqa=${file}`, '--out', join(base, 'out'), '--quiet']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/2 of 3 items have no image[\s\S]*item 1: b\.png[\s\S]*item 2: c\.png/);
    await expect(stat(join(base, 'out'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

const hermes = loadFixture('vllm-text-hermes');
const tooLong = loadFixture('vllm-context-length-400');

describe('a model server that hangs or starts refusing', () => {
  it('Ctrl-C aborts the request in flight, says a second Ctrl-C stops at once, and exits 130', async () => {
    const server = await startLoopbackServer([{ status: 200, hang: true }]);
    try {
      const out = join(await folder('hang'), 'data');
      const started = performance.now();
      const run = startCli([
        'generate',
        '--env',
        'maze-v0',
        '--policy',
        'openai',
        '--base-url',
        server.baseUrl,
        '--model',
        'm',
        '--episodes',
        '3',
        '--concurrency',
        '1',
        '--out',
        out,
        '--quiet',
      ]);
      while (server.requests.length === 0) await new Promise((wait) => setTimeout(wait, 50));
      run.child.kill('SIGINT');
      const result = await run.done;
      expect(result.code, result.stderr).toBe(130);
      expect(result.stderr).toMatch(/press Ctrl-C again to stop at once/);
      expect(result.stdout).toMatch(/--resume/);
      expect(performance.now() - started).toBeLessThan(30_000);
      await expect(stat(join(out, 'failures.jsonl'))).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await server.close();
    }
  });

  it('--timeout and --retries bound a hung request, and the failure is recorded', async () => {
    const server = await startLoopbackServer([
      { status: 200, hang: true },
      { status: 200, hang: true },
    ]);
    try {
      const out = join(await folder('timeout'), 'data');
      const args = ['generate', '--env', 'maze-v0', '--policy', 'openai', '--base-url', server.baseUrl, '--model', 'm'];
      const run = await runCli([...args, '--episodes', '1', '--timeout', '0.5', '--retries', '1', '--out', out, '--quiet']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/did not answer within 500 ms.*gave up after 2 attempts/);
      expect(server.requests).toHaveLength(2);
      const failures = (await readFile(join(out, 'failures.jsonl'), 'utf8')).trim().split('\n');
      expect(failures).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('records each failed episode, exits 1, counts failures in inspect, and --resume plays them again', async () => {
    // Two turns per episode (--max-turns 2): seed 0 gets two answers, seed 1 one answer then a
    // 400 (context length), and seeds 2 to 4 are refused at once.
    const server = await startLoopbackServer([hermes, hermes, hermes, ...Array.from({ length: 4 }, () => tooLong)]);
    try {
      const out = join(await folder('refusing'), 'data');
      const args = [
        'generate',
        '--env',
        'maze-v0',
        '--policy',
        'openai',
        '--base-url',
        server.baseUrl,
        '--model',
        'm',
        '--episodes',
        '5',
        '--concurrency',
        '1',
        '--max-turns',
        '2',
        '--out',
        out,
        '--quiet',
      ];
      const run = await runCli(args);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stdout).toMatch(/wrote 1 episodes .* 4 failed \(recorded in failures\.jsonl/);
      expect(run.stderr).toMatch(/4 episode\(s\) failed.*--allow-failures/);
      const failures = (await readFile(join(out, 'failures.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { seed: number; turns: number; steps: unknown[]; error: { status?: number; code?: string } });
      expect(failures.map((failure) => failure.seed)).toEqual([1, 2, 3, 4]);
      expect(failures[0]).toMatchObject({ turns: 1, error: { status: 400, code: 'model-server' } });
      expect(failures[0]?.steps).toHaveLength(1);
      expect(failures[1]?.turns).toBe(0);

      const inspected = await runCli(['inspect', out]);
      expect(inspected.stdout).toMatch(/failed {3}4 \(4 seeds, 4 not yet played again; model-server 4\)/);
      const json = JSON.parse((await runCli(['inspect', out, '--json'])).stdout) as { failures: { outstanding: number } };
      expect(json.failures.outstanding).toBe(4);

      // The resumed run retries the failed seeds: seed 1 now succeeds, 2 to 4 fail again, which
      // --allow-failures accepts.
      server.push(hermes, hermes, tooLong, tooLong, tooLong);
      const allowed = await runCli([...args, '--resume', '--allow-failures']);
      expect(allowed.code, allowed.stderr).toBe(0);
      expect(allowed.stdout).toMatch(/wrote 1 episodes .* 3 failed/);
      server.push(...Array.from({ length: 6 }, () => hermes));
      const resumed = await runCli([...args, '--resume']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stdout).toMatch(/wrote 3 episodes/);
      const after = await runCli(['inspect', out]);
      expect(after.stdout).toMatch(/episodes 5 /);
      expect(after.stdout).toMatch(/0 not yet played again/);
    } finally {
      await server.close();
    }
  });
});

describe('bounded memory', () => {
  it('streams a billion seeds: it starts at once, records one seed span, and stops on Ctrl-C with 130', async () => {
    const out = join(await folder('billion'), 'data');
    const run = startCli(['generate', '--env', 'maze-v0', '--episodes', '1000000000', '--out', out, ...small]);
    const file = join(out, 'trajectories.jsonl');
    for (;;) {
      const written = await readFile(file, 'utf8').catch(() => '');
      if (written.split('\n').length > 20) break;
      await new Promise((wait) => setTimeout(wait, 100));
    }
    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).not.toMatch(/FATAL|heap/i);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { seeds: unknown };
    expect(manifest.seeds).toEqual([{ start: 0, count: 1_000_000_000 }]);
  });

  it('refuses graph sizes beyond its edge budget before touching the output folder', async () => {
    const out = join(root, 'graph-out');
    const run = await runCli(['generate', '--env', 'graph-v0', '--option', 'nodes=10000', '--out', out, '--quiet']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/nodes=10000.*would make about [\d,]+ edges.*Lower pIn and pOut/);
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
    const tooMany = await runCli(['generate', '--env', 'graph-v0', '--option', 'nodes=200000', '--out', out, '--quiet']);
    expect(tooMany.stderr).toMatch(/`nodes` must be <= 20000/);
  });
});

/** Whether `user` can read the command's entry file in this checkout (a private parent folder stops it). */
function readableBy(user: { uid: number; gid: number }): boolean {
  const probe = spawnSync(process.execPath, ['-e', `require('node:fs').accessSync(${JSON.stringify(BIN)}, 4)`], { ...user, cwd: '/' });
  return probe.status === 0;
}
