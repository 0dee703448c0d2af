import type { Registry } from '../core/registry.js';
import { validateEnvOptions } from '../core/registry.js';
import type { RendererVersions } from '../trajectories/record.js';
import { DEFAULT_IMAGE_BUDGET, type EvalConfig } from './config.js';
import type { EvalReport } from './runner.js';
import { runEval } from './runner.js';

/** Tasks per reference run: the first indices of each env's test split. */
export const REFERENCE_EPISODES = 20;

/** The policies of the reference table (deterministic, so their numbers reproduce exactly). */
export const REFERENCE_POLICIES = ['oracle', 'random'] as const;

/** The reference file: one report per env and policy. */
export interface ReferenceTable {
  readonly kind: 'thinkgym-reference';
  readonly schemaVersion: 1;
  readonly reports: readonly EvalReport[];
}

/** The pinned config of the reference run of `env` with `policy`: test split, default options, hermes, weighted rewards. */
export async function referenceConfig(registry: Registry, env: string, policy: (typeof REFERENCE_POLICIES)[number]): Promise<EvalConfig> {
  const { spec } = await registry.loadEnv(env);
  return {
    env,
    version: spec.version,
    split: 'test',
    seeds: { start: 0, count: REFERENCE_EPISODES },
    envOptions: validateEnvOptions(spec, {}),
    dialect: 'hermes',
    policy: { name: policy },
    sampling: null,
    rewardPreset: 'weighted',
    maxTurns: spec.maxTurns,
    imageBudget: DEFAULT_IMAGE_BUDGET,
  };
}

/** Runs the reference table over every registered env (or those named), one report per env and policy. */
export async function buildReferenceTable(
  registry: Registry,
  renderer: RendererVersions,
  envs: readonly string[] = registry.listEnvs().map((registration) => registration.id),
  onReport: (report: EvalReport) => void = () => undefined,
): Promise<ReferenceTable> {
  const reports: EvalReport[] = [];
  for (const env of envs) {
    for (const policy of REFERENCE_POLICIES) {
      const report = await runEval(await referenceConfig(registry, env, policy), { registry, renderer });
      onReport(report);
      reports.push(report);
    }
  }
  return { kind: 'thinkgym-reference', schemaVersion: 1, reports };
}

/** The reference table as Markdown: one row per env and policy. */
export function referenceMarkdown(table: ReferenceTable): string {
  const first = table.reports[0];
  const renderer = first?.versions.renderer;
  const lines = [
    '# Reference runs',
    '',
    `The oracle and random policies on the first ${REFERENCE_EPISODES} tasks of every env's test split, default env options,`,
    'the hermes prompt dialect, the weighted reward preset, the env turn limit and no image caps. Both',
    'policies are deterministic, so these numbers reproduce exactly on the same package and renderer',
    'versions; `tests/eval/reference.test.ts` re-runs a sample of the episodes and compares them.',
    `Per-episode rows and each run's full configuration are in \`reference.json\`; rebuild with`,
    '`npx tsx reference/build.ts` after a change that moves them (and say why in the commit).',
    '',
    `thinkgym ${first?.versions.thinkgym ?? '?'}, Node ${first?.versions.node ?? '?'}${
      renderer
        ? `, sharp ${renderer.sharp}, libvips ${renderer.libvips}, ${Object.entries(renderer.packages)
            .map(([name, version]) => `${name} ${version}`)
            .join(', ')}`
        : ''
    }.`,
    '',
    '| env | version | policy | episodes | success | mean score | mean reward | mean turns | mean tool calls | invalid actions | mean images | mean visual tokens (Qwen2-VL) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...table.reports.map((report) => {
      const { config, results } = report;
      return `| ${config.env} | ${config.version} | ${config.policy.name} | ${results.episodes} | ${(results.successRate * 100).toFixed(1)}% | ${results.meanScore.toFixed(3)} | ${results.meanReward.toFixed(3)} | ${results.meanTurns.toFixed(2)} | ${results.meanToolCalls.toFixed(2)} | ${results.invalidActions} | ${results.meanImages.toFixed(2)} | ${results.meanVisualTokens.toFixed(1)} |`;
    }),
    '',
  ];
  return lines.join('\n');
}
