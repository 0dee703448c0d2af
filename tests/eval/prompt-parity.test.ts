import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OpenAIPolicy } from '../../agents/policies/openai.js';
import type { PolicyContext, PromptFormat } from '../../agents/policy.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { registry, validateEnvOptions } from '../../core/registry.js';
import { DEFAULT_IMAGE_BUDGET, type EvalConfig } from '../../eval/config.js';
import { evalSeed, makeEvalEnv, runEval } from '../../eval/runner.js';
import { DEFAULT_REWARD_CONFIG } from '../../rewards/terms.js';
import { exportOpenAI } from '../../trajectories/export-openai.js';
import { exportShareGpt } from '../../trajectories/export-sharegpt.js';
import { DatasetWriter, manifestEnv } from '../../trajectories/writer.js';
import '../../envs/index.js';

const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

async function config(env: string, dialect: PromptFormat): Promise<EvalConfig> {
  const { spec } = await registry.loadEnv(env);
  return {
    env,
    version: spec.version,
    split: 'test',
    seeds: { start: 3, count: 1 },
    envOptions: validateEnvOptions(spec, {}),
    dialect,
    policy: { name: 'oracle' },
    sampling: null,
    rewardPreset: 'weighted',
    maxTurns: spec.maxTurns,
    imageBudget: DEFAULT_IMAGE_BUDGET,
  };
}

/** The first request a model would get in an evaluation of task `index` (system, tools, task). */
async function evalRequest(pinned: EvalConfig, mode: 'native' | 'text'): Promise<{ messages: unknown[]; tools?: unknown[] }> {
  const images = new MemoryImageStore();
  const env = await makeEvalEnv(pinned, registry, images);
  const seed = evalSeed(pinned, pinned.seeds.start);
  const reset = await env.reset({ seed });
  const context: PolicyContext = {
    env,
    spec: env.spec,
    tools: env.tools,
    seed,
    task: reset.observation,
    turns: [],
    last: { observation: reset.observation, info: reset.info },
    images,
    format: pinned.dialect,
  };
  const policy = new OpenAIPolicy({ baseUrl: 'http://127.0.0.1:9/v1', model: 'eval', mode, dialect: pinned.dialect });
  const body = await policy.requestBody(context);
  await env.close();
  return body as { messages: unknown[]; tools?: unknown[] };
}

/** Runs the oracle on the same task through the eval runner into a dataset, as `generate` would write it. */
async function recordedDataset(pinned: EvalConfig): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'thinkgym-parity-'));
  folders.push(dir);
  const { spec } = await registry.loadEnv(pinned.env);
  const probe = await registry.makeEnv(pinned.env, { options: pinned.envOptions });
  const writer = await DatasetWriter.open(dir, {
    envs: { [pinned.env]: manifestEnv(spec, probe.tools, { options: pinned.envOptions, maxTurns: pinned.maxTurns }) },
    policy: 'oracle',
    format: pinned.dialect,
    rewards: DEFAULT_REWARD_CONFIG,
    seeds: [evalSeed(pinned, pinned.seeds.start)],
  });
  await probe.close();
  await runEval(pinned, { registry, images: writer.images, onEpisode: (record) => writer.append(record) });
  await writer.close();
  return dir;
}

interface WirePart {
  readonly type: string;
  readonly text?: string;
  readonly image_url?: { readonly url: string };
}

function parts(content: string | readonly WirePart[]): readonly WirePart[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

/** The text a chat template renders by concatenating parts, images as `<image>` (the exporters' rule). */
function flatten(content: string | readonly WirePart[]): string {
  return parts(content)
    .map((part) => (part.type === 'text' ? (part.text ?? '') : '<image>'))
    .join('');
}

function sha256OfDataUrl(url: string): string {
  return createHash('sha256')
    .update(Buffer.from(url.replace(/^data:image\/png;base64,/, ''), 'base64'))
    .digest('hex');
}

/** A parsed export row, read by path in assertions. */
// biome-ignore lint/suspicious/noExplicitAny: rows are arbitrary JSON, checked field by field by expect.
type Json = any;

async function firstRow(file: string): Promise<Json> {
  return JSON.parse((await readFile(file, 'utf8')).split('\n')[0] as string);
}

describe('the eval prompt of a task is the SFT export prompt of the same task', () => {
  for (const [env, dialect, mode] of [
    ['chart-v0', 'openai', 'native'],
    ['chart-v0', 'hermes', 'text'],
    ['graph-v0', 'hermes', 'text'],
  ] as const) {
    it(`${env}, ${dialect}: system prompt, tools and task are equal, images byte for byte`, async () => {
      const pinned = await config(env, dialect);
      const request = await evalRequest(pinned, mode);
      const dir = await recordedDataset(pinned);
      if (dialect === 'openai') {
        const openai = await exportOpenAI(dir, join(dir, 'export', 'openai.jsonl'));
        expect(openai.written).toBe(1);
        const row = await firstRow(openai.file);
        expect(row.messages.slice(0, 2)).toEqual(request.messages.slice(0, 2));
        const tools = (list: unknown[] | undefined) =>
          (list ?? []).map((tool: Json) => [tool.function.name, tool.function.description, tool.function.parameters]);
        expect(tools(row.tools)).toEqual(tools(request.tools));
        return;
      }
      const sharegpt = await exportShareGpt(dir, join(dir, 'export', 'sharegpt.jsonl'));
      expect(sharegpt.written).toBe(1);
      const row = await firstRow(sharegpt.file);
      const [system, user] = request.messages as { content: string | WirePart[] }[];
      expect(row.system).toBe(flatten(system?.content ?? ''));
      expect(row.messages[0].content).toBe(flatten(user?.content ?? ''));
      const sent = parts(user?.content ?? '').filter((part) => part.type === 'image_url');
      expect(sent.length).toBe(env === 'chart-v0' ? 1 : 0);
      const exported = (row.images as string[]).slice(0, sent.length).map((path) => basename(path, '.png'));
      expect(sent.map((part) => sha256OfDataUrl(part.image_url?.url ?? ''))).toEqual(exported);
    }, 60_000);
  }
});
