import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GymError } from '../core/errors.js';
import { rewardPreset } from '../rewards/presets.js';
import { DEFAULT_REWARD_CONFIG, type RewardConfig } from '../rewards/terms.js';
import type { ActionSpaceOptions } from './action-space.js';
import { DEFAULT_MODEL, defaultPatches, type ModelConfig, modelProblem } from './model.js';
import type { RewardChoice } from './reward.js';
import type { RlSettings } from './rl.js';

/** A range of seeds: `count` seeds from `first`. */
export interface SeedSpan {
  readonly first: number;
  readonly count: number;
}

/** Behaviour cloning settings: the demonstrations and the optimiser. */
export interface SftRecipe {
  /** A dataset written by `thinkgym generate`; when absent, `thinkgym train` generates oracle demonstrations into `<out>/demos`. */
  readonly dataset?: string;
  /** Seeds of the generated demonstrations. */
  readonly seeds: SeedSpan;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /**
   * Replay each demonstration in the recipe's env with its actions mapped to candidates, and learn
   * from the observations those calls produce (default true); false reads the recorded turns as they are.
   */
  readonly replay?: boolean;
}

/** RL settings: GRPO plus the schedule. */
export interface RlRecipe extends RlSettings {
  readonly iterations: number;
  /** Evaluate on the held-out seeds every this many iterations (and after the last). */
  readonly evalEvery: number;
}

/** A training recipe: env, action space, network, SFT, RL, reward, and seeds. */
export interface Recipe {
  readonly name: string;
  readonly description: string;
  readonly env: string;
  readonly envOptions: Readonly<Record<string, unknown>>;
  readonly maxTurns?: number;
  readonly actionSpace: ActionSpaceOptions;
  readonly model: Omit<ModelConfig, 'actions'>;
  /** Seed of the weight initialisation and shuffles. */
  readonly seed: number;
  /** Seeds RL trains on. */
  readonly trainSeeds: SeedSpan;
  /** Held-out seeds: never used by SFT demonstrations or RL. */
  readonly evalSeeds: SeedSpan;
  /**
   * Validation seeds, apart from every other span: when given, the run evaluates on them at each
   * `evalEvery` (and after SFT) and reports the held-out result of the checkpoint that did best
   * there (early stopping), so no choice is made on the held-out seeds.
   */
  readonly validationSeeds?: SeedSpan;
  /** Absent: no SFT stage (RL from scratch). */
  readonly sft?: SftRecipe;
  /** Absent: no RL stage. */
  readonly rl?: RlRecipe;
  readonly reward: RewardChoice;
  /** How trained policies act on the held-out seeds: the most likely candidate (default) or a draw. */
  readonly evalMode: 'greedy' | 'sample';
}

const DEFAULT_SFT: Omit<SftRecipe, 'dataset'> = { seeds: { first: 0, count: 64 }, epochs: 8, batchSize: 32, learningRate: 1e-3 };

const DEFAULT_RL: RlRecipe = {
  iterations: 30,
  evalEvery: 5,
  groupSize: 8,
  seedsPerIteration: 8,
  learningRate: 3e-4,
  clip: 0.2,
  epochs: 2,
  batchSize: 64,
  advantage: 'grpo',
  klWeight: 0,
  entropyWeight: 0.01,
  aggregation: 'episode',
};

/** The folder of the shipped recipes. */
export function recipesFolder(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // Sources keep JSON beside this file; the built package finds them next to the sources' copy.
  for (const folder of [join(here, 'recipes'), join(here, '..', '..', 'train', 'recipes')]) if (existsSync(folder)) return folder;
  return join(here, 'recipes');
}

/** Reads a recipe by shipped name (`maze-7x7`) or JSON file path, fills defaults and checks it. */
export async function loadRecipe(nameOrFile: string): Promise<Recipe> {
  const { raw, file } = await readRecipeJson(nameOrFile);
  return resolveDataset(parseRecipe(raw, file), file);
}

/** The JSON of a recipe (or suite) file, by shipped name or path, and the file it came from. */
export async function readRecipeJson(nameOrFile: string): Promise<{ raw: unknown; file: string }> {
  const file = nameOrFile.endsWith('.json') || nameOrFile.includes('/') ? resolve(nameOrFile) : join(recipesFolder(), `${nameOrFile}.json`);
  try {
    return { raw: JSON.parse(await readFile(file, 'utf8')), file };
  } catch (error) {
    throw new GymError(
      'bad-recipe',
      `Cannot read recipe ${nameOrFile} (${(error as Error).message}); give a shipped name (${shippedNames().join(', ')}) or a JSON file.`,
      { cause: error },
    );
  }
}

/** A recipe whose relative `sft.dataset` is made absolute against the recipe file's folder. */
export function resolveDataset(recipe: Recipe, file: string): Recipe {
  const dataset = recipe.sft?.dataset;
  if (recipe.sft !== undefined && dataset !== undefined && !isAbsolute(dataset)) {
    return { ...recipe, sft: { ...recipe.sft, dataset: resolve(dirname(file), dataset) } };
  }
  return recipe;
}

/** Fills a recipe's defaults and checks it: seed ranges must keep the held-out seeds apart. */
export function parseRecipe(raw: unknown, where = 'recipe'): Recipe {
  const value = asRecord(raw, where);
  const name = stringField(value, 'name', where);
  const env = stringField(value, 'env', where);
  const givenModel = asRecord(value.model ?? {}, `${where}: model`);
  const model = {
    ...DEFAULT_MODEL,
    ...givenModel,
    ...(Array.isArray(givenModel.filters) && givenModel.patches === undefined
      ? { patches: defaultPatches(givenModel.filters.length) }
      : {}),
  } as Omit<ModelConfig, 'actions'>;
  const problem = modelProblem(model);
  if (problem !== undefined) throw new GymError('bad-recipe', `${where}: ${problem}`);
  const sft = value.sft === undefined ? undefined : ({ ...DEFAULT_SFT, ...asRecord(value.sft, `${where}: sft`) } as SftRecipe);
  const rl = value.rl === undefined ? undefined : ({ ...DEFAULT_RL, ...asRecord(value.rl, `${where}: rl`) } as RlRecipe);
  const rewardValue = asRecord(value.reward ?? {}, `${where}: reward`);
  const reward: RewardChoice =
    typeof rewardValue.preset === 'string'
      ? {
          preset: rewardValue.preset,
          ...(rewardValue.options === undefined ? {} : { options: asRecord(rewardValue.options, `${where}: reward.options`) }),
        }
      : {
          config: {
            ...DEFAULT_REWARD_CONFIG,
            ...(asRecord(rewardValue.weights ?? {}, `${where}: reward.weights`) as Partial<RewardConfig>),
          },
        };
  if ('preset' in reward) rewardPreset(reward.preset, reward.options);
  const recipe: Recipe = {
    name,
    description: typeof value.description === 'string' ? value.description : '',
    env,
    envOptions: asRecord(value.envOptions ?? {}, `${where}: envOptions`),
    ...(typeof value.maxTurns === 'number' ? { maxTurns: value.maxTurns } : {}),
    actionSpace: asRecord(value.actionSpace ?? {}, `${where}: actionSpace`) as ActionSpaceOptions,
    model,
    seed: typeof value.seed === 'number' ? value.seed : 1,
    trainSeeds: span(value.trainSeeds ?? { first: 10_000, count: 512 }, `${where}: trainSeeds`),
    evalSeeds: span(value.evalSeeds ?? { first: 1_000_000, count: 100 }, `${where}: evalSeeds`),
    ...(value.validationSeeds === undefined ? {} : { validationSeeds: span(value.validationSeeds, `${where}: validationSeeds`) }),
    ...(sft === undefined ? {} : { sft: { ...sft, seeds: span(sft.seeds, `${where}: sft.seeds`) } }),
    ...(rl === undefined ? {} : { rl }),
    reward,
    evalMode: value.evalMode === 'sample' ? 'sample' : 'greedy',
  };
  for (const [label, other] of [
    ['trainSeeds', recipe.trainSeeds],
    ['sft.seeds', recipe.sft?.seeds],
    ['validationSeeds', recipe.validationSeeds],
  ] as const) {
    if (other !== undefined && overlaps(other, recipe.evalSeeds)) {
      throw new GymError(
        'bad-recipe',
        `${where}: evalSeeds ${describeSpan(recipe.evalSeeds)} overlap ${label} ${describeSpan(other)}; held-out seeds must never be trained on.`,
      );
    }
  }
  for (const [label, other] of [
    ['trainSeeds', recipe.trainSeeds],
    ['sft.seeds', recipe.sft?.seeds],
  ] as const) {
    if (other !== undefined && recipe.validationSeeds !== undefined && overlaps(other, recipe.validationSeeds)) {
      throw new GymError(
        'bad-recipe',
        `${where}: validationSeeds ${describeSpan(recipe.validationSeeds)} overlap ${label} ${describeSpan(other)}; validation seeds must never be trained on.`,
      );
    }
  }
  return recipe;
}

/** The seeds of a span, in order. */
export function seedsOf(span: SeedSpan): number[] {
  return Array.from({ length: span.count }, (_, index) => span.first + index);
}

function shippedNames(): string[] {
  try {
    return readdirSync(recipesFolder())
      .filter((file) => file.endsWith('.json'))
      .map((file) => file.slice(0, -'.json'.length));
  } catch {
    return [];
  }
}

function span(raw: unknown, where: string): SeedSpan {
  const value = asRecord(raw, where);
  if (!Number.isInteger(value.first) || !Number.isInteger(value.count) || (value.count as number) < 1) {
    throw new GymError('bad-recipe', `${where} must be {"first": integer, "count": integer ≥ 1}.`);
  }
  return { first: value.first as number, count: value.count as number };
}

function overlaps(a: SeedSpan, b: SeedSpan): boolean {
  return a.first < b.first + b.count && b.first < a.first + a.count;
}

function describeSpan(value: SeedSpan): string {
  return `${value.first}..${value.first + value.count - 1}`;
}

function stringField(value: Record<string, unknown>, key: string, where: string): string {
  const field = value[key];
  if (typeof field !== 'string' || field === '') throw new GymError('bad-recipe', `${where}: "${key}" must be a non-empty string.`);
  return field;
}

function asRecord(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new GymError('bad-recipe', `${where} must be a JSON object.`);
  }
  return value as Record<string, unknown>;
}
