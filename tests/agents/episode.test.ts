import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../agents/episode.js';
import { OraclePolicy } from '../../agents/policies/oracle.js';
import type { ModelOutput, Policy, PolicyContext, PromptFormat } from '../../agents/policy.js';
import { contentImages, contentText } from '../../core/content.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { GuardedEnv } from '../../core/wrappers.js';
import { TinyEnv } from './tiny-env.js';

type Script = (context: PolicyContext) => ModelOutput;

/** A policy that plays a script: one function per turn, the last repeated. */
class ScriptedPolicy implements Policy {
  readonly name = 'scripted';
  readonly format?: PromptFormat;
  private readonly script: readonly Script[];

  constructor(script: readonly (Script | string)[], format?: PromptFormat) {
    this.script = script.map((step) => (typeof step === 'string' ? () => ({ text: step }) : step));
    if (format !== undefined) this.format = format;
  }

  async act(context: PolicyContext): Promise<ModelOutput> {
    const step = this.script[Math.min(context.turns.length, this.script.length - 1)];
    if (step === undefined) throw new Error('empty script');
    return step(context);
  }
}

const call = (name: string, args: unknown): string => `<tool_call>\n${JSON.stringify({ name, arguments: args })}\n</tool_call>`;
const LOOK = call('look', { region: 'center', zoom: 2 });

/** The digit a previous `look` revealed. */
function secret(context: PolicyContext): string {
  for (const turn of context.turns) {
    const match = /The digit is (\d)/.exec(contentText(turn.observation));
    if (match?.[1] !== undefined) return match[1];
  }
  throw new Error('no look yet');
}

const answerRight: Script = (context) => ({ text: `<think>it said so</think><answer>${secret(context)}</answer>` });
const answerWrong: Script = (context) => ({ text: `<answer>${(Number(secret(context)) + 1) % 10}</answer>` });

function setup(maxTurns = 10, answers = true): { env: GuardedEnv; images: MemoryImageStore } {
  const images = new MemoryImageStore();
  return { env: new GuardedEnv(new TinyEnv({ images }, answers), { maxTurns }), images };
}

describe('runEpisode', () => {
  it('turns invalid outputs into observations that name the reason, and counts them', async () => {
    const { env, images } = setup();
    const policy = new ScriptedPolicy([
      'I am not sure what to do.',
      '<tool_call>{"name": "look", "arguments": {"zoom": 2',
      call('zoom_in', {}),
      call('look', { region: 'up', zoom: 2 }),
      LOOK,
      call('fail', {}),
      answerRight,
    ]);
    const record = await runEpisode(env, policy, { seed: 3, images });
    expect(record.steps.map((step) => step.invalid?.reason ?? null)).toEqual([
      'no-action',
      'bad-json',
      'unknown-tool',
      'bad-arguments',
      null,
      'tool-error',
      null,
    ]);
    expect(contentText(record.steps[0]?.observation ?? [])).toContain('Invalid action (no-action)');
    expect(contentText(record.steps[2]?.observation ?? [])).toContain('Available tools: look, fail, answer');
    expect(contentText(record.steps[3]?.observation ?? [])).toContain('`region` must be one of');
    expect(contentText(record.steps[5]?.observation ?? [])).toContain('always fails');
    expect(record.steps[1]?.action).toMatchObject({ type: 'invalid', reason: 'bad-json' });
    expect(record.steps[1]?.output.text).toBe('<tool_call>{"name": "look", "arguments": {"zoom": 2');
    expect(record.counts).toEqual({ turns: 7, toolCalls: 4, invalidActions: 5 });
    expect(record.success).toBe(true);
    expect(record.rewardTerms.invalidCall).toBe(-5);
    expect(record.rewardTerms.format).toBe(0);
    expect(record.rewardTerms.toolUse).toBe(0);
    expect(record.rewardTerms.accuracy).toBe(1);
    expect(record.terminated).toBe(true);
    expect(record.truncated).toBe(false);
  });

  it('truncates at the turn limit', async () => {
    const { env, images } = setup(3);
    const record = await runEpisode(env, new ScriptedPolicy([LOOK]), { seed: 1, images });
    expect(record.steps).toHaveLength(3);
    expect(record.steps.map((step) => [step.terminated, step.truncated])).toEqual([
      [false, false],
      [false, false],
      [false, true],
    ]);
    expect(record).toMatchObject({ truncated: true, terminated: false, success: false, score: 0, answer: null });
    expect(record.counts).toEqual({ turns: 3, toolCalls: 3, invalidActions: 0 });
    expect(record.rewardTerms.accuracy).toBe(0);
    expect(record.rewardTerms.toolUse).toBe(0);
    expect(record.rewardTerms.efficiency).toBe(0);
  });

  it('succeeds on a correct answer and records the episode', async () => {
    const { env, images } = setup(6);
    const record = await runEpisode(env, new ScriptedPolicy([LOOK, answerRight]), { seed: 11, images });
    expect(record).toMatchObject({
      env: 'tiny-v0',
      envVersion: 0,
      seed: 11,
      policy: 'scripted',
      format: 'hermes',
      success: true,
      score: 1,
    });
    expect(record.answer).toBe(record.expected);
    expect(record.rewardTerms).toMatchObject({ accuracy: 1, format: 1, toolUse: 1 });
    expect(record.rewardTerms.efficiency).toBeCloseTo(1 - 1 / 6);
    expect(record.totalReward).toBeCloseTo(1 + 0.1 + 0.2 + 0.1 * (1 - 1 / 6));
    expect(contentImages(record.task)).toHaveLength(1);
    expect(contentImages(record.steps[0]?.observation ?? [])).toHaveLength(1);
    expect(await images.has(contentImages(record.task)[0]?.sha256 ?? '')).toBe(true);
    expect(record.steps[0]?.action).toEqual({ type: 'tool_call', name: 'look', arguments: { region: 'center', zoom: 2 } });
    expect(record.steps[0]?.timing.policyMs).toBeGreaterThanOrEqual(0);
  });

  it('pays the tool-use bonus only when the answer is correct and every action was valid', async () => {
    const run = async (script: (Script | string)[], format?: PromptFormat) => {
      const { env, images } = setup(6);
      return runEpisode(env, new ScriptedPolicy(script, format), { seed: 21, images });
    };
    const clean = await run([LOOK, answerRight]);
    const wrong = await run([LOOK, answerWrong]);
    const noTool = await run([() => ({ text: '<answer>5</answer>' })]);
    const sloppy = await run(['hmm', LOOK, answerRight]);
    const failedTool = await run([call('fail', {}), LOOK, answerRight]);
    expect(clean.rewardTerms.toolUse).toBe(1);
    expect(wrong).toMatchObject({ success: false, score: 0 });
    expect(wrong.rewardTerms.toolUse).toBe(0);
    expect(wrong.rewardTerms.efficiency).toBe(0);
    expect(noTool.counts.toolCalls).toBe(0);
    expect(noTool.rewardTerms.toolUse).toBe(0);
    expect(sloppy.success).toBe(true);
    expect(sloppy.rewardTerms.toolUse).toBe(0);
    expect(failedTool.success).toBe(true);
    expect(failedTool.rewardTerms.toolUse).toBe(0);
    expect(failedTool.rewardTerms.format).toBe(1);
    expect(clean.totalReward).toBeGreaterThan(sloppy.totalReward);
  });

  it('runs the oracle to success in both prompt formats', async () => {
    for (const format of ['hermes', 'openai'] as const) {
      const { env, images } = setup();
      const record = await runEpisode(env, new OraclePolicy(), { seed: 5, images, format });
      expect(record).toMatchObject({ success: true, format, counts: { turns: 2, toolCalls: 1, invalidActions: 0 } });
      if (format === 'openai') expect(record.steps[0]?.output.toolCalls?.[0]).toMatchObject({ name: 'look', id: 'call_1' });
      else expect(record.steps[0]?.output.text).toContain('<tool_call>');
    }
  });

  it('takes the prompt format from the policy when none is given', async () => {
    const { env, images } = setup();
    const native: Script = () => ({ text: '', toolCalls: [{ id: 'call_a', name: 'answer', arguments: '{"answer": "0"}' }] });
    const record = await runEpisode(env, new ScriptedPolicy([native], 'openai'), { seed: 2, images });
    expect(record.format).toBe('openai');
    expect(record.steps[0]?.action).toEqual({ type: 'tool_call', name: 'answer', arguments: { answer: '0' }, id: 'call_a' });
    expect(record.terminated).toBe(true);
    expect(record.counts.toolCalls).toBe(0);
  });

  it('stops when the signal aborts, and lets policy faults through', async () => {
    const { env, images } = setup();
    const controller = new AbortController();
    controller.abort(new Error('stop now'));
    await expect(runEpisode(env, new ScriptedPolicy([LOOK]), { seed: 1, images, signal: controller.signal })).rejects.toThrow('stop now');
    const broken: Policy = {
      name: 'broken',
      act: async () => {
        throw new Error('server down');
      },
    };
    await expect(runEpisode(env, broken, { seed: 1, images })).rejects.toThrow('server down');
  });

  it('ends answer-free envs through their tools and refuses answers there', async () => {
    const { env, images } = setup(6, false);
    const finish: Script = (context) => ({ text: call('finish', { value: Number(secret(context)) }) });
    const record = await runEpisode(env, new ScriptedPolicy(['<answer>3</answer>', LOOK, finish]), { seed: 8, images });
    expect(record.steps[0]?.invalid?.reason).toBe('answer-not-accepted');
    expect(record).toMatchObject({ success: true, terminated: true, counts: { turns: 3, toolCalls: 2, invalidActions: 1 } });
  });
});
