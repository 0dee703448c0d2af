import { type ChildProcess, spawn } from 'node:child_process';
import { appendFile, mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'thinkgym.js');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function start(args: readonly string[], input?: string): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin?.end(input ?? '');
  const done = new Promise<Run>((resolveRun) => child.on('close', (code) => resolveRun({ code, stdout, stderr })));
  return { child, done };
}

const thinkgym = (args: readonly string[], input?: string): Promise<Run> => start(args, input).done;

async function lines(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
}

describe('the thinkgym command', () => {
  it('generates, inspects, exports and renders a maze dataset', async () => {
    const out = await mkdtemp(join(tmpdir(), 'thinkgym-cli-'));
    const generated = await thinkgym([
      'generate',
      '--env',
      'maze-v0',
      '--episodes',
      '12',
      '--seed',
      '5',
      '--out',
      out,
      '--option',
      'width=4',
    ]);
    expect(generated.code, generated.stderr).toBe(0);
    expect(generated.stdout).toMatch(/wrote 12 episodes .* success 100\.0%/);
    const episodes = (await lines(join(out, 'trajectories.jsonl'))).map((line) => JSON.parse(line) as { seed: number; success: boolean });
    expect(episodes.map((episode) => episode.seed).sort((a, b) => a - b)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { envs: Record<string, { options: unknown }> };
    expect(manifest.envs['maze-v0']?.options).toMatchObject({ width: 4, height: 7, loops: 0 });

    const inspected = await thinkgym(['inspect', out]);
    expect(inspected.code, inspected.stderr).toBe(0);
    expect(inspected.stdout).toMatch(/episodes 12 {2}success 12 \(100\.0%\)/);
    // The manifest records what drew the images, and inspect shows it.
    const renderer = (JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { renderer: unknown }).renderer;
    const fonts = JSON.parse(await readFile(join(ROOT, 'node_modules', 'dejavu-fonts-ttf', 'package.json'), 'utf8')) as { version: string };
    const opentype = JSON.parse(await readFile(join(ROOT, 'node_modules', 'opentype.js', 'package.json'), 'utf8')) as { version: string };
    expect(renderer).toEqual({
      sharp: sharp.versions.sharp,
      libvips: sharp.versions.vips,
      packages: { 'dejavu-fonts-ttf': fonts.version, 'opentype.js': opentype.version },
    });
    expect(inspected.stdout).toContain(
      `renderer sharp ${sharp.versions.sharp}  libvips ${sharp.versions.vips}  dejavu-fonts-ttf ${fonts.version}  opentype.js ${opentype.version}`,
    );

    const sharegpt = await thinkgym(['export', out, '--format', 'sharegpt', '--out', join(out, 'sft', 'maze.json'), '--success-only']);
    expect(sharegpt.code, sharegpt.stderr).toBe(0);
    const rows = JSON.parse(await readFile(join(out, 'sft', 'maze.json'), 'utf8')) as {
      messages: { content: string }[];
      images: string[];
    }[];
    expect(rows).toHaveLength(12);
    const placeholders = rows[0]?.messages.map((message) => message.content.split('<image>').length - 1).reduce((a, b) => a + b, 0);
    expect(placeholders).toBe(rows[0]?.images.length);
    await expect(stat(join(out, 'sft', 'dataset_info.json'))).resolves.toBeDefined();

    const openai = await thinkgym(['export', out, '--format', 'openai', '--out', join(out, 'sft', 'maze.jsonl')]);
    expect(openai.code, openai.stderr).toBe(0);
    const first = JSON.parse((await lines(join(out, 'sft', 'maze.jsonl')))[0] ?? '{}') as {
      tools: unknown[];
      messages: { role: string }[];
    };
    expect(first.tools.length).toBeGreaterThan(0);
    expect(first.messages.some((message) => message.role === 'tool')).toBe(true);

    const rendered = await thinkgym(['render', out, '--limit', '2']);
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(await readFile(join(out, 'index.html'), 'utf8')).toContain('<img src="index-files/');

    await appendFile(join(out, 'trajectories.jsonl'), '{"schemaVersion": 1, "env": \n');
    const corrupt = await thinkgym(['inspect', out]);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stdout + corrupt.stderr).toMatch(/line 13/);
  });

  it('keeps every finished episode when killed, and --resume finishes the run', async () => {
    const out = await mkdtemp(join(tmpdir(), 'thinkgym-kill-'));
    const args = ['generate', '--env', 'maze-v0', '--episodes', '400', '--out', out, '--concurrency', '1', '--quiet'];
    const run = start([...args, '--option', 'width=3', '--option', 'height=3']);
    const file = join(out, 'trajectories.jsonl');
    for (;;) {
      const written = await lines(file).catch(() => []);
      if (written.length >= 5) break;
      await new Promise((wait) => setTimeout(wait, 50));
    }
    run.child.kill('SIGKILL');
    await run.done;
    const survivors = await lines(file);
    expect(survivors.length).toBeGreaterThanOrEqual(5);
    expect(survivors.length).toBeLessThan(400);
    const resumed = await thinkgym([...args, '--option', 'width=3', '--option', 'height=3', '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const seeds = (await lines(file)).map((line) => (JSON.parse(line) as { seed: number }).seed);
    expect(new Set(seeds).size).toBe(400);
    expect(seeds).toHaveLength(400);
  });

  it('explains bad input and suggests what to do', async () => {
    const badOption = await thinkgym(['generate', '--env', 'maze-v0', '--out', join(tmpdir(), 'never'), '--option', 'size=3']);
    expect(badOption.code).toBe(1);
    expect(badOption.stderr).toMatch(/unknown argument `size`[\s\S]*Valid options:[\s\S]*width \(integer\)/);
    const badEnv = await thinkgym(['generate', '--env', 'maze', '--out', join(tmpdir(), 'never')]);
    expect(badEnv.stderr).toMatch(/Did you mean "maze-v0"/);
    const badFlag = await thinkgym(['generate', '--envs', 'maze-v0']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/Unknown option '--envs'[\s\S]*Usage: thinkgym generate/);
  });

  it('lists envs and tools with their schemas', async () => {
    const listed = await thinkgym(['list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const catalogue = JSON.parse(listed.stdout) as { envs: { id: string; tools: { name: string; parameters: { type: string } }[] }[] };
    const maze = catalogue.envs.find((env) => env.id === 'maze-v0');
    expect(maze?.tools.map((tool) => tool.name)).toEqual(['move', 'draw_path']);
    expect(maze?.tools.every((tool) => tool.parameters.type === 'object')).toBe(true);
  });

  it('lets a person play with JSON or <tool_call> text', async () => {
    const played = await thinkgym(
      ['play', 'maze-v0', '--seed', '3'],
      [
        '{"name": "move", "arguments": {"direction": "up"}}',
        '<tool_call>{"name": "move", "arguments": {"direction": "sideways"}}</tool_call>',
        ':quit',
      ].join('\n'),
    );
    expect(played.code, played.stderr).toBe(0);
    expect(played.stdout).toMatch(/\[image \d+x\d+\] .*\.png/);
    expect(played.stdout).toMatch(/turn 1\/50/);
    expect(played.stdout).toMatch(/Invalid action \(bad-arguments\): .*`direction` must be one of/);
  });
});
