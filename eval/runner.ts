import { readFile } from 'node:fs/promises';
import { runEpisode } from '../agents/episode.js';
import { ImageBudgetEnv } from '../agents/image-budget.js';
import { OpenAIPolicy } from '../agents/policies/openai.js';
import { OraclePolicy } from '../agents/policies/oracle.js';
import { RandomPolicy } from '../agents/policies/random.js';
import type { Policy } from '../agents/policy.js';
import { GymError } from '../core/errors.js';
import { contentFingerprint } from '../core/fingerprint.js';
import { type ImageStore, MemoryImageStore } from '../core/image-store.js';
import { type Registry, validateEnvOptions } from '../core/registry.js';
import { taskSeed } from '../core/split.js';
import { GuardedEnv } from '../core/wrappers.js';
import { episodeVisualLoad, type VisualTokenModel } from '../rewards/visual-tokens.js';
import type { EpisodeRecord, RendererVersions } from '../trajectories/record.js';
import type { EvalConfig } from './config.js';

/** One episode of an evaluation, as the report lists it. */
export interface EvalEpisode {
  /** Index into the split (the raw seed for split `none`). */
  readonly index: number;
  /** The reset seed. */
  readonly seed: number;
  /** Content fingerprint of the task (`core/fingerprint.ts`). */
  readonly fingerprint: string;
  readonly success: boolean;
  readonly score: number;
  readonly totalReward: number;
  readonly turns: number;
  readonly toolCalls: number;
  readonly invalidActions: number;
  /** Images in the episode's context (task and observations) and their visual tokens under the config's model. */
  readonly images: number;
  readonly visualTokens: number;
  /** Steps where an image cap withheld images. */
  readonly budgetHits: number;
}

/** Aggregates of an evaluation. */
export interface EvalResults {
  readonly episodes: number;
  readonly successRate: number;
  readonly meanScore: number;
  readonly meanReward: number;
  readonly meanTurns: number;
  readonly meanToolCalls: number;
  readonly invalidActions: number;
  readonly meanImages: number;
  readonly meanVisualTokens: number;
  readonly budgetHits: number;
}

/** Versions of what produced the numbers. */
export interface EvalVersions {
  readonly thinkgym: string;
  readonly node: string;
  /** sharp, libvips and the font packages, when the caller read them. */
  readonly renderer: RendererVersions | null;
}

/** What `thinkgym eval` writes (as JSON; {@link evalMarkdown} renders it). */
export interface EvalReport {
  readonly kind: 'thinkgym-eval';
  readonly schemaVersion: 1;
  readonly config: EvalConfig;
  readonly versions: EvalVersions;
  readonly results: EvalResults;
  readonly episodes: readonly EvalEpisode[];
  readonly createdAt: string;
  readonly durationMs: number;
}

/** Options of {@link runEval}. */
export interface RunEvalOptions {
  readonly registry: Registry;
  /** Renderer versions for the report (`trajectories/renderer-versions.ts`; it loads sharp). */
  readonly renderer?: RendererVersions | null;
  /** Where images go; memory by default. */
  readonly images?: ImageStore;
  /** Each finished episode record (to keep them, e.g. in a dataset). */
  readonly onEpisode?: (record: EpisodeRecord, index: number) => void | Promise<void>;
  /** The policy for each episode; built from `config.policy` by default. */
  readonly createPolicy?: () => Policy;
  readonly signal?: AbortSignal;
}

/**
 * Runs a pinned evaluation: the tasks of `config.split` at indices `config.seeds`, one episode
 * each, sequentially in index order (results never depend on scheduling), through the same
 * episode loop, prompt builder and parser as `generate`.
 */
export async function runEval(config: EvalConfig, options: RunEvalOptions): Promise<EvalReport> {
  const started = performance.now();
  const images = options.images ?? new MemoryImageStore();
  const env = await makeEvalEnv(config, options.registry, images);
  const createPolicy = options.createPolicy ?? (() => evalPolicy(config));
  const episodes: EvalEpisode[] = [];
  try {
    for (let index = config.seeds.start; index < config.seeds.start + config.seeds.count; index += 1) {
      const seed = evalSeed(config, index);
      const record = await runEpisode(env, createPolicy(), {
        seed,
        images,
        format: config.dialect,
        rewardPreset: config.rewardPreset,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      await options.onEpisode?.(record, index);
      episodes.push({
        index,
        seed,
        fingerprint: contentFingerprint(record.task, record.expected),
        success: record.success,
        score: record.score,
        totalReward: record.totalReward,
        turns: record.counts.turns,
        toolCalls: record.counts.toolCalls,
        invalidActions: record.counts.invalidActions,
        ...episodeBudget(record, config),
      });
    }
  } finally {
    await env.close();
  }
  return {
    kind: 'thinkgym-eval',
    schemaVersion: 1,
    config,
    versions: { thinkgym: await packageVersion(), node: process.version, renderer: options.renderer ?? null },
    results: aggregate(episodes),
    episodes,
    createdAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - started),
  };
}

/** The reset seed of a task index under the config's split. */
export function evalSeed(config: EvalConfig, index: number): number {
  return taskSeed(config.env, config.version, config.split === 'none' ? undefined : config.split, index);
}

/** Makes the env of a config, refusing a config pinned at another env version. */
export async function makeEvalEnv(config: EvalConfig, registry: Registry, images: ImageStore): Promise<GuardedEnv> {
  const definition = await registry.loadEnv(config.env);
  if (definition.spec.version !== config.version) {
    throw new GymError(
      'eval-version-mismatch',
      `The config is pinned at ${config.env} version ${config.version}, but this install has version ${definition.spec.version}; pin the config again.`,
    );
  }
  const { imageBudget: budget } = config;
  if (budget.maxImagesPerTurn === null && budget.maxImagesPerEpisode === null && budget.maxVisualTokensPerEpisode === null) {
    return registry.makeEnv(config.env, { options: config.envOptions, images, maxTurns: config.maxTurns });
  }
  const inner = await definition.create(validateEnvOptions(definition.spec, config.envOptions), { images });
  return new GuardedEnv(new ImageBudgetEnv(inner, { ...budget, model: budgetModel(config) }), { maxTurns: config.maxTurns });
}

function budgetModel(config: EvalConfig): VisualTokenModel {
  return { family: config.imageBudget.model, minPixels: config.imageBudget.minPixels, maxPixels: config.imageBudget.maxPixels };
}

function episodeBudget(record: EpisodeRecord, config: EvalConfig): { images: number; visualTokens: number; budgetHits: number } {
  const load = episodeVisualLoad(record, budgetModel(config));
  const budgetHits = record.steps.filter((step) => step.extra?.imageBudget !== undefined).length;
  return { images: load.images, visualTokens: load.visualTokens, budgetHits };
}

/** The policy a config names. */
export function evalPolicy(config: EvalConfig): Policy {
  const policy = config.policy;
  switch (policy.name) {
    case 'oracle':
      return new OraclePolicy();
    case 'random':
      return new RandomPolicy();
    case 'openai': {
      if (policy.baseUrl === undefined || policy.model === undefined) {
        throw new GymError('bad-eval-policy', 'The openai policy needs a base URL and a model name.');
      }
      const apiKey = process.env.OPENAI_API_KEY;
      return new OpenAIPolicy({
        baseUrl: policy.baseUrl,
        model: policy.model,
        mode: policy.mode ?? (config.dialect === 'openai' ? 'native' : 'text'),
        dialect: config.dialect,
        temperature: config.sampling?.temperature ?? 0,
        maxTokens: config.sampling?.maxTokens ?? 1024,
        ...(apiKey === undefined ? {} : { apiKey }),
      });
    }
  }
}

function aggregate(episodes: readonly EvalEpisode[]): EvalResults {
  const mean = (pick: (episode: EvalEpisode) => number): number =>
    episodes.length === 0 ? 0 : round(episodes.reduce((sum, episode) => sum + pick(episode), 0) / episodes.length);
  return {
    episodes: episodes.length,
    successRate: mean((episode) => (episode.success ? 1 : 0)),
    meanScore: mean((episode) => episode.score),
    meanReward: mean((episode) => episode.totalReward),
    meanTurns: mean((episode) => episode.turns),
    meanToolCalls: mean((episode) => episode.toolCalls),
    invalidActions: episodes.reduce((sum, episode) => sum + episode.invalidActions, 0),
    meanImages: mean((episode) => episode.images),
    meanVisualTokens: mean((episode) => episode.visualTokens),
    budgetHits: episodes.reduce((sum, episode) => sum + episode.budgetHits, 0),
  };
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** thinkgym's version, from its package.json (one folder up from the sources, two from dist/). */
async function packageVersion(): Promise<string> {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const json = JSON.parse(await readFile(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (json.name === 'thinkgym' && typeof json.version === 'string') return json.version;
    } catch {
      // Not here: try one folder up.
    }
  }
  return 'unknown';
}
