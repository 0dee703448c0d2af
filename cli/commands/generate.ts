import { rm, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { runBatch } from '../../agents/batch.js';
import { DIALECT_NAMES, isDialectName } from '../../agents/dialects/names.js';
import { OpenAIPolicy } from '../../agents/policies/openai.js';
import { OraclePolicy } from '../../agents/policies/oracle.js';
import { RandomPolicy } from '../../agents/policies/random.js';
import type { Policy, PromptFormat } from '../../agents/policy.js';
import { ProgressBar } from '../../agents/progress.js';
import { GymError } from '../../core/errors.js';
import { registry, validateEnvOptions } from '../../core/registry.js';
import { isSplitName, SPLIT_NAMES, type SplitName, taskSeed } from '../../core/split.js';
import { toToolSpec } from '../../core/tool.js';
import type { GuardedEnv } from '../../core/wrappers.js';
import { REWARD_PRESETS } from '../../rewards/presets.js';
import { DEFAULT_REWARD_CONFIG, type RewardConfig } from '../../rewards/terms.js';
import { tfjsPolicyFactory } from '../../train/policy.js';
import { FAILURES_FILE, FailureLog, failureError } from '../../trajectories/failures.js';
import { readManifest } from '../../trajectories/reader.js';
import type { RendererVersions } from '../../trajectories/record.js';
import { rendererVersions } from '../../trajectories/renderer-versions.js';
import { SeedRange } from '../../trajectories/schema.js';
import { DatasetWriter } from '../../trajectories/writer.js';
import { integerFlag, parseCommand, parseKeyValues, UsageError } from '../args.js';
import { EXIT } from '../errors.js';

const USAGE = `Usage: thinkgym generate --env <id> --out <dir> [options]

  --env ID             environment id (thinkgym list shows them)
  --out DIR            dataset directory (trajectories.jsonl, images/, manifest.json)
  --policy NAME        oracle (default) | random | openai
  --episodes N         number of episodes (default 100)
  --seed S             first seed; episodes use seeds S..S+N-1 (default 0)
  --split NAME         train | validation | test: seeds S..S+N-1 index the split's own seed space
                       (disjoint between splits; see thinkgym check-splits); without it seeds are raw
  --option key=value   env option, repeatable (validated against the env's options schema)
  --concurrency N      episodes in flight at once (default 4)
  --format F           hermes (tool calls in text, default) | openai (native tool_calls) | vilasr (ViLaSR's Action: blocks)
  --max-turns N        override the env's turn limit
  --resume             continue an interrupted run: seeds already written are skipped, failed ones retried
  --allow-failures     exit 0 even when some episodes failed (they are listed in failures.jsonl)
  --reward key=value   reward weight, repeatable (accuracy, format, invalidCall, toolUse, efficiency, env,
                       repeatCall: minus the calls that repeat an earlier call, 0 by default)
  --reward-preset P    total reward by a named preset instead of the weights: ${[...REWARD_PRESETS.keys()].join(' | ')}
  --quiet              no progress bar
 queue mode (many workers on many machines; see docs/SCALE.md):
  --queue URL          enqueue the run as shard jobs on Redis (redis://host:port) and exit; thinkgym worker runs them
  --queue-name NAME    BullMQ queue name (default thinkgym)
  --shard-size N       seeds per shard job (default 100)
  --attempts N         tries per shard job before it lands in the failed list (default 3)
  --wait               stay and show the run's progress from the queue, failed shards with their errors
 openai policy (any OpenAI-compatible server: vLLM, SGLang, Ollama, OpenAI):
  --base-url URL       e.g. http://localhost:8000/v1 (or THINKGYM_BASE_URL)
  --model NAME         served model name (or THINKGYM_MODEL)
  --api-key KEY        bearer token (or OPENAI_API_KEY)
  --mode M             native (tools/tool_calls, default with --format openai) | text (Hermes tags)
  --temperature T      sampling temperature (default 0.7)
  --timeout S          seconds to wait for one model answer before retrying it (default 120)
  --retries N          retries of a request after a timeout, network error, 429 or 5xx (default 4)

Exit codes: 0 done, 1 an error or failed episodes (see failures.jsonl), 2 a usage mistake,
130 stopped by Ctrl-C (a second Ctrl-C stops at once; --resume finishes the run).`;

const FLAGS = {
  env: { type: 'string' },
  out: { type: 'string' },
  policy: { type: 'string' },
  episodes: { type: 'string' },
  seed: { type: 'string' },
  split: { type: 'string' },
  option: { type: 'string', multiple: true },
  concurrency: { type: 'string' },
  format: { type: 'string' },
  'max-turns': { type: 'string' },
  resume: { type: 'boolean' },
  reward: { type: 'string', multiple: true },
  'reward-preset': { type: 'string' },
  quiet: { type: 'boolean' },
  'base-url': { type: 'string' },
  model: { type: 'string' },
  'api-key': { type: 'string' },
  mode: { type: 'string' },
  temperature: { type: 'string' },
  timeout: { type: 'string' },
  retries: { type: 'string' },
  'allow-failures': { type: 'boolean' },
  queue: { type: 'string' },
  'queue-name': { type: 'string' },
  'shard-size': { type: 'string' },
  attempts: { type: 'string' },
  wait: { type: 'boolean' },
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
  const split = values.split === undefined ? undefined : parseSplit(values.split);
  const concurrency = integerFlag(values.concurrency, 'concurrency', 4, 1);
  const maxTurns = values['max-turns'] === undefined ? undefined : integerFlag(values['max-turns'], 'max-turns', 1, 1);
  const format = parseFormat(values.format);
  const rewards = parseRewards(values.reward);
  const rewardPreset = parseRewardPreset(values['reward-preset']);
  const envOptions = parseKeyValues(values.option);
  const createPolicy = policyFactory(values, format);

  // Validate the env, its options and its files (one reset loads a level or graph file) before
  // touching the output directory, so a bad file is reported once and leaves nothing behind.
  const probe = await registry.makeEnv(envId, { options: envOptions, ...(maxTurns === undefined ? {} : { maxTurns }) });
  const manifestEnv = { ...(await describeEnv(probe, envOptions, firstSeed)), ...(split === undefined ? {} : { split }) };
  const policyName = createPolicy().name;
  const renderer = await rendererVersions();
  if (values.queue !== undefined && split !== undefined)
    throw new UsageError('--split does not work with --queue yet; run the split without --queue.');
  if (values.queue !== undefined) {
    const { enqueueFromGenerate } = await import('../../queue/from-generate.js');
    return enqueueFromGenerate(values, {
      envId,
      out,
      episodes,
      firstSeed,
      concurrency,
      maxTurns,
      format,
      rewards,
      rewardPreset,
      envOptions,
      manifestEnv,
      policyName,
    });
  }
  if (values.resume === true) await checkResume(out, envId, renderer);
  const existed = await exists(out);
  const seeds = new SeedRange(firstSeed, episodes);
  let writer: DatasetWriter;
  try {
    writer = await DatasetWriter.open(
      out,
      {
        envs: { [envId]: manifestEnv },
        policy: policyName,
        format,
        rewards,
        ...(rewardPreset === undefined ? {} : { rewardPreset }),
        seeds,
        renderer,
      },
      { resume: values.resume === true },
    );
  } catch (error) {
    if (!existed) await rm(out, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
  const seedOf = (index: number): number => taskSeed(envId, manifestEnv.version, split, index);
  const already =
    split === undefined ? writer.writtenIn(envId, firstSeed, episodes) : countWritten(writer, envId, firstSeed, episodes, seedOf);
  if (already > 0) console.error(`resuming: ${already} of ${episodes} episodes already written`);
  const failures = new FailureLog(out);
  const interrupt = interruptHandler();
  try {
    const summary = await runBatch({
      envId,
      envOptions,
      ...(maxTurns === undefined ? {} : { maxTurns }),
      seeds: pendingSeeds(writer, envId, firstSeed, episodes, seedOf),
      total: episodes - already,
      createPolicy,
      concurrency,
      images: writer.images,
      format,
      rewards,
      ...(rewardPreset === undefined ? {} : { rewardPreset }),
      onEpisode: (record) => writer.append(record),
      onError: async (seed, error, steps) => {
        console.error(`\nseed ${seed} failed after ${steps.length} turn(s): ${(error as Error).message}`);
        await failures.append({
          schemaVersion: 1,
          env: envId,
          envVersion: manifestEnv.version,
          seed,
          policy: policyName,
          format,
          error: failureError(error),
          turns: steps.length,
          steps,
          failedAt: new Date().toISOString(),
        });
      },
      progress: values.quiet === true ? false : new ProgressBar({ label: envId }),
      signal: interrupt.signal,
      cancel: interrupt.signal,
    });
    const rate = summary.episodes === 0 ? 0 : (100 * summary.successes) / summary.episodes;
    const failed = summary.failures.length;
    console.log(
      `wrote ${summary.episodes} episodes to ${out} in ${(summary.durationMs / 1000).toFixed(1)} s — success ${rate.toFixed(1)}%, mean turns ${summary.meanTurns.toFixed(1)}` +
        (failed > 0 ? `, ${failed} failed (recorded in ${FAILURES_FILE}; --resume plays them again)` : ''),
    );
    if (interrupt.signal.aborted) {
      console.log('stopped early; rerun the same command with --resume to finish the remaining seeds.');
      return interrupt.exitCode();
    }
    if (failed > 0 && values['allow-failures'] !== true) {
      console.error(
        `error: ${failed} episode(s) failed, so the dataset is incomplete; see ${FAILURES_FILE}, fix the cause and rerun with --resume (or pass --allow-failures to accept it).`,
      );
      return EXIT.failure;
    }
    return EXIT.ok;
  } finally {
    interrupt.dispose();
    await failures.close();
    await writer.close();
  }
}

/** The manifest entry of the env, after one reset with the first seed has loaded its files. */
async function describeEnv(probe: GuardedEnv, envOptions: Readonly<Record<string, string>>, seed: number) {
  try {
    await probe.reset({ seed });
    const spec = probe.spec;
    return {
      version: spec.version,
      options: validateEnvOptions(spec, envOptions),
      instructions: spec.instructions,
      answers: spec.answers,
      maxTurns: probe.maxTurns,
      tools: probe.tools.map(toToolSpec),
    };
  } finally {
    await probe.close();
  }
}

/** The seeds of the run not yet written, one at a time (a billion seeds are never held at once). */
function* pendingSeeds(
  writer: DatasetWriter,
  envId: string,
  firstSeed: number,
  episodes: number,
  seedOf: (index: number) => number,
): Generator<number> {
  for (let index = firstSeed; index < firstSeed + episodes; index += 1) {
    const seed = seedOf(index);
    if (!writer.has(envId, seed)) yield seed;
  }
}

/** How many of a split run's tasks are already written (their reset seeds are scattered, so counted one by one). */
function countWritten(
  writer: DatasetWriter,
  envId: string,
  firstSeed: number,
  episodes: number,
  seedOf: (index: number) => number,
): number {
  let count = 0;
  for (let index = firstSeed; index < firstSeed + episodes; index += 1) if (writer.has(envId, seedOf(index))) count += 1;
  return count;
}

function parseSplit(value: string): SplitName {
  if (isSplitName(value)) return value;
  throw new UsageError(`--split must be one of ${SPLIT_NAMES.join(', ')}, got "${value}".`);
}

/** Refuses to resume a dataset of another env; warns when its images were drawn by other renderer versions. */
async function checkResume(out: string, envId: string, renderer: RendererVersions): Promise<void> {
  const manifest = await readManifest(out).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  });
  if (manifest === null) return;
  const envs = Object.keys(manifest.envs);
  if (envs.length > 0 && !envs.includes(envId)) {
    throw new GymError(
      'dataset-env-mismatch',
      `Cannot resume ${out}: it holds episodes of ${envs.join(', ')}, not ${envId}. Resume with --env ${envs[0]}, or choose another --out for ${envId}.`,
      { data: { envs, env: envId } },
    );
  }
  const before = manifest.renderer;
  if (before !== undefined && JSON.stringify(before) !== JSON.stringify(renderer)) {
    console.error(
      `warning: ${out} was drawn with sharp ${before.sharp} / libvips ${before.libvips}, this install has sharp ${renderer.sharp} / libvips ${renderer.libvips} (or other font packages); new images may differ byte for byte.`,
    );
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ctrl-C handling: the first SIGINT (or SIGTERM) aborts the episodes in flight, model requests
 * included, and says that a second one stops at once; the second exits at once with 130.
 */
function interruptHandler(): { signal: AbortSignal; exitCode: () => number; dispose: () => void } {
  const controller = new AbortController();
  let code: number = EXIT.interrupted;
  const onSignal = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      process.stderr.write('\nstopped at once; finished episodes are kept, --resume finishes the run.\n');
      process.exit(name === 'SIGTERM' ? 143 : EXIT.interrupted);
    }
    code = name === 'SIGTERM' ? 143 : EXIT.interrupted;
    process.stderr.write(
      '\nstopping: cancelling the episodes in flight (finished episodes are kept); press Ctrl-C again to stop at once.\n',
    );
    controller.abort(new GymError('interrupted', `stopped by ${name}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    exitCode: () => code,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

function parseFormat(value: string | undefined): PromptFormat {
  if (value === undefined || isDialectName(value)) return value ?? 'hermes';
  throw new UsageError(`--format must be one of ${DIALECT_NAMES.join(', ')}, got "${value}".`);
}

function parseRewardPreset(value: string | undefined): string | undefined {
  if (value === undefined || REWARD_PRESETS.has(value)) return value;
  throw new UsageError(`--reward-preset must be one of ${[...REWARD_PRESETS.keys()].join(', ')}, got "${value}".`);
}

function parseRewards(pairs: readonly string[] | undefined): RewardConfig {
  const config: Record<string, number> = { ...DEFAULT_REWARD_CONFIG };
  for (const [key, raw] of Object.entries(parseKeyValues(pairs))) {
    if (!(key in DEFAULT_REWARD_CONFIG) && key !== 'repeatCall') {
      throw new UsageError(`--reward ${key}: unknown term; choose from ${Object.keys(DEFAULT_REWARD_CONFIG).join(', ')}, repeatCall.`);
    }
    const weight = Number(raw);
    if (!Number.isFinite(weight)) throw new UsageError(`--reward ${key}=${raw}: the weight must be a number.`);
    config[key] = weight;
  }
  return config as unknown as RewardConfig;
}

/** Builds the policies of a run from generate's policy flags (also used by `thinkgym worker` for queued runs). */
export function policyFactory(values: { [K in keyof typeof FLAGS]?: unknown }, format: PromptFormat): () => Policy {
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
        throw new UsageError('--mode native goes with --format openai, and --mode text with the text formats (hermes, vilasr).');
      }
      const temperature = values.temperature === undefined ? 0.7 : Number(values.temperature);
      const timeoutMs = Math.round(positiveNumber(values.timeout as string | undefined, 'timeout', 120) * 1000);
      const maxRetries = integerFlag(values.retries as string | undefined, 'retries', 4);
      const apiKey = (values['api-key'] as string | undefined) ?? process.env.OPENAI_API_KEY;
      return () =>
        new OpenAIPolicy({
          baseUrl,
          model,
          mode,
          dialect: format,
          temperature,
          timeoutMs,
          maxRetries,
          ...(apiKey === undefined ? {} : { apiKey }),
        });
    }
    default:
      if (name.startsWith('tfjs:')) return tfjsPolicyFactory(name.slice('tfjs:'.length));
      throw new GymError('unknown-policy', `Unknown policy "${name}"; choose oracle, random, openai or tfjs:<checkpoint dir>.`);
  }
}

function positiveNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new UsageError(`--${name} must be a number of seconds > 0, got "${value}".`);
  return parsed;
}
