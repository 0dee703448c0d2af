import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import { errorBody, ServerError, toServerError } from './errors.js';
import { resetRequest } from './http.js';
import { handleRpc } from './rpc.js';
import type { Session } from './session.js';
import type { SessionTable } from './sessions.js';
import { isObject } from './wire.js';

/** Messages a connection may have waiting before the server stops reading its socket. */
const HIGH_WATER = 16;
const LOW_WATER = 4;
/** Bytes waiting to be sent on a connection above which the server stops answering it. */
const SEND_HIGH_WATER = 1024 * 1024;

/**
 * Serves one WebSocket connection in OpenEnv's protocol, with its own session (closed when the
 * socket closes, and the socket closed when the session is reaped or the server shuts down).
 *
 * In: `{"type": "reset", "data": {seed, env?, options?, episode_id?, images?, format?}}`,
 * `{"type": "step", "data": <action>}`, `{"type": "state"}`, `{"type": "close"}`,
 * `{"type": "mcp", "data": <JSON-RPC>}`. Out: `{"type": "observation", "data": {observation,
 * reward, done}}`, `{"type": "state", "data": {...}}`, `{"type": "mcp", "data": <JSON-RPC>}`,
 * `{"type": "error", "data": {message, code}}`. Messages are answered one at a time in order;
 * while many wait, or the client reads slowly, the server stops reading (backpressure).
 */
export function serveConnection(table: SessionTable, socket: WebSocket, request: IncomingMessage): void {
  const defaultEnv = new URL(request.url ?? '/ws', 'http://localhost').searchParams.get('env') ?? undefined;
  let session: Session;
  try {
    session = table.open('ws');
  } catch (error) {
    send(socket, { type: 'error', data: errorBody(toServerError(error)) });
    socket.close(1013, 'capacity reached');
    return;
  }
  const stopListening = table.onClose((closed, reason) => {
    if (closed !== session) return;
    stopListening();
    if (socket.readyState === socket.OPEN) socket.close(1000, truncate(`session closed: ${reason}`));
  });
  const queue: RawData[] = [];
  let working = false;
  let paused = false;

  const work = async (): Promise<void> => {
    if (working) return;
    working = true;
    try {
      for (let data = queue.shift(); data !== undefined; data = queue.shift()) {
        if (paused && queue.length <= LOW_WATER) {
          paused = false;
          socket.resume();
        }
        const reply = await answer(table, session, data, defaultEnv);
        if (socket.readyState !== socket.OPEN) return;
        if (reply === 'close') {
          socket.close(1000, 'closed by the client');
          return;
        }
        if (reply !== null) send(socket, reply);
        await drained(socket, SEND_HIGH_WATER);
      }
    } finally {
      working = false;
    }
  };

  socket.on('message', (data) => {
    queue.push(data);
    if (!paused && queue.length >= HIGH_WATER) {
      paused = true;
      socket.pause();
    }
    void work();
  });
  socket.on('close', () => {
    stopListening();
    void session.close('WebSocket closed');
  });
  socket.on('error', () => socket.terminate());
}

async function answer(table: SessionTable, session: Session, data: RawData, defaultEnv: string | undefined): Promise<unknown> {
  try {
    const size = rawLength(data);
    if (size > table.config.maxRequestBytes) {
      throw new ServerError(
        'VALIDATION_ERROR',
        `The message has ${size} bytes, more than the ${table.config.maxRequestBytes}-byte limit; send smaller messages.`,
      );
    }
    let message: unknown;
    try {
      message = JSON.parse(rawText(data));
    } catch (error) {
      throw new ServerError('INVALID_JSON', `The message is not JSON (${(error as Error).message}).`);
    }
    if (!isObject(message) || typeof message.type !== 'string') {
      throw new ServerError('VALIDATION_ERROR', 'A message is a JSON object with a string "type" (reset, step, state, close or mcp).');
    }
    switch (message.type) {
      case 'reset': {
        const fields = message.data ?? {};
        if (!isObject(fields)) throw new ServerError('VALIDATION_ERROR', 'The "data" of a reset must be an object such as {"seed": 0}.');
        const request = resetRequest(fields);
        const reply = await session.reset(
          request.env === undefined && defaultEnv !== undefined ? { ...request, env: defaultEnv } : request,
        );
        return { type: 'observation', data: reply };
      }
      case 'step':
        return { type: 'observation', data: await session.step(message.data) };
      case 'state':
        return { type: 'state', data: session.state() };
      case 'close':
        await session.close('closed by the client');
        return 'close';
      case 'mcp':
        return { type: 'mcp', data: await handleRpc(table, message.data, { session }) };
      default:
        throw new ServerError('UNKNOWN_TYPE', `Unknown message type "${message.type}"; use reset, step, state, close or mcp.`);
    }
  } catch (error) {
    return { type: 'error', data: errorBody(toServerError(error)) };
  }
}

function send(socket: WebSocket, message: unknown): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

/** Waits while more than `limit` bytes wait to be sent (a client that reads slowly). */
async function drained(socket: WebSocket, limit: number): Promise<void> {
  while (socket.readyState === socket.OPEN && socket.bufferedAmount > limit) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function rawLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}

function truncate(reason: string): string {
  return Buffer.byteLength(reason) <= 120 ? reason : `${reason.slice(0, 117)}...`;
}
