import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { registry } from '../../core/registry.js';
import { REFERENCE_POLICIES, type ReferenceTable, referenceMarkdown } from '../../eval/reference.js';
import { runEval } from '../../eval/runner.js';
import '../../envs/index.js';

const folder = new URL('../../reference/', import.meta.url);
const table = JSON.parse(await readFile(new URL('reference.json', folder), 'utf8')) as ReferenceTable;

const fold = (markdown: string): string => markdown.replace(/ +/g, ' ').replace(/-{3,}/g, '---');

/** The sample re-run: one task per env and policy, at an index that differs between envs and policies. */
const SLOW = new Set(['medical-v0', 'video-v0']);

describe('the shipped reference table', () => {
  it('covers every registered env with both policies, and README.md renders reference.json', async () => {
    const rows = table.reports.map((report) => `${report.config.env}/${report.config.policy.name}`).sort();
    const expected = registry
      .listEnvs()
      .flatMap(({ id }) => REFERENCE_POLICIES.map((policy) => `${id}/${policy}`))
      .sort();
    expect(rows).toEqual(expected);
    // The formatter aligns the table's columns; compare with runs of spaces and dashes folded.
    expect(fold(await readFile(new URL('README.md', folder), 'utf8'))).toBe(fold(referenceMarkdown(table)));
  });

  table.reports.forEach((report, position) => {
    const { config } = report;
    // Slow envs re-run only their oracle row (the random rows of fast envs cover the random policy).
    if (SLOW.has(config.env) && config.policy.name !== 'oracle') return;
    const index = config.seeds.start + ((position * 7) % config.seeds.count);
    it(`${config.env} ${config.policy.name}: task ${index} reproduces exactly`, async () => {
      const rerun = await runEval({ ...config, seeds: { start: index, count: 1 } }, { registry });
      expect(rerun.episodes).toEqual(report.episodes.filter((episode) => episode.index === index));
    }, 60_000);
  });
});
