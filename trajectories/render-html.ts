import { relative } from 'node:path';
import { imageRelativePath } from '../core/image-store.js';
import type { EpisodeRecord } from './record.js';
import { episodeSectionHtml } from './viewer/episode.js';
import { indexPageBody } from './viewer/index-page.js';
import { compareRows, episodeRow, overallFigures } from './viewer/rows.js';
import { pageHtml } from './viewer/style.js';
import { urlPath } from './viewer/text.js';

export { type ViewerResult, type WriteViewerOptions, writeViewer } from './viewer/write.js';

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
 * Renders a few episodes as one self-contained HTML page: the table (sorted by seed, with an
 * overall row), then each episode with its task and every turn. For a whole dataset use
 * {@link writeViewer}, which pages the output (an index and one page per episode).
 */
export function renderEpisodesHtml(episodes: readonly EpisodeRecord[], options: RenderHtmlOptions): string {
  const imageUrl = (sha256: string): string =>
    urlPath(relative(options.outputDirectory, `${options.datasetDirectory}/${imageRelativePath(sha256)}`));
  const sorted = episodes
    .map((episode, ordinal) => ({ episode, row: episodeRow(episode, ordinal) }))
    .sort((a, b) => compareRows(a.row, b.row));
  const body = indexPageBody({
    title: options.title,
    rows: sorted.map(({ row }, position) => ({ row, url: `#e${position}` })),
    total: sorted.length,
    overall: overallFigures(sorted.map(({ row }) => row)),
    charts: [],
    notes: [],
  });
  const sections = sorted.map(({ episode }, position) => episodeSectionHtml(episode, imageUrl, `e${position}`)).join('\n');
  return pageHtml(options.title, `${body}\n${sections}`);
}
