import { MemoryImageStore } from '../core/image-store.js';
import { ServerError, toServerError } from './errors.js';
import { callMcpTool, mcpTools, toMcpResult } from './mcp-tools.js';
import type { Session } from './session.js';
import type { SessionTable } from './sessions.js';
import { isObject } from './wire.js';

/** A JSON-RPC 2.0 response. */
export type RpcResponse =
  | { jsonrpc: '2.0'; id: string | number | null; result: unknown }
  | { jsonrpc: '2.0'; id: string | number | null; error: { code: number; message: string; data?: unknown } };

const SERVER_VERSION = '0.1.0';

/** Where an RPC came from: the WebSocket's own session, or a header naming one (HTTP). */
export interface RpcContext {
  readonly session?: Session;
  readonly sessionId?: string;
}

/**
 * OpenEnv's JSON-RPC surface (`POST /mcp` and the WebSocket `mcp` message): `tools/list`,
 * `tools/call`, `openenv/session/create` and `openenv/session/close`, plus `initialize` and
 * `ping`. A session is named by `params.session_id`, the `X-OpenEnv-Session-Id` header, or is the
 * WebSocket's own. Returns `null` for notifications (no `id`).
 */
export async function handleRpc(table: SessionTable, message: unknown, context: RpcContext = {}): Promise<RpcResponse | null> {
  if (!isObject(message) || message.jsonrpc !== '2.0' || typeof message.method !== 'string') {
    return rpcError(null, -32600, 'Invalid request: send {"jsonrpc": "2.0", "id", "method", "params"}.');
  }
  const id = typeof message.id === 'string' || typeof message.id === 'number' ? message.id : null;
  if (message.id === undefined) return null;
  const params = isObject(message.params) ? message.params : {};
  try {
    return { jsonrpc: '2.0', id, result: await dispatch(table, message.method, params, context) };
  } catch (error) {
    if (error instanceof RpcMethodError) return rpcError(id, error.rpcCode, error.message);
    const failure = toServerError(error);
    const code = failure.wireCode === 'VALIDATION_ERROR' ? -32602 : -32000;
    const data = isObject(failure.data) ? { code: failure.wireCode, ...failure.data } : { code: failure.wireCode };
    return rpcError(id, code, failure.message, data);
  }
}

class RpcMethodError extends Error {
  readonly rpcCode: number;

  constructor(rpcCode: number, message: string) {
    super(message);
    this.rpcCode = rpcCode;
  }
}

async function dispatch(table: SessionTable, method: string, params: Record<string, unknown>, context: RpcContext): Promise<unknown> {
  switch (method) {
    case 'initialize':
      return {
        protocolVersion: typeof params.protocolVersion === 'string' ? params.protocolVersion : '2025-06-18',
        capabilities: { tools: {} },
        serverInfo: { name: 'thinkgym', version: SERVER_VERSION },
      };
    case 'ping':
      return {};
    case 'tools/list': {
      const session = findSession(table, params, context, false);
      if (session !== undefined) return { tools: mcpTools(await session.prepare(undefined)) };
      const envId = typeof params.env === 'string' ? params.env : table.config.defaultEnv;
      const env = await table.registry.makeEnv(envId, { images: new MemoryImageStore() }).catch((error: unknown) => {
        throw toServerError(error);
      });
      await env.close();
      return { tools: mcpTools(env) };
    }
    case 'tools/call': {
      const session = findSession(table, params, context, true) as Session;
      return callMcpTool(session, params.name, params.arguments);
    }
    case 'openenv/session/create': {
      const session = table.open('mcp');
      try {
        const options = params.options;
        if (options !== undefined && !isObject(options)) throw new ServerError('VALIDATION_ERROR', '"options" must be an object.');
        const reply = await session.reset({
          seed: params.seed === undefined ? 0 : Number(params.seed),
          images: 'inline',
          ...(typeof params.env === 'string' ? { env: params.env } : {}),
          ...(options === undefined ? {} : { options }),
        });
        return { session_id: session.id, ...toMcpResult(reply) };
      } catch (error) {
        await session.close('creation failed');
        throw error;
      }
    }
    case 'openenv/session/close': {
      const session = findSession(table, params, context, true) as Session;
      await session.close('closed by the client');
      return { closed: true, session_id: session.id };
    }
    default:
      throw new RpcMethodError(
        -32601,
        `Unknown method "${method}"; use tools/list, tools/call, openenv/session/create or openenv/session/close.`,
      );
  }
}

function findSession(table: SessionTable, params: Record<string, unknown>, context: RpcContext, required: boolean): Session | undefined {
  const id = params.session_id ?? context.sessionId;
  if (id !== undefined) return table.get(id);
  if (context.session !== undefined) return context.session;
  if (required) {
    throw new ServerError(
      'VALIDATION_ERROR',
      'No session: call openenv/session/create first and pass its session_id (in params or the X-OpenEnv-Session-Id header).',
    );
  }
  return undefined;
}

/** A JSON-RPC error response. */
export function rpcError(id: string | number | null, code: number, message: string, data?: unknown): RpcResponse {
  return { jsonrpc: '2.0', id, error: data === undefined ? { code, message } : { code, message, data } };
}
