import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DIALECT_NAMES, dialect, parseVilasr, renderVilasr, vilasrConversation } from '../../agents/dialects/index.js';
import { runEpisode } from '../../agents/episode.js';
import { parseModelOutput } from '../../agents/parse.js';
import { OraclePolicy, renderOracleStep } from '../../agents/policies/oracle.js';
import { buildConversation } from '../../agents/prompt.js';
import { contentImages, contentText } from '../../core/content.js';
import type { Action, OracleStep } from '../../core/env.js';
import { DirectoryImageStore, MemoryImageStore } from '../../core/image-store.js';
import { Random } from '../../core/random.js';
import { makeEnv } from '../../core/registry.js';
import { toToolSpec } from '../../core/tool.js';
import type { GuardedEnv } from '../../core/wrappers.js';
import '../../envs/index.js';
import { exportOpenAI } from '../../trajectories/export-openai.js';
import { exportShareGpt } from '../../trajectories/export-sharegpt.js';
import type { EpisodeRecord } from '../../trajectories/record.js';
import { validateEpisodeRecord, validateManifest } from '../../trajectories/schema.js';
import { DatasetWriter, manifestEnv } from '../../trajectories/writer.js';

const run = promisify(execFile);
const folders: string[] = [];
const opened: GuardedEnv[] = [];

async function folder(): Promise<string> {
  const made = await mkdtemp(join(tmpdir(), 'thinkgym-dialects-'));
  folders.push(made);
  return made;
}

afterAll(async () => {
  for (const env of opened) await env.close();
  for (const made of folders) await rm(made, { recursive: true, force: true });
});

function call(name: string, args: Record<string, unknown>): Action {
  return { type: 'tool_call', name, arguments: args };
}

describe('vilasr parser', () => {
  it('reads one Object Mapper or Path Tracer shape as draw_box or draw_line', () => {
    const box = parseVilasr({
      text: '<think>The sofa is at the left.</think> Action: [Object Mapper]\n```json\n[{"bbox_2d": [10, 20, 110, 80], "label": "sofa"}]\n```',
    });
    expect(box).toEqual(call('draw_box', { x1: 10, y1: 20, x2: 110, y2: 80, label: 'sofa' }));
    const line = parseVilasr({
      text: '<think>Trace it.</think>\nAction: [Path Tracer]\n{"start_point_2d": [5, 6], "end_point_2d": [50, 60], "label": "path", "color": "blue"}',
    });
    expect(line).toEqual(call('draw_line', { x1: 5, y1: 6, x2: 50, y2: 60, label: 'path', color: 'blue' }));
  });

  it('turns several shapes in one native action into one draw_shapes call (one action per turn)', () => {
    const shapes = [
      { bbox_2d: [1, 2, 3, 4], label: 'a' },
      { bbox_2d: [5, 6, 7, 8], label: 'b' },
    ];
    const action = parseVilasr({ text: `<think>Both.</think> Action: [Object Mapper]\n\`\`\`json\n${JSON.stringify(shapes)}\n\`\`\`` });
    expect(action).toEqual(call('draw_shapes', { shapes: JSON.stringify(shapes) }));
    const mixed = parseVilasr({
      text: '<think>x</think> Action: [Object Mapper]\n[{"bbox_2d": [1, 2, 3, 4]}] Action: [Path Tracer]\n[{"start_point_2d": [0, 0], "end_point_2d": [9, 9]}]',
    });
    expect(mixed.type === 'tool_call' && mixed.name).toBe('draw_shapes');
  });

  it('reads the final Action: Answer and any other tool by its name', () => {
    expect(parseVilasr({ text: '<think>Done.</think> Action: Answer <answer>B</answer>' })).toEqual({ type: 'answer', answer: 'B' });
    expect(parseVilasr({ text: '<think>Start over.</think> Action: [clear_drawings]\n{}' })).toEqual(call('clear_drawings', {}));
  });

  it('explains malformed turns instead of throwing', () => {
    const cases: [string, string, RegExp][] = [
      ['<think>hm</think> I am not sure.', 'no-action', /no action found.*Object Mapper/],
      ['Action: [Object Mapper]\n[{"bbox_2d": [1, 2, 3]}]', 'bad-call', /four numbers/],
      ['Action: [Path Tracer]\n[{"start_point_2d": [1, 2]}]', 'bad-call', /end_point_2d/],
      ['Action: [Object Mapper]\n```json\n[{"bbox_2d": [1, 2, 3, 4],}]\n```', 'bad-json', /not valid/],
      ['Action: [Object Mapper]\n[{"bbox_2d": [1, 2, 3, 4]}] Action: Answer <answer>A</answer>', 'multiple-actions', /drew and answered/],
      ['Action: Answer <answer>A</answer> <answer>B</answer>', 'multiple-answers', /2 <answer>/],
      ['Action: Answer <answer>A', 'no-action', /not closed/],
      ['Action: [Object Mapper]\n[]', 'bad-call', /empty/],
    ];
    for (const [output, reason, message] of cases) {
      const action = parseVilasr({ text: output });
      expect(action, output).toMatchObject({ type: 'invalid', reason });
      expect(action.type === 'invalid' && action.message, output).toMatch(message);
    }
  });

  it('round-trips random drawing calls and answers through its writer and parser', () => {
    const random = new Random('vilasr-round-trip');
    const number = (): number => Math.round(random.uniform(0, 900) * 10) / 10;
    for (let index = 0; index < 300; index += 1) {
      const label = random.chance(0.8) ? `shape ${random.int(1, 9)}` : undefined;
      const style = label === undefined ? {} : { label };
      const kind = random.int(0, 4);
      let action: OracleStep['action'];
      if (kind === 0)
        action = { type: 'tool_call', name: 'draw_box', arguments: { x1: number(), y1: number(), x2: number(), y2: number(), ...style } };
      else if (kind === 1)
        action = { type: 'tool_call', name: 'draw_line', arguments: { x1: number(), y1: number(), x2: number(), y2: number(), ...style } };
      else if (kind === 2) {
        const shapes = Array.from({ length: random.int(2, 4) }, (_, position) =>
          random.chance(0.5)
            ? { bbox_2d: [number(), number(), number(), number()], label: `b${position}` }
            : { start_point_2d: [number(), number()], end_point_2d: [number(), number()], label: `l${position}` },
        );
        // The writer groups boxes before lines; the parser reads them back in that order.
        const ordered = [...shapes.filter((shape) => 'bbox_2d' in shape), ...shapes.filter((shape) => !('bbox_2d' in shape))];
        action = { type: 'tool_call', name: 'draw_shapes', arguments: { shapes: JSON.stringify(ordered) } };
      } else if (kind === 3) action = { type: 'answer', answer: random.chance(0.5) ? 'B' : String(number()) };
      else action = { type: 'tool_call', name: 'clear_drawings', arguments: {} };
      const written = renderVilasr({ thought: `step ${index}`, action });
      expect(written.text.startsWith(`<think>step ${index}</think>`)).toBe(true);
      expect(parseVilasr(written)).toEqual(action);
    }
  });
});

describe('dialect registry', () => {
  it('lists hermes, openai and vilasr; hermes and openai are the built-in builder and parser', () => {
    expect(DIALECT_NAMES).toEqual(['hermes', 'openai', 'vilasr', 'framethinker']);
    const output = { text: '<think>x</think><tool_call>{"name": "draw_box", "arguments": {"x1": 1}}</tool_call>' };
    expect(dialect('hermes').parse(output)).toEqual(parseModelOutput(output));
    const step: OracleStep = { thought: 'go', action: { type: 'answer', answer: 'A' } };
    expect(dialect('openai').render(step, 3)).toEqual(renderOracleStep(step, 'openai', 3));
    expect(dialect('vilasr').render(step, 3)).toEqual(renderOracleStep(step, 'vilasr', 3));
    expect(() => dialect('vilsar')).toThrow(/choose one of hermes, openai, vilasr/);
  });
});

describe('vilasr on drawing-v0, end to end', () => {
  async function vilasrEpisodes(seeds: readonly number[], kinds = 'count,closer,side'): Promise<{ dir: string; records: EpisodeRecord[] }> {
    const dir = await folder();
    const images = new DirectoryImageStore(dir);
    const env = await makeEnv('drawing-v0', { images, options: { questionKinds: kinds } });
    opened.push(env);
    const writer = await DatasetWriter.open(dir, {
      envs: { 'drawing-v0': manifestEnv(env.spec, env.tools.map(toToolSpec)) },
      policy: 'oracle',
      format: 'vilasr',
      rewards: { accuracy: 1, format: 0.1, invalidCall: 0.1, toolUse: 0.2, efficiency: 0.1, env: 0 },
      rewardPreset: 'vilasr',
    });
    const records: EpisodeRecord[] = [];
    for (const seed of seeds) {
      const record = await runEpisode(env, new OraclePolicy(), { seed, images: writer.images, format: 'vilasr', rewardPreset: 'vilasr' });
      await writer.append(record);
      records.push(record);
    }
    await writer.close();
    return { dir, records };
  }

  it('the oracle speaks ViLaSR, its turns parse back to the actions it meant, and the vilasr preset scores them', async () => {
    const { records } = await vilasrEpisodes([0, 1, 2, 3, 4, 5, 6, 7], 'count');
    for (const record of records) {
      expect(validateEpisodeRecord(JSON.parse(JSON.stringify(record))).ok).toBe(true);
      expect(record.success).toBe(true);
      expect(record.counts.invalidActions).toBe(0);
      expect(record.totalReward).toBe(1);
      for (const step of record.steps) {
        expect(step.output.text).toMatch(/^<think>[^<]+<\/think> Action: (\[(Object Mapper|Path Tracer)\]|Answer <answer>)/);
        expect(parseVilasr(step.output)).toEqual(step.action);
      }
    }
    expect(
      records.some((record) => record.steps.some((step) => step.action.type === 'tool_call' && step.action.name === 'draw_shapes')),
    ).toBe(true);
  });

  it('announces every image with its index and size, and round-trips through the ShareGPT and OpenAI exports', async () => {
    const { dir, records } = await vilasrEpisodes([6, 7, 8]);
    const manifest = validateManifest(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')));
    expect(manifest.ok && manifest.value.format).toBe('vilasr');
    expect(manifest.ok && manifest.value.rewardPreset).toBe('vilasr');

    const record = records[0] as EpisodeRecord;
    const env = await makeEnv('drawing-v0', { images: new MemoryImageStore() });
    opened.push(env);
    const conversation = buildConversation(
      { spec: env.spec, tools: env.tools, task: record.task, turns: record.steps.map((step) => ({ ...step })) },
      'vilasr',
    );
    expect(conversation).toEqual(vilasrConversation({ spec: env.spec, tools: env.tools, task: record.task, turns: record.steps }));
    expect(contentText(conversation[0]?.content ?? [])).toContain('[Object Mapper]: mark objects with bounding boxes');
    const announced = conversation.flatMap((message) =>
      message.content.filter((part) => part.type === 'text' && part.text.startsWith('The index of')),
    );
    const shown = conversation.flatMap((message) => contentImages(message.content));
    expect(announced.map((part) => (part.type === 'text' ? part.text : ''))).toEqual(
      shown.map((image, index) => `The index of the given image is ${index + 1} (width: ${image.width}, height: ${image.height}).`),
    );

    const shareGpt = join(dir, 'export', 'rows.json');
    const written = await exportShareGpt(dir, shareGpt);
    expect(written.written).toBe(3);
    const rows = JSON.parse(await readFile(shareGpt, 'utf8')) as {
      system: string;
      messages: { role: string; content: string }[];
      images: string[];
    }[];
    rows.forEach((row, position) => {
      expect(row.system).toContain('Action: [Object Mapper]');
      const assistant = row.messages.filter((message) => message.role === 'assistant');
      const source = records.find((item) => item.steps.length === assistant.length && item.steps[0]?.output.text === assistant[0]?.content);
      expect(source, `row ${position}`).toBeDefined();
      expect(assistant.map((message) => parseVilasr({ text: message.content }))).toEqual(source?.steps.map((step) => step.action));
      expect(
        row.messages
          .filter((message) => message.role === 'user')
          .some((message) => message.content.includes('The index of the given image is 2')),
      ).toBe(true);
      expect(row.messages.map((message) => message.content.split('<image>').length - 1).reduce((sum, count) => sum + count, 0)).toBe(
        row.images.length,
      );
    });

    const openai = join(dir, 'export', 'rows.jsonl');
    await exportOpenAI(dir, openai, { images: 'path' });
    const lines = (await readFile(openai, 'utf8')).trim().split('\n');
    for (const line of lines) {
      const row = JSON.parse(line) as {
        messages: { role: string; content: unknown; tool_calls?: { function: { name: string; arguments: string } }[] }[];
      };
      const calls = row.messages
        .flatMap((message) => message.tool_calls ?? [])
        .map((call) => ({ name: call.function.name, arguments: JSON.parse(call.function.arguments) as unknown }));
      // Each native call is the recorded action: tool calls as they were, the answer as the answer tool.
      const expected = (item: EpisodeRecord): unknown[] =>
        item.steps.map((step) =>
          step.action.type === 'tool_call'
            ? { name: step.action.name, arguments: step.action.arguments }
            : { name: 'answer', arguments: { answer: step.action.type === 'answer' ? step.action.answer : '' } },
        );
      expect(records.filter((item) => JSON.stringify(expected(item)) === JSON.stringify(calls))).toHaveLength(1);
      // The ViLaSR action text is not repeated next to the native call.
      for (const message of row.messages)
        if (message.role === 'assistant') expect(JSON.stringify(message.content)).not.toContain('Action:');
    }
  });

  it('thinkgym generate --format vilasr --reward-preset vilasr records both in the manifest', async () => {
    const out = join(await folder(), 'data');
    const { stdout } = await run(
      process.execPath,
      [
        'bin/thinkgym.js',
        'generate',
        '--env',
        'drawing-v0',
        '--episodes',
        '4',
        '--format',
        'vilasr',
        '--reward-preset',
        'vilasr',
        '--out',
        out,
        '--quiet',
      ],
      { cwd: process.cwd() },
    );
    expect(stdout).toMatch(/wrote 4 episodes .* success 100\.0%/);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { format: string; rewardPreset: string };
    expect(manifest).toMatchObject({ format: 'vilasr', rewardPreset: 'vilasr' });
    const first = JSON.parse((await readFile(join(out, 'trajectories.jsonl'), 'utf8')).split('\n')[0] as string) as EpisodeRecord;
    expect(first.steps[0]?.output.text).toContain('Action: [');
    const bad = run(process.execPath, ['bin/thinkgym.js', 'generate', '--env', 'drawing-v0', '--reward-preset', 'vilsar', '--out', out], {
      cwd: process.cwd(),
    });
    await expect(bad).rejects.toMatchObject({ stderr: expect.stringMatching(/--reward-preset must be one of weighted, vilasr/) });
  });
});

describe('vilasr text tools in other envs', () => {
  it('writes a non-drawing tool as Action: [name] with its arguments', () => {
    const written = renderVilasr({
      thought: 'Zoom.',
      action: { type: 'tool_call', name: 'zoom_in', arguments: { x1: 1, y1: 2, x2: 3, y2: 4, factor: 2 } },
    });
    expect(written.text).toBe('<think>Zoom.</think> Action: [zoom_in]\n```json\n{"x1":1,"y1":2,"x2":3,"y2":4,"factor":2}\n```');
    expect(parseVilasr(written)).toEqual(call('zoom_in', { x1: 1, y1: 2, x2: 3, y2: 4, factor: 2 }));
  });
});
