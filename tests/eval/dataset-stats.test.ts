import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runEpisode } from '../../agents/episode.js';
import { OraclePolicy } from '../../agents/policies/oracle.js';
import type { ModelOutput, Policy, PolicyContext } from '../../agents/policy.js';
import { registry } from '../../core/registry.js';
import { datasetCallStats, formatCallStats, maxVisualTokens } from '../../eval/dataset-stats.js';
import { DEFAULT_REWARD_CONFIG } from '../../rewards/terms.js';
import { episodeVisualLoad } from '../../rewards/visual-tokens.js';
import { exportOpenAI } from '../../trajectories/export-openai.js';
import { DatasetWriter, manifestEnv } from '../../trajectories/writer.js';
import '../../envs/index.js';

const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

/** Draws the same box three times, then gives up with a wrong answer. */
class RepeatPolicy implements Policy {
  readonly name = 'repeat';
  async act(context: PolicyContext): Promise<ModelOutput> {
    if (context.turns.length >= 3) return { text: '<answer>no idea</answer>' };
    return {
      text: `<tool_call>\n${JSON.stringify({ name: 'draw_box', arguments: { x1: 2, y1: 2, x2: 40, y2: 40, label: 'a' } })}\n</tool_call>`,
    };
  }
}

describe('inspect and export read tool calls and visual tokens', () => {
  it('counts calls by outcome and tokens per episode, and export drops episodes over a token limit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'thinkgym-stats-'));
    folders.push(dir);
    const probe = await registry.makeEnv('drawing-v0');
    const writer = await DatasetWriter.open(dir, {
      envs: { 'drawing-v0': manifestEnv(probe.spec, probe.tools) },
      policy: 'mixed',
      format: 'hermes',
      rewards: DEFAULT_REWARD_CONFIG,
    });
    await probe.close();
    const env = await registry.makeEnv('drawing-v0', { images: writer.images });
    const oracle = await runEpisode(env, new OraclePolicy(), { seed: 1, images: writer.images });
    const repeat = await runEpisode(env, new RepeatPolicy(), { seed: 2, images: writer.images });
    await writer.append(oracle);
    await writer.append(repeat);
    await writer.close();
    await env.close();

    const stats = await datasetCallStats(dir);
    expect(stats.episodes).toBe(2);
    expect(stats.episodesWithRepeats).toBe(1);
    expect(stats.toolCalls.draw_box?.repeated).toBe(2);
    const tokens = [oracle, repeat].map((record) => episodeVisualLoad(record).visualTokens);
    expect(stats.visual.maxVisualTokens).toBe(Math.max(...tokens));
    expect(stats.visual.meanVisualTokens).toBeCloseTo(tokens.reduce((sum, count) => sum + count, 0) / 2, 3);
    expect(formatCallStats(stats)).toMatch(/draw_box\s+\d+ \/ \d+ \/ 2/);

    const limit = Math.min(...tokens);
    const exported = await exportOpenAI(dir, join(dir, 'out.jsonl'), { filters: [maxVisualTokens(limit)] });
    expect(exported.written).toBe(tokens.filter((count) => count <= limit).length);
    expect(exported.skipped['max-visual-tokens']).toBe(tokens.filter((count) => count > limit).length);
  }, 60_000);
});
