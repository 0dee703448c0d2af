import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GymError } from '../core/errors.js';
import { writeAtomic } from '../core/write-atomic.js';
import { escapeAttribute, escapeHtml } from '../trajectories/viewer/text.js';
import { renderCurves } from './curves.js';
import type { Evaluation } from './evaluate.js';
import { parseRecipe, type Recipe } from './recipe.js';
import { RUN_FILES, runTraining, type TrainOptions, type TrainSummary } from './run.js';

/** One arm of a comparison: a name, a line on what it changes, and the recipe it runs. */
export interface Variant {
  readonly name: string;
  readonly description: string;
  readonly recipe: Recipe;
}

/**
 * A recipe with `variants`: the shared fields once, then one entry per arm whose fields override
 * them (objects merge key by key, so `{"rl": {"iterations": 5}}` changes one setting). Each arm
 * runs in `<out>/<variant>/`, and the suite draws all arms' curves in one picture.
 */
export interface Suite {
  readonly name: string;
  readonly description: string;
  readonly variants: readonly Variant[];
}

/** Whether a parsed recipe file is a suite (has a `variants` object). */
export function isSuite(raw: unknown): boolean {
  return raw !== null && typeof raw === 'object' && 'variants' in raw;
}

/** Expands a suite file into its variants' recipes, each checked like a plain recipe. */
export function parseSuite(raw: unknown, where = 'recipe'): Suite {
  const { variants, ...base } = raw as Record<string, unknown>;
  if (variants === null || typeof variants !== 'object' || Array.isArray(variants) || Object.keys(variants).length === 0) {
    throw new GymError('bad-recipe', `${where}: "variants" must be an object of named overrides, e.g. {"gated": {"reward": {...}}}.`);
  }
  const name = typeof base.name === 'string' ? base.name : 'suite';
  return {
    name,
    description: typeof base.description === 'string' ? base.description : '',
    variants: Object.entries(variants as Record<string, unknown>).map(([variant, overrides]) => {
      if (!/^[a-z0-9][a-z0-9-]*$/.test(variant)) {
        throw new GymError(
          'bad-recipe',
          `${where}: variant name "${variant}" must be lower-case letters, digits and dashes (it names a folder).`,
        );
      }
      const { about, ...fields } = (overrides ?? {}) as Record<string, unknown>;
      const merged = mergeFields(base, { ...fields, name: `${name}/${variant}` });
      return {
        name: variant,
        description: typeof about === 'string' ? about : '',
        recipe: parseRecipe(merged, `${where}: variant ${variant}`),
      };
    }),
  };
}

/** Files a suite writes in its run directory, beside one folder per variant. */
export const SUITE_FILES = {
  success: 'comparison.png',
  toolCalls: 'tool-calls.png',
  table: 'comparison.md',
  page: 'index.html',
} as const;

/**
 * Runs every variant of a suite in `<out>/<variant>/` (each a full {@link runTraining} run,
 * resumable), then writes the comparison: all arms' held-out success in one picture, their tool
 * calls per solved episode in another, a Markdown table and an HTML page. `prepare` runs before
 * each arm (the CLI generates its SFT demonstrations there).
 */
export async function runSuite(
  suite: Suite,
  options: TrainOptions & { readonly prepare?: (recipe: Recipe, dir: string) => Promise<void> },
): Promise<VariantOutcome[]> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const outcomes: VariantOutcome[] = [];
  for (const [index, variant] of suite.variants.entries()) {
    const dir = join(options.out, variant.name);
    log(
      `${suite.name}: variant ${index + 1}/${suite.variants.length} ${variant.name}${variant.description === '' ? '' : ` (${variant.description})`}`,
    );
    await options.prepare?.(variant.recipe, dir);
    const summary = await runTraining(variant.recipe, { ...options, out: dir });
    outcomes.push(await readVariantOutcome(variant, dir, summary));
  }
  const pictures = await renderComparison(suite, outcomes);
  const table = comparisonTable(outcomes);
  await mkdir(options.out, { recursive: true });
  await writeAtomic(join(options.out, SUITE_FILES.success), pictures.success);
  await writeAtomic(join(options.out, SUITE_FILES.toolCalls), pictures.toolCalls);
  await writeAtomic(join(options.out, SUITE_FILES.table), `${table}\n`);
  await writeAtomic(join(options.out, SUITE_FILES.page), renderSuitePage(suite, outcomes));
  log(`${suite.name}: held-out results\n${table}\n${join(options.out, SUITE_FILES.page)}`);
  return outcomes;
}

/** One arm's outcome, read back from its run directory. */
export interface VariantOutcome {
  readonly variant: Variant;
  readonly summary: TrainSummary;
  /** Held-out success (%) by RL iteration (0 = before RL). */
  readonly success: [number, number][];
  /** Held-out tool calls per solved episode by RL iteration. */
  readonly toolCalls: [number, number][];
  /** Held-out mean tool calls per episode (solved or not) by RL iteration. */
  readonly toolCallsPerEpisode: [number, number][];
}

/** Reads an arm's held-out evaluations from `<dir>/metrics.jsonl`. */
export async function readVariantOutcome(variant: Variant, dir: string, summary: TrainSummary): Promise<VariantOutcome> {
  const lines = (await readFile(join(dir, RUN_FILES.metrics), 'utf8')).split('\n').filter((line) => line.trim() !== '');
  const success: [number, number][] = [];
  const toolCalls: [number, number][] = [];
  const toolCallsPerEpisode: [number, number][] = [];
  for (const line of lines) {
    const entry = JSON.parse(line) as { kind: string; stage?: string; iteration: number } & Evaluation;
    if (entry.kind !== 'eval' || entry.stage === 'random') continue;
    success.push([entry.iteration, 100 * entry.successRate]);
    toolCalls.push([entry.iteration, entry.toolCallsPerSolved]);
    toolCallsPerEpisode.push([entry.iteration, entry.meanToolCalls]);
  }
  return { variant, summary, success, toolCalls, toolCallsPerEpisode };
}

/** The suite's pictures: held-out success of every arm in one chart, tool calls per solved episode in another. */
export async function renderComparison(suite: Suite, outcomes: readonly VariantOutcome[]): Promise<{ success: Buffer; toolCalls: Buffer }> {
  const random = outcomes[0]?.summary.random;
  const xs = [...new Set(outcomes.flatMap((outcome) => outcome.success.map(([x]) => x)))];
  const success = await renderCurves(
    [
      ...outcomes.map((outcome) => ({ name: outcome.variant.name, points: outcome.success })),
      ...(random === undefined
        ? []
        : [
            {
              name: `random (${outcomes[0]?.variant.name} actions)`,
              points: xs.map((x): [number, number] => [x, 100 * random.successRate]),
            },
          ]),
    ],
    { title: `${suite.name}: held-out success by RL iteration`, valueTitle: 'success (%)', categoryTitle: 'RL iteration', max: 100 },
  );
  const toolCalls = await renderCurves(
    outcomes.map((outcome) => ({ name: outcome.variant.name, points: outcome.toolCalls })),
    { title: `${suite.name}: held-out tool calls per solved episode`, valueTitle: 'tool calls / solved', categoryTitle: 'RL iteration' },
  );
  return { success, toolCalls };
}

/** An arm's outcome: its RL result, else its SFT result, else the random baseline. */
function finalEvaluation(outcome: VariantOutcome): Evaluation {
  return outcome.summary.rl ?? outcome.summary.sft ?? outcome.summary.random;
}

/** The suite's table as Markdown: one row per arm, the held-out numbers of its last evaluation. */
export function comparisonTable(outcomes: readonly VariantOutcome[]): string {
  const rows = outcomes.map((outcome) => {
    const last = finalEvaluation(outcome);
    return `| ${outcome.variant.name} | ${(100 * last.successRate).toFixed(1)}% | ${last.meanToolCalls.toFixed(2)} | ${last.toolCallsPerSolved.toFixed(2)} | ${last.meanTurns.toFixed(1)} | ${outcome.variant.description} |`;
  });
  return [
    '| variant | held-out success | tool calls / episode | tool calls / solved | turns | what it changes |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

function renderSuitePage(suite: Suite, outcomes: readonly VariantOutcome[]): string {
  const rows = outcomes
    .map((outcome) => {
      const last = finalEvaluation(outcome);
      return (
        `<tr><td><a href="${escapeAttribute(outcome.variant.name)}/${RUN_FILES.page}">${escapeHtml(outcome.variant.name)}</a></td>` +
        `<td>${(100 * last.successRate).toFixed(1)}%</td><td>${last.meanToolCalls.toFixed(2)}</td><td>${last.toolCallsPerSolved.toFixed(2)}</td>` +
        `<td>${last.meanTurns.toFixed(1)}</td><td>${escapeHtml(outcome.variant.description)}</td></tr>`
      );
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeAttribute(suite.name)} — thinkgym train</title>
<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}td:first-child,th:first-child,td:last-child{text-align:left}</style>
</head><body>
<h1>${escapeHtml(suite.name)}</h1>
<p>${escapeHtml(suite.description)}</p>
<table><tr><th>variant</th><th>held-out success</th><th>tool calls / episode</th><th>tool calls / solved</th><th>turns</th><th>what it changes</th></tr>
${rows}
</table>
<h2>Held-out success</h2>
<img src="${SUITE_FILES.success}" alt="held-out success of every variant by RL iteration">
<h2>Tool calls per solved episode</h2>
<img src="${SUITE_FILES.toolCalls}" alt="tool calls per solved episode of every variant by RL iteration">
</body></html>
`;
}

function mergeFields(base: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = merged[key];
    merged[key] =
      isObject(current) && isObject(value) && key !== 'reward' ? mergeFields(current, value) : value === null ? undefined : value;
  }
  return merged;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
