import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtCatalogue, type Catalogue, collectCatalogue, writeCatalogue } from '../../cli/catalogue.js';
import { registry } from '../../core/registry.js';
import '../../envs/index.js';
import '../../tools/index.js';
import { ROOT, runCli } from '../helpers/cli-child.js';

const run = promisify(execFile);

describe('the list catalogue', () => {
  let live: Catalogue;
  let folder: string;

  beforeAll(async () => {
    live = await collectCatalogue(registry);
    folder = await mkdtemp(join(tmpdir(), 'thinkgym-catalogue-'));
  }, 60_000);

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('reads back what the build step writes, only while it lists the registered envs', async () => {
    const file = pathToFileURL(join(folder, 'catalogue-data.js'));
    await writeCatalogue(live, file);
    const ids = registry.listEnvs().map((registration) => registration.id);
    expect(await builtCatalogue(ids, file)).toEqual(live);
    expect(await builtCatalogue([...ids, 'extra-v0'], file)).toBeUndefined();
    expect(await builtCatalogue(ids.slice(1), file)).toBeUndefined();
    expect(await builtCatalogue(ids, pathToFileURL(join(folder, 'missing.js')))).toBeUndefined();
    expect(live.envs.map((env) => env.id)).toEqual(ids);
    expect(live.envs.find((env) => env.id === 'maze-v0')?.tools.map((tool) => tool.name)).toEqual(['move', 'draw_path']);
    expect(live.tools.map((tool) => tool.name)).toContain('zoom_in');
  });

  it('is what `thinkgym list --json` prints, whichever copy the command runs', async () => {
    const listed = await runCli(['list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual(JSON.parse(JSON.stringify(live)));
  }, 60_000);

  it('lets the compiled command list without loading sharp, fonts or any env module', async (context) => {
    const main = join(ROOT, 'dist', 'cli', 'main.js');
    if (!existsSync(join(ROOT, 'dist', 'cli', 'catalogue-data.js'))) {
      console.warn('skipped: dist/ has no catalogue; run `npm run build` to check the compiled command');
      context.skip();
    }
    const script = [
      `const { main } = await import(${JSON.stringify(pathToFileURL(main).href)});`,
      `const code = await main(['list']);`,
      `const { createRequire } = await import('node:module');`,
      `const loaded = Object.keys(createRequire(import.meta.url).cache);`,
      `console.error(JSON.stringify({ code, heavy: loaded.filter((path) => /[\\\\/](sharp|opentype\\.js|ajv|@tensorflow)[\\\\/]/.test(path)) }));`,
    ].join('\n');
    const { stderr } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT });
    const report = JSON.parse(stderr.trim().split('\n').pop() ?? '{}') as { code: number; heavy: string[] };
    expect(report).toEqual({ code: 0, heavy: [] });
  }, 60_000);
});
