import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'thinkgym.js');
const PYTHON = '/usr/bin/python3';
const run = promisify(execFile);

/** Starts `thinkgym serve --port 0` as a child and resolves with its URL once it listens. */
function serve(args: readonly string[]): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolveServe, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^ ]+)/.exec(output);
      if (match?.[1] !== undefined) resolveServe({ child, url: match[1], output: () => output });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`thinkgym serve exited with ${code}: ${output}`)));
  });
}

function python(script: string, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(PYTHON, [script, ...args], { cwd: ROOT, timeout: 60_000 });
}

describe('clients against a live `thinkgym serve`', () => {
  let server: { child: ChildProcess; url: string; output: () => string };

  beforeAll(async () => {
    server = await serve(['--max-sessions', '8']);
  }, 30_000);

  afterAll(() => {
    // The last test stops the server with SIGTERM; this only covers a failure before it.
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  });

  it('plays maze-v0 to the goal over WebSocket with the Python client (Debian python3)', async () => {
    const { stdout } = await python('tests/server/python/play_maze.py', server.url, '11');
    expect(JSON.parse(stdout)).toMatchObject({ done: true, success: true, reward: 0.99 });
  });

  it('checks the Python HTTP client and the TRL and verl adapters against the server', async () => {
    const { stdout } = await python('tests/server/python/check_adapters.py', server.url);
    expect(stdout.trim().split('\n').at(-1)).toBe('all adapter checks passed');
  });

  it('serves MCP over streamable HTTP to the SDK client', async () => {
    const client = new Client({ name: 'thinkgym-test', version: '0.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp/stream?env=maze-v0`)));
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['reset', 'move', 'draw_path']);
    const reset = await client.callTool({ name: 'reset', arguments: { seed: 1 } });
    const parts = reset.content as { type: string; mimeType?: string }[];
    expect(parts.some((part) => part.type === 'image' && part.mimeType === 'image/png')).toBe(true);
    const move = await client.callTool({ name: 'move', arguments: { direction: 'sideways' } });
    expect(move.isError).toBe(true);
    expect(JSON.stringify(move.content)).toContain('must be one of');
    await client.close();
  });

  it('shuts down on SIGTERM with an open WebSocket session, exiting 0', async () => {
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
    await new Promise((resolveOpen, reject) => {
      socket.once('open', resolveOpen);
      socket.once('error', reject);
    });
    const closedSocket = new Promise<number>((resolveClose) => socket.once('close', (code) => resolveClose(code)));
    const exited = new Promise<string>((resolveExit) => server.child.once('exit', (code, signal) => resolveExit(`${code} ${signal}`)));
    server.child.kill('SIGTERM');
    expect(await closedSocket).toBe(1001);
    expect(await exited).toBe('0 null');
    expect(Number(/SIGTERM: closing (\d+) sessions/.exec(server.output())?.[1])).toBeGreaterThanOrEqual(1);
    expect(server.output()).toContain('stopped');
  });
});

describe('MCP over stdio', () => {
  it('lists and calls the env tools with the SDK client', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'serve', '--stdio', '--env', 'maze-v0'],
      cwd: ROOT,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'thinkgym-test', version: '0.0.0' });
    await client.connect(transport);
    const { tools } = await client.listTools();
    expect(tools.find((tool) => tool.name === 'move')?.inputSchema).toMatchObject({ type: 'object' });
    const early = await client.callTool({ name: 'move', arguments: { direction: 'up' } });
    expect(early.isError).toBe(true);
    expect(JSON.stringify(early.content)).toContain('send a reset');
    await client.callTool({ name: 'reset', arguments: { seed: 2, options: { observation: 'ascii' } } });
    const step = await client.callTool({ name: 'draw_path', arguments: { points: '1,1; 1,3' } });
    expect(step.structuredContent).toMatchObject({ turn: 1, done: false });
    await client.close();
  }, 30_000);
});
