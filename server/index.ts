/**
 * The env server: every registered env over OpenEnv-compatible WebSocket and HTTP, MCP
 * (JSON-RPC and the official SDK's transports), with a session table, idle reaper, step timeout,
 * bounded messages and graceful shutdown. See docs/SERVER.md.
 */
export * from './config.js';
export * from './errors.js';
export { createHttpApp } from './http.js';
export * from './listen.js';
export { createMcpServer, McpHttpEndpoint, serveMcpStdio } from './mcp.js';
export { handleRpc } from './rpc.js';
export * from './session.js';
export * from './sessions.js';
export * from './wire.js';
