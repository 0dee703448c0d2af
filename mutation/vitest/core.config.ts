import { targetConfig } from './shared.js';

/** Tests that exercise the mutated files of the "core" target (see mutation/targets.mjs). */
export default targetConfig(['tests/core/wrappers.test.ts', 'tests/core/stable-json.test.ts', 'tests/core/core.test.ts']);
