import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryImageStore } from '../core/image-store.js';
import { makeEnv, registry } from '../core/registry.js';
import '../envs/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const readme = await readFile(join(ROOT, 'README.md'), 'utf8');

/** The README's env table: env id → the tools cell. */
function envTable(): Map<string, string> {
  const rows = readme.split('\n').filter((line) => /^\| `[a-z]+-v\d+` /.test(line));
  return new Map(
    rows.map((row) => row.split('|').map((cell) => cell.trim())).map((cells) => [cells[1]?.replaceAll('`', '') ?? '', cells[3] ?? '']),
  );
}

/** Tool names in a table cell: the always-present list, and `<tool> with --option <name>=<value>` extras. */
function toolsOf(cell: string): { always: string[]; optional: { tool: string; option: string; value: string }[] } {
  const [always = '', ...extras] = cell.split(';');
  const optional = extras.map((extra) => {
    const match = /^\s*`(\w+)` with `--option (\w+)=(\w+)`\s*$/.exec(extra);
    if (match === null) throw new Error(`unreadable tools cell part: ${extra}`);
    return { tool: match[1] as string, option: match[2] as string, value: match[3] as string };
  });
  return { always: [...always.matchAll(/`(\w+)`/g)].map((match) => match[1] as string), optional };
}

async function toolNames(id: string, options: Record<string, unknown> = {}): Promise<string[]> {
  const env = await makeEnv(id, { images: new MemoryImageStore(), options });
  try {
    return env.tools.map((tool) => tool.name);
  } finally {
    await env.close();
  }
}

describe('README.md', () => {
  it('gives each env in the table exactly the tools it has, and says which need an option', async () => {
    const table = envTable();
    for (const [id, cell] of table) {
      const { always, optional } = toolsOf(cell);
      expect(await toolNames(id), id).toEqual(always);
      for (const extra of optional) {
        const value = extra.value === 'true' ? true : extra.value === 'false' ? false : extra.value;
        const names = await toolNames(id, { [extra.option]: value });
        expect(names, `${id} with ${extra.option}=${extra.value}`).toContain(extra.tool);
        expect(names.filter((name) => name !== extra.tool).sort(), id).toEqual([...always].sort());
      }
    }
  });

  it('has a row in the env table for every registered env', () => {
    expect([...envTable().keys()].sort()).toEqual(registry.listEnvs().map((env) => env.id));
  });

  it('points only at files inside the repository, and they exist', () => {
    expect(readme).not.toMatch(/\.\.\/shared|shared\/data/);
    const files = [...readme.matchAll(/=((?:assets|tests)\/[\w./-]+)/g)].map((match) => match[1] as string);
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) expect(existsSync(join(ROOT, file)), file).toBe(true);
  });
});
