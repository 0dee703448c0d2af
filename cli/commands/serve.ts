import { integerFlag, parseCommand, UsageError } from '../args.js';

const USAGE = `Usage: thinkgym serve [--port 8000] [--host 127.0.0.1] [options]

Serves every registered env to RL trainers (OpenEnv WebSocket /ws, HTTP sessions, MCP). See docs/SERVER.md.

  --port N             port (default 8000; 0 picks a free one)
  --host HOST          interface to bind (default 127.0.0.1; 0.0.0.0 serves other machines)
  --max-sessions N     most sessions at once (default 64); the next gets CAPACITY_REACHED
  --idle-timeout S     close sessions idle this many seconds (default 300)
  --step-timeout S     fail a step that runs longer and close its session (default 60)
  --images MODE        inline (base64 PNG, default) or url (GET /images/<sha256>)
  --env ID             env a reset without "env" plays (default maze-v0)
  --max-request-kb N   largest request body or WebSocket message, KiB (default 1024)
  --allow-file-options let clients set env options that name server files (levels, file…)
  --stdio              serve one env (--env) as an MCP server on stdin/stdout instead`;

/** `thinkgym serve`: runs the env server until SIGINT or SIGTERM, then shuts down gracefully. */
export async function serveCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseCommand(
    argv,
    {
      port: { type: 'string' },
      host: { type: 'string' },
      'max-sessions': { type: 'string' },
      'idle-timeout': { type: 'string' },
      'step-timeout': { type: 'string' },
      images: { type: 'string' },
      env: { type: 'string' },
      'max-request-kb': { type: 'string' },
      'allow-file-options': { type: 'boolean' },
      stdio: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    USAGE,
  );
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const images = values.images ?? 'inline';
  if (images !== 'inline' && images !== 'url') throw new UsageError(`--images must be inline or url, got "${images}".`);
  const seconds = (name: 'idle-timeout' | 'step-timeout', fallback: number): number => integerFlag(values[name], name, fallback, 1) * 1000;
  const config = {
    maxSessions: integerFlag(values['max-sessions'], 'max-sessions', 64, 1),
    idleTimeoutMs: seconds('idle-timeout', 300),
    stepTimeoutMs: seconds('step-timeout', 60),
    maxRequestBytes: integerFlag(values['max-request-kb'], 'max-request-kb', 1024, 1) * 1024,
    images: images as 'inline' | 'url',
    defaultEnv: values.env ?? 'maze-v0',
    allowFileOptions: values['allow-file-options'] === true,
  } as const;
  const { registry } = await import('../../core/registry.js');
  registry.envRegistration(config.defaultEnv);
  if (values.stdio === true) {
    const { resolveConfig, SessionTable, serveMcpStdio } = await import('../../server/index.js');
    const table = new SessionTable(resolveConfig(config));
    const server = await serveMcpStdio(table, config.defaultEnv);
    await new Promise<void>((resolve) => {
      server.onclose = () => resolve();
      process.stdin.once('end', () => resolve());
    });
    await table.closeAll('stdin closed');
    return 0;
  }
  const { startServer } = await import('../../server/index.js');
  const server = await startServer({ ...config, port: integerFlag(values.port, 'port', 8000, 0), host: values.host ?? '127.0.0.1' });
  // Handlers first: a supervisor may signal as soon as it reads the line below.
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      console.log(`${signal}: closing ${server.table.size} sessions and shutting down`);
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  const envs = registry.listEnvs().map((registration) => registration.id);
  console.log(`thinkgym serve listening on ${server.url} (WebSocket ${server.wsUrl}) with ${envs.join(', ')}`);
  console.log(
    `  max ${config.maxSessions} sessions, idle timeout ${config.idleTimeoutMs / 1000} s, step timeout ${config.stepTimeoutMs / 1000} s, images ${config.images}`,
  );
  await stopped;
  await server.close();
  console.log('stopped');
  return 0;
}
