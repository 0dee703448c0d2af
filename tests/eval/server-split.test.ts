import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../envs/index.js';
import { splitSeed } from '../../core/split.js';
import { type RunningServer, startServer } from '../../server/index.js';

/** A parsed JSON reply, read by path in assertions. */
// biome-ignore lint/suspicious/noExplicitAny: replies are arbitrary JSON, checked field by field by expect.
type Json = any;

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ port: 0, defaultEnv: 'maze-v0' });
});
afterAll(async () => {
  await server.close();
});

async function call(path: string, body: unknown): Promise<{ status: number; json: Json }> {
  const response = await server.fetch(new Request(`http://in-process${path}`, { method: 'POST', body: JSON.stringify(body) }));
  return { status: response.status, json: (await response.json()) as Json };
}

describe('the env server takes a split on reset', () => {
  it('resets the split seed of the index, the same task generate --split draws, and refuses bad splits', async () => {
    const reset = await call('/reset', { env: 'maze-v0', seed: 3, split: 'validation', options: { observation: 'ascii' } });
    expect(reset.status).toBe(200);
    const state = (await (await server.fetch(new Request(`http://in-process/state?session_id=${reset.json.session_id}`))).json()) as Json;
    expect(state.seed).toBe(splitSeed('maze-v0', 0, 'validation', 3));
    const raw = await call('/reset', { env: 'maze-v0', seed: splitSeed('maze-v0', 0, 'validation', 3), options: { observation: 'ascii' } });
    expect(raw.json.observation.text).toBe(reset.json.observation.text);
    const rawThree = await call('/reset', { env: 'maze-v0', seed: 3, options: { observation: 'ascii' } });
    expect(rawThree.json.observation.text).not.toBe(reset.json.observation.text);
    const bad = await call('/reset', { env: 'maze-v0', seed: 3, split: 'dev' });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.json)).toContain('\\"split\\" must be one of train, validation, test, got \\"dev\\".');
    const negative = await call('/reset', { env: 'maze-v0', seed: -1, split: 'test' });
    expect(JSON.stringify(negative.json)).toContain('With \\"split\\", \\"seed\\" is an index into the split');
    for (const body of [reset.json, raw.json, rawThree.json]) await call('/close', { session_id: body.session_id });
  }, 30_000);
});
