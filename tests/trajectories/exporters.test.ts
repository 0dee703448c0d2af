import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAIChatMessage } from '../../agents/openai-wire.js';
import { parseModelOutput } from '../../agents/parse.js';
import { openAITools } from '../../agents/prompt.js';
import { contentImages } from '../../core/content.js';
import { DirectoryImageStore } from '../../core/image-store.js';
import { reexpressEpisode } from '../../trajectories/export-common.js';
import { exportOpenAI, fineTuningTools, isStrictSchema, type OpenAIRow } from '../../trajectories/export-openai.js';
import { exportShareGpt, functionCallValue, type ShareGptRow } from '../../trajectories/export-sharegpt.js';
import { dedupe, maxTurns, successOnly } from '../../trajectories/filters.js';
import { readManifest } from '../../trajectories/reader.js';
import type { EpisodeRecord } from '../../trajectories/record.js';
import { applyFunctionRule, ConsumerRejection, checkShareGptRow, FUNCTION_RULES } from '../helpers/llamafactory-rules.js';
import { makeProbeDataset, probeColour } from '../helpers/probe-dataset.js';

let hermes: { dir: string; records: EpisodeRecord[] };
let openai: { dir: string; records: EpisodeRecord[] };

beforeAll(async () => {
  hermes = await makeProbeDataset('hermes');
  openai = await makeProbeDataset('openai');
});

afterAll(async () => {
  await rm(hermes.dir, { recursive: true, force: true });
  await rm(openai.dir, { recursive: true, force: true });
});

async function readLines<T>(file: string): Promise<T[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);
}

function placeholders(row: ShareGptRow): number {
  return row.messages.reduce((sum, message) => sum + (message.content.split('<image>').length - 1), 0);
}

function expectAlternating(row: ShareGptRow): void {
  expect(row.messages.length % 2).toBe(0);
  row.messages.forEach((message, index) => {
    if (index % 2 === 0) expect(['user', 'observation']).toContain(message.role);
    else expect(['assistant', 'function_call']).toContain(message.role);
  });
}

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const PYTHON_CHECK = fileURLToPath(new URL('../helpers/llamafactory-check.py', import.meta.url));

/** Runs the standard-library Python restatement of LLaMA-Factory's rules over export files. */
async function pythonCheck(...files: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(PYTHON, [PYTHON_CHECK, ...files]);
    return { code: 0, stdout };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? -1, stdout: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

describe('the probe dataset', () => {
  it('holds the scripted episodes as recorded by runEpisode', () => {
    const [first, second, third] = hermes.records;
    expect(first?.success).toBe(true);
    expect(first?.counts).toEqual({ turns: 2, toolCalls: 1, invalidActions: 0 });
    expect(second?.success).toBe(false);
    expect(second?.steps[0]?.invalid?.reason).toBe('bad-json');
    expect(third?.success).toBe(true);
    expect(third?.answer).toBe(probeColour(3));
  });
});

describe('exportShareGpt', () => {
  it('writes rows LLaMA-Factory reads, from hermes episodes', async () => {
    const output = join(hermes.dir, 'export', 'probe.json');
    const result = await exportShareGpt(hermes.dir, output);
    expect(result).toMatchObject({ file: output, written: 3, skipped: {} });
    const rows = JSON.parse(await readFile(output, 'utf8')) as ShareGptRow[];
    expect(rows).toHaveLength(3);
    const manifest = await readManifest(hermes.dir);
    const tools = manifest?.envs['probe-v0']?.tools ?? [];
    for (const row of rows) {
      expectAlternating(row);
      expect(checkShareGptRow(row).size).toBe(0);
      expect(placeholders(row)).toBe(row.images.length);
      for (const path of row.images) {
        expect(isAbsolute(path)).toBe(false);
        expect((await stat(resolve(dirname(output), path))).isFile()).toBe(true);
      }
      expect(row.system).toContain('<tools>');
      expect(row.system).toContain(
        JSON.stringify({
          type: 'function',
          function: { name: 'zoom', description: tools[0]?.description, parameters: tools[0]?.parameters },
        }),
      );
      expect(row.system.startsWith('Name the colour of the square.')).toBe(true);
      expect(row.tools).toBe('');
      expect(row.messages.every((message) => message.role === 'user' || message.role === 'assistant')).toBe(true);
    }
    const [first, second, third] = rows;
    const record = hermes.records[0] as EpisodeRecord;
    expect(first?.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(first?.messages[0]?.content).toBe('What colour is this square?\n<image>');
    expect(first?.messages[1]?.content).toBe(record.steps[0]?.output.text);
    expect(first?.messages[2]?.content).toBe('<tool_response>\nZoomed ×2:\n<image>\n</tool_response>');
    expect(first?.messages[3]?.content).toBe(record.steps[1]?.output.text);
    // Task image then zoom image, as files of the dataset.
    const expected = [...contentImages(record.task), ...contentImages(record.steps[0]?.observation ?? [])].map((image) => image.sha256);
    expect(first?.images.map((path) => path.split('/').pop()?.replace('.png', ''))).toEqual(expected);
    // The malformed turn is kept as the model wrote it, with the env's explanation after it.
    expect(second?.messages).toHaveLength(6);
    expect(second?.messages[2]?.content).toMatch(/^Invalid action \(bad-json\)/);
    expect(third?.messages).toHaveLength(2);
    expect(third?.images).toHaveLength(1);

    const info = JSON.parse(await readFile(join(dirname(output), 'dataset_info.json'), 'utf8')) as Record<string, unknown>;
    expect(info.probe).toEqual({
      file_name: 'probe.json',
      formatting: 'sharegpt',
      columns: { messages: 'messages', system: 'system', tools: 'tools', images: 'images' },
      tags: {
        role_tag: 'role',
        content_tag: 'content',
        user_tag: 'user',
        assistant_tag: 'assistant',
        observation_tag: 'observation',
        function_tag: 'function_call',
        system_tag: 'system',
      },
    });
  });

  it('writes function_call and observation turns for openai episodes, with the tools column', async () => {
    const output = join(openai.dir, 'export', 'probe.jsonl');
    const result = await exportShareGpt(openai.dir, output, { imagePaths: 'absolute', datasetName: 'probe_native' });
    expect(result.written).toBe(3);
    const rows = await readLines<ShareGptRow>(output);
    const manifest = await readManifest(openai.dir);
    for (const row of rows) {
      expectAlternating(row);
      checkShareGptRow(row);
      expect(placeholders(row)).toBe(row.images.length);
      for (const path of row.images) {
        expect(isAbsolute(path)).toBe(true);
        expect((await stat(path)).isFile()).toBe(true);
      }
      expect(row.system).not.toContain('<tools>');
      expect(row.tools).toBe(JSON.stringify(openAITools(manifest?.envs['probe-v0']?.tools ?? [])));
    }
    // Every function_call turn parses under each release of LLaMA-Factory's FunctionFormatter and
    // gives back the recorded call, with the turn's reasoning in the template's thought words.
    let parsedCalls = 0;
    rows.forEach((row, index) => {
      const record = openai.records[index] as EpisodeRecord;
      const calls = record.steps.filter((step) => (step.output.toolCalls?.length ?? 0) > 0);
      const functions = row.messages.flatMap((message, position) => (message.role === 'function_call' ? [position] : []));
      expect(functions).toHaveLength(calls.length);
      functions.forEach((position, order) => {
        const step = calls[order];
        const content = row.messages[position]?.content ?? '';
        for (const rule of FUNCTION_RULES) {
          const parsed = applyFunctionRule(content, rule);
          expect(parsed.calls).toEqual(
            (step?.output.toolCalls ?? []).map((call) => ({ name: call.name, arguments: JSON.parse(call.arguments) as unknown })),
          );
          expect(parsed.prefix.replace(/<\/?think>/g, '').trim()).toBe(step?.output.text.replace(/<\/?think>/g, '').trim());
          parsedCalls += 1;
        }
      });
    });
    expect(parsedCalls).toBe(3 * FUNCTION_RULES.length);
    const first = rows[0];
    expect(first?.messages.map((message) => message.role)).toEqual(['user', 'function_call', 'observation', 'assistant']);
    expect(first?.messages[1]?.content).toBe(
      '<think>\nThe square is small; zoom in.\n</think>\n\n{"name":"zoom","arguments":{"factor":2}}',
    );
    // The tool message and the user message carrying its image are one observation.
    expect(first?.messages[2]?.content).toBe('Zoomed ×2:\nImage returned by zoom:\n<image>');
    expect(first?.images).toHaveLength(2);
    expect(rows[2]?.messages.map((message) => message.role)).toEqual(['user', 'function_call']);
    const info = JSON.parse(await readFile(join(dirname(output), 'dataset_info.json'), 'utf8')) as Record<string, { file_name: string }>;
    expect(info.probe_native?.file_name).toBe('probe.jsonl');
  });

  it('passes a second parser: the Python restatement of LLaMA-Factory over both exports', async () => {
    const fromHermes = join(hermes.dir, 'export', 'python.json');
    const fromOpenAI = join(openai.dir, 'export', 'python.jsonl');
    expect((await exportShareGpt(hermes.dir, fromHermes)).written).toBe(3);
    expect((await exportShareGpt(openai.dir, fromOpenAI)).written).toBe(3);
    const checked = await pythonCheck(fromHermes, fromOpenAI);
    expect(checked.stdout).toContain('ok: 6 rows, 3 function messages parsed by every FunctionFormatter release');
    expect(checked.code).toBe(0);
  });

  it('writes calls with prose, stray tags and several calls so that both parsers still read them', async () => {
    const cases = [
      { text: 'I will zoom first.\n<think>It is small.</think>\nThen look.', calls: [{ name: 'zoom', arguments: '{"factor": 2}' }] },
      { text: '', calls: [{ name: 'answer', arguments: '{"answer": "<think>red</think> <tool_call>x</tool_call>"}' }] },
      {
        text: '<think>both</think>\n<tool_call>\n{"name": "zoom", "arguments": {"factor": 3}}\n</tool_call>',
        calls: [
          { name: 'zoom', arguments: '{"factor": 2}' },
          { name: 'zoom', arguments: 'not json' },
        ],
      },
    ];
    const rows = cases.map(({ text, calls }) => ({
      messages: [
        { role: 'user', content: 'Go.' },
        {
          role: 'function_call',
          content: functionCallValue(
            text,
            calls.map((call, index) => ({ id: `call_${index}`, ...call })),
          ),
        },
      ],
      system: '',
      tools: '',
      images: [],
    }));
    rows.forEach((row, index) => {
      const parsed = checkShareGptRow(row).get(1);
      const expected = cases[index]?.calls.map((call) => ({ name: call.name, arguments: parseOrText(call.arguments) }));
      expect(parsed?.calls).toEqual(expected);
    });
    expect(rows[0]?.messages[1]?.content.startsWith('<think>\nI will zoom first.\nIt is small.\nThen look.\n</think>\n\n')).toBe(true);
    const folder = await mkdtemp(join(tmpdir(), 'thinkgym-llamafactory-'));
    try {
      const file = join(folder, 'calls.jsonl');
      await writeFile(file, rows.map((row) => JSON.stringify(row)).join('\n'), 'utf8');
      const checked = await pythonCheck(file);
      expect(checked.stdout).toContain('ok: 3 rows, 3 function messages');
      expect(checked.code).toBe(0);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('rejects what LLaMA-Factory rejects: the old thought-then-JSON value, prose beside a call, integer enums', async () => {
    const old = '<think>The square is small; zoom in.</think>\n{"name":"zoom","arguments":{"factor":2}}';
    const prose = 'Zooming now.\n{"name":"zoom","arguments":{"factor":2}}';
    const row = (content: string, tools = '') => ({
      messages: [
        { role: 'user', content: 'Go.' },
        { role: 'function_call', content },
      ],
      tools,
      images: [],
    });
    expect(() => checkShareGptRow(row(old))).toThrow(ConsumerRejection);
    expect(() => checkShareGptRow(row(old))).toThrow(/Invalid JSON format in function message/);
    expect(() => checkShareGptRow(row(prose))).toThrow(/Invalid JSON format in function message/);
    const integerEnum = JSON.stringify([
      {
        type: 'function',
        function: { name: 'neighbors', parameters: { type: 'object', properties: { hops: { type: 'integer', enum: [1, 2] } } } },
      },
    ]);
    expect(() => checkShareGptRow(row('{"name":"neighbors","arguments":{}}', integerEnum))).toThrow(/join\(enum\)/);
    expect(() =>
      checkShareGptRow({
        messages: [
          { role: 'user', content: 'a' },
          { role: 'user', content: 'b' },
        ],
      }),
    ).toThrow(/Invalid role tag/);
    expect(() =>
      checkShareGptRow({
        messages: [
          { role: 'user', content: '<image>' },
          { role: 'assistant', content: 'b' },
        ],
        images: [],
      }),
    ).toThrow(/placeholders/);
    const folder = await mkdtemp(join(tmpdir(), 'thinkgym-llamafactory-'));
    try {
      const file = join(folder, 'old.jsonl');
      await writeFile(
        file,
        [row(old), row(prose), row('{"name":"neighbors","arguments":{}}', integerEnum)].map((value) => JSON.stringify(value)).join('\n'),
        'utf8',
      );
      const checked = await pythonCheck(file);
      expect(checked.code).toBe(1);
      expect(checked.stdout).toMatch(/row 0: Invalid JSON format in function message/);
      expect(checked.stdout).toMatch(/row 1: Invalid JSON format in function message/);
      expect(checked.stdout).toMatch(/row 2: tool neighbors argument hops: enum values must be strings/);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('applies filters and counts the skips by reason', async () => {
    const output = join(hermes.dir, 'export', 'solved.jsonl');
    const result = await exportShareGpt(hermes.dir, output, { filters: [successOnly(), maxTurns(1)] });
    expect(result.written).toBe(1);
    expect(result.skipped).toEqual({ 'success-only': 1, 'max-turns': 1 });
    const [row] = await readLines<ShareGptRow>(output);
    expect(row?.messages[1]?.content).toContain('{"name":"answer"');
  });
});

describe('exportOpenAI', () => {
  it('writes messages with native tool calls, text-only tool messages and images in the next user message', async () => {
    const output = join(hermes.dir, 'export', 'openai.jsonl');
    const result = await exportOpenAI(hermes.dir, output);
    expect(result).toMatchObject({ written: 3, skipped: {} });
    const rows = await readLines<OpenAIRow>(output);
    const manifest = await readManifest(hermes.dir);
    const store = new DirectoryImageStore(hermes.dir);
    for (const row of rows) {
      expect(row.tools).toEqual(fineTuningTools(manifest?.envs['probe-v0']?.tools ?? []));
      // Each tool is OpenAI's {type, function: {name, description, parameters, strict}}.
      expect(row.tools.map((tool) => [tool.function.name, tool.function.strict])).toEqual([
        ['zoom', false],
        ['answer', true],
      ]);
      expect(row.messages[0]?.role).toBe('system');
      expect(row.messages[row.messages.length - 1]?.role).toBe('assistant');
      for (const message of row.messages) {
        if (message.role === 'tool') expect(typeof message.content).toBe('string');
        if (message.role === 'assistant')
          for (const call of message.tool_calls ?? []) expect(typeof JSON.parse(call.function.arguments)).toBe('object');
      }
    }
    const messages = rows[0]?.messages ?? [];
    expect(messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'tool', 'user', 'assistant']);
    const assistant = messages[2] as Extract<OpenAIChatMessage, { role: 'assistant' }>;
    expect(assistant.content).toBe('<think>The square is small; zoom in.</think>');
    expect(assistant.tool_calls).toEqual([{ id: 'call_1', type: 'function', function: { name: 'zoom', arguments: '{"factor":2}' } }]);
    expect(messages[3]).toEqual({ role: 'tool', tool_call_id: 'call_1', content: 'Zoomed ×2:' });
    const images = messages[4] as Extract<OpenAIChatMessage, { role: 'user' }>;
    expect(Array.isArray(images.content)).toBe(true);
    const parts = images.content as Exclude<typeof images.content, string>;
    // The separator of the one joining rule travels in the text part, so a template that concatenates
    // parts renders the same text as the ShareGPT export.
    expect(parts[0]).toEqual({ type: 'text', text: 'Image returned by zoom:\n' });
    const url = parts[1]?.type === 'image_url' ? parts[1].image_url.url : '';
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    const zoom = contentImages(hermes.records[0]?.steps[0]?.observation ?? [])[0];
    expect(Buffer.from(url.slice('data:image/png;base64,'.length), 'base64').equals(await store.get(zoom?.sha256 ?? ''))).toBe(true);
    // The task image is an image_url part of the first user message.
    const task = messages[1] as Extract<OpenAIChatMessage, { role: 'user' }>;
    expect((task.content as Exclude<typeof task.content, string>).map((part) => part.type)).toEqual(['text', 'image_url']);
    // The malformed turn stays text; the answer-tool turn becomes a native call to `answer`.
    const second = rows[1]?.messages ?? [];
    expect(second[2]).toEqual({ role: 'assistant', content: hermes.records[1]?.steps[0]?.output.text });
    const last = rows[2]?.messages[2] as Extract<OpenAIChatMessage, { role: 'assistant' }>;
    expect(last.tool_calls?.[0]?.function).toEqual({ name: 'answer', arguments: JSON.stringify({ answer: probeColour(3) }) });
  });

  it('gives the same rows for a hermes run re-expressed as for the same run recorded natively', async () => {
    const fromHermes = await exportOpenAI(hermes.dir, join(hermes.dir, 'export', 'same.jsonl'));
    const fromOpenAI = await exportOpenAI(openai.dir, join(openai.dir, 'export', 'same.jsonl'));
    expect(fromHermes.written).toBe(3);
    expect(await readLines(fromOpenAI.file)).toEqual(await readLines(fromHermes.file));
  });

  it('writes image paths instead of data URLs on request, and dedupes', async () => {
    const output = join(hermes.dir, 'export', 'paths.jsonl');
    const result = await exportOpenAI(hermes.dir, output, { images: 'path', filters: [dedupe()] });
    expect(result.written).toBe(3);
    const [row] = await readLines<OpenAIRow>(output);
    const task = row?.messages[1] as Extract<OpenAIChatMessage, { role: 'user' }>;
    const part = (task.content as Exclude<typeof task.content, string>)[1];
    const path = part?.type === 'image_url' ? part.image_url.url : '';
    expect(isAbsolute(path)).toBe(true);
    expect((await stat(path)).isFile()).toBe(true);
  });
});

describe('reexpressEpisode', () => {
  it('turns parsed <tool_call> blocks into native calls and back without changing the actions', () => {
    for (const record of hermes.records) {
      const native = reexpressEpisode(record, 'openai');
      expect(native.format).toBe('openai');
      native.steps.forEach((step, index) => {
        const original = record.steps[index];
        if (original?.action.type === 'tool_call') {
          expect(step.output.toolCalls?.[0]?.id).toBe(`call_${step.turn}`);
          expect(step.output.text).not.toContain('<tool_call>');
          expect(step.output.text).toMatch(/^<think>/);
        } else {
          expect(step.output).toBe(original?.output);
        }
        const { id: _id, ...action } = parseModelOutput(step.output) as { id?: string };
        expect(action).toEqual(original?.action);
      });
      const back = reexpressEpisode(native, 'hermes');
      back.steps.forEach((step, index) => {
        expect(parseModelOutput(step.output)).toEqual(record.steps[index]?.action);
      });
    }
  });
});

describe('isStrictSchema', () => {
  it('allows strict mode only where every property is required, extras are forbidden and only strict keywords appear', () => {
    const base = { type: 'object', properties: { a: { type: 'string', description: 'A.' } }, required: ['a'], additionalProperties: false };
    expect(isStrictSchema(base)).toBe(true);
    expect(isStrictSchema({ ...base, required: [] })).toBe(false);
    expect(isStrictSchema({ ...base, additionalProperties: true })).toBe(false);
    expect(isStrictSchema({ type: 'object', properties: base.properties, required: ['a'] })).toBe(false);
    expect(isStrictSchema({ ...base, properties: { a: { type: 'integer', default: 1 } } })).toBe(false);
    expect(isStrictSchema({ ...base, properties: { a: { type: 'integer', minimum: 1 } } })).toBe(false);
    expect(isStrictSchema({ ...base, properties: { a: { type: 'string', enum: ['x', 'y'] } } })).toBe(true);
  });
});

function parseOrText(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
