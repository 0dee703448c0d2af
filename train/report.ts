import { escapeAttribute, escapeHtml } from '../trajectories/viewer/text.js';
import type { Evaluation } from './evaluate.js';
import type { Recipe } from './recipe.js';
import type { TrainSummary } from './run.js';

/** The run's HTML page: the recipe, the held-out table (random / SFT / RL) and the learning curves. */
export function renderRunPage(recipe: Recipe, summary: TrainSummary, curvesFile: string): string {
  const table: [string, Evaluation | undefined][] = [
    ['random (uniform over the action space)', summary.random],
    ['SFT (behaviour cloning)', summary.sft],
    [
      summary.selected === undefined
        ? 'RL (GRPO)'
        : `RL (GRPO), the checkpoint of iteration ${summary.selected.iteration} chosen on the validation seeds (${(100 * summary.selected.validationSuccess).toFixed(1)}% there)`,
      summary.rl,
    ],
  ];
  const rows = table
    .filter((row): row is [string, Evaluation] => row[1] !== undefined)
    .map(
      ([label, result]) =>
        `<tr><td>${escapeHtml(label)}</td><td>${(100 * result.successRate).toFixed(1)}%</td><td>${result.meanReward.toFixed(3)}</td>` +
        `<td>${result.meanTurns.toFixed(1)}</td><td>${result.toolCallsPerSolved.toFixed(2)}</td><td>${result.episodes}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeAttribute(recipe.name)} — thinkgym train</title>
<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}td:first-child,th:first-child{text-align:left}pre{background:#f6f6f6;padding:1em;overflow:auto}</style>
</head><body>
<h1>${escapeHtml(recipe.name)}</h1>
<p>${escapeHtml(recipe.description)}</p>
<p>Env <code>${escapeHtml(recipe.env)}</code>, backend <code>${escapeHtml(summary.backend)}</code>, wall time ${summary.wallSeconds.toFixed(1)} s, RL rollouts ${summary.rolloutStepsPerSecond.toFixed(1)} steps/s.</p>
<p>Action space: ${escapeHtml(summary.actionSpace)}</p>
<h2>Held-out seeds ${recipe.evalSeeds.first}..${recipe.evalSeeds.first + recipe.evalSeeds.count - 1}</h2>
<table><tr><th>policy</th><th>success</th><th>reward</th><th>turns</th><th>tool calls / solved</th><th>episodes</th></tr>
${rows}
</table>
<h2>Learning curves</h2>
<img src="${escapeAttribute(curvesFile)}" alt="success by RL iteration">
<h2>Recipe</h2>
<pre>${escapeHtml(JSON.stringify(recipe, null, 2))}</pre>
</body></html>
`;
}
