#!/usr/bin/env node
/**
 * `npm run mutate [-- TARGET… | --incremental | --concurrency N | --table-only]`
 *
 * Runs StrykerJS on each target of mutation/targets.mjs, one after another (all of them when none
 * is named), writes JSON and HTML reports under out/mutation/<target>/, then rewrites the score
 * table of docs/MUTATION.md from every report present. `--incremental` reuses the previous
 * results of unchanged code and tests; `--table-only` only rebuilds the table.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTarget, REPORT_DIR, TARGETS } from './targets.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TABLE_FILE = join(ROOT, 'docs', 'MUTATION.md');
const TABLE_START = '<!-- mutation-scores:start -->';
const TABLE_END = '<!-- mutation-scores:end -->';
const STRYKER = join(ROOT, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
const BIOME = join(ROOT, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');
/** Score targets: writer and reward code need 90%, every other file 85%. */
const TARGET_SCORES = { 'trajectories/writer.ts': 90, 'rewards/terms.ts': 90, 'rewards/grpo.ts': 90 };
const DEFAULT_TARGET_SCORE = 85;

const options = parseArguments(process.argv.slice(2));
if (!options.tableOnly) {
  for (const target of options.targets) {
    const seconds = await runTarget(target, options);
    await writeFile(
      join(ROOT, REPORT_DIR, target.name, 'timing.json'),
      `${JSON.stringify({ seconds, concurrency: options.concurrency, incremental: options.incremental, finishedAt: new Date().toISOString() }, null, 2)}\n`,
    );
  }
}
const rows = await collectRows();
await writeTable(rows);
printSummary(rows);
if (rows.some((row) => row.score < row.goal)) process.exitCode = 1;

/** Reads target names and flags; exits with a one-line message on anything unknown. */
function parseArguments(args) {
  const parsed = { targets: [], incremental: false, tableOnly: false, concurrency: 1 };
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    if (arg === '--incremental') parsed.incremental = true;
    else if (arg === '--table-only') parsed.tableOnly = true;
    else if (arg === '--concurrency') {
      const value = Number(args[index + 1]);
      if (!Number.isInteger(value) || value < 1 || value > availableParallelism()) {
        fail(`--concurrency needs a whole number from 1 to ${availableParallelism()}, got ${args[index + 1]}.`);
      }
      parsed.concurrency = value;
      index += 1;
    } else if (arg.startsWith('-')) fail(`Unknown option ${arg}; use TARGET names, --incremental, --concurrency N or --table-only.`);
    else {
      try {
        parsed.targets.push(findTarget(arg));
      } catch (error) {
        fail(error.message);
      }
    }
  }
  if (parsed.targets.length === 0) parsed.targets = [...TARGETS];
  return parsed;
}

function fail(message) {
  console.error(message);
  process.exit(2);
}

/** Runs Stryker on one target in a child process; resolves with its wall-clock time in seconds. */
async function runTarget(target, { concurrency, incremental }) {
  await mkdir(join(ROOT, REPORT_DIR, target.name), { recursive: true });
  console.log(`\n== mutation target ${target.name}: ${target.mutate.join(', ')} (concurrency ${concurrency})`);
  const started = performance.now();
  const code = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [STRYKER, 'run', 'mutation/stryker.config.mjs'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: {
        ...process.env,
        MUTATE_TARGET: target.name,
        MUTATE_CONCURRENCY: String(concurrency),
        MUTATE_INCREMENTAL: incremental ? '1' : '0',
      },
    });
    child.on('error', reject);
    child.on('exit', (exitCode, signal) => resolve(signal === null ? exitCode : 128));
  });
  const seconds = Math.round((performance.now() - started) / 1000);
  if (code !== 0) fail(`Stryker failed on target ${target.name} (exit ${code}); see the output above.`);
  console.log(`== ${target.name} took ${seconds} s`);
  return seconds;
}

/** One row per mutated file, from each target's JSON report present on disk. */
async function collectRows() {
  const rows = [];
  for (const target of TARGETS) {
    const reportFile = join(ROOT, REPORT_DIR, target.name, 'mutation.json');
    if (!existsSync(reportFile)) continue;
    const report = JSON.parse(await readFile(reportFile, 'utf8'));
    const timingFile = join(ROOT, REPORT_DIR, target.name, 'timing.json');
    const timing = existsSync(timingFile) ? JSON.parse(await readFile(timingFile, 'utf8')) : null;
    for (const [file, result] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
      const counts = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, Ignored: 0, CompileError: 0, RuntimeError: 0 };
      for (const mutant of result.mutants) counts[mutant.status] = (counts[mutant.status] ?? 0) + 1;
      const detected = counts.Killed + counts.Timeout;
      const valid = detected + counts.Survived + counts.NoCoverage;
      rows.push({
        target: target.name,
        file,
        score: valid === 0 ? 100 : (100 * detected) / valid,
        goal: TARGET_SCORES[file] ?? DEFAULT_TARGET_SCORE,
        killed: counts.Killed,
        timeout: counts.Timeout,
        survived: counts.Survived,
        noCoverage: counts.NoCoverage,
        seconds: timing?.seconds,
        concurrency: timing?.concurrency,
      });
    }
  }
  return rows;
}

/** Rewrites the table between the markers of docs/MUTATION.md (the rest of the file is kept). */
async function writeTable(rows) {
  const lines = [
    TABLE_START,
    '| file | target | score | goal | killed | timed out | survived | no coverage | target run time |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.file} | ${row.target} | ${row.score.toFixed(1)}% | ${row.goal}% | ${row.killed} | ${row.timeout} | ${row.survived} | ${row.noCoverage} | ${
          row.seconds === undefined ? '?' : `${row.seconds} s (concurrency ${row.concurrency})`
        } |`,
    ),
    TABLE_END,
  ];
  const table = lines.join('\n');
  const current = existsSync(TABLE_FILE) ? await readFile(TABLE_FILE, 'utf8') : `# Mutation testing\n\n${TABLE_START}\n${TABLE_END}\n`;
  const start = current.indexOf(TABLE_START);
  const end = current.indexOf(TABLE_END);
  const next =
    start === -1 || end === -1
      ? `${current.trimEnd()}\n\n${table}\n`
      : `${current.slice(0, start)}${table}${current.slice(end + TABLE_END.length)}`;
  await writeFile(TABLE_FILE, next);
  // The repository's formatter pads Markdown tables; format the file so `npm run lint` stays clean.
  await new Promise((resolve) => {
    const child = spawn(process.execPath, [BIOME, 'format', '--write', TABLE_FILE], { cwd: ROOT, stdio: 'ignore' });
    child.on('error', resolve);
    child.on('exit', resolve);
  });
}

function printSummary(rows) {
  console.log('\nMutation scores (docs/MUTATION.md):');
  for (const row of rows) {
    const mark = row.score >= row.goal ? 'ok' : `BELOW ${row.goal}%`;
    console.log(`  ${row.file.padEnd(28)} ${row.score.toFixed(1).padStart(5)}%  ${mark}`);
  }
}
