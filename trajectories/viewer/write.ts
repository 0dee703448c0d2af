import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { imageRelativePath } from '../../core/image-store.js';
import { type LineProblem, readEpisodes } from '../reader.js';
import { datasetCharts } from './charts.js';
import { episodeSectionHtml } from './episode.js';
import { indexPageBody } from './index-page.js';
import { compareRows, type EpisodeRow, episodeRow, overallFigures } from './rows.js';
import { pageHtml } from './style.js';
import { urlPath } from './text.js';

/** Options of {@link writeViewer}. */
export interface WriteViewerOptions {
  /** The dataset directory. */
  readonly datasetDirectory: string;
  /** Path of the index page; episode pages and charts go to `<name>-files/` beside it. */
  readonly out: string;
  readonly title: string;
  /** At most this many episodes (the first by seed); the index says "N of M". Default: all. */
  readonly limit?: number;
  /** Only episodes that did not succeed. */
  readonly failuresOnly?: boolean;
  /** Draw the dataset pictures (needs sharp). Default true. */
  readonly charts?: boolean;
  /** Called for each corrupt line (once). */
  readonly onProblem?: (problem: LineProblem) => void;
}

/** What {@link writeViewer} wrote. */
export interface ViewerResult {
  readonly indexPath: string;
  /** Folder of the episode pages and charts. */
  readonly filesDirectory: string;
  /** Episodes with a page. */
  readonly shown: number;
  /** Episodes that matched (before the limit). */
  readonly total: number;
  readonly charts: number;
}

function pageName(position: number): string {
  return `episode-${String(position + 1).padStart(4, '0')}.html`;
}

/**
 * Writes a browsable view of a dataset (nothing when no episode matches): an index page (overall row, one row per episode sorted by
 * seed, dataset pictures) and one page per episode, reading `trajectories.jsonl` twice so only
 * small rows stay in memory. Image URLs are relative and percent-encoded, so the pages work from
 * any folder name and when the folder is moved together with the dataset.
 */
export async function writeViewer(options: WriteViewerOptions): Promise<ViewerResult> {
  const dataset = resolve(options.datasetDirectory);
  const indexPath = resolve(options.out);
  const stem = basename(indexPath, extname(indexPath));
  const filesDirectory = join(dirname(indexPath), `${stem}-files`);
  const filesUrl = urlPath(basename(filesDirectory));

  const rows: EpisodeRow[] = [];
  let ordinal = 0;
  for await (const record of readEpisodes(dataset, { onProblem: (problem) => options.onProblem?.(problem) })) {
    if (!(options.failuresOnly === true && record.success)) rows.push(episodeRow(record, ordinal));
    ordinal += 1;
  }
  rows.sort(compareRows);
  const shown = options.limit === undefined ? rows : rows.slice(0, options.limit);
  if (shown.length === 0) return { indexPath, filesDirectory, shown: 0, total: 0, charts: 0 };
  const positions = new Map(shown.map((row, position) => [row.ordinal, position]));
  await mkdir(filesDirectory, { recursive: true });

  const imageUrl = (sha256: string): string => urlPath(relative(filesDirectory, join(dataset, imageRelativePath(sha256))));
  const indexUrl = `../${urlPath(basename(indexPath))}`;
  ordinal = 0;
  for await (const record of readEpisodes(dataset)) {
    const position = positions.get(ordinal);
    ordinal += 1;
    if (position === undefined) continue;
    const previous = position > 0 ? `<a href="${pageName(position - 1)}">← previous</a>` : '<span></span>';
    const next = position + 1 < shown.length ? `<a href="${pageName(position + 1)}">next →</a>` : '<span></span>';
    const nav = `<nav class="pages"><a href="${indexUrl}">index</a>${previous}<span>${position + 1} of ${shown.length}</span>${next}</nav>`;
    const title = `${record.env} seed ${record.seed} — ${options.title}`;
    await writeFile(
      join(filesDirectory, pageName(position)),
      pageHtml(title, `${nav}\n${episodeSectionHtml(record, imageUrl, 'episode')}\n${nav}`),
    );
  }

  const charts = options.charts === false ? [] : datasetCharts(rows);
  if (charts.length > 0) {
    const { renderChart } = await import('../../envs/chart/render.js');
    await mkdir(join(filesDirectory, 'charts'), { recursive: true });
    for (const chart of charts) await writeFile(join(filesDirectory, 'charts', chart.file), renderChart(chart.chart).png);
  }
  const notes = options.failuresOnly === true ? ['Only episodes that did not succeed (--failures).'] : [];
  const body = indexPageBody({
    title: options.title,
    rows: shown.map((row, position) => ({ row, url: `${filesUrl}/${pageName(position)}` })),
    total: rows.length,
    overall: overallFigures(shown),
    charts: charts.map((chart) => ({
      url: `${filesUrl}/charts/${urlPath(chart.file)}`,
      width: chart.chart.style.width,
      height: chart.chart.style.height,
      caption: chart.caption,
    })),
    notes,
  });
  await writeFile(indexPath, pageHtml(options.title, body));
  return { indexPath, filesDirectory, shown: shown.length, total: rows.length, charts: charts.length };
}
