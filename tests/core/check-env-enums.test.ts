import { describe, expect, it } from 'vitest';
import { checkEnv } from '../../core/check-env.js';
import { GymError } from '../../core/errors.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { makeEnv } from '../../core/registry.js';
import type { Tool } from '../../core/tool.js';
import '../../envs/graph/index.js';
import { ToyEnv } from './toy-env.js';

/** A tool whose `level` argument is an integer enum, as graph-v0's `hops` once was. */
const levelTool: Tool<unknown, { level: number }> = {
  name: 'level',
  description: 'Pick a level.',
  parameters: {
    type: 'object',
    properties: { level: { type: 'integer', enum: [1, 2], description: 'The level.' } },
    required: ['level'],
    additionalProperties: false,
  },
  async run() {
    return { content: [] };
  },
};

/** The toy env with one more tool. */
function toyWith(tool: Tool<unknown, never>): ToyEnv {
  const env = new ToyEnv({ images: new MemoryImageStore() });
  const toolset = (env as unknown as { toolset: readonly Tool<unknown, never>[] }).toolset;
  Object.defineProperty(env, 'toolset', { value: [...toolset, tool] });
  return env;
}

/** Every `enum` list found in a schema, wherever it sits. */
function enums(schema: unknown): unknown[][] {
  if (typeof schema !== 'object' || schema === null) return [];
  return Object.entries(schema).flatMap(([key, value]) => (key === 'enum' && Array.isArray(value) ? [value] : enums(value)));
}

describe('checkEnv and tool enums', () => {
  it('fails an env whose tool has an integer enum, naming the tool and the argument', async () => {
    const error = await checkEnv(toyWith(levelTool as Tool<unknown, never>)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GymError);
    expect((error as GymError).message).toMatch(
      /tool "level" parameters\.properties\.level has an enum with values that are not strings; verl's tool schema takes string enums only/,
    );
  });

  it('fails a mixed enum too, and passes the same tool with string values', async () => {
    const mixed = structuredClone(levelTool.parameters) as { properties: { level: Record<string, unknown> } };
    mixed.properties.level = { type: 'string', enum: ['1', 2] };
    const failure = await checkEnv(toyWith({ ...levelTool, parameters: mixed } as Tool<unknown, never>)).catch((caught: unknown) => caught);
    expect((failure as Error).message).toMatch(/tool "level" parameters\.properties\.level has an enum/);

    const strings = structuredClone(levelTool.parameters) as { properties: { level: Record<string, unknown> } };
    strings.properties.level = { type: 'string', enum: ['1', '2'] };
    const report = await checkEnv(toyWith({ ...levelTool, parameters: strings } as Tool<unknown, never>));
    expect(report.id).toBe('toy-v0');
  });

  it('finds no enum other than strings in the tools of graph-v0 (render on) and keeps hops at 1 or 2', async () => {
    const env = await makeEnv('graph-v0', { options: { render: true }, images: new MemoryImageStore() });
    const names = env.tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['neighbors', 'render_subgraph']));
    for (const tool of env.tools)
      for (const values of enums(tool.parameters)) expect(values.every((value) => typeof value === 'string')).toBe(true);
    for (const name of ['neighbors', 'render_subgraph']) {
      const properties = (env.tools.find((tool) => tool.name === name)?.parameters.properties ?? {}) as Record<string, unknown>;
      const hops = properties.hops;
      expect(hops).toMatchObject({ type: 'integer', minimum: 1, maximum: 2, default: 1 });
    }
    // The env still refuses hops=3 with a message the model can act on.
    const reset = await env.reset({ seed: 1 });
    expect(reset.observation.length).toBeGreaterThan(0);
    const result = await env.step({ type: 'tool_call', name: 'neighbors', arguments: { id: 'n0', hops: 3 } });
    const words = result.observation.map((part) => (part.type === 'text' ? part.text : '')).join(' ');
    expect(words).toMatch(/hops/);
    expect(result.info.invalid).toBeTruthy();
  });
});
