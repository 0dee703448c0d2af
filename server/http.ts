import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MemoryImageStore } from '../core/image-store.js';
import { isSplitName, SPLIT_NAMES } from '../core/split.js';
import type { GuardedEnv } from '../core/wrappers.js';
import type { ImageMode } from './config.js';
import { errorBody, ServerError, toServerError } from './errors.js';
import { McpHttpEndpoint } from './mcp.js';
import { handleRpc, rpcError } from './rpc.js';
import { actionSchema, envMetadata, OBSERVATION_SCHEMA, STATE_SCHEMA } from './schema.js';
import type { ResetRequest } from './session.js';
import type { SessionTable } from './sessions.js';
import { isObject } from './wire.js';

const SESSION_HEADER = 'x-session-id';
const OPENENV_SESSION_HEADER = 'x-openenv-session-id';

/**
 * The HTTP side of the server as a web-standard `fetch(Request) → Response` handler (Hono), which
 * tests drive in-process and the Node listener serves:
 *
 * - `POST /reset {env?, seed?, split?, options?, episode_id?, session_id?, images?, format?}` opens a
 *   session (or resets the one named) and returns `{session_id, observation, reward, done}`;
 * - `POST /step {session_id, action}` returns `{observation, reward, done}`;
 * - `GET /state?session_id=`, `POST /close {session_id}`;
 * - `GET /health`, `/metadata[?env=]`, `/schema[?env=]`, `/images/<sha256>`;
 * - `POST /mcp` (OpenEnv's JSON-RPC) and `/mcp/stream` (MCP streamable HTTP).
 *
 * Unlike OpenEnv's stateless `/reset` and `/step` (a fresh env per request), these keep the env in
 * a session named by `session_id` (body, query, or the `X-Session-Id` header).
 */
export function createHttpApp(table: SessionTable): Hono {
  const app = new Hono();
  const mcp = new McpHttpEndpoint(table);
  const limit = table.config.maxRequestBytes;

  app.use(
    '*',
    bodyLimit({
      maxSize: limit,
      onError: (c) =>
        c.json(
          {
            error: errorBody(new ServerError('VALIDATION_ERROR', `The request body is larger than ${limit} bytes; send smaller requests.`)),
          },
          413,
        ),
    }),
  );

  app.onError((error, c) => {
    const failure = toServerError(error);
    return c.json({ error: errorBody(failure) }, failure.status as 400);
  });

  app.notFound((c) =>
    c.json(
      {
        error: {
          code: 'UNKNOWN_TYPE',
          message: `No route ${c.req.method} ${new URL(c.req.url).pathname}; see GET /metadata and docs/SERVER.md.`,
        },
      },
      404,
    ),
  );

  app.get('/health', (c) => c.json({ status: 'healthy', sessions: table.size, max_sessions: table.config.maxSessions }));

  app.get('/metadata', async (c) => {
    const envId = c.req.query('env');
    if (envId !== undefined) return c.json(await withEnv(table, envId, envMetadata));
    const envs = table.registry
      .listEnvs()
      .filter((registration) => table.config.envs === undefined || table.config.envs.includes(registration.id))
      .map((registration) => ({ id: registration.id, summary: registration.summary }));
    return c.json({
      name: 'thinkgym',
      description: 'Seeded envs with JSON-schema tools for agents that think with images, videos and graphs.',
      default_env: table.config.defaultEnv,
      envs,
      max_sessions: table.config.maxSessions,
      idle_timeout_s: table.config.idleTimeoutMs / 1000,
      step_timeout_s: table.config.stepTimeoutMs / 1000,
      images: table.config.images,
    });
  });

  app.get('/schema', async (c) => {
    const envId = c.req.query('env');
    const action = envId === undefined ? actionSchema() : await withEnv(table, envId, actionSchema);
    return c.json({ action, observation: OBSERVATION_SCHEMA, state: STATE_SCHEMA });
  });

  app.get('/images/:name', (c) => {
    const sha256 = c.req.param('name').replace(/\.png$/, '');
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new ServerError('VALIDATION_ERROR', 'Image names are 64 lower-case hex digits (a sha256).');
    const bytes = table.image(sha256);
    if (bytes === undefined) {
      throw new ServerError(
        'SESSION_ERROR',
        `Image ${sha256} is not held by any open session (images live until their session's next reset or close).`,
      );
    }
    return new Response(new Uint8Array(bytes), {
      headers: { 'content-type': 'image/png', 'cache-control': 'public, max-age=31536000, immutable' },
    });
  });

  app.post('/reset', async (c) => {
    const body = await readJson(c.req.raw);
    const request = resetRequest(body);
    const named = body.session_id ?? c.req.header(SESSION_HEADER);
    const session = named === undefined ? table.open('http') : table.get(named);
    try {
      const reply = await session.reset(request);
      return c.json({ session_id: session.id, ...reply });
    } catch (error) {
      if (named === undefined) await session.close('reset failed');
      throw error;
    }
  });

  app.post('/step', async (c) => {
    const body = await readJson(c.req.raw);
    const session = table.get(body.session_id ?? c.req.header(SESSION_HEADER));
    if (!('action' in body)) throw new ServerError('VALIDATION_ERROR', 'POST /step needs {"session_id", "action"}.');
    return c.json(await session.step(body.action));
  });

  app.get('/state', (c) => c.json(table.get(c.req.query('session_id') ?? c.req.header(SESSION_HEADER)).state()));

  app.post('/close', async (c) => {
    const body = await readJson(c.req.raw);
    const session = table.get(body.session_id ?? c.req.header(SESSION_HEADER));
    await session.close('closed by the client');
    return c.json({ closed: true, session_id: session.id });
  });

  app.post('/mcp', async (c) => {
    let message: unknown;
    try {
      message = JSON.parse(await c.req.text());
    } catch {
      return c.json(rpcError(null, -32700, 'Parse error: the body is not JSON.'));
    }
    const sessionId = c.req.header(OPENENV_SESSION_HEADER) ?? c.req.header(SESSION_HEADER);
    const response = await handleRpc(table, message, sessionId === undefined ? {} : { sessionId });
    return response === null ? c.body(null, 202) : c.json(response);
  });

  app.all('/mcp/stream', (c) => mcp.handle(c.req.raw));

  return app;
}

async function readJson(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text();
  let value: unknown;
  try {
    value = text === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw new ServerError('INVALID_JSON', `The request body is not JSON (${(error as Error).message}).`);
  }
  if (!isObject(value)) throw new ServerError('VALIDATION_ERROR', 'The request body must be a JSON object.');
  return value;
}

/** Reads the fields of a reset from a JSON object (an HTTP body or a WebSocket message's `data`). */
export function resetRequest(data: Record<string, unknown>): ResetRequest {
  const request: { -readonly [K in keyof ResetRequest]: ResetRequest[K] } = {};
  if (data.env !== undefined) {
    if (typeof data.env !== 'string') throw new ServerError('VALIDATION_ERROR', '"env" must be an env id such as "maze-v0".');
    request.env = data.env;
  }
  if (data.seed !== undefined && data.seed !== null) {
    if (typeof data.seed !== 'number' || !Number.isSafeInteger(data.seed))
      throw new ServerError('VALIDATION_ERROR', `"seed" must be an integer, got ${JSON.stringify(data.seed)}.`);
    request.seed = data.seed;
  }
  if (data.split !== undefined && data.split !== null) {
    if (typeof data.split !== 'string' || !isSplitName(data.split))
      throw new ServerError('VALIDATION_ERROR', `"split" must be one of ${SPLIT_NAMES.join(', ')}, got ${JSON.stringify(data.split)}.`);
    request.split = data.split;
  }
  if (data.options !== undefined) {
    if (!isObject(data.options))
      throw new ServerError('VALIDATION_ERROR', '"options" must be an object of env options (see GET /metadata?env=<id>).');
    request.options = data.options;
  }
  if (data.episode_id !== undefined && data.episode_id !== null) request.episodeId = String(data.episode_id);
  if (data.images !== undefined) {
    if (data.images !== 'inline' && data.images !== 'url') throw new ServerError('VALIDATION_ERROR', '"images" must be "inline" or "url".');
    request.images = data.images as ImageMode;
  }
  if (data.format !== undefined) {
    if (data.format !== 'hermes' && data.format !== 'openai')
      throw new ServerError('VALIDATION_ERROR', '"format" must be "hermes" or "openai".');
    request.format = data.format;
  }
  return request;
}

async function withEnv<T>(table: SessionTable, envId: string, use: (env: GuardedEnv) => T): Promise<T> {
  if (table.config.envs !== undefined && !table.config.envs.includes(envId)) {
    throw new ServerError('VALIDATION_ERROR', `This server does not serve "${envId}"; it serves ${table.config.envs.join(', ')}.`);
  }
  const env = await table.registry.makeEnv(envId, { images: new MemoryImageStore() }).catch((error: unknown) => {
    throw toServerError(error);
  });
  try {
    return use(env);
  } finally {
    await env.close();
  }
}
