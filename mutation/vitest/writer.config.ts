import { targetConfig } from './shared.js';

/**
 * Tests that exercise the mutated files of the "writer" target (see mutation/targets.mjs). The
 * crash test is left out: its writer runs in a child process, where no mutant is active.
 */
export default targetConfig(['tests/trajectories/writer-resume.test.ts', 'tests/trajectories/writer-reader.test.ts']);
