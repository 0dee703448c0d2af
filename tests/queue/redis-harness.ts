import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's Redis server, installed by `.ci/run` when missing. */
export const REDIS_SERVER = '/usr/bin/redis-server';

/** A redis-server child on a free loopback port, with its data (AOF on) in a temp dir. */
export interface RedisHandle {
  readonly url: string;
  readonly port: number;
  /** Stops the server (SIGTERM; AOF kept) and starts it again on the same port and data. */
  restart(options?: { readonly downMs?: number }): Promise<void>;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (the OS picks it; the tiny race before redis binds it is retried by the caller). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether `PING` on the port answers `+PONG`. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

function launch(port: number, dir: string, fsync: string): ChildProcess {
  return spawn(
    REDIS_SERVER,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      fsync,
      '--save',
      '',
      '--daemonize',
      'no',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}

async function waitUp(child: ChildProcess, port: number): Promise<boolean> {
  for (let tries = 0; tries < 100; tries += 1) {
    if (child.exitCode !== null) return false;
    if (await ping(port)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts a real redis-server (AOF on, fsync `always` unless told `everysec`) on a free loopback port. Returns `null` only
 * when redis-server is missing or will not start, after printing why loudly: the queue tests
 * then skip, and `.ci/run` installs it so CI never does.
 */
export async function startRedis(options: { readonly appendfsync?: 'always' | 'everysec' } = {}): Promise<RedisHandle | null> {
  const fsync = options.appendfsync ?? 'always';
  if (!existsSync(REDIS_SERVER) || spawnSync(REDIS_SERVER, ['--version']).status !== 0) {
    console.warn(`\n!!! SKIPPING the queue tests: ${REDIS_SERVER} is missing or broken (apt-get install redis-server) !!!\n`);
    return null;
  }
  const dir = await mkdtemp(join(tmpdir(), 'thinkgym-redis-'));
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    let child = launch(port, dir, fsync);
    if (!(await waitUp(child, port))) {
      child.kill('SIGKILL');
      await exited(child);
      continue;
    }
    const handle: RedisHandle = {
      url: `redis://127.0.0.1:${port}`,
      port,
      restart: async (options = {}) => {
        child.kill('SIGTERM');
        await exited(child);
        await new Promise((resolve) => setTimeout(resolve, options.downMs ?? 500));
        child = launch(port, dir, fsync);
        if (!(await waitUp(child, port))) throw new Error(`redis-server did not come back on port ${port}`);
      },
      stop: async () => {
        child.kill('SIGKILL');
        await exited(child);
        await rm(dir, { recursive: true, force: true });
      },
    };
    return handle;
  }
  await rm(dir, { recursive: true, force: true });
  console.warn(`\n!!! SKIPPING the queue tests: ${REDIS_SERVER} would not start on a loopback port !!!\n`);
  return null;
}
