import { targetConfig } from './shared.js';

/** Tests that exercise the mutated files of the "random" target (see mutation/targets.mjs). */
export default targetConfig(['tests/core/random.test.ts', 'tests/core/core.test.ts']);
