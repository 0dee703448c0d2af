/**
 * The mutation-testing targets of `npm run mutate`: each names the files Stryker mutates and has its
 * own vitest config (`mutation/vitest/<name>.config.ts`) that lists only the tests of those files.
 * A target per config, not Stryker's `testFiles`, keeps mutants of top-level constants from being
 * reported as survivors.
 */

/** @typedef {{ readonly name: string, readonly mutate: readonly string[] }} MutationTarget */

/** @type {readonly MutationTarget[]} */
export const TARGETS = [
  { name: 'random', mutate: ['core/random.ts'] },
  { name: 'core', mutate: ['core/wrappers.ts', 'core/stable-json.ts'] },
  { name: 'rewards', mutate: ['rewards/terms.ts', 'rewards/grpo.ts'] },
  { name: 'parse', mutate: ['agents/parse.ts'] },
  { name: 'writer', mutate: ['trajectories/writer.ts'] },
  { name: 'chart-score', mutate: ['envs/chart/score.ts'] },
];

/** Where reports go (git-ignored): `<REPORT_DIR>/<target>/mutation.json` and `index.html`. */
export const REPORT_DIR = 'out/mutation';

/** The target called `name`; throws with the list of targets when there is none. */
export function findTarget(name) {
  const target = TARGETS.find((candidate) => candidate.name === name);
  if (target === undefined) {
    throw new Error(`No mutation target "${name}"; choose from ${TARGETS.map((candidate) => candidate.name).join(', ')}.`);
  }
  return target;
}
