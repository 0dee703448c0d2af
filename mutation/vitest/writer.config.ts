import { targetConfig } from './shared.js';

/** Tests that exercise the mutated files of the "writer" target (see mutation/targets.mjs). */
export default targetConfig([
  'tests/trajectories/writer-resume.test.ts',
  'tests/trajectories/writer-reader.test.ts',
  'tests/trajectories/crash.test.ts',
]);
