/**
 * StrykerJS configuration of one mutation target, chosen by the MUTATE_TARGET environment variable
 * (`npm run mutate` sets it; see mutation/run.mjs). Run one by hand with
 * `MUTATE_TARGET=random npx stryker run mutation/stryker.config.mjs`.
 */
import { findTarget, REPORT_DIR } from './targets.mjs';

const name = process.env.MUTATE_TARGET;
if (name === undefined || name === '') throw new Error('Set MUTATE_TARGET to a target of mutation/targets.mjs, or run `npm run mutate`.');
const target = findTarget(name);
const output = `${REPORT_DIR}/${target.name}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: `mutation/vitest/${target.name}.config.ts`, related: false },
  mutate: [...target.mutate],
  coverageAnalysis: 'perTest',
  concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 1),
  reporters: ['json', 'html', 'clear-text', 'progress'],
  jsonReporter: { fileName: `${output}/mutation.json` },
  htmlReporter: { fileName: `${output}/index.html` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  incremental: process.env.MUTATE_INCREMENTAL === '1',
  incrementalFile: `${output}/incremental.json`,
  tempDirName: `out/stryker-tmp-${target.name}`,
  ignorePatterns: ['/out', '/dist', '/data', '/coverage', '/.bench', '/.ci'],
  thresholds: { high: 90, low: 85, break: null },
  timeoutMS: 10_000,
  dryRunTimeoutMinutes: 10,
};
