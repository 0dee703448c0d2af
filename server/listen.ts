import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { serve } from '@hono/node-server';
import { WebSocketServer } from 'ws';
import type { Registry } from '../core/registry.js';
import { resolveConfig, type ServerConfig } from './config.js';
import { createHttpApp } from './http.js';
import { SessionTable } from './sessions.js';
import { serveConnection } from './ws.js';

/** Options of {@link startServer}. */
export interface StartOptions extends Partial<ServerConfig> {
  /** Port to listen on; 0 picks a free one. Default 8000. */
  readonly port?: number;
  /** Interface to bind. Default 127.0.0.1 (use 0.0.0.0 to serve other machines). */
  readonly host?: string;
  /** Registry to serve envs from (the default one, with the built-in envs, when omitted). */
  readonly registry?: Registry;
}

/** A running server. */
export interface RunningServer {
  /** `http://host:port` */
  readonly url: string;
  /** `ws://host:port/ws` */
  readonly wsUrl: string;
  readonly port: number;
  readonly table: SessionTable;
  /** The web-standard handler, for in-process requests. */
  readonly fetch: (request: Request) => Response | Promise<Response>;
  /**
   * Graceful shutdown: stops accepting connections, closes every WebSocket (1001) and session,
   * then waits for in-flight HTTP requests up to `graceMs` before dropping the rest.
   */
  close(graceMs?: number): Promise<void>;
}

/** Starts the HTTP + WebSocket server (one Node `http.Server`; `/ws` upgrades to WebSocket). */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const { port = 8000, host = '127.0.0.1', registry, ...overrides } = options;
  const config = resolveConfig(overrides);
  const table = new SessionTable(config, registry);
  const app = createHttpApp(table);
  const sockets = new Set<Socket>();
  const server = await new Promise<HttpServer>((resolve, reject) => {
    const created = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(created as HttpServer)) as HttpServer;
    created.once('error', reject);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxRequestBytes * 4 });
  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => serveConnection(table, ws, request));
  });
  table.startReaper();
  const address = server.address() as AddressInfo;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shown}:${address.port}`,
    wsUrl: `ws://${shown}:${address.port}/ws`,
    port: address.port,
    table,
    fetch: app.fetch,
    close(graceMs = 5000) {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const client of wss.clients) client.close(1001, 'server shutting down');
        await table.closeAll('server shutting down');
        server.closeIdleConnections?.();
        const timer = setTimeout(() => {
          for (const client of wss.clients) client.terminate();
          for (const socket of sockets) socket.destroy();
        }, graceMs);
        timer.unref();
        await stopped;
        clearTimeout(timer);
        wss.close();
      })();
      return closing;
    },
  };
}
