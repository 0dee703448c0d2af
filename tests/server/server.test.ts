import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import '../../envs/index.js';
import { type EnvDefinition, Registry } from '../../core/registry.js';
import { type RunningServer, startServer } from '../../server/index.js';
import { tinyDefinition } from '../agents/tiny-env.js';

/** A parsed JSON reply, read by path in assertions. */
// biome-ignore lint/suspicious/noExplicitAny: replies are arbitrary JSON, checked field by field by expect.
type Json = any;

type Message = { type: string; data: Record<string, unknown> };

/** Opens a WebSocket and resolves once open (or rejects on error). */
function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends a raw message and waits for the next reply. */
function ask(socket: WebSocket, message: unknown): Promise<Message> {
  return new Promise((resolve, reject) => {
    socket.once('message', (data) => resolve(JSON.parse(data.toString()) as Message));
    socket.once('close', (code, reason) => reject(new Error(`closed ${code} ${reason.toString()}`)));
    socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  });
}

const closed = (socket: WebSocket): Promise<{ code: number; reason: string }> =>
  new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function post(server: RunningServer, path: string, body: unknown): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${server.url}${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Json };
}

describe('env server over real sockets', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({ port: 0, maxSessions: 64, idleTimeoutMs: 400, maxRequestBytes: 64 * 1024 });
  });

  afterAll(async () => {
    await server.close(500);
  });

  it('plays maze-v0 over /ws in OpenEnv messages, with state and close', async () => {
    const socket = await open(`${server.wsUrl}?env=maze-v0`);
    const reset = await ask(socket, { type: 'reset', data: { seed: 4, options: { observation: 'ascii' }, episode_id: 'e-1' } });
    expect(reset.type).toBe('observation');
    const observation = reset.data.observation as Json;
    expect(reset.data.done).toBe(false);
    expect(observation.images).toEqual([]);
    expect(observation.text).toContain('You are at');
    expect(observation.system_prompt).toContain('<tools>');
    const step = await ask(socket, { type: 'step', data: { tool_call: { name: 'draw_path', arguments: { points: '1,1; 1,3' } } } });
    expect(step.type).toBe('observation');
    expect(typeof step.data.reward).toBe('number');
    const state = await ask(socket, { type: 'state' });
    expect(state.data).toMatchObject({ episode_id: 'e-1', step_count: 1, env: 'maze-v0', seed: 4 });
    const rpc = await ask(socket, { type: 'mcp', data: { jsonrpc: '2.0', id: 7, method: 'tools/list' } });
    expect((rpc.data as Json).result.tools.map((tool: { name: string }) => tool.name)).toEqual(['reset', 'move', 'draw_path']);
    const ended = closed(socket);
    socket.send(JSON.stringify({ type: 'close' }));
    expect((await ended).code).toBe(1000);
    await waitFor(() => server.table.size === 0);
  });

  it('answers bad JSON, unknown types, bad actions and oversize messages with clear errors and stays up', async () => {
    const socket = await open(server.wsUrl);
    const badJson = await ask(socket, '{not json');
    expect(badJson.data).toMatchObject({ code: 'INVALID_JSON' });
    const unknown = await ask(socket, { type: 'dance' });
    expect(unknown.data).toMatchObject({ code: 'UNKNOWN_TYPE' });
    expect(String(unknown.data.message)).toContain('reset, step, state, close or mcp');
    const early = await ask(socket, { type: 'step', data: { answer: 'x' } });
    expect(early.data).toMatchObject({ code: 'EXECUTION_ERROR' });
    expect(String(early.data.message)).toContain('send a reset');
    const badEnv = await ask(socket, { type: 'reset', data: { env: 'maze-v9', seed: 1 } });
    expect(badEnv.data.code).toBe('VALIDATION_ERROR');
    expect(String(badEnv.data.message)).toContain('maze-v0');
    const fileOption = await ask(socket, { type: 'reset', data: { seed: 1, options: { levels: '/etc/passwd' } } });
    expect(String(fileOption.data.message)).toContain('names a file on the server');
    await ask(socket, { type: 'reset', data: { seed: 1 } });
    const badAction = await ask(socket, { type: 'step', data: { move: 'up' } });
    expect(badAction.data.code).toBe('VALIDATION_ERROR');
    const oversize = await ask(socket, { type: 'step', data: { text: 'x'.repeat(70 * 1024) } });
    expect(oversize.data.code).toBe('VALIDATION_ERROR');
    expect(String(oversize.data.message)).toContain('limit');
    const still = await ask(socket, { type: 'step', data: { text: 'no tags at all' } });
    expect((still.data.observation as Json).info.invalid.reason).toBe('no-action');
    socket.close();
    const health = await fetch(`${server.url}/health`);
    expect(await health.json()).toMatchObject({ status: 'healthy' });
  });

  it('frees the session of a client that vanishes mid-episode', async () => {
    await waitFor(() => server.table.size === 0);
    const before = server.table.size;
    const socket = await open(server.wsUrl);
    await ask(socket, { type: 'reset', data: { seed: 2 } });
    expect(server.table.size).toBe(before + 1);
    socket.terminate();
    await waitFor(() => server.table.size === before);
  });

  it('reaps a half-open connection after the idle timeout and closes its socket', async () => {
    // A raw TCP client that completes the upgrade and then never speaks again.
    const raw: Socket = connect(server.port, '127.0.0.1');
    const received: Buffer[] = [];
    raw.on('data', (chunk) => received.push(chunk));
    raw.write(
      'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    await waitFor(() => server.table.size === 1);
    await waitFor(() => server.table.size === 0, 3000);
    await waitFor(() => Buffer.concat(received).includes(Buffer.from('idle for more than')));
    raw.destroy();
  });

  it('keeps state across HTTP /reset and /step with a session id, and explains unknown and expired ids', async () => {
    const reset = await post(server, '/reset', { env: 'maze-v0', seed: 3, options: { observation: 'ascii' } });
    expect(reset.status).toBe(200);
    const id = reset.json.session_id as string;
    const step = await post(server, '/step', { session_id: id, action: { tool_call: { name: 'move', arguments: { direction: 'left' } } } });
    expect(step.json.observation.turn).toBe(1);
    const state = (await (await fetch(`${server.url}/state?session_id=${id}`)).json()) as Record<string, unknown>;
    expect(state.step_count).toBe(1);
    expect((await post(server, '/step', { session_id: 'nope', action: { answer: 'x' } })).json.error.code).toBe('SESSION_ERROR');
    expect((await post(server, '/step', '{oops')).json.error.code).toBe('INVALID_JSON');
    const big = await post(server, '/step', { session_id: id, action: { text: 'y'.repeat(100 * 1024) } });
    expect(big.status).toBe(413);
    await waitFor(() => server.table.size === 0, 3000);
    const expired = await post(server, '/step', { session_id: id, action: { answer: 'x' } });
    expect(expired.status).toBe(404);
    expect(expired.json.error.message).toContain('expired');
  });

  it('runs OpenEnv JSON-RPC on POST /mcp: session create, tools/call, close', async () => {
    const rpc = async (method: string, params: Json = {}, headers: Record<string, string> = {}): Promise<Json> =>
      (
        await fetch(`${server.url}/mcp`, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) })
      ).json();
    const created = await rpc('openenv/session/create', { env: 'maze-v0', seed: 6, options: { observation: 'ascii' } });
    const id = created.result.session_id as string;
    expect(created.result.content[0].text).toContain('You are at');
    const listed = await rpc('tools/list', {}, { 'X-OpenEnv-Session-Id': id });
    expect(listed.result.tools.map((tool: Json) => tool.name)).toEqual(['reset', 'move', 'draw_path']);
    const called = await rpc('tools/call', { session_id: id, name: 'move', arguments: { direction: 'nowhere' } });
    expect(called.result.isError).toBe(true);
    expect(called.result.content[0].text).toContain('must be one of');
    expect(called.result.structuredContent.turn).toBe(1);
    expect((await rpc('openenv/session/close', { session_id: id })).result.closed).toBe(true);
    expect((await rpc('tools/call', { session_id: id, name: 'move', arguments: {} })).error.data.code).toBe('SESSION_ERROR');
    expect((await rpc('tools/call', { name: 'move' })).error.message).toContain('openenv/session/create');
    expect((await rpc('dance')).error.code).toBe(-32601);
    const parse = await (await fetch(`${server.url}/mcp`, { method: 'POST', body: '{' })).json();
    expect(parse.error.code).toBe(-32700);
  });

  it('answers through the fetch handler in-process as over the socket', async () => {
    const reset = await server.fetch(
      new Request('http://in-process/reset', { method: 'POST', body: JSON.stringify({ seed: 9, options: { observation: 'ascii' } }) }),
    );
    const body = (await reset.json()) as Json;
    expect(body.observation.turn).toBe(0);
    const step = await server.fetch(
      new Request('http://in-process/step', {
        method: 'POST',
        headers: { 'x-session-id': body.session_id },
        body: JSON.stringify({
          action: { text: '<think>go</think><tool_call>{"name": "move", "arguments": {"direction": "down"}}</tool_call>' },
        }),
      }),
    );
    expect(((await step.json()) as Json).observation.turn).toBe(1);
    expect((await server.fetch(new Request('http://in-process/nowhere'))).status).toBe(404);
    await server.fetch(new Request('http://in-process/close', { method: 'POST', body: JSON.stringify({ session_id: body.session_id }) }));
  });

  it('serves /health, /metadata, /schema and images by URL', async () => {
    expect(await (await fetch(`${server.url}/health`)).json()).toMatchObject({ status: 'healthy' });
    const metadata = (await (await fetch(`${server.url}/metadata?env=maze-v0`)).json()) as Json;
    expect(metadata.tools.map((tool: Json) => tool.function.name)).toEqual(['move', 'draw_path']);
    const schema = (await (await fetch(`${server.url}/schema?env=maze-v0`)).json()) as Json;
    expect(Object.keys(schema)).toEqual(['action', 'observation', 'state']);
    const reset = await post(server, '/reset', { seed: 5, images: 'url' });
    const image = reset.json.observation.images[0];
    expect(image.url).toBe(`/images/${image.sha256}`);
    const png = await fetch(`${server.url}${image.url}`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    await post(server, '/close', { session_id: reset.json.session_id });
    expect((await fetch(`${server.url}${image.url}`)).status).toBe(404);
  });
});

describe('env server lifecycle', () => {
  it('refuses the 65th session with CAPACITY_REACHED, and accepts again once one closes', async () => {
    // Its own server: the shared one reaps idle sessions too fast for 64 connections on a busy machine.
    const server = await startServer({ port: 0, maxSessions: 64 });
    const sockets = await Promise.all(Array.from({ length: 64 }, () => open(server.wsUrl)));
    await waitFor(() => server.table.size === 64);
    const extra = new WebSocket(server.wsUrl);
    const reply = await new Promise<Message>((resolve) => extra.once('message', (data) => resolve(JSON.parse(data.toString()))));
    expect(reply).toMatchObject({ type: 'error', data: { code: 'CAPACITY_REACHED' } });
    expect((await closed(extra)).code).toBe(1013);
    const http = await post(server, '/reset', { seed: 1 });
    expect(http.status).toBe(503);
    expect(http.json.error.code).toBe('CAPACITY_REACHED');
    sockets[0]?.close();
    await waitFor(() => server.table.size === 63);
    const again = await open(server.wsUrl);
    expect((await ask(again, { type: 'reset', data: { seed: 1 } })).type).toBe('observation');
    for (const socket of [...sockets, again]) socket.close();
    await waitFor(() => server.table.size === 0);
    await server.close(500);
  });

  it('times out a slow reset, closing that session only', async () => {
    // An env whose reset sleeps past the step timeout.
    const base = tinyDefinition(true, 'slow-v0');
    const slow: EnvDefinition = {
      spec: base.spec,
      create: async (options, context) => {
        const env = await base.create(options, context);
        const reset = env.reset.bind(env);
        env.reset = async (request) => {
          await new Promise((resolve) => setTimeout(resolve, 400));
          return reset(request);
        };
        return env;
      },
    };
    const registry = new Registry();
    registry.registerEnv({ id: 'slow-v0', summary: 'sleeps on reset', load: async () => slow });
    const server = await startServer({ port: 0, stepTimeoutMs: 100, registry, defaultEnv: 'slow-v0' });
    try {
      const socket = await open(server.wsUrl);
      const other = await open(server.wsUrl);
      const ended = closed(socket);
      const reply = await ask(socket, { type: 'reset', data: { seed: 0 } });
      expect(reply.data).toMatchObject({ code: 'EXECUTION_ERROR' });
      expect(String(reply.data.message)).toContain('took longer than 0.1 s');
      expect((await ended).reason).toContain('reset timed out');
      expect(server.table.size).toBe(1);
      other.close();
    } finally {
      await server.close(200);
    }
  });

  it('shuts down gracefully: sockets get 1001 and every session is closed', async () => {
    const server = await startServer({ port: 0 });
    const socket = await open(server.wsUrl);
    await ask(socket, { type: 'reset', data: { seed: 1 } });
    const ended = closed(socket);
    await server.close(1000);
    expect((await ended).code).toBe(1001);
    expect(server.table.size).toBe(0);
  });
});
