import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli-child.js';

/** One `thinkgym serve` replica on a loopback port the OS picked. */
interface Replica {
  readonly child: ChildProcess;
  readonly url: string;
}

function serve(): Promise<Replica> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--max-sessions', '32'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^ ]+)/.exec(output);
      if (match?.[1] !== undefined) resolve({ child, url: match[1].replace(/\/$/, '') });
    });
    child.once('exit', (code) => reject(new Error(`thinkgym serve exited with ${code}: ${output}`)));
  });
}

/**
 * A client that spreads sessions over replicas round robin and keeps each session on the replica
 * that opened it (the stickiness a load balancer gives by session id).
 */
class ReplicaClient {
  private next = 0;
  private readonly home = new Map<string, string>();

  constructor(private readonly replicas: readonly string[]) {}

  async reset(body: Record<string, unknown>): Promise<{ session: string; replica: string; observation: { text: string } }> {
    const replica = this.replicas[this.next++ % this.replicas.length] as string;
    const reply = (await post(`${replica}/reset`, body)) as { session_id: string; observation: { text: string } };
    this.home.set(reply.session_id, replica);
    return { session: reply.session_id, replica, observation: reply.observation };
  }

  async step(session: string, action: unknown): Promise<{ done: boolean; observation: { text: string } }> {
    const replica = this.home.get(session);
    if (replica === undefined) throw new Error(`unknown session ${session}`);
    return (await post(`${replica}/step`, { session_id: session, action }, { 'x-session-id': session })) as {
      done: boolean;
      observation: { text: string };
    };
  }
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as unknown;
  if (!response.ok)
    throw Object.assign(new Error(`${url} answered ${response.status}: ${JSON.stringify(json)}`), { status: response.status, json });
  return json;
}

describe('env-server replicas on loopback', () => {
  let replicas: Replica[] = [];

  beforeAll(async () => {
    replicas = await Promise.all([serve(), serve()]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(
      replicas.map(
        (replica) =>
          new Promise<void>((resolve) => {
            replica.child.once('exit', () => resolve());
            replica.child.kill('SIGTERM');
          }),
      ),
    );
  });

  it('a client spreads sessions over two replicas; each session plays on its own replica, and another replica does not know it', async () => {
    const client = new ReplicaClient(replicas.map((replica) => replica.url));
    const sessions = await Promise.all(
      Array.from({ length: 6 }, (_, seed) => client.reset({ env: 'maze-v0', seed, options: { observation: 'ascii' } })),
    );
    for (const replica of replicas) {
      const health = (await (await fetch(`${replica.url}/health`)).json()) as { sessions: number };
      expect(health.sessions).toBe(3);
    }
    // Same seed, either replica: the same task.
    const again = await client.reset({ env: 'maze-v0', seed: 0, options: { observation: 'ascii' } });
    expect(again.replica).toBe(replicas[0]?.url);
    const twin = await client.reset({ env: 'maze-v0', seed: 0, options: { observation: 'ascii' } });
    expect(twin.replica).toBe(replicas[1]?.url);
    expect(twin.observation.text).toBe(again.observation.text);
    // Every session steps on its home replica.
    const steps = await Promise.all(
      sessions.map((session) => client.step(session.session, { tool_call: { name: 'move', arguments: { direction: 'up' } } })),
    );
    expect(steps.every((step) => typeof step.observation.text === 'string')).toBe(true);
    // Without stickiness a step reaches a replica that never saw the session.
    const first = sessions[0];
    const stranger = replicas.find((replica) => replica.url !== first?.replica)?.url ?? '';
    const lost = await post(`${stranger}/step`, { session_id: first?.session, action: { answer: 'x' } }).catch(
      (error: { json: unknown }) => error.json,
    );
    expect(JSON.stringify(lost)).toContain('SESSION_ERROR');
  }, 60_000);

  it('behind nginx with deploy/nginx.conf: sessions spread over both replicas and each request with its X-Affinity-Key reaches its session', async () => {
    if (!existsSync(NGINX)) {
      console.warn(`\n!!! SKIPPING the nginx check: ${NGINX} is missing (apt-get install nginx-light) !!!\n`);
      return;
    }
    const balancer = await startNginx(replicas.map((replica) => new URL(replica.url).host));
    try {
      const sessions: { key: string; session: string }[] = [];
      for (let index = 0; index < 16; index += 1) {
        const key = `rollout-${index}`;
        const reply = (await post(
          `${balancer.url}/reset`,
          { env: 'maze-v0', seed: index, options: { observation: 'ascii' } },
          { 'x-affinity-key': key },
        )) as {
          session_id: string;
        };
        sessions.push({ key, session: reply.session_id });
      }
      const counts = await Promise.all(
        replicas.map(async (replica) => ((await (await fetch(`${replica.url}/health`)).json()) as { sessions: number }).sessions),
      );
      expect(counts.every((count) => count >= 1)).toBe(true);
      for (const { key, session } of sessions) {
        const step = (await post(
          `${balancer.url}/step`,
          { session_id: session, action: { tool_call: { name: 'move', arguments: { direction: 'up' } } } },
          { 'x-affinity-key': key },
        )) as { observation: { text: string } };
        expect(typeof step.observation.text).toBe('string');
      }
    } finally {
      await balancer.stop();
    }
  }, 60_000);
});

const NGINX = '/usr/sbin/nginx';

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** nginx with deploy/nginx.conf, its upstreams and port pointed at loopback, in a temp prefix. */
async function startNginx(backends: readonly string[]): Promise<{ url: string; stop: () => Promise<void> }> {
  const prefix = await mkdtemp(join(tmpdir(), 'thinkgym-nginx-'));
  const port = await freePort();
  const config = (await readFile(join(ROOT, 'deploy', 'nginx.conf'), 'utf8'))
    .replace('server env-a:8000;', `server ${backends[0]};`)
    .replace('server env-b:8000;', `server ${backends[1]};`)
    .replace('listen 8000;', `listen 127.0.0.1:${port};\n    access_log off;`);
  await writeFile(join(prefix, 'nginx.conf'), config);
  const child = spawn(
    NGINX,
    [
      '-p',
      prefix,
      '-c',
      join(prefix, 'nginx.conf'),
      '-e',
      join(prefix, 'error.log'),
      '-g',
      `daemon off; pid ${join(prefix, 'nginx.pid')};`,
    ],
    {
      stdio: 'ignore',
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries += 1) {
    const up = await fetch(`${url}/health`)
      .then((response) => response.ok)
      .catch(() => false);
    if (up) break;
    if (tries > 100 || child.exitCode !== null) {
      const log = await readFile(join(prefix, 'error.log'), 'utf8').catch(() => '');
      child.kill('SIGKILL');
      await rm(prefix, { recursive: true, force: true });
      throw new Error(`nginx did not start: ${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGQUIT');
      await exited;
      await rm(prefix, { recursive: true, force: true });
    },
  };
}
