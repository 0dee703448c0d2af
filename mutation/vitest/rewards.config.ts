import { targetConfig } from './shared.js';

/** Tests that exercise the mutated files of the "rewards" target (see mutation/targets.mjs). */
export default targetConfig(['tests/rewards/terms.test.ts', 'tests/rewards/grpo.test.ts', 'tests/agents/episode.test.ts']);
