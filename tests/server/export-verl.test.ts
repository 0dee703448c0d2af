import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';

/** A parsed JSON reply, read by path in assertions. */
// biome-ignore lint/suspicious/noExplicitAny: replies are arbitrary JSON, checked field by field by expect.
type Json = any;

describe('thinkgym export --format verl', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'thinkgym-verl-'));
    const quiet = console.log;
    console.log = () => undefined;
    try {
      expect(
        await main(['generate', '--env', 'maze-v0', '--episodes', '3', '--seed', '4', '--out', join(dir, 'data'), '--option', 'width=4']),
      ).toBe(0);
    } finally {
      console.log = quiet;
    }
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one row per task that reads back with the columns verl reads', async () => {
    const out = join(dir, 'rl.parquet');
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      expect(await main(['export', join(dir, 'data'), '--format', 'verl', '--out', out])).toBe(0);
    } finally {
      console.log = log;
    }
    expect(lines.join('\n')).toContain('wrote 3');
    const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(out), utf8: false })) as Json[];
    expect(rows.map((row) => Number(row.extra_info.index))).toEqual([0, 1, 2]);
    const row = rows[0] as Json;
    expect(row.data_source).toBe('maze-v0');
    expect(row.agent_name).toBe('tool_agent');
    expect(row.reward_model).toEqual({ style: 'rule', ground_truth: '' });
    expect(row.prompt.map((message: { role: string }) => message.role)).toEqual(['system', 'user']);
    const placeholders = row.prompt[1].content.split('<image>').length - 1;
    expect(placeholders).toBe(1);
    expect(row.images).toHaveLength(placeholders);
    expect(Buffer.from(row.images[0].bytes).subarray(1, 4).toString()).toBe('PNG');
    expect(row.prompt[0].content).not.toContain('<tools>');
    expect(Object.keys(row.extra_info.tools_kwargs).sort()).toEqual(['draw_path', 'move']);
    const create = row.extra_info.tools_kwargs.move.create_kwargs;
    expect(create.env).toBe('maze-v0');
    const seeds = rows.map((each) => Number(each.extra_info.tools_kwargs.draw_path.create_kwargs.seed));
    expect(seeds.sort()).toEqual([4, 5, 6]);
    expect(seeds).toContain(Number(create.seed));
    expect(JSON.parse(create.options)).toMatchObject({ width: 4 });
    expect(row.extra_info.split).toBe('train');
  }, 60_000);
});
