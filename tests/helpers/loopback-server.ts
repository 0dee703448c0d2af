import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One scripted answer of the server. */
export interface ScriptedResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON value (sent as JSON) or a string (sent as is). */
  readonly body?: unknown;
  /** Never answer: hold the connection open until the client gives up or the server closes. */
  readonly hang?: boolean;
}

/** What a response fixture file holds: a recorded response shape with its status and headers. */
export interface ResponseFixture extends ScriptedResponse {
  /** Where the shape comes from and what it shows. */
  readonly description: string;
}

/** A request as the server received it. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The body parsed as JSON (undefined when it was not JSON). */
  readonly json: unknown;
}

/** A running loopback server. */
export interface LoopbackServer {
  /** `http://127.0.0.1:<port>/v1` */
  readonly baseUrl: string;
  /** Requests received so far, in order. */
  readonly requests: ReceivedRequest[];
  /** Queues more responses. */
  push(...responses: ScriptedResponse[]): void;
  /** Responses not yet served. */
  readonly pending: number;
  /** Stops the server and drops open connections; calling it again is harmless. */
  close(): Promise<void>;
}

/** Reads a recorded response fixture from `tests/fixtures/openai/<name>.json`. */
export function loadFixture(name: string): ResponseFixture {
  const url = new URL(`../fixtures/openai/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as ResponseFixture;
}

/**
 * Starts a real HTTP server on 127.0.0.1 (port 0: the OS picks a free one) that answers each
 * request with the next scripted response and records what it received. When the script runs out
 * it answers 599 with a JSON error, so a test that sends too many requests fails loudly.
 */
export async function startLoopbackServer(script: readonly ScriptedResponse[] = []): Promise<LoopbackServer> {
  const queue: ScriptedResponse[] = [...script];
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(raw) as unknown;
      } catch {
        json = undefined;
      }
      requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, json });
      const next = queue.shift();
      if (next === undefined) {
        send(response, {
          status: 599,
          body: { error: { message: 'loopback script exhausted', type: 'test_error', param: null, code: null } },
        });
        return;
      }
      if (next.hang === true) return;
      send(response, next);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    push: (...responses) => {
      queue.push(...responses);
    },
    get pending() {
      return queue.length;
    },
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      });
      return closing;
    },
  };
}

function send(response: ServerResponse, scripted: ScriptedResponse): void {
  const body = scripted.body === undefined ? '' : typeof scripted.body === 'string' ? scripted.body : JSON.stringify(scripted.body);
  const headers: Record<string, string> = { ...(scripted.headers ?? {}) };
  if (typeof scripted.body !== 'string' && scripted.body !== undefined) headers['content-type'] ??= 'application/json';
  response.writeHead(scripted.status, headers);
  response.end(body);
}
