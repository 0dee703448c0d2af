import { relative } from 'node:path';
import type { Content } from '../core/content.js';
import { imageRelativePath } from '../core/image-store.js';
import type { EpisodeRecord } from './record.js';

/** Options of {@link renderEpisodesHtml}. */
export interface RenderHtmlOptions {
  /** Page title. */
  readonly title: string;
  /** The dataset directory (image paths are made relative to `outputDirectory`). */
  readonly datasetDirectory: string;
  /** Where the HTML file will be written. */
  readonly outputDirectory: string;
}

/**
 * Renders episodes as one self-contained HTML page: a summary table, then each episode with its
 * task, every turn's raw model output, parsed action, reward and observation (images inline by
 * relative path). Meant for reading demonstrations and failure cases, not for training.
 */
export function renderEpisodesHtml(episodes: readonly EpisodeRecord[], options: RenderHtmlOptions): string {
  const imagePath = (sha256: string): string =>
    relative(options.outputDirectory, `${options.datasetDirectory}/${imageRelativePath(sha256)}`)
      .split('\\')
      .join('/');
  const content = (parts: Content): string =>
    parts
      .map((part) =>
        part.type === 'text'
          ? `<pre>${escapeHtml(part.text)}</pre>`
          : `<img src="${escapeHtml(imagePath(part.image.sha256))}" width="${Math.min(part.image.width, 480)}" alt="${part.image.width}x${part.image.height}">`,
      )
      .join('\n');
  const rows = episodes
    .map(
      (episode, index) =>
        `<tr><td><a href="#e${index}">${escapeHtml(episode.env)} #${episode.seed}</a></td><td>${escapeHtml(episode.policy)}</td>` +
        `<td class="${episode.success ? 'ok' : 'bad'}">${episode.success ? 'yes' : 'no'}</td><td>${episode.counts.turns}</td>` +
        `<td>${episode.counts.invalidActions}</td><td>${episode.totalReward.toFixed(3)}</td></tr>`,
    )
    .join('\n');
  const sections = episodes
    .map((episode, index) => {
      const steps = episode.steps
        .map((step) => {
          const action =
            step.action.type === 'tool_call'
              ? `${step.action.name}(${JSON.stringify(step.action.arguments)})`
              : step.action.type === 'answer'
                ? `answer: ${step.action.answer}`
                : `invalid (${step.action.reason})`;
          const calls = (step.output.toolCalls ?? []).map((call) => `${call.name}(${call.arguments})`).join('\n');
          return `<div class="step${step.invalid === null ? '' : ' invalid'}"><h4>Turn ${step.turn} — ${escapeHtml(action)} — reward ${step.reward}</h4>
<div class="model"><pre>${escapeHtml(step.output.text)}${calls === '' ? '' : `\n${escapeHtml(calls)}`}</pre></div>
<div class="observation">${content(step.observation)}</div></div>`;
        })
        .join('\n');
      const terms = Object.entries(episode.rewardTerms)
        .map(([name, value]) => `${name} ${value}`)
        .join(', ');
      return `<section id="e${index}"><h2>${escapeHtml(episode.env)} seed ${episode.seed} — ${episode.success ? 'solved' : 'not solved'}</h2>
<p>policy ${escapeHtml(episode.policy)}, format ${episode.format}, ${episode.counts.turns} turns, ${episode.counts.toolCalls} tool calls,
${episode.counts.invalidActions} invalid; reward ${episode.totalReward} (${escapeHtml(terms)})${episode.expected === null ? '' : `; expected ${escapeHtml(episode.expected)}, answered ${escapeHtml(episode.answer ?? '—')}`}</p>
<div class="task">${content(episode.task)}</div>${steps}</section>`;
    })
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(options.title)}</title><style>
body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}pre{white-space:pre-wrap;background:#f6f6f6;padding:.5rem;margin:.25rem 0}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .6rem}.ok{color:#070}.bad{color:#a00}
.step{border-left:3px solid #79c;padding-left:.8rem;margin:1rem 0}.invalid{border-color:#d55}.model pre{background:#eef4ff}
section{border-top:2px solid #333;margin-top:2rem}img{border:1px solid #aaa;image-rendering:pixelated;margin:.25rem}</style></head><body>
<h1>${escapeHtml(options.title)}</h1><table><tr><th>episode</th><th>policy</th><th>success</th><th>turns</th><th>invalid</th><th>reward</th></tr>
${rows}</table>${sections}</body></html>\n`;
}

function escapeHtml(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
