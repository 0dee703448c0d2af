import { join, resolve } from 'node:path';
import { FormatError } from '../../core/errors.js';
import { writeViewer } from '../../trajectories/render-html.js';
import { integerFlag, parseCommand, UsageError } from '../args.js';

const USAGE = `Usage: thinkgym render <dataset-dir> [--out index.html] [--limit N] [--failures] [--no-charts]
  Renders a dataset as HTML: an index page (overall row, episodes sorted by seed, pictures of the
  dataset) and one page per episode (task, each turn's model output, action, observation images)
  in <name>-files/ beside the index.
  --out FILE     index page, default <dataset-dir>/index.html
  --limit N      at most N episodes, the first by seed (default all; the index says "N of M")
  --failures     only episodes that did not succeed
  --no-charts    skip the pictures of the dataset`;

/** `thinkgym render`: a dataset's episodes as an HTML page. */
export async function render(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      out: { type: 'string' },
      limit: { type: 'string' },
      failures: { type: 'boolean' },
      'no-charts': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    USAGE,
  );
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const directory = positionals[0];
  if (directory === undefined) throw new UsageError(`Name the dataset directory.\n\n${USAGE}`);
  const limit = values.limit === undefined ? undefined : integerFlag(values.limit, 'limit', 0, 1);
  const result = await writeViewer({
    datasetDirectory: directory,
    out: resolve(values.out ?? join(directory, 'index.html')),
    title: `thinkgym — ${directory}`,
    ...(limit === undefined ? {} : { limit }),
    failuresOnly: values.failures === true,
    charts: values['no-charts'] !== true,
    onProblem: (problem) => console.error(`skipping line ${problem.line}: ${problem.message}`),
  });
  if (result.shown === 0) throw new FormatError(`No episodes to render in ${directory}.`, { file: directory });
  const limited = result.shown < result.total ? ` of ${result.total}` : '';
  console.log(`rendered ${result.shown}${limited} episodes to ${result.indexPath} (episode pages in ${result.filesDirectory})`);
  return 0;
}
