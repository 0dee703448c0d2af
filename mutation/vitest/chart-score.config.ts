import { targetConfig } from './shared.js';

/** Tests that exercise the mutated files of the "chart-score" target (see mutation/targets.mjs). */
export default targetConfig(['tests/envs/chart-score.test.ts', 'tests/envs/chart.test.ts']);
