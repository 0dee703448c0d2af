import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { registry, validateEnvOptions } from '../../core/registry.js';
import { parseSplitName } from '../../core/split.js';
import { writeAtomic } from '../../core/write-atomic.js';
import { DEFAULT_IMAGE_BUDGET, type EvalConfig, type EvalPolicy, parseDialect } from '../../eval/config.js';
import { evalMarkdown } from '../../eval/report.js';
import { runEval } from '../../eval/runner.js';
import { rewardPreset } from '../../rewards/presets.js';
import { rendererVersions } from '../../trajectories/renderer-versions.js';
import { integerFlag, parseCommand, parseKeyValues, UsageError } from '../args.js';

const USAGE = `Usage: thinkgym eval --env <id> [options]      or      thinkgym eval --config <report.json>

Runs a pinned evaluation and writes a report (JSON and Markdown) naming the env and version, split,
seeds, prompt dialect, policy, sampling, reward preset, turn limit, image budget, the package
version and the renderer versions (sharp, libvips, fonts).

  --env ID             environment id
  --split S            train | validation | test (default test) | none (raw seeds)
  --seed S             first task index of the split (default 0)
  --episodes N         tasks to run (default 20)
  --option key=value   env option, repeatable
  --format F           prompt dialect (default hermes)
  --policy P           oracle (default) | random | openai
  --reward-preset P    reward preset of the totals (default weighted)
  --max-turns N        turn limit (default: the env's)
  --max-images-per-turn N, --max-images N, --max-visual-tokens N
                       image caps (default none); a reached cap withholds the image with a note to the model
  --min-pixels N, --max-pixels N
                       Qwen2-VL resizing limits of the visual-token estimate (default 3136 and 12845056)
  --config FILE        re-run the configuration of an earlier report (its "config"); other flags are ignored
  --out DIR            write DIR/report.json and DIR/report.md (default: print the Markdown)
 openai policy:
  --base-url URL       server, e.g. http://localhost:8000/v1     --model NAME   served model
  --mode M             native | text                              --temperature T (default 0)
  --max-tokens N       completion limit per turn (default 1024)   (OPENAI_API_KEY is sent when set)`;

const FLAGS = {
  env: { type: 'string' },
  split: { type: 'string' },
  seed: { type: 'string' },
  episodes: { type: 'string' },
  option: { type: 'string', multiple: true },
  format: { type: 'string' },
  policy: { type: 'string' },
  'reward-preset': { type: 'string' },
  'max-turns': { type: 'string' },
  config: { type: 'string' },
  out: { type: 'string' },
  'base-url': { type: 'string' },
  model: { type: 'string' },
  mode: { type: 'string' },
  temperature: { type: 'string' },
  'max-tokens': { type: 'string' },
  'max-images-per-turn': { type: 'string' },
  'max-images': { type: 'string' },
  'max-visual-tokens': { type: 'string' },
  'min-pixels': { type: 'string' },
  'max-pixels': { type: 'string' },
  help: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseCommand<typeof FLAGS>>['values'];

/** `thinkgym eval`: a pinned evaluation and its report. */
export async function evalCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseCommand(argv, FLAGS, USAGE);
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const config = values.config === undefined ? await configFromFlags(values) : await configFromReport(values.config);
  const report = await runEval(config, { registry, renderer: await rendererVersions() });
  const markdown = evalMarkdown(report);
  if (values.out === undefined) {
    console.log(markdown);
  } else {
    const out = resolve(values.out);
    await mkdir(out, { recursive: true });
    await writeAtomic(join(out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    await writeAtomic(join(out, 'report.md'), markdown);
    const { results } = report;
    console.log(
      `${config.env} ${config.split} ${config.policy.name}: ${results.episodes} episodes, success ${(results.successRate * 100).toFixed(1)}%, mean reward ${results.meanReward.toFixed(3)} — report in ${out}`,
    );
  }
  return 0;
}

/** The config of flags, with every default made explicit. */
async function configFromFlags(values: Values): Promise<EvalConfig> {
  if (values.env === undefined) throw new UsageError(`--env (or --config) is required.\n\n${USAGE}`);
  const definition = await registry.loadEnv(values.env);
  const envOptions = validateEnvOptions(definition.spec, parseKeyValues(values.option));
  const split = values.split === undefined ? 'test' : values.split === 'none' ? 'none' : parseSplitName(values.split);
  const policy = parsePolicy(values);
  const preset = values['reward-preset'] ?? 'weighted';
  rewardPreset(preset);
  return {
    env: values.env,
    version: definition.spec.version,
    split,
    seeds: { start: integerFlag(values.seed, 'seed', 0), count: integerFlag(values.episodes, 'episodes', 20, 1) },
    envOptions,
    dialect: parseDialect(values.format ?? 'hermes'),
    policy,
    sampling:
      policy.name === 'openai'
        ? {
            temperature: numberFlag(values.temperature, 'temperature', 0),
            maxTokens: integerFlag(values['max-tokens'], 'max-tokens', 1024, 1),
          }
        : null,
    rewardPreset: preset,
    maxTurns: integerFlag(values['max-turns'], 'max-turns', definition.spec.maxTurns, 1),
    imageBudget: {
      model: 'qwen2-vl',
      minPixels: integerFlag(values['min-pixels'], 'min-pixels', DEFAULT_IMAGE_BUDGET.minPixels, 1),
      maxPixels: integerFlag(values['max-pixels'], 'max-pixels', DEFAULT_IMAGE_BUDGET.maxPixels, 1),
      maxImagesPerTurn: optionalInteger(values['max-images-per-turn'], 'max-images-per-turn'),
      maxImagesPerEpisode: optionalInteger(values['max-images'], 'max-images'),
      maxVisualTokensPerEpisode: optionalInteger(values['max-visual-tokens'], 'max-visual-tokens'),
    },
  };
}

async function configFromReport(file: string): Promise<EvalConfig> {
  let parsed: { config?: EvalConfig };
  try {
    parsed = JSON.parse(await readFile(file, 'utf8')) as { config?: EvalConfig };
  } catch (error) {
    throw new UsageError(`--config ${file}: cannot read a JSON report (${(error as Error).message}).`);
  }
  if (parsed.config === undefined || typeof parsed.config.env !== 'string') {
    throw new UsageError(`--config ${file}: no "config" object in it; pass a report.json written by thinkgym eval.`);
  }
  return parsed.config;
}

function parsePolicy(values: Values): EvalPolicy {
  const name = values.policy ?? 'oracle';
  if (name === 'oracle' || name === 'random') return { name };
  if (name !== 'openai') throw new UsageError(`--policy must be oracle, random or openai, got "${name}".`);
  const baseUrl = values['base-url'] ?? process.env.THINKGYM_BASE_URL;
  const model = values.model ?? process.env.THINKGYM_MODEL;
  if (baseUrl === undefined || model === undefined) throw new UsageError('--policy openai needs --base-url and --model.');
  const mode = values.mode;
  if (mode !== undefined && mode !== 'native' && mode !== 'text') throw new UsageError(`--mode must be native or text, got "${mode}".`);
  return { name, baseUrl, model, ...(mode === undefined ? {} : { mode }) };
}

function optionalInteger(value: string | undefined, name: string): number | null {
  return value === undefined ? null : integerFlag(value, name, 0, 0);
}

function numberFlag(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new UsageError(`--${name} must be a number >= 0, got "${value}".`);
  return parsed;
}
