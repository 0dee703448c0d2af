import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { FormatError } from '../../core/errors.js';
import { readEpisodes } from '../../trajectories/reader.js';
import type { EpisodeRecord } from '../../trajectories/record.js';
import { renderEpisodesHtml } from '../../trajectories/render-html.js';
import { integerFlag, parseCommand, UsageError } from '../args.js';

const USAGE = `Usage: thinkgym render <dataset-dir> [--out page.html] [--limit N] [--failures]
  Renders episodes (task, each turn's model output, action, observation images) to an HTML page.
  --out FILE     default <dataset-dir>/index.html
  --limit N      at most N episodes (default 50)
  --failures     only episodes that did not succeed`;

/** `thinkgym render`: a dataset's episodes as an HTML page. */
export async function render(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    { out: { type: 'string' }, limit: { type: 'string' }, failures: { type: 'boolean' }, help: { type: 'boolean' } },
    USAGE,
  );
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const directory = positionals[0];
  if (directory === undefined) throw new UsageError(`Name the dataset directory.\n\n${USAGE}`);
  const limit = integerFlag(values.limit, 'limit', 50, 1);
  const out = resolve(values.out ?? join(directory, 'index.html'));
  const episodes: EpisodeRecord[] = [];
  for await (const episode of readEpisodes(directory, {
    onProblem: (problem) => console.error(`skipping line ${problem.line}: ${problem.message}`),
  })) {
    if (values.failures === true && episode.success) continue;
    episodes.push(episode);
    if (episodes.length >= limit) break;
  }
  if (episodes.length === 0) throw new FormatError(`No episodes to render in ${directory}.`, { file: directory });
  await writeFile(
    out,
    renderEpisodesHtml(episodes, { title: `thinkgym — ${directory}`, datasetDirectory: resolve(directory), outputDirectory: dirname(out) }),
  );
  console.log(`rendered ${episodes.length} episodes to ${out}`);
  return 0;
}
