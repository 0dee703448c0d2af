import type { EvalReport } from './runner.js';

/**
 * A report as Markdown: the pinned configuration (every field), the versions, the aggregates and
 * one row per episode.
 */
export function evalMarkdown(report: EvalReport): string {
  const { config, versions, results } = report;
  const renderer =
    versions.renderer === null
      ? 'not read'
      : [
          `sharp ${versions.renderer.sharp}`,
          `libvips ${versions.renderer.libvips}`,
          ...Object.entries(versions.renderer.packages).map(([name, version]) => `${name} ${version}`),
        ].join(', ');
  const budget = config.imageBudget;
  const cap = (value: number | null): string => (value === null ? 'none' : String(value));
  const lines = [
    `# thinkgym eval: ${config.env} (${config.split}), ${config.policy.name}`,
    '',
    '## Configuration',
    '',
    '| setting | value |',
    '| --- | --- |',
    `| env | ${config.env} (version ${config.version}) |`,
    `| split | ${config.split} |`,
    `| seeds | indices ${config.seeds.start} to ${config.seeds.start + config.seeds.count - 1} (${config.seeds.count}) |`,
    `| env options | \`${JSON.stringify(config.envOptions)}\` |`,
    `| prompt dialect | ${config.dialect} |`,
    `| policy | ${config.policy.name}${config.policy.model === undefined ? '' : ` (${config.policy.model} at ${config.policy.baseUrl}, ${config.policy.mode ?? 'default'} mode)`} |`,
    `| sampling | ${config.sampling === null ? 'none (deterministic policy)' : `temperature ${config.sampling.temperature}, max tokens ${config.sampling.maxTokens}`} |`,
    `| reward preset | ${config.rewardPreset} |`,
    `| max turns | ${config.maxTurns} |`,
    `| image budget | ${budget.model} tokens (min_pixels ${budget.minPixels}, max_pixels ${budget.maxPixels}); caps: ${cap(budget.maxImagesPerTurn)} images a turn, ${cap(budget.maxImagesPerEpisode)} an episode, ${cap(budget.maxVisualTokensPerEpisode)} visual tokens an episode |`,
    `| thinkgym | ${versions.thinkgym} (Node ${versions.node}) |`,
    `| renderer | ${renderer} |`,
    '',
    '## Results',
    '',
    '| episodes | success | mean score | mean reward | mean turns | mean tool calls | invalid actions | mean images | mean visual tokens | budget hits |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${results.episodes} | ${percent(results.successRate)} | ${results.meanScore.toFixed(3)} | ${results.meanReward.toFixed(3)} | ${results.meanTurns.toFixed(2)} | ${results.meanToolCalls.toFixed(2)} | ${results.invalidActions} | ${results.meanImages.toFixed(2)} | ${results.meanVisualTokens.toFixed(1)} | ${results.budgetHits} |`,
    '',
    '## Episodes',
    '',
    '| index | seed | task fingerprint | success | score | reward | turns | tool calls | invalid | images | visual tokens |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...report.episodes.map(
      (episode) =>
        `| ${episode.index} | ${episode.seed} | ${episode.fingerprint.slice(0, 16)} | ${episode.success ? 'yes' : 'no'} | ${episode.score.toFixed(3)} | ${episode.totalReward.toFixed(3)} | ${episode.turns} | ${episode.toolCalls} | ${episode.invalidActions} | ${episode.images} | ${episode.visualTokens} |`,
    ),
    '',
    `Made ${report.createdAt} in ${(report.durationMs / 1000).toFixed(1)} s.`,
    '',
  ];
  return lines.join('\n');
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}
