import { describe, expect, it } from 'vitest';
import { text } from '../../core/content.js';
import type { Action, Env, EnvSpec, Oracle, ResetOptions, StepResult } from '../../core/env.js';
import { EnvStateError, GymError } from '../../core/errors.js';
import { Registry } from '../../core/registry.js';
import type { ToolSpec } from '../../core/tool.js';
import { GuardedEnv } from '../../core/wrappers.js';

const LOOK: ToolSpec = {
  name: 'look',
  description: 'Look closer.',
  parameters: {
    type: 'object',
    properties: { zoom: { type: 'integer', minimum: 1, maximum: 4, default: 1, description: 'Zoom factor.' } },
    additionalProperties: false,
  },
};

const ANSWER: ToolSpec = {
  name: 'answer',
  description: 'Give the final answer.',
  parameters: { type: 'object', properties: { answer: { type: 'string', description: 'The answer.' } }, required: ['answer'] },
};

const SPEC: EnvSpec = {
  id: 'stub-v0',
  version: 0,
  instructions: 'Look, then answer.',
  maxTurns: 3,
  answers: true,
  options: { type: 'object', properties: {}, additionalProperties: false },
  doc: {
    description: 'd',
    tools: 't',
    observation: 'o',
    reward: 'r',
    episodeEnd: 'e',
    options: 'none',
    versionHistory: 'v0',
  },
};

/** An env that records the actions it receives and replies with what the test queued. */
class StubEnv implements Env {
  readonly spec: EnvSpec;
  readonly tools: readonly ToolSpec[];
  readonly received: Action[] = [];
  readonly seeds: number[] = [];
  closed = 0;
  next: Partial<StepResult> = {};
  oracle?: () => Oracle;

  constructor(spec: Partial<EnvSpec> = {}, tools: readonly ToolSpec[] = [LOOK, ANSWER]) {
    this.spec = { ...SPEC, ...spec };
    this.tools = tools;
  }

  async reset(options: ResetOptions) {
    this.seeds.push(options.seed);
    return { observation: [text(`seed ${options.seed}`)], info: { turn: 99, extra: { from: 'inner' } } };
  }

  async step(action: Action): Promise<StepResult> {
    this.received.push(action);
    return { observation: [text('ok')], reward: 0.5, terminated: false, truncated: false, info: { turn: 99 }, ...this.next };
  }

  async close() {
    this.closed += 1;
  }
}

describe('GuardedEnv turn limit', () => {
  it('takes the spec limit, or the one given', () => {
    expect(new GuardedEnv(new StubEnv()).maxTurns).toBe(3);
    expect(new GuardedEnv(new StubEnv(), { maxTurns: 7 }).maxTurns).toBe(7);
    expect(new GuardedEnv(new StubEnv(), { maxTurns: 1 }).maxTurns).toBe(1);
  });

  it('rejects a limit that is not a positive integer, with a clear error', () => {
    for (const maxTurns of [Number.NaN, 0, -2, 2.5, Number.POSITIVE_INFINITY]) {
      const error = (() => {
        try {
          return new GuardedEnv(new StubEnv(), { maxTurns });
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(GymError);
      expect((error as GymError).code).toBe('bad-max-turns');
      expect((error as Error).message).toBe(`maxTurns must be a positive integer, got ${maxTurns}.`);
    }
    expect(() => new GuardedEnv(new StubEnv({ maxTurns: Number.NaN }))).toThrow('maxTurns must be a positive integer, got NaN.');
  });

  it('rejects a bad limit through makeEnv, so a run cannot loop forever', async () => {
    const registry = new Registry();
    registry.registerEnv({ id: 'stub-v0', summary: 'stub', load: async () => ({ spec: SPEC, create: () => new StubEnv() }) });
    await expect(registry.makeEnv('stub-v0', { maxTurns: Number.NaN })).rejects.toThrow('maxTurns must be a positive integer, got NaN.');
    await expect(registry.makeEnv('stub-v0', { maxTurns: 0 })).rejects.toThrow(GymError);
    expect((await registry.makeEnv('stub-v0', { maxTurns: 2 })).maxTurns).toBe(2);
    expect((await registry.makeEnv('stub-v0')).maxTurns).toBe(3);
  });

  it('truncates the step that reaches the limit, and ends the episode', async () => {
    const env = new GuardedEnv(new StubEnv(), { maxTurns: 2 });
    await env.reset({ seed: 0 });
    const first = await env.step({ type: 'tool_call', name: 'look', arguments: {} });
    expect([first.terminated, first.truncated, first.info.turn]).toEqual([false, false, 1]);
    const second = await env.step({ type: 'tool_call', name: 'look', arguments: {} });
    expect([second.terminated, second.truncated, second.info.turn]).toEqual([false, true, 2]);
    await expect(env.step({ type: 'tool_call', name: 'look', arguments: {} })).rejects.toThrow(EnvStateError);
  });

  it('passes an inner truncation on, and never truncates a terminated step', async () => {
    const inner = new StubEnv();
    const env = new GuardedEnv(inner, { maxTurns: 1 });
    await env.reset({ seed: 0 });
    inner.next = { terminated: true };
    const done = await env.step({ type: 'answer', answer: '1' });
    expect([done.terminated, done.truncated]).toEqual([true, false]);
    await env.reset({ seed: 0 });
    const long = new GuardedEnv(inner, { maxTurns: 5 });
    await long.reset({ seed: 0 });
    inner.next = { truncated: true };
    const cut = await long.step({ type: 'tool_call', name: 'look', arguments: {} });
    expect([cut.terminated, cut.truncated]).toEqual([false, true]);
    await expect(long.step({ type: 'tool_call', name: 'look', arguments: {} })).rejects.toThrow(/has ended/);
  });
});

describe('GuardedEnv seeds', () => {
  it('rejects seeds that are not safe integers before the env sees them', async () => {
    const inner = new StubEnv();
    const env = new GuardedEnv(inner);
    for (const seed of [Number.NaN, 1.5, 2 ** 53, Number.NEGATIVE_INFINITY, '3' as unknown as number, undefined as unknown as number]) {
      const error = await env.reset({ seed }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(GymError);
      expect((error as GymError).code).toBe('bad-seed');
      expect((error as Error).message).toBe(`reset needs an integer seed, got ${String(seed)}.`);
    }
    expect(inner.seeds).toEqual([]);
    await expect(env.step({ type: 'answer', answer: '1' })).rejects.toThrow('stub-v0: call reset({ seed }) before step().');
  });

  it('accepts every safe integer seed and resets the turn counter', async () => {
    const inner = new StubEnv();
    const env = new GuardedEnv(inner);
    for (const seed of [0, -1, 2 ** 32, Number.MAX_SAFE_INTEGER]) {
      const reset = await env.reset({ seed });
      expect(reset).toEqual({ observation: [text(`seed ${seed}`)], info: { turn: 0, extra: { from: 'inner' } } });
    }
    expect(inner.seeds).toEqual([0, -1, 2 ** 32, Number.MAX_SAFE_INTEGER]);
    await env.step({ type: 'tool_call', name: 'look', arguments: {} });
    await env.reset({ seed: 1 });
    expect(env.episode).toEqual({ turns: 0, toolCalls: 0, invalidActions: 0 });
  });
});

describe('GuardedEnv validation and counters', () => {
  it('passes validated arguments, with defaults, to the inner env and keeps the call id', async () => {
    const inner = new StubEnv();
    const env = new GuardedEnv(inner);
    await env.reset({ seed: 0 });
    const result = await env.step({ type: 'tool_call', name: 'look', arguments: {}, id: 'call_1' });
    expect(inner.received).toEqual([{ type: 'tool_call', name: 'look', arguments: { zoom: 1 }, id: 'call_1' }]);
    expect(result).toEqual({ observation: [text('ok')], reward: 0.5, terminated: false, truncated: false, info: { turn: 1 } });
    await env.step({ type: 'tool_call', name: 'look' } as Action);
    expect(inner.received[1]).toEqual({ type: 'tool_call', name: 'look', arguments: { zoom: 1 } });
  });

  it('turns the answer tool into an answer action and does not count it as a tool call', async () => {
    const inner = new StubEnv();
    const env = new GuardedEnv(inner);
    await env.reset({ seed: 0 });
    await env.step({ type: 'tool_call', name: 'answer', arguments: { answer: '42' } });
    expect(inner.received).toEqual([{ type: 'answer', answer: '42' }]);
    expect(env.episode).toEqual({ turns: 1, toolCalls: 0, invalidActions: 0 });
  });

  it('refuses answers to an env that takes none, naming its tools', async () => {
    const inner = new StubEnv({ answers: false }, [LOOK]);
    const env = new GuardedEnv(inner);
    await env.reset({ seed: 0 });
    const result = await env.step({ type: 'answer', answer: '4' });
    expect(result).toEqual({
      observation: [text('Invalid action (answer-not-accepted): stub-v0 takes no answers; use the tools (look).')],
      reward: 0,
      terminated: false,
      truncated: false,
      info: { turn: 1, invalid: { reason: 'answer-not-accepted', message: 'stub-v0 takes no answers; use the tools (look).' } },
    });
    expect(inner.received).toEqual([]);
    expect(env.episode).toEqual({ turns: 1, toolCalls: 0, invalidActions: 1 });
  });

  it('passes the answer tool through as a tool call when the env takes no answers', async () => {
    const inner = new StubEnv({ answers: false }, [LOOK, ANSWER]);
    const env = new GuardedEnv(inner);
    await env.reset({ seed: 0 });
    await env.step({ type: 'tool_call', name: 'answer', arguments: { answer: '4' } });
    expect(inner.received).toEqual([{ type: 'tool_call', name: 'answer', arguments: { answer: '4' } }]);
  });

  it('passes invalid actions to no one and counts them, and counts inner invalid results', async () => {
    const inner = new StubEnv();
    const env = new GuardedEnv(inner, { maxTurns: 10 });
    await env.reset({ seed: 0 });
    const parsed = await env.step({ type: 'invalid', reason: 'bad-json', message: 'not JSON' });
    expect(parsed.observation).toEqual([text('Invalid action (bad-json): not JSON')]);
    expect(parsed.info).toEqual({ turn: 1, invalid: { reason: 'bad-json', message: 'not JSON' } });
    const unknown = await env.step({ type: 'tool_call', name: 'peek', arguments: {} });
    expect(unknown.info.invalid).toEqual({
      reason: 'unknown-tool',
      message: 'there is no tool named "peek". Available tools: look, answer.',
    });
    inner.next = { info: { turn: 99, invalid: { reason: 'tool-error', message: 'too far' } } };
    await env.step({ type: 'tool_call', name: 'look', arguments: { zoom: 2 } });
    inner.next = {};
    await env.step({ type: 'tool_call', name: 'look', arguments: { zoom: 2 } });
    expect(inner.received).toHaveLength(2);
    expect(env.episode).toEqual({ turns: 4, toolCalls: 3, invalidActions: 3 });
  });

  it('passes an unparsed turn through as invalid, also in an env that takes no answers', async () => {
    const env = new GuardedEnv(new StubEnv({ answers: false }, [LOOK]));
    await env.reset({ seed: 0 });
    const result = await env.step({ type: 'invalid', reason: 'bad-json', message: 'not JSON' });
    expect(result.info.invalid).toEqual({ reason: 'bad-json', message: 'not JSON' });
  });

  it('says which arguments are wrong', async () => {
    const env = new GuardedEnv(new StubEnv());
    expect(env.episode).toEqual({ turns: 0, toolCalls: 0, invalidActions: 0 });
    await env.reset({ seed: 0 });
    const result = await env.step({ type: 'tool_call', name: 'look', arguments: { zoom: 9 } });
    expect(result.info.invalid).toEqual({ reason: 'bad-arguments', message: 'invalid arguments for look: `zoom` must be <= 4 (got 9).' });
  });

  it('refuses a tool listed twice', () => {
    expect(() => new GuardedEnv(new StubEnv({}, [LOOK, LOOK]))).toThrow(new GymError('duplicate-tool', 'stub-v0 lists tool look twice.'));
  });

  it('exposes the inner spec and tools', () => {
    const inner = new StubEnv();
    const env = new GuardedEnv(inner);
    expect(env.spec).toBe(inner.spec);
    expect(env.tools).toBe(inner.tools);
    expect(env.inner).toBe(inner);
  });
});

describe('GuardedEnv oracle and close', () => {
  it('asks for the oracle only after reset, and says when there is none', async () => {
    const inner = new StubEnv();
    const env = new GuardedEnv(inner);
    expect(() => env.oracle()).toThrow('stub-v0: call reset() before asking for the oracle.');
    await env.reset({ seed: 0 });
    expect(() => env.oracle()).toThrow(new GymError('no-oracle', 'stub-v0 has no oracle.'));
    const oracle: Oracle = { next: async () => ({ thought: 't', action: { type: 'answer', answer: '1' } }) };
    inner.oracle = () => oracle;
    expect(env.oracle()).toBe(oracle);
  });

  it('says how to go on after the episode ended', async () => {
    const inner = new StubEnv();
    const env = new GuardedEnv(inner);
    await env.reset({ seed: 0 });
    inner.next = { terminated: true };
    await env.step({ type: 'answer', answer: '1' });
    await expect(env.step({ type: 'answer', answer: '1' })).rejects.toThrow(
      'stub-v0: the episode has ended (terminated or truncated); call reset() to start another.',
    );
    expect(() => env.oracle()).toThrow('stub-v0 has no oracle.');
  });

  it('closes the inner env, and copes with one that has no close', async () => {
    const inner = new StubEnv();
    await new GuardedEnv(inner).close();
    expect(inner.closed).toBe(1);
    const bare = new StubEnv();
    Object.defineProperty(bare, 'close', { value: undefined });
    await expect(new GuardedEnv(bare).close()).resolves.toBeUndefined();
  });
});
