/**
 * Rebuilds the reference table: `npx tsx reference/build.ts [env...]` runs the oracle and random
 * policies on every env's test split and writes reference/reference.json and reference/README.md.
 * Naming envs reruns only those and keeps the other rows.
 */
import { readFile, writeFile } from 'node:fs/promises';
import '../envs/index.js';
import { registry } from '../core/registry.js';
import { buildReferenceTable, type ReferenceTable, referenceMarkdown } from '../eval/reference.js';
import { rendererVersions } from '../trajectories/renderer-versions.js';

const folder = new URL('./', import.meta.url);
const named = process.argv.slice(2);
const table = await buildReferenceTable(registry, await rendererVersions(), named.length > 0 ? named : undefined, (report) =>
  console.log(
    `${report.config.env} ${report.config.policy.name}: success ${(report.results.successRate * 100).toFixed(1)}% in ${(report.durationMs / 1000).toFixed(1)} s`,
  ),
);
let reports = table.reports;
if (named.length > 0) {
  const before = JSON.parse(await readFile(new URL('reference.json', folder), 'utf8')) as ReferenceTable;
  const kept = before.reports.filter((report) => !named.includes(report.config.env));
  reports = [...kept, ...table.reports].sort(
    (a, b) => a.config.env.localeCompare(b.config.env) || a.config.policy.name.localeCompare(b.config.policy.name),
  );
}
const merged: ReferenceTable = { ...table, reports };
await writeFile(new URL('reference.json', folder), `${JSON.stringify(merged, null, 2)}\n`);
await writeFile(new URL('README.md', folder), referenceMarkdown(merged));
