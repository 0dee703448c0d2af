import { resolve } from 'node:path';
import { runBatch } from '../../agents/batch.js';
import { OpenAIPolicy } from '../../agents/policies/openai.js';
import { OraclePolicy } from '../../agents/policies/oracle.js';
import { RandomPolicy } from '../../agents/policies/random.js';
import type { Policy, PromptFormat } from '../../agents/policy.js';
import { ProgressBar } from '../../agents/progress.js';
import { GymError } from '../../core/errors.js';
import { registry, validateEnvOptions } from '../../core/registry.js';
import { toToolSpec } from '../../core/tool.js';
import { DEFAULT_REWARD_CONFIG, type RewardConfig } from '../../rewards/terms.js';
import { DatasetWriter } from '../../trajectories/writer.js';
import { integerFlag, parseCommand, parseKeyValues, UsageError } from '../args.js';

const USAGE = `Usage: thinkgym generate --env <id> --out <dir> [options]

  --env ID             environment id (thinkgym list shows them)
  --out DIR            dataset directory (trajectories.jsonl, images/, manifest.json)
  --policy NAME        oracle (default) | random | openai
  --episodes N         number of episodes (default 100)
  --seed S             first seed; episodes use seeds S..S+N-1 (default 0)
  --option key=value   env option, repeatable (validated against the env's options schema)
  --concurrency N      episodes in flight at once (default 4)
  --format F           hermes (tool calls in text, default) | openai (native tool_calls)
  --max-turns N        override the env's turn limit
  --resume             continue an interrupted run: seeds already written are skipped
  --reward key=value   reward weight, repeatable (accuracy, format, invalidCall, toolUse, efficiency, env)
  --quiet              no progress bar
 openai policy (any OpenAI-compatible server: vLLM, SGLang, Ollama, OpenAI):
  --base-url URL       e.g. http://localhost:8000/v1 (or THINKGYM_BASE_URL)
  --model NAME         served model name (or THINKGYM_MODEL)
  --api-key KEY        bearer token (or OPENAI_API_KEY)
  --mode M             native (tools/tool_calls, default with --format openai) | text (Hermes tags)
  --temperature T      sampling temperature (default 0.7)`;

const FLAGS = {
  env: { type: 'string' },
  out: { type: 'string' },
  policy: { type: 'string' },
  episodes: { type: 'string' },
  seed: { type: 'string' },
  option: { type: 'string', multiple: true },
  concurrency: { type: 'string' },
  format: { type: 'string' },
  'max-turns': { type: 'string' },
  resume: { type: 'boolean' },
  reward: { type: 'string', multiple: true },
  quiet: { type: 'boolean' },
  'base-url': { type: 'string' },
  model: { type: 'string' },
  'api-key': { type: 'string' },
  mode: { type: 'string' },
  temperature: { type: 'string' },
  help: { type: 'boolean' },
} as const;

/** `thinkgym generate`: runs a policy over seeded episodes and writes a trajectory dataset. */
export async function generate(argv: readonly string[]): Promise<number> {
  const { values } = parseCommand(argv, FLAGS, USAGE);
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  if (values.env === undefined) throw new UsageError(`--env is required.\n\n${USAGE}`);
  if (values.out === undefined) throw new UsageError(`--out is required.\n\n${USAGE}`);
  const envId = values.env;
  const out = resolve(values.out);
  const episodes = integerFlag(values.episodes, 'episodes', 100, 1);
  const firstSeed = integerFlag(values.seed, 'seed', 0);
  const concurrency = integerFlag(values.concurrency, 'concurrency', 4, 1);
  const maxTurns = values['max-turns'] === undefined ? undefined : integerFlag(values['max-turns'], 'max-turns', 1, 1);
  const format = parseFormat(values.format);
  const rewards = parseRewards(values.reward);
  const envOptions = parseKeyValues(values.option);
  const createPolicy = policyFactory(values, format);

  // Validate the env and its options before touching the output directory.
  const probe = await registry.makeEnv(envId, { options: envOptions, ...(maxTurns === undefined ? {} : { maxTurns }) });
  const spec = probe.spec;
  const manifestEnv = {
    version: spec.version,
    options: validateEnvOptions(spec, envOptions),
    instructions: spec.instructions,
    answers: spec.answers,
    maxTurns: probe.maxTurns,
    tools: probe.tools.map(toToolSpec),
  };
  await probe.close();
  const policyName = createPolicy().name;
  const seeds = Array.from({ length: episodes }, (_, index) => firstSeed + index);
  const writer = await DatasetWriter.open(
    out,
    { envs: { [envId]: manifestEnv }, policy: policyName, format, rewards, seeds },
    { resume: values.resume === true },
  );
  const pending = seeds.filter((seed) => !writer.has(envId, seed));
  if (pending.length < seeds.length)
    console.error(`resuming: ${seeds.length - pending.length} of ${seeds.length} episodes already written`);

  const controller = new AbortController();
  const stop = (): void => {
    if (!controller.signal.aborted) console.error('\nstopping: finishing episodes in flight, every finished episode is kept…');
    controller.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const summary = await runBatch({
      envId,
      envOptions,
      ...(maxTurns === undefined ? {} : { maxTurns }),
      seeds: pending,
      createPolicy,
      concurrency,
      images: writer.images,
      format,
      rewards,
      onEpisode: (record) => writer.append(record),
      onError: (seed, error) => console.error(`\nseed ${seed} failed: ${(error as Error).message}`),
      progress: values.quiet === true ? false : new ProgressBar({ label: envId }),
      signal: controller.signal,
    });
    const rate = summary.episodes === 0 ? 0 : (100 * summary.successes) / summary.episodes;
    console.log(
      `wrote ${summary.episodes} episodes to ${out} in ${(summary.durationMs / 1000).toFixed(1)} s — success ${rate.toFixed(1)}%, mean turns ${summary.meanTurns.toFixed(1)}` +
        (summary.failures.length > 0 ? `, ${summary.failures.length} failed (see above)` : ''),
    );
    if (summary.stopped) console.log(`stopped early; rerun the same command with --resume to finish the remaining seeds.`);
    return summary.failures.length > 0 && summary.episodes === 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await writer.close();
  }
}

function parseFormat(value: string | undefined): PromptFormat {
  if (value === undefined || value === 'hermes' || value === 'openai') return value ?? 'hermes';
  throw new UsageError(`--format must be hermes or openai, got "${value}".`);
}

function parseRewards(pairs: readonly string[] | undefined): RewardConfig {
  const config: Record<string, number> = { ...DEFAULT_REWARD_CONFIG };
  for (const [key, raw] of Object.entries(parseKeyValues(pairs))) {
    if (!(key in DEFAULT_REWARD_CONFIG)) {
      throw new UsageError(`--reward ${key}: unknown term; choose from ${Object.keys(DEFAULT_REWARD_CONFIG).join(', ')}.`);
    }
    const weight = Number(raw);
    if (!Number.isFinite(weight)) throw new UsageError(`--reward ${key}=${raw}: the weight must be a number.`);
    config[key] = weight;
  }
  return config as unknown as RewardConfig;
}

function policyFactory(values: { [K in keyof typeof FLAGS]?: unknown }, format: PromptFormat): () => Policy {
  const name = (values.policy as string | undefined) ?? 'oracle';
  switch (name) {
    case 'oracle':
      return () => new OraclePolicy();
    case 'random':
      return () => new RandomPolicy();
    case 'openai': {
      const baseUrl = (values['base-url'] as string | undefined) ?? process.env.THINKGYM_BASE_URL;
      const model = (values.model as string | undefined) ?? process.env.THINKGYM_MODEL;
      if (baseUrl === undefined || model === undefined) {
        throw new UsageError('--policy openai needs --base-url (e.g. http://localhost:8000/v1) and --model.');
      }
      const mode = (values.mode as string | undefined) ?? (format === 'openai' ? 'native' : 'text');
      if (mode !== 'native' && mode !== 'text') throw new UsageError(`--mode must be native or text, got "${mode}".`);
      if ((mode === 'native') !== (format === 'openai')) {
        throw new UsageError('--mode native goes with --format openai, and --mode text with --format hermes.');
      }
      const temperature = values.temperature === undefined ? 0.7 : Number(values.temperature);
      const apiKey = (values['api-key'] as string | undefined) ?? process.env.OPENAI_API_KEY;
      return () => new OpenAIPolicy({ baseUrl, model, mode, temperature, ...(apiKey === undefined ? {} : { apiKey }) });
    }
    default:
      throw new GymError('unknown-policy', `Unknown policy "${name}"; choose oracle, random or openai.`);
  }
}
