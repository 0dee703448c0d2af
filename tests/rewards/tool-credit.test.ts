import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../agents/episode.js';
import { OraclePolicy } from '../../agents/policies/oracle.js';
import type { ModelOutput, Policy, PolicyContext } from '../../agents/policy.js';
import type { Content } from '../../core/content.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { registry } from '../../core/registry.js';
import { computeRewards, DEFAULT_REWARD_CONFIG } from '../../rewards/terms.js';
import { type ToolCallStep, toolCallStats } from '../../rewards/tool-credit.js';
import '../../envs/index.js';

const IMAGE = { type: 'image', image: { sha256: 'a'.repeat(64), width: 8, height: 8, mime: 'image/png' } } as const;
const call = (name: string, args: Record<string, unknown>, observation: Content, invalid: unknown = null): ToolCallStep => ({
  action: { type: 'tool_call', name, arguments: args },
  observation,
  invalid,
});

describe('toolCallStats', () => {
  it('counts successful, failed and repeated calls by tool; answers and format errors are not tool calls', () => {
    const stats = toolCallStats([
      call('zoom_in', { x1: 0, y1: 0, x2: 10, y2: 10 }, [IMAGE]),
      call('zoom_in', { y1: 0, x1: 0, x2: 10, y2: 10 }, [IMAGE]),
      call('zoom_in', { x1: 5, y1: 5, x2: 1, y2: 1 }, [{ type: 'text', text: 'x2 must be greater than x1' }], { reason: 'tool-error' }),
      call('zoom_in', { x1: 0, y1: 0, x2: 20, y2: 20 }, [{ type: 'text', text: 'done' }]),
      call('get_node', { id: 3 }, [{ type: 'text', text: '  ' }]),
      call('get_node', { id: 4 }, [{ type: 'text', text: 'node 4: a paper' }]),
      { action: { type: 'answer', answer: '4' }, observation: [{ type: 'text', text: 'Answer received' }], invalid: null },
      { action: { type: 'invalid', reason: 'bad-json', message: 'no JSON' }, observation: [], invalid: { reason: 'bad-json' } },
    ]);
    expect(stats.byTool).toEqual({
      // The second call repeats the first (argument order does not matter); a zoom without an image failed.
      zoom_in: { successful: 2, failed: 2, repeated: 1 },
      // Blank text is no content.
      get_node: { successful: 1, failed: 1, repeated: 0 },
    });
    expect([stats.successful, stats.failed, stats.repeated]).toEqual([3, 3, 1]);
    const named = toolCallStats([call('crop', { x: 1 }, [{ type: 'text', text: 'cropped' }])], { imageTools: new Set(['crop']) });
    expect(named.byTool.crop).toEqual({ successful: 0, failed: 1, repeated: 0 });
  });

  it('gates the tool-use term on a successful call and prices repeats only when asked', () => {
    const base = { success: true, score: 1, turns: 3, maxTurns: 10, toolCalls: 2, invalidReasons: [], envReward: 0 };
    expect(computeRewards({ ...base, successfulToolCalls: 0 }).terms.toolUse).toBe(0);
    expect(computeRewards({ ...base, successfulToolCalls: 1 }).terms.toolUse).toBe(1);
    expect(computeRewards(base).terms.toolUse).toBe(1);
    expect(computeRewards({ ...base, repeatedToolCalls: 3 }).terms.repeatCall).toBeUndefined();
    const priced = computeRewards({ ...base, successfulToolCalls: 1, repeatedToolCalls: 3 }, { ...DEFAULT_REWARD_CONFIG, repeatCall: 0.1 });
    expect(priced.terms.repeatCall).toBe(-3);
    expect(priced.total).toBeCloseTo(computeRewards({ ...base, successfulToolCalls: 1 }).total - 0.3, 9);
  });
});

/** Makes `calls` tool calls (from `spam`), then answers with `answer`. */
class SpamPolicy implements Policy {
  readonly name = 'spam';
  constructor(
    private readonly spam: (turn: number) => { name: string; arguments: Record<string, unknown> },
    private readonly calls: number,
    private readonly answer: string,
  ) {}

  async act(context: PolicyContext): Promise<ModelOutput> {
    const turn = context.turns.length;
    if (turn >= this.calls) return { text: `<think>done</think>\n<answer>${this.answer}</answer>` };
    return { text: `<think>again</think>\n<tool_call>\n${JSON.stringify(this.spam(turn))}\n</tool_call>` };
  }
}

describe('a policy that spams tool calls earns no tool credit', () => {
  it('drawing-v0: failing calls and repeated calls with the right answer; the oracle earns the credit', async () => {
    const images = new MemoryImageStore();
    const env = await registry.makeEnv('drawing-v0', { images });
    const seed = 4;
    const oracle = await runEpisode(env, new OraclePolicy(), { seed, images });
    expect(oracle.success).toBe(true);
    const answer = oracle.expected as string;
    const rewards = { ...DEFAULT_REWARD_CONFIG, repeatCall: 0.1 };

    const failing = await runEpisode(
      env,
      new SpamPolicy(
        (turn) =>
          turn % 2 === 0 ? { name: 'draw_box', arguments: {} } : { name: 'draw_box', arguments: { x1: 50, y1: 50, x2: 10, y2: 10 } },
        4,
        answer,
      ),
      { seed, images, rewards },
    );
    expect(failing.success).toBe(true);
    expect(failing.rewardTerms.toolUse).toBe(0);

    const box = { x1: 1, y1: 1, x2: 30, y2: 30, label: 'same' };
    const repeating = await runEpisode(env, new SpamPolicy(() => ({ name: 'draw_box', arguments: box }), 4, answer), {
      seed,
      images,
      rewards,
    });
    expect(repeating.success).toBe(true);
    expect(repeating.rewardTerms.repeatCall).toBe(-3);
    const net = (terms: Record<string, number>) => rewards.toolUse * (terms.toolUse ?? 0) + rewards.repeatCall * (terms.repeatCall ?? 0);
    expect(net(repeating.rewardTerms)).toBeLessThanOrEqual(0);

    const oracleCredit = await runEpisode(env, new OraclePolicy(), { seed, images, rewards });
    expect(oracleCredit.rewardTerms.toolUse).toBe(oracle.counts.toolCalls > 0 ? 1 : 0);
    expect(net(oracleCredit.rewardTerms)).toBeGreaterThan(0);
    await env.close();
  }, 60_000);
});
