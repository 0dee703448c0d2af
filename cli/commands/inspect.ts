import { datasetCallStats, formatCallStats } from '../../eval/dataset-stats.js';
import { formatSummary, summarizeDataset } from '../../trajectories/summary.js';
import { parseCommand, UsageError } from '../args.js';

const USAGE = `Usage: thinkgym inspect <dataset-dir> [--json]
  Prints counts, success rate, turns, reward terms, invalid actions by reason, images present,
  tool calls by tool (successful, failed, repeated), images and Qwen2-VL visual tokens per episode,
  and every corrupt line with its line number. On a queued run's folder (generate --queue): shards
  complete, partial and failed (with their errors), and whether it is merged.`;

/** `thinkgym inspect`: a dataset's summary; exit code 1 when lines are corrupt or images missing. */
export async function inspect(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { json: { type: 'boolean' }, help: { type: 'boolean' } }, USAGE);
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const directory = positionals[0];
  if (directory === undefined) throw new UsageError(`Name the dataset directory.\n\n${USAGE}`);
  // A queued run's folder (generate --queue): its shards, failed jobs and merge state.
  const queued = await (await import('../../queue/inspect.js')).inspectQueuedRun(directory, values.json === true);
  if (queued !== undefined) return queued;
  const summary = await summarizeDataset(directory);
  const calls = await datasetCallStats(directory);
  console.log(
    values.json === true ? JSON.stringify({ ...summary, calls }, null, 2) : `${formatSummary(summary)}\n${formatCallStats(calls)}`,
  );
  return summary.problems.length > 0 || summary.images.missing.length > 0 ? 1 : 0;
}
