import { checkSplits, type SplitCheckReport } from '../../core/check-splits.js';
import { registry } from '../../core/registry.js';
import { integerFlag, parseCommand, parseKeyValues } from '../args.js';

const USAGE = `Usage: thinkgym check-splits [env-id...] [--n N] [--option key=value]... [--json]
  Generates the first N tasks (default 50) of the train, validation and test splits of each env
  (all envs when none is named), fingerprints each task by content (observation text, image
  hashes, expected answer) and fails when a task appears in two splits.`;

const FLAGS = {
  n: { type: 'string' },
  option: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/** `thinkgym check-splits`: proves the splits of envs share no task; exit 1 on a leak. */
export async function checkSplitsCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, FLAGS, USAGE);
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const n = integerFlag(values.n, 'n', 50, 1);
  const ids = positionals.length > 0 ? positionals : registry.listEnvs().map((registration) => registration.id);
  for (const id of ids) registry.envRegistration(id);
  const reports: SplitCheckReport[] = [];
  for (const id of ids) {
    const report = await checkSplits(registry, id, n, parseKeyValues(values.option));
    reports.push(report);
    if (values.json !== true) console.log(formatSplitReport(report));
  }
  if (values.json === true) console.log(JSON.stringify(reports, null, 2));
  return reports.some((report) => report.leaks.length > 0) ? 1 : 0;
}

/** One line per env, then one line per leaked task. */
export function formatSplitReport(report: SplitCheckReport): string {
  const { train, validation, test } = report.distinct;
  const head =
    `${report.env}: ${report.leaks.length === 0 ? 'ok' : `${report.leaks.length} task(s) in two splits`} ` +
    `(${report.n} tasks per split; distinct train ${train}, validation ${validation}, test ${test}; ${(report.durationMs / 1000).toFixed(1)} s)`;
  const lines = report.leaks.map(
    (leak) =>
      `  ${leak.fingerprint.slice(0, 16)} in ${leak.places.map((place) => `${place.split}[${place.index}] (seed ${place.seed})`).join(', ')}`,
  );
  return [head, ...lines].join('\n');
}
