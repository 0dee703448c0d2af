import { mergeRun } from '../../queue/merge.js';
import { parseCommand, UsageError } from '../args.js';
import { EXIT } from '../errors.js';

const USAGE = `Usage: thinkgym merge <run-dir> [--out <dir>]

Joins the shard datasets of a queued run (thinkgym generate --queue) into one dataset, every
(env, version, seed) exactly once, images copied once by hash. Merging again replaces the result.

  --out DIR    where the merged dataset goes (default <run-dir>/merged)

Exit codes: 0 every seed of the run has an episode, 1 some are missing (the run is unfinished or
shards failed: see thinkgym inspect <run-dir>), 2 a usage mistake.`;

/** `thinkgym merge`: joins a queued run's shards into one dataset. */
export async function merge(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { out: { type: 'string' }, help: { type: 'boolean' } }, USAGE);
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const dir = positionals[0];
  if (dir === undefined) throw new UsageError(`Name the run's folder (the --out of thinkgym generate --queue).\n\n${USAGE}`);
  const report = await mergeRun(dir, values.out === undefined ? {} : { out: values.out });
  console.log(
    `merged ${report.episodes} episodes from ${report.shards - report.absentShards} of ${report.shards} shard(s) into ${report.out}: ${report.duplicates} duplicate line(s) dropped, ${report.images} image(s)` +
      (report.failures > 0 ? `, ${report.failures} failure record(s) carried over` : '') +
      (report.corruptLines > 0 ? `, ${report.corruptLines} corrupt line(s) skipped` : ''),
  );
  if (report.missing === 0) return EXIT.ok;
  const failed = report.failedShards.length > 0 ? ` Shards ${report.failedShards.join(', ')} used up their tries.` : '';
  console.error(
    `error: ${report.missing} seed(s) of the run have no episode yet (first: ${report.missingSeeds.join(', ')}).${failed} Let the workers finish (thinkgym inspect ${dir} shows where the run stands), then merge again.`,
  );
  return EXIT.failure;
}
