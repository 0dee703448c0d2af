/**
 * Child process for the crash-safety test: appends synthetic, schema-valid episodes (with real PNG
 * images in the dataset's image store) to the dataset at argv[2] in an endless loop, printing
 * `episode <seed>` after each append has resolved. The test SIGKILLs it mid-run.
 *
 * Usage: node --import tsx tests/helpers/crash-writer.ts <dir>
 */
import { DEFAULT_REWARD_CONFIG } from '../../rewards/terms.js';
import { DatasetWriter } from '../../trajectories/writer.js';
import { PROBE_SPEC, storedSyntheticRecord } from './trajectory-fixtures.js';

const dir = process.argv[2];
if (dir === undefined) {
  console.error('usage: crash-writer.ts <dataset dir>');
  process.exit(2);
}

const writer = await DatasetWriter.open(
  dir,
  {
    envs: { 'probe-v0': { version: 0, options: {}, instructions: PROBE_SPEC.instructions, answers: true, maxTurns: 4, tools: [] } },
    policy: 'scripted',
    format: 'hermes',
    rewards: DEFAULT_REWARD_CONFIG,
  },
  { manifestEvery: 3 },
);

// Pad the task text so each line is tens of kilobytes: a kill is likely to land mid-write sometimes.
const padding = 'x'.repeat(32 * 1024);
for (let seed = 0; ; seed += 1) {
  const record = await storedSyntheticRecord(writer.images, seed);
  await writer.append({ ...record, task: [...record.task, { type: 'text', text: padding }] });
  process.stdout.write(`episode ${seed}\n`);
}
