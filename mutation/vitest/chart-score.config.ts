import { targetConfig } from './shared.js';

/**
 * Tests that exercise the mutated files of the "chart-score" target (see mutation/targets.mjs). The
 * scoring unit tests only: tests/envs/chart.test.ts renders charts and takes a minute per run.
 */
export default targetConfig(['tests/envs/chart-score.test.ts']);
