import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runEpisode } from '../../agents/episode.js';
import type { OpenAIChatMessage } from '../../agents/openai-wire.js';
import { OpenAIPolicy } from '../../agents/policies/openai.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { GuardedEnv } from '../../core/wrappers.js';
import { DEFAULT_REWARD_CONFIG } from '../../rewards/terms.js';
import { exportOpenAI, type OpenAIRow } from '../../trajectories/export-openai.js';
import { exportShareGpt, type ShareGptRow } from '../../trajectories/export-sharegpt.js';
import { DatasetWriter, manifestEnv } from '../../trajectories/writer.js';
import { applyFunctionRule, checkShareGptRow, FUNCTION_RULES } from '../helpers/llamafactory-rules.js';
import { type LoopbackServer, startLoopbackServer } from '../helpers/loopback-server.js';
import { probeColour } from '../helpers/probe-dataset.js';
import { ProbeEnv } from '../helpers/trajectory-fixtures.js';

/** A chat completion as OpenAI-compatible servers answer it. */
function completion(message: Record<string, unknown>): { status: number; body: unknown } {
  return {
    status: 200,
    body: {
      id: 'chatcmpl-probe',
      object: 'chat.completion',
      model: 'probe',
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', ...message } }],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    },
  };
}

type WireMessage = OpenAIChatMessage;

/** A wire message as the text a chat template renders when it concatenates parts, images as `<image>`. */
function flatten(message: WireMessage): string {
  const content = message.content;
  if (content === null) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : '<image>')).join('');
}

/** The sha256 of every image the wire messages carried, in order. */
function wireImages(messages: readonly WireMessage[]): string[] {
  return messages.flatMap((message) =>
    message.role === 'user' && typeof message.content !== 'string'
      ? message.content.flatMap((part) =>
          part.type === 'image_url'
            ? [
                createHash('sha256')
                  .update(Buffer.from(part.image_url.url.replace(/^data:image\/png;base64,/, ''), 'base64'))
                  .digest('hex'),
              ]
            : [],
        )
      : [],
  );
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/**
 * Plays seed 1 of the probe env with the OpenAI policy against a real loopback server (zoom, then
 * the right answer), writes the episode to a dataset, and returns what the server received.
 */
async function playServed(mode: 'native' | 'text'): Promise<{ dir: string; server: LoopbackServer; answer: string }> {
  const colour = probeColour(1);
  const answer = `<think>It is ${colour}.</think>\n<answer>${colour}</answer>`;
  const first =
    mode === 'native'
      ? completion({
          content: '<think>The square is small; zoom in.</think>',
          tool_calls: [{ id: 'call_zoom', type: 'function', function: { name: 'zoom', arguments: '{"factor": 2}' } }],
        })
      : completion({
          content: '<think>The square is small; zoom in.</think>\n<tool_call>\n{"name": "zoom", "arguments": {"factor": 2}}\n</tool_call>',
        });
  const server = await startLoopbackServer([first, completion({ content: answer })]);
  const dir = await mkdtemp(join(tmpdir(), `thinkgym-served-${mode}-`));
  cleanups.push(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });
  const policy = new OpenAIPolicy({ baseUrl: server.baseUrl, model: 'probe', mode, maxRetries: 0 });
  const probe = new ProbeEnv({ images: new MemoryImageStore() });
  const writer = await DatasetWriter.open(dir, {
    envs: { 'probe-v0': manifestEnv(probe.spec, probe.tools) },
    policy: policy.name,
    format: policy.format,
    rewards: DEFAULT_REWARD_CONFIG,
    seeds: [1],
  });
  const env = new GuardedEnv(new ProbeEnv({ images: writer.images }));
  const record = await runEpisode(env, policy, { seed: 1, images: writer.images, format: policy.format });
  await writer.append(record);
  await writer.close();
  expect(record.success).toBe(true);
  expect(server.requests).toHaveLength(2);
  return { dir, server, answer };
}

function requestMessages(server: LoopbackServer, index: number): WireMessage[] {
  const json = server.requests[index]?.json as { messages: WireMessage[] } | undefined;
  if (json === undefined) throw new Error(`the server got no request ${index}`);
  return json.messages;
}

/** The image files of a ShareGPT row, as sha256s (the files are named by their hash). */
function rowImages(row: ShareGptRow): string[] {
  return row.images.map((path) => basename(path, '.png'));
}

describe('what the policy sent is what the exports hold', () => {
  it('native mode: the OpenAI export repeats the request bodies, and the ShareGPT export renders the same text', async () => {
    const { dir, server, answer } = await playServed('native');
    const sent = requestMessages(server, 1);
    // The second request extends the first: the conversation is rebuilt the same way each turn.
    expect(sent.slice(0, requestMessages(server, 0).length)).toEqual(requestMessages(server, 0));
    const body = server.requests[1]?.json as { tools?: { function: Record<string, unknown> }[] } | undefined;
    const tools = body?.tools ?? [];
    expect(tools).toHaveLength(2);

    const openai = await exportOpenAI(dir, join(dir, 'export', 'openai.jsonl'));
    expect(openai.written).toBe(1);
    const [row] = (await readFile(openai.file, 'utf8'))
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as OpenAIRow);
    expect(row?.messages).toEqual([...sent, { role: 'assistant', content: answer }]);
    expect(row?.tools.map(({ function: { strict: _strict, ...rest } }) => ({ type: 'function', function: rest }))).toEqual(tools);

    const sharegpt = await exportShareGpt(dir, join(dir, 'export', 'sharegpt.json'));
    expect(sharegpt.written).toBe(1);
    const [shared] = JSON.parse(await readFile(sharegpt.file, 'utf8')) as ShareGptRow[];
    if (shared === undefined) throw new Error('no ShareGPT row');
    const functions = checkShareGptRow(shared);
    const [system, task, call, tool, toolImages] = sent;
    expect(shared.system).toBe(flatten(system as WireMessage));
    expect(shared.messages.map((message) => message.role)).toEqual(['user', 'function_call', 'observation', 'assistant']);
    expect(shared.messages[0]?.content).toBe(flatten(task as WireMessage));
    // The call parses back (every LLaMA-Factory release) to the call the server returned, with its thought.
    const wireCall = call as Extract<WireMessage, { role: 'assistant' }>;
    for (const rule of FUNCTION_RULES) {
      const parsed = applyFunctionRule(shared.messages[1]?.content ?? '', rule);
      expect(parsed.calls).toEqual(
        (wireCall.tool_calls ?? []).map((entry) => ({
          name: entry.function.name,
          arguments: JSON.parse(entry.function.arguments) as unknown,
        })),
      );
      expect(parsed.prefix.replace(/<\/?think>/g, '').trim()).toBe(
        flatten(wireCall)
          .replace(/<\/?think>/g, '')
          .trim(),
      );
    }
    expect(functions.size).toBe(1);
    // The tool message and the user message with its image are one observation, joined by a newline.
    expect(shared.messages[2]?.content).toBe(`${flatten(tool as WireMessage)}\n${flatten(toolImages as WireMessage)}`);
    expect(shared.messages[3]?.content).toBe(answer);
    expect(rowImages(shared)).toEqual(wireImages(sent));
    expect(rowImages(shared)).toHaveLength(2);
  });

  it('text mode: the ShareGPT export holds the rendered request messages exactly, images in the same order', async () => {
    const { dir, server, answer } = await playServed('text');
    const sent = requestMessages(server, 1);
    const sharegpt = await exportShareGpt(dir, join(dir, 'export', 'sharegpt.jsonl'));
    expect(sharegpt.written).toBe(1);
    const shared = JSON.parse((await readFile(sharegpt.file, 'utf8')).trim()) as ShareGptRow;
    checkShareGptRow(shared);
    const [system, ...turns] = sent;
    expect(shared.system).toBe(flatten(system as WireMessage));
    expect(shared.messages).toEqual([
      ...turns.map((message) => ({ role: message.role, content: flatten(message) })),
      { role: 'assistant', content: answer },
    ]);
    expect(shared.messages[2]?.content).toBe('<tool_response>\nZoomed ×2:\n<image>\n</tool_response>');
    expect(rowImages(shared)).toEqual(wireImages(sent));
    expect(rowImages(shared)).toHaveLength(2);
  });
});
