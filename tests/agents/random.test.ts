import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../agents/episode.js';
import { RandomPolicy, randomArguments, randomValue } from '../../agents/policies/random.js';
import type { PromptFormat } from '../../agents/policy.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { Random } from '../../core/random.js';
import { compileSchema, type JsonSchema } from '../../core/schema.js';
import type { ToolSpec } from '../../core/tool.js';
import { GuardedEnv } from '../../core/wrappers.js';
import type { EpisodeRecord } from '../../trajectories/record.js';
import { TinyEnv } from './tiny-env.js';

async function play(seed: number, format: PromptFormat, options: { answers?: boolean; salt?: string } = {}): Promise<EpisodeRecord> {
  const images = new MemoryImageStore();
  const env = new GuardedEnv(new TinyEnv({ images }, options.answers ?? true), { maxTurns: 6 });
  const policy = new RandomPolicy(options.salt === undefined ? {} : { salt: options.salt });
  return runEpisode(env, policy, { seed, images, format });
}

describe('RandomPolicy', () => {
  it('replays an episode exactly from its seed and differs across seeds and salts', async () => {
    const outputs = (record: EpisodeRecord) => record.steps.map((step) => step.output);
    const first = await play(4, 'hermes');
    expect(outputs(await play(4, 'hermes'))).toEqual(outputs(first));
    const others = await Promise.all([5, 6, 7].map((seed) => play(seed, 'hermes')));
    expect(others.some((record) => JSON.stringify(outputs(record)) !== JSON.stringify(outputs(first)))).toBe(true);
    expect(outputs(await play(4, 'hermes', { salt: 'b' }))).not.toEqual(outputs(first));
  });

  for (const format of ['hermes', 'openai'] as const) {
    it(`writes only well-formed, schema-valid actions in ${format} format, and answers now and then`, async () => {
      let answers = 0;
      let calls = 0;
      for (let seed = 0; seed < 120; seed += 1) {
        const record = await play(seed, format);
        for (const step of record.steps) {
          // The only invalid action a random policy may cause is the `fail` tool's own error.
          if (step.invalid !== null) expect(step.invalid.reason).toBe('tool-error');
          if (format === 'openai') expect(step.output.toolCalls).toHaveLength(1);
          else expect(step.output.toolCalls).toBeUndefined();
          // Native answers are calls of the `answer` tool, which the guard turns into answers.
          const answered = step.action.type === 'answer' || (step.action.type === 'tool_call' && step.action.name === 'answer');
          if (answered) answers += 1;
          else if (step.action.type === 'tool_call') calls += 1;
          if (format === 'hermes' && answered) expect(step.action.type).toBe('answer');
        }
      }
      expect(answers).toBeGreaterThan(20);
      expect(calls).toBeGreaterThan(answers);
    });
  }

  it('never answers an env that takes no answers', async () => {
    let finished = 0;
    for (let seed = 0; seed < 60; seed += 1) {
      const record = await play(seed, 'hermes', { answers: false });
      for (const step of record.steps) {
        expect(step.action.type).not.toBe('answer');
        if (step.invalid !== null) expect(step.invalid.reason).toBe('tool-error');
      }
      if (record.terminated) finished += 1;
    }
    expect(finished).toBeGreaterThan(0);
  });
});

describe('randomValue and randomArguments', () => {
  const look: ToolSpec = new TinyEnv({ images: new MemoryImageStore() }).tools[0] as ToolSpec;

  it('draw arguments that pass the schema, required ones always present', () => {
    const validator = compileSchema(look.parameters);
    const random = new Random('arguments');
    const seen = { step: new Set<unknown>(), region: new Set<unknown>(), omitted: 0 };
    for (let index = 0; index < 500; index += 1) {
      const args = randomArguments(look, random);
      const result = validator.validate(args);
      expect(result.ok ? [] : result.problems).toEqual([]);
      expect(args).toHaveProperty('region');
      expect(args).toHaveProperty('zoom');
      if (!('count' in args)) seen.omitted += 1;
      seen.step.add(args.step);
      seen.region.add(args.region);
    }
    expect([...seen.region].sort()).toEqual(['center', 'left', 'right']);
    expect([...seen.step].filter((value) => value !== undefined).sort()).toEqual([2, 4, 6, 8]);
    expect(seen.omitted).toBeGreaterThan(50);
  });

  it('respects each kind of scalar schema', () => {
    const random = new Random('values');
    const draw = (schema: JsonSchema, count = 200) => Array.from({ length: count }, () => randomValue(schema, random));
    expect(new Set(draw({ const: 'x' }))).toEqual(new Set(['x']));
    expect(new Set(draw({ type: 'boolean' }))).toEqual(new Set([true, false]));
    const integers = draw({ type: 'integer', minimum: -3, maximum: 3 }) as number[];
    expect(integers.every((value) => Number.isInteger(value) && value >= -3 && value <= 3)).toBe(true);
    expect(new Set(integers).size).toBe(7);
    const numbers = draw({ type: 'number', exclusiveMinimum: 0, maximum: 1 }) as number[];
    expect(numbers.every((value) => value > 0 && value <= 1)).toBe(true);
    const strings = draw({ type: 'string', minLength: 2, maxLength: 4 }) as string[];
    expect(strings.every((value) => value.length >= 2 && value.length <= 4)).toBe(true);
    expect(new Set(draw({ type: 'string', examples: ['a', 'b'] })).has('a')).toBe(true);
    const defaults = draw({ type: 'integer', minimum: 0, maximum: 1000, default: 500 });
    expect(defaults.filter((value) => value === 500).length).toBeGreaterThan(20);
    expect(new Set(draw({ default: 'only' }))).toEqual(new Set(['only']));
    expect(draw({ type: ['integer', 'null'], minimum: 5, maximum: 5 }, 10)).toEqual(Array(10).fill(5));
  });
});
