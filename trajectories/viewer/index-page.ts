import type { EpisodeRow, OverallFigures } from './rows.js';
import { escapeAttribute, escapeHtml, percent, shortNumber } from './text.js';

/** A dataset picture as placed on the index page. */
export interface IndexChart {
  /** URL relative to the index page, percent-encoded. */
  readonly url: string;
  readonly width: number;
  readonly height: number;
  readonly caption: string;
}

/** What {@link indexPageBody} draws. */
export interface IndexPage {
  readonly title: string;
  /** Rows shown, in display order, each with the URL of its episode page (relative, encoded). */
  readonly rows: readonly { readonly row: EpisodeRow; readonly url: string }[];
  /** How many episodes matched before `--limit` (the page says "N of M" when fewer are shown). */
  readonly total: number;
  /** Figures over the episodes shown. */
  readonly overall: OverallFigures;
  readonly charts: readonly IndexChart[];
  /** Extra lines under the heading (plain text), e.g. the filter in use. */
  readonly notes: readonly string[];
}

function cell(value: string, className = ''): string {
  return `<td${className === '' ? '' : ` class="${className}"`}>${escapeHtml(value)}</td>`;
}

/** The index page body: heading, "N of M" line, overall row, episode table, dataset pictures. */
export function indexPageBody(page: IndexPage): string {
  const shown = page.rows.length;
  const count =
    shown < page.total
      ? `Showing ${shown} of ${page.total} episodes (the first ${shown} by seed; raise --limit to see more).`
      : `${page.total} episodes, sorted by seed.`;
  const overall = page.overall;
  const header =
    '<tr><th>episode</th><th>policy</th><th>success</th><th class="number">turns</th><th class="number">tool calls</th>' +
    '<th class="number">invalid</th><th class="number">reward</th><th>answer</th><th>expected</th></tr>';
  const overallRow =
    `<tr class="overall"><td>all ${overall.episodes} shown</td><td></td>${cell(`${percent(overall.successRate)} success`)}` +
    `${cell(`mean ${shortNumber(overall.meanTurns, 2)}`, 'number')}${cell(`${overall.toolCalls} (mean ${shortNumber(overall.meanToolCalls, 2)})`, 'number')}` +
    `${cell(String(overall.invalidActions), 'number')}${cell(`mean ${shortNumber(overall.meanReward)}`, 'number')}<td></td><td></td></tr>`;
  const rows = page.rows
    .map(
      ({ row, url }) =>
        `<tr><td><a href="${url}">${escapeHtml(row.env)} #${row.seed}</a></td>${cell(row.policy)}` +
        `<td class="${row.success ? 'ok' : 'bad'}">${row.success ? 'yes' : 'no'}</td>${cell(String(row.turns), 'number')}` +
        `${cell(String(row.toolCalls), 'number')}${cell(String(row.invalidActions), 'number')}${cell(shortNumber(row.totalReward), 'number')}` +
        `${cell(row.answer ?? '—', 'text')}${cell(row.expected ?? '—', 'text')}</tr>`,
    )
    .join('\n');
  const charts =
    page.charts.length === 0
      ? ''
      : `<h2>Pictures of the dataset</h2><p class="note">Over all ${page.total} matching episodes, drawn with chart-v0's renderer.</p><div class="charts">${page.charts
          .map(
            (chart) =>
              `<figure><a class="image" href="${chart.url}"><img src="${chart.url}" loading="lazy" decoding="async" width="${chart.width}" height="${chart.height}" alt="${escapeAttribute(chart.caption)}"></a>` +
              `<figcaption class="note">${escapeHtml(chart.caption)}</figcaption></figure>`,
          )
          .join('\n')}</div>`;
  return `<h1>${escapeHtml(page.title)}</h1>
<p>${escapeHtml(count)}</p>${page.notes.map((note) => `<p class="note">${escapeHtml(note)}</p>`).join('')}
<h2>Episodes</h2><div class="table"><table><thead>${header}</thead><tbody>${overallRow}
${rows}</tbody></table></div>
${charts}`;
}
