import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../agents/episode.js';
import { OraclePolicy } from '../../agents/policies/oracle.js';
import { buildConversation } from '../../agents/prompt.js';
import { contentText } from '../../core/content.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { makeEnv } from '../../core/registry.js';
import '../../envs/sokoban/index.js';

const LEVELS = resolve(import.meta.dirname, '../../assets/boxoban/unfiltered-test-000.txt');

describe('sokoban-v0 prompts', () => {
  it('name a level file by its base name only, never by a local path', async () => {
    const images = new MemoryImageStore();
    const env = await makeEnv('sokoban-v0', { options: { levels: LEVELS }, images });
    const episode = await runEpisode(env, new OraclePolicy(), { seed: 0, images });
    await env.close();
    const task = contentText(episode.task);
    expect(task).toContain('level 0 of unfiltered-test-000.txt');
    const conversation = JSON.stringify(buildConversation({ spec: env.spec, tools: env.tools, task: episode.task, turns: [] }, 'hermes'));
    const everything = `${conversation}${JSON.stringify(episode)}`;
    expect(everything).not.toContain(dirname(LEVELS));
    expect(everything).not.toContain(LEVELS);
  });
});
