import { targetConfig } from './shared.js';

/** Tests that exercise the mutated files of the "parse" target (see mutation/targets.mjs). */
export default targetConfig(['tests/agents/parse.test.ts', 'tests/agents/parse-think.test.ts']);
