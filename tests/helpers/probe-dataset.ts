import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEpisode } from '../../agents/episode.js';
import type { PromptFormat } from '../../agents/policy.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { Random } from '../../core/random.js';
import { GuardedEnv } from '../../core/wrappers.js';
import { DEFAULT_REWARD_CONFIG } from '../../rewards/terms.js';
import type { EpisodeRecord } from '../../trajectories/record.js';
import { DatasetWriter, manifestEnv } from '../../trajectories/writer.js';
import { ProbeEnv, ScriptedPolicy, type ScriptedTurn } from './trajectory-fixtures.js';

/** The colour {@link ProbeEnv} draws for a seed. */
export function probeColour(seed: number): 'red' | 'blue' {
  return new Random(seed).chance(0.5) ? 'red' : 'blue';
}

/**
 * The scripts of the fixture dataset, by seed:
 * 1. zoom ×2, then the right answer in `<answer>` tags (success, 2 turns);
 * 2. a malformed call, zoom ×3, then a wrong answer (failure with one bad-json turn, 3 turns);
 * 3. the right answer through the `answer` tool, no zoom (success, 1 turn).
 */
export function probeScript(seed: number): readonly ScriptedTurn[] {
  const right = probeColour(seed);
  const wrong = right === 'red' ? 'blue' : 'red';
  switch (seed) {
    case 1:
      return [
        { thought: 'The square is small; zoom in.', call: { name: 'zoom', arguments: { factor: 2 } } },
        { thought: `It is ${right}.`, answer: right },
      ];
    case 2:
      return [
        { raw: '<think>zoom</think>\n<tool_call>{"name": "zoom", "arguments": {factor: 3}}</tool_call>' },
        { thought: 'Fix the JSON.', call: { name: 'zoom', arguments: { factor: 3 } } },
        { thought: 'Guess.', answer: wrong },
      ];
    default:
      return [{ thought: 'Plain to see.', call: { name: 'answer', arguments: { answer: right } } }];
  }
}

/** Runs the scripted probe episodes (seeds 1, 2, 3) in `format` and writes them to a fresh dataset. */
export async function makeProbeDataset(
  format: PromptFormat,
  seeds: readonly number[] = [1, 2, 3],
): Promise<{ dir: string; records: EpisodeRecord[] }> {
  const dir = await mkdtemp(join(tmpdir(), `thinkgym-probe-${format}-`));
  const probe = new ProbeEnv({ images: new MemoryImageStore() });
  const writer = await DatasetWriter.open(dir, {
    envs: { 'probe-v0': manifestEnv(probe.spec, probe.tools) },
    policy: 'scripted',
    format,
    rewards: DEFAULT_REWARD_CONFIG,
    seeds,
  });
  const env = new GuardedEnv(new ProbeEnv({ images: writer.images }));
  const policy = new ScriptedPolicy((context) => probeScript(context.seed));
  const records: EpisodeRecord[] = [];
  for (const seed of seeds) {
    const record = await runEpisode(env, policy, { seed, images: writer.images, format });
    await writer.append(record);
    records.push(record);
  }
  await writer.close();
  return { dir, records };
}
