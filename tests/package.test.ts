import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// End to end, as a user gets the package: pack a copy of the working tree (its `prepare` script
// builds dist/), install the tarball into a fresh project, then run the README's TypeScript example
// and the `thinkgym` command from the installed copy.

const ROOT = resolve(import.meta.dirname, '..');
const run = promisify(execFile);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The environment for npm and node children, without the npm_* variables of an enclosing `npm test`. */
const childEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));

async function exec(command: string, args: readonly string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(command, args, { cwd, env: childEnv, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const failed = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${failed.stderr ?? ''}${failed.stdout ?? ''}`);
  }
}

/** The files git would put in a checkout (tracked and new, not ignored) that exist now. */
async function checkoutFiles(): Promise<string[]> {
  const listed = await exec('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT);
  return [...new Set(listed.split('\0').filter((file) => file !== ''))];
}

/** The README's TypeScript example, verbatim. */
async function readmeExample(): Promise<string> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const match = /### From TypeScript[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme);
  if (match?.[1] === undefined) throw new Error('README.md has no ```ts block under "### From TypeScript"');
  return match[1];
}

/** Only these ship: the command, the compiled library with its types, and npm's own files. */
const SHIPPED = /^(package\.json|README\.md|LICENSE|bin\/thinkgym\.js|dist\/.+\.(js|d\.ts)|train\/recipes\/[\w-]+\.json)$/;

describe('the packed package', () => {
  let work = '';
  let project = '';
  let packed: string[] = [];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'thinkgym-package-'));
    const source = join(work, 'source');
    for (const file of await checkoutFiles()) {
      await mkdir(dirname(join(source, file)), { recursive: true });
      await copyFile(join(ROOT, file), join(source, file)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error; // a tracked file deleted in the working tree
      });
    }
    await symlink(join(ROOT, 'node_modules'), join(source, 'node_modules'), 'junction');
    // npm may print the build's output before the JSON; the JSON is the array that starts a line.
    const packOutput = await exec(NPM, ['pack', '--json', '--pack-destination', work], source);
    const pack = JSON.parse(packOutput.slice(Math.max(0, packOutput.search(/^\[/m)))) as {
      filename: string;
      files: { path: string }[];
    }[];
    const tarball = join(work, pack[0]?.filename ?? '');
    packed = (pack[0]?.files ?? []).map((file) => file.path);

    project = join(work, 'project');
    await mkdir(project);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'thinkgym-user', private: true, type: 'module' }));
    await exec(NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], project);
  }, 300_000);

  afterAll(async () => {
    if (work !== '') await rm(work, { recursive: true, force: true });
  });

  it('ships the compiled library and the command, and nothing else', () => {
    for (const file of [
      'bin/thinkgym.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/tools/index.js',
      'dist/cli/main.js',
      'train/recipes/maze-7x7.json',
    ]) {
      expect(packed).toContain(file);
    }
    expect(packed.filter((file) => !SHIPPED.test(file))).toEqual([]);
  });

  it("runs the README's TypeScript example from the installed tarball", async () => {
    await writeFile(join(project, 'example.mjs'), await readmeExample());
    const printed = await exec(process.execPath, ['example.mjs'], project);
    expect(printed).toMatch(/success: true/);
    expect(printed).toMatch(/turns: [1-9]\d*/);
  });

  it('runs the thinkgym command from the installed tarball', async () => {
    const listed = await exec(NPM, ['exec', '--offline', '--', 'thinkgym', 'list'], project);
    for (const env of ['maze-v0', 'sokoban-v0', 'graph-v0', 'chart-v0']) expect(listed).toContain(env);
    const generated = await exec(
      NPM,
      ['exec', '--offline', '--', 'thinkgym', 'generate', '--env', 'maze-v0', '--episodes', '2', '--out', 'data/maze'],
      project,
    );
    expect(generated).toMatch(/wrote 2 episodes .* success 100\.0%/);
  });
});
