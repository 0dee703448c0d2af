import { afterEach, describe, expect, it } from 'vitest';
import { runEpisode } from '../../agents/episode.js';
import { parseModelOutput } from '../../agents/parse.js';
import { OpenAIPolicy, type OpenAIPolicyOptions } from '../../agents/policies/openai.js';
import type { PolicyContext, PromptFormat } from '../../agents/policy.js';
import { openAITools } from '../../agents/prompt.js';
import { contentImages } from '../../core/content.js';
import { GymError, ModelServerError } from '../../core/errors.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { GuardedEnv } from '../../core/wrappers.js';
import { type LoopbackServer, loadFixture, type ScriptedResponse, startLoopbackServer } from '../helpers/loopback-server.js';
import { TinyEnv } from './tiny-env.js';

const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(...script: (string | ScriptedResponse)[]): Promise<LoopbackServer> {
  const server = await startLoopbackServer(script.map((entry) => (typeof entry === 'string' ? loadFixture(entry) : entry)));
  servers.push(server);
  return server;
}

async function startEpisode(format: PromptFormat): Promise<PolicyContext & { images: MemoryImageStore }> {
  const images = new MemoryImageStore();
  const env = new GuardedEnv(new TinyEnv({ images }), { maxTurns: 4 });
  const reset = await env.reset({ seed: 1 });
  return { env, spec: env.spec, tools: env.tools, seed: 1, task: reset.observation, turns: [], last: reset, images, format };
}

function policy(server: LoopbackServer, options: Partial<OpenAIPolicyOptions> = {}): { policy: OpenAIPolicy; sleeps: number[] } {
  const sleeps: number[] = [];
  const created = new OpenAIPolicy({
    baseUrl: server.baseUrl,
    model: 'Qwen/Qwen2.5-VL-7B-Instruct',
    sleep: async (milliseconds) => {
      sleeps.push(milliseconds);
    },
    ...options,
  });
  return { policy: created, sleeps };
}

/** The JSON body the server got for request `index`. */
function received(server: LoopbackServer, index = 0): Record<string, unknown> & { messages: Record<string, unknown>[] } {
  const json = server.requests[index]?.json;
  if (json === undefined) throw new Error(`no request ${index}`);
  return json as Record<string, unknown> & { messages: Record<string, unknown>[] };
}

describe('OpenAIPolicy over a loopback server', () => {
  it('text mode: sends the Hermes prompt and images as data URLs, returns the content raw', async () => {
    const server = await serve('vllm-text-hermes');
    const { policy: client } = policy(server, {
      mode: 'text',
      apiKey: 'sk-test',
      temperature: 0.2,
      maxTokens: 256,
      extraBody: { top_p: 0.9 },
    });
    const context = await startEpisode('hermes');
    await client.begin(context);
    const output = await client.act(context);

    const recorded = loadFixture('vllm-text-hermes').body as { choices: { message: { content: string } }[] };
    expect(output.text).toBe(recorded.choices[0]?.message.content);
    expect(output.text).toContain('<tool_call>\n{"name": "look", "arguments": {"region": "center", "zoom": 2}}\n</tool_call>');
    expect(output.toolCalls).toBeUndefined();
    expect(parseModelOutput(output)).toEqual({ type: 'tool_call', name: 'look', arguments: { region: 'center', zoom: 2 } });
    expect(client.name).toBe('openai:Qwen/Qwen2.5-VL-7B-Instruct');
    expect(client.format).toBe('hermes');

    const request = server.requests[0];
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe('Bearer sk-test');
    expect(request?.headers['content-type']).toBe('application/json');
    const body = received(server);
    expect(body).toMatchObject({ model: 'Qwen/Qwen2.5-VL-7B-Instruct', temperature: 0.2, max_tokens: 256, top_p: 0.9 });
    expect(body.tools).toBeUndefined();
    const [system, user] = body.messages;
    expect(system?.role).toBe('system');
    expect(system?.content).toContain('<tools>\n{"type":"function","function":{"name":"look"');
    expect(system?.content).toContain('<tool_call>');
    expect(user?.role).toBe('user');
    const parts = user?.content as { type: string; text?: string; image_url?: { url: string } }[];
    expect(parts.map((part) => part.type)).toEqual(['text', 'image_url']);
    const url = parts[1]?.image_url?.url ?? '';
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    const sha256 = contentImages(context.task)[0]?.sha256 ?? '';
    expect(Buffer.from(url.slice('data:image/png;base64,'.length), 'base64').equals(await context.images.get(sha256))).toBe(true);
  });

  it('native mode: sends tools, reads tool_calls, and answers them with tool messages and image_url user turns', async () => {
    const server = await serve('vllm-native-tool-call', 'openai-tool-call');
    const { policy: client } = policy(server);
    const images = new MemoryImageStore();
    const env = new GuardedEnv(new TinyEnv({ images }), { maxTurns: 4 });
    const record = await runEpisode(env, client, { seed: 1, images });

    expect(record.format).toBe('openai');
    expect(record.policy).toBe('openai:Qwen/Qwen2.5-VL-7B-Instruct');
    expect(record.steps[0]?.output).toEqual({
      text: '',
      toolCalls: [{ id: 'chatcmpl-tool-5c1f0f3d8a1e4b0f9a5d2e7c6b4a3f21', name: 'look', arguments: '{"region": "center", "zoom": 2}' }],
    });
    expect(record.steps[0]?.action).toMatchObject({
      type: 'tool_call',
      name: 'look',
      id: 'chatcmpl-tool-5c1f0f3d8a1e4b0f9a5d2e7c6b4a3f21',
    });
    expect(record.steps[1]?.action).toMatchObject({ type: 'tool_call', name: 'answer', arguments: { answer: '7' } });
    expect(record.terminated).toBe(true);

    const first = received(server, 0);
    expect(first.tools).toEqual(JSON.parse(JSON.stringify(openAITools(env.tools))));
    expect((first.tools as { function: { name: string } }[]).map((tool) => tool.function.name)).toEqual(['look', 'fail', 'answer']);
    expect(first.messages[0]?.content).not.toContain('<tools>');

    const second = received(server, 1);
    expect(second.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'tool', 'user']);
    expect(second.messages[2]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'chatcmpl-tool-5c1f0f3d8a1e4b0f9a5d2e7c6b4a3f21',
          type: 'function',
          function: { name: 'look', arguments: '{"region": "center", "zoom": 2}' },
        },
      ],
    });
    expect(second.messages[3]).toEqual({
      role: 'tool',
      tool_call_id: 'chatcmpl-tool-5c1f0f3d8a1e4b0f9a5d2e7c6b4a3f21',
      content: expect.stringMatching(/^The digit is \d\.$/),
    });
    const imageTurn = second.messages[4]?.content as { type: string; image_url?: { url: string } }[];
    expect(imageTurn.map((part) => part.type)).toEqual(['text', 'image_url']);
    expect(imageTurn[1]?.image_url?.url).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    expect(client.usage).toEqual({ requests: 2, retries: 0, promptTokens: 598 + 655, completionTokens: 29 + 15 });
  });

  it('puts reasoning_content (and the newer reasoning field) back in front as <think>', async () => {
    const fixture = loadFixture('vllm-reasoning');
    const renamed = JSON.parse(JSON.stringify(fixture.body).replace('"reasoning_content"', '"reasoning"')) as unknown;
    const server = await serve(fixture, { status: 200, body: renamed });
    const { policy: client } = policy(server);
    const context = await startEpisode('openai');
    const output = await client.act(context);
    expect(output.text).toBe('<think>\nThe look tool said the digit is 7, so I can answer now.\n</think>\n\n\n<answer>7</answer>');
    expect(parseModelOutput(output)).toEqual({ type: 'answer', answer: '7' });
    expect(await client.act(context)).toEqual(output);
  });

  it('retries a 429, honouring Retry-After, then succeeds', async () => {
    const server = await serve('rate-limit-429', 'ollama-text');
    const { policy: client, sleeps } = policy(server, { model: 'qwen2.5vl:7b' });
    const output = await client.act(await startEpisode('openai'));
    expect(output).toEqual({ text: '<think>The picture shows a 3.</think>\n<answer>3</answer>' });
    expect(server.requests).toHaveLength(2);
    expect(received(server, 0)).toEqual(received(server, 1));
    expect(sleeps).toEqual([1000]);
    expect(client.usage).toMatchObject({ requests: 2, retries: 1 });
  });

  it('retries a 500 with seeded exponential backoff, then succeeds', async () => {
    const delays: number[][] = [];
    for (let run = 0; run < 2; run += 1) {
      const server = await serve('server-error-500', 'server-error-500', 'ollama-text');
      const { policy: client, sleeps } = policy(server, { retryBaseDelayMs: 400 });
      expect((await client.act(await startEpisode('openai'))).text).toContain('<answer>3</answer>');
      expect(server.requests).toHaveLength(3);
      delays.push(sleeps);
    }
    const [first, second] = delays;
    expect(first).toHaveLength(2);
    expect(first?.[0]).toBeGreaterThanOrEqual(200);
    expect(first?.[0]).toBeLessThanOrEqual(400);
    expect(first?.[1]).toBeGreaterThanOrEqual(400);
    expect(first?.[1]).toBeLessThanOrEqual(800);
    expect(second).toEqual(first);
  });

  it('does not retry a 400 and reports the server message (context length)', async () => {
    const server = await serve('vllm-context-length-400', 'ollama-text');
    const { policy: client, sleeps } = policy(server);
    const error = await client.act(await startEpisode('openai')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelServerError);
    expect(error).toMatchObject({ status: 400, code: 'model-server' });
    expect((error as Error).message).toContain("This model's maximum context length is 32768 tokens");
    expect(server.requests).toHaveLength(1);
    expect(server.pending).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('reads the flat error body of older vLLM servers', async () => {
    const server = await serve('vllm-legacy-error-404');
    const { policy: client } = policy(server, { model: 'qwen-vl' });
    await expect(client.act(await startEpisode('openai'))).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining('does not exist'),
    });
    expect(server.requests).toHaveLength(1);
  });

  it('gives up after maxRetries with the last status and message', async () => {
    const server = await serve('server-error-500', 'server-error-500', 'server-error-500');
    const { policy: client, sleeps } = policy(server, { maxRetries: 2 });
    const error = await client.act(await startEpisode('openai')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelServerError);
    expect(error).toMatchObject({ status: 500 });
    expect((error as Error).message).toContain('The server had an error while processing your request');
    expect((error as Error).message).toContain('gave up after 3 attempts');
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it('times out a server that never answers', async () => {
    const server = await serve({ status: 200, hang: true }, { status: 200, hang: true });
    const { policy: client } = policy(server, { timeoutMs: 150, maxRetries: 1 });
    const error = await client.act(await startEpisode('openai')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelServerError);
    expect((error as ModelServerError).status).toBeUndefined();
    expect((error as Error).message).toContain('did not answer within 150 ms');
    expect(server.requests).toHaveLength(2);
  });

  it('reports a server that is not there', async () => {
    const server = await serve();
    const baseUrl = server.baseUrl;
    await server.close();
    const { policy: client, sleeps } = policy(server, { baseUrl, maxRetries: 1 });
    const error = await client.act(await startEpisode('openai')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelServerError);
    expect((error as Error).message).toMatch(/could not reach http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions/);
    expect(sleeps).toHaveLength(1);
  });

  it('stops at once when the episode signal aborts, without retrying', async () => {
    const server = await serve({ status: 200, hang: true });
    const { policy: client } = policy(server, { timeoutMs: 60_000 });
    const controller = new AbortController();
    const context = { ...(await startEpisode('openai')), signal: controller.signal };
    const pending = client.act(context).catch((caught: unknown) => caught);
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const reason = new Error('user stopped');
    controller.abort(reason);
    expect(await pending).toBe(reason);
    expect(server.requests).toHaveLength(1);
  });

  it('uses an injected fetch, and rejects a 200 that is not JSON', async () => {
    const server = await serve({ status: 200, body: 'upstream proxy error', headers: { 'content-type': 'text/plain' } });
    const urls: string[] = [];
    const counting: typeof fetch = (input, init) => {
      urls.push(String(input));
      return fetch(input, init);
    };
    const { policy: client } = policy(server, { fetch: counting, baseUrl: `${server.baseUrl}/` });
    await expect(client.act(await startEpisode('openai'))).rejects.toThrow(/not JSON: upstream proxy error/);
    expect(urls).toEqual([`${server.baseUrl}/chat/completions`]);
  });

  it('refuses an episode whose format does not match its mode', async () => {
    const server = await serve();
    const { policy: client } = policy(server, { mode: 'native' });
    await expect(client.begin(await startEpisode('hermes'))).rejects.toThrow(GymError);
    await expect(client.begin(await startEpisode('hermes'))).rejects.toMatchObject({ code: 'format-mismatch' });
    expect(() => new OpenAIPolicy({ baseUrl: 'not a url', model: 'm' })).toThrow(/not a URL/);
  });
});
