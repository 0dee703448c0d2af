import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import WebSocket from 'ws';
import { GymError } from '../core/errors.js';
import type { BenchRow, BenchRun } from './report.js';

const STEPS_PER_SESSION = 400;
const DIRECTIONS = ['up', 'down', 'left', 'right'] as const;

/**
 * The env server on loopback: a `thinkgym serve` child process (as a trainer would reach it), maze-v0
 * (ASCII observations, no PNG) over WebSocket at 1, 16 and 64 concurrent sessions, each client sending one `move` at a time and waiting for its reply (as a
 * rollout does). Reports total steps/s and the p50/p99 round-trip latency of a step. Episodes
 * that end are reset (resets are not counted). Goal: >= 1,000 steps/s at p99 < 20 ms.
 */
export const run: BenchRun = async () => {
  const server = await serve();
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  try {
    await measure(server.wsUrl, 4, 100);
    for (const sessions of [1, 16, 64]) {
      const result = await measure(server.wsUrl, sessions, STEPS_PER_SESSION);
      rows.push(
        { name: `server maze steps/s, ${sessions} WS sessions`, value: result.rate, unit: 'steps/s', higherIsBetter: true },
        { name: `server step p50, ${sessions} sessions`, value: result.p50, unit: 'ms', higherIsBetter: false },
        { name: `server step p99, ${sessions} sessions`, value: result.p99, unit: 'ms', higherIsBetter: false },
      );
      notes.push(`${sessions} sessions: ${result.steps} steps in ${result.seconds.toFixed(2)} s`);
    }
  } finally {
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    server.child.kill('SIGTERM');
    await exited;
  }
  return {
    title: 'env server (loopback WebSocket, maze-v0 ASCII)',
    rows,
    notes: [...notes, 'server in a child process, clients in this one, on the same machine; goal >= 1000 steps/s at p99 < 20 ms'],
  };
};

async function serve(): Promise<{ child: ChildProcess; wsUrl: string }> {
  const bin = join(import.meta.dirname, '..', 'bin', 'thinkgym.js');
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--max-sessions', '64'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /WebSocket (ws:\/\/[^ )]+)/.exec(output);
      if (match?.[1] !== undefined) resolve({ child, wsUrl: match[1] });
    });
    child.once('exit', (code) => reject(new GymError('bench-failed', `thinkgym serve exited with ${code}: ${output}`)));
  });
}

/** Waits until the server holds no session (closing sockets frees them asynchronously). */
async function settle(wsUrl: string): Promise<void> {
  const health = wsUrl.replace(/^ws/, 'http').replace(/\/ws$/, '/health');
  for (;;) {
    const { sessions } = (await (await fetch(health)).json()) as { sessions: number };
    if (sessions === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function measure(
  url: string,
  sessions: number,
  steps: number,
): Promise<{ rate: number; p50: number; p99: number; steps: number; seconds: number }> {
  await settle(url);
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(Array.from({ length: sessions }, (_, index) => client(url, index, steps, latencies)));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { rate: latencies.length / seconds, p50: at(0.5), p99: at(0.99), steps: latencies.length, seconds };
}

async function client(url: string, index: number, steps: number, latencies: number[]): Promise<void> {
  const socket = new WebSocket(`${url}?env=maze-v0`);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const ask = (message: unknown): Promise<{ type: string; data: { done?: boolean; message?: string } }> =>
    new Promise((resolve) => {
      socket.once('message', (data) => resolve(JSON.parse(data.toString())));
      socket.send(JSON.stringify(message));
    });
  const reset = { type: 'reset', data: { seed: index, options: { observation: 'ascii' } } };
  const first = await ask(reset);
  if (first.type === 'error') throw new GymError('bench-failed', `server error on reset: ${first.data.message}`);
  for (let step = 0; step < steps; step += 1) {
    const direction = DIRECTIONS[(step * 7 + index) % 4];
    const sent = performance.now();
    const reply = await ask({ type: 'step', data: { tool_call: { name: 'move', arguments: { direction } } } });
    latencies.push(performance.now() - sent);
    if (reply.type === 'error') throw new GymError('bench-failed', `server error: ${reply.data.message}`);
    if (reply.data.done === true) await ask(reset);
  }
  socket.close();
}
