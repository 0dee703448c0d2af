import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { errorBody, ServerError, toServerError } from './errors.js';
import { callMcpTool, mcpTools } from './mcp-tools.js';
import type { Session } from './session.js';
import type { SessionTable } from './sessions.js';

const SERVER_INFO = { name: 'thinkgym', version: '0.1.0' };

/**
 * A standard MCP server (the official SDK's `Server`) over one env session: `tools/list` gives
 * `reset` and the env's tools with their JSON Schemas, `tools/call` runs them. Closing the MCP
 * connection closes the session.
 */
export function createMcpServer(session: Session, envId: string | undefined): Server {
  const server = new Server(SERVER_INFO, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => {
    try {
      return { tools: mcpTools(await session.prepare(envId)) };
    } catch (error) {
      throw new Error(toServerError(error).message);
    }
  });
  server.setRequestHandler(CallToolRequestSchema, async (request) =>
    callMcpTool(session, request.params.name, request.params.arguments ?? {}),
  );
  server.onclose = () => void session.close('MCP connection closed');
  return server;
}

/** Serves one env over MCP on stdin/stdout until the client disconnects. */
export async function serveMcpStdio(table: SessionTable, envId: string | undefined): Promise<Server> {
  const session = table.open('mcp');
  const server = createMcpServer(session, envId);
  await server.connect(new StdioServerTransport());
  return server;
}

/**
 * MCP's streamable HTTP transport (web-standard `Request`/`Response`), one thinkgym session per MCP
 * session: an `initialize` without `mcp-session-id` opens one (the env from `?env=`), and the MCP
 * session id is the thinkgym session id. DELETE, the idle reaper or shutdown end both.
 */
export class McpHttpEndpoint {
  private readonly table: SessionTable;
  private readonly transports = new Map<string, WebStandardStreamableHTTPServerTransport>();

  constructor(table: SessionTable) {
    this.table = table;
    table.onClose((session) => {
      const transport = this.transports.get(session.id);
      this.transports.delete(session.id);
      void transport?.close();
    });
  }

  /** Handles one HTTP request to the endpoint. */
  async handle(request: Request): Promise<Response> {
    const id = request.headers.get('mcp-session-id');
    if (id !== null) {
      const transport = this.transports.get(id);
      if (transport === undefined) return jsonRpcError(404, `No MCP session ${id} (it expired or was closed); initialize a new one.`);
      return transport.handleRequest(request);
    }
    if (request.method !== 'POST') return jsonRpcError(400, 'Start an MCP session with a POST of initialize.');
    let session: Session;
    try {
      session = this.table.open('mcp');
    } catch (error) {
      const failure = toServerError(error);
      return Response.json(
        { jsonrpc: '2.0', id: null, error: { code: -32000, message: failure.message, data: errorBody(failure) } },
        { status: failure.status },
      );
    }
    const envId = new URL(request.url).searchParams.get('env') ?? undefined;
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => session.id,
      enableJsonResponse: true,
      maxRequestBodySize: this.table.config.maxRequestBytes,
      onsessionclosed: () => void session.close('MCP session deleted'),
    });
    this.transports.set(session.id, transport);
    const server = createMcpServer(session, envId);
    await server.connect(transport);
    const response = await transport.handleRequest(request);
    if (transport.sessionId === undefined) {
      // The request was not a valid initialize: nothing to keep.
      this.transports.delete(session.id);
      await session.close('MCP initialize failed');
    }
    return response;
  }

  /** Open MCP sessions. */
  get size(): number {
    return this.transports.size;
  }
}

function jsonRpcError(status: number, message: string): Response {
  const failure = new ServerError(status === 404 ? 'SESSION_ERROR' : 'VALIDATION_ERROR', message, { status });
  return Response.json({ jsonrpc: '2.0', id: null, error: { code: -32000, message, data: errorBody(failure) } }, { status });
}
