import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli-child.js';

/** One `thinkgym serve` replica on a loopback port the OS picked. */
interface Replica {
  readonly child: ChildProcess;
  readonly url: string;
}

function serve(): Promise<Replica> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--max-sessions', '8'], {
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
});
