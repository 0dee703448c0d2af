import { createHash } from 'node:crypto';
import { type Content, contentImages } from './content.js';
import type { Action, Env } from './env.js';
import { EnvStateError, GymError } from './errors.js';
import type { ImageStore } from './image-store.js';
import { compileSchema } from './schema.js';
import { GuardedEnv } from './wrappers.js';

/** Options of {@link checkEnv}. */
export interface CheckEnvOptions {
  /** Seeds to test determinism on. */
  readonly seeds?: readonly number[];
  /** The env's image store; when given, every observed image must be in it with matching bytes. */
  readonly images?: ImageStore;
  /** Most steps of an oracle rollout to replay (long episodes are cut here). */
  readonly maxSteps?: number;
}

/** What {@link checkEnv} looked at. */
export interface CheckEnvReport {
  readonly id: string;
  readonly seeds: readonly number[];
  /** Steps replayed per seed in the determinism check. */
  readonly stepsReplayed: number;
  readonly usedOracle: boolean;
  readonly imagesChecked: number;
}

const DOC_SECTIONS = ['description', 'tools', 'observation', 'reward', 'episodeEnd', 'options', 'versionHistory'] as const;

/**
 * Checks an env against the thinkgym contract, as Gymnasium's `check_env` does, and throws a
 * `GymError('env-check-failed')` listing every problem found:
 * - the spec: versioned id matching `version`, all doc sections, options and tool schemas compile,
 *   tool parameters are flat objects, and every `enum` in a tool schema lists strings only (verl's
 *   tool schema rejects others);
 * - order: `step` before `reset` and `step` after the end are refused;
 * - determinism: the same seed gives the same observation and image bytes, also after other seeds
 *   (randomness must come from the seed, not a reset counter), and replaying the oracle (or a
 *   fixed action sequence) gives identical observations;
 * - the turn limit truncates.
 * Unguarded envs are wrapped the way `makeEnv` wraps them.
 */
export async function checkEnv(env: Env, options: CheckEnvOptions = {}): Promise<CheckEnvReport> {
  const guarded = env instanceof GuardedEnv ? env : new GuardedEnv(env);
  const seeds = options.seeds ?? [0, 1, 7];
  const maxSteps = options.maxSteps ?? 30;
  const problems: string[] = [];
  checkSpec(guarded, problems);

  const fresh = new GuardedEnv(guarded.inner, { maxTurns: guarded.maxTurns });
  await expectRefused(problems, 'step() before reset()', () => fresh.step(noop()));

  const images = new Map<string, string>();
  let stepsReplayed = 0;
  let usedOracle = false;
  for (const seed of seeds) {
    const first = await rollout(guarded, seed, maxSteps);
    await guarded.reset({ seed: seed + 1000 });
    const second = await rollout(guarded, seed, maxSteps);
    usedOracle ||= first.usedOracle;
    stepsReplayed = Math.max(stepsReplayed, first.observations.length - 1);
    if (first.observations[0] !== second.observations[0]) {
      problems.push(`seed ${seed}: reset gave a different observation the second time (randomness must derive from the seed alone)`);
    } else if (first.observations.join('\n') !== second.observations.join('\n')) {
      problems.push(`seed ${seed}: replaying the same actions gave different observations`);
    }
    if (first.ended) {
      await expectRefused(problems, `seed ${seed}: step() after the episode ended`, () => guarded.step(noop()));
    }
    for (const content of first.contents) for (const image of contentImages(content)) images.set(image.sha256, `seed ${seed}`);
  }

  if (options.images !== undefined) {
    for (const [sha256, where] of images) {
      const bytes = await options.images.get(sha256).catch(() => undefined);
      if (bytes === undefined) problems.push(`${where}: observed image ${sha256} is not in the image store`);
      else if (createHash('sha256').update(bytes).digest('hex') !== sha256)
        problems.push(`${where}: image ${sha256} bytes do not match their hash`);
    }
  }

  await guarded.reset({ seed: seeds[0] ?? 0 });
  let truncated = false;
  for (let turn = 1; turn <= guarded.maxTurns; turn += 1) {
    const result = await guarded.step(noop());
    if (result.terminated) {
      problems.push('an invalid action terminated the episode');
      break;
    }
    truncated = result.truncated;
    if (truncated && turn < guarded.maxTurns) problems.push(`truncated at turn ${turn}, before maxTurns ${guarded.maxTurns}`);
    if (truncated) break;
  }
  if (!truncated) problems.push(`not truncated after maxTurns (${guarded.maxTurns}) turns`);

  if (problems.length > 0) {
    throw new GymError('env-check-failed', `${guarded.spec.id} fails checkEnv:\n- ${problems.join('\n- ')}`, { data: { problems } });
  }
  return { id: guarded.spec.id, seeds, stepsReplayed, usedOracle, imagesChecked: options.images === undefined ? 0 : images.size };
}

function checkSpec(env: GuardedEnv, problems: string[]): void {
  const spec = env.spec;
  const match = /^[a-z][a-z0-9_-]*-v(\d+)$/.exec(spec.id);
  if (match === null) problems.push(`id "${spec.id}" is not of the form name-vN`);
  else if (Number(match[1]) !== spec.version) problems.push(`id "${spec.id}" does not match version ${spec.version}`);
  for (const section of DOC_SECTIONS) {
    if (typeof spec.doc[section] !== 'string' || spec.doc[section].trim() === '') problems.push(`doc section "${section}" is empty`);
  }
  if (spec.instructions.trim() === '') problems.push('instructions are empty');
  tryCompile(problems, 'options schema', spec.options);
  const names = new Set<string>();
  for (const tool of env.tools) {
    if (names.has(tool.name)) problems.push(`tool "${tool.name}" is listed twice`);
    names.add(tool.name);
    if (tool.description.trim() === '') problems.push(`tool "${tool.name}" has no description`);
    tryCompile(problems, `tool "${tool.name}" parameters`, tool.parameters);
    if (tool.parameters.type !== 'object') problems.push(`tool "${tool.name}" parameters must be an object schema`);
    const properties = (tool.parameters.properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const [name, property] of Object.entries(properties)) {
      if (property.type === 'object' || property.type === 'array' || 'items' in property || 'properties' in property) {
        problems.push(`tool "${tool.name}" argument "${name}" is not a scalar or enum (keep parameters flat for verl)`);
      }
    }
    for (const where of nonStringEnums(tool.parameters, 'parameters')) {
      problems.push(
        `tool "${tool.name}" ${where} has an enum with values that are not strings; verl's tool schema takes string enums only ` +
          '(use type integer with minimum/maximum, or string values)',
      );
    }
  }
  if (spec.answers && !names.has('answer')) problems.push('answering env does not list the answer tool');
}

/** Paths (e.g. `parameters.properties.hops`) of every `enum` in a schema that holds a value other than a string. */
function nonStringEnums(schema: unknown, path: string): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  if (Array.isArray(schema)) return schema.flatMap((item, index) => nonStringEnums(item, `${path}[${index}]`));
  const found: string[] = [];
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'enum') {
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) found.push(path);
    } else if (key !== 'const' && key !== 'default' && key !== 'examples') {
      found.push(...nonStringEnums(value, `${path}.${key}`));
    }
  }
  return found;
}

function tryCompile(problems: string[], what: string, schema: Record<string, unknown>): void {
  try {
    compileSchema(schema);
  } catch (error) {
    problems.push(`${what} does not compile: ${(error as Error).message}`);
  }
}

async function expectRefused(problems: string[], what: string, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
    problems.push(`${what} was accepted; it must throw EnvStateError`);
  } catch (error) {
    if (!(error instanceof EnvStateError)) problems.push(`${what} threw ${(error as Error).name}, not EnvStateError`);
  }
}

async function rollout(
  env: GuardedEnv,
  seed: number,
  maxSteps: number,
): Promise<{ observations: string[]; contents: Content[]; ended: boolean; usedOracle: boolean }> {
  const reset = await env.reset({ seed });
  const contents: Content[] = [reset.observation];
  const observations = [serialize(reset.observation, reset.info)];
  let oracle: ReturnType<GuardedEnv['oracle']> | undefined;
  try {
    oracle = env.oracle();
  } catch {
    oracle = undefined;
  }
  let last = { observation: reset.observation, info: reset.info };
  for (let index = 0; index < maxSteps; index += 1) {
    const action: Action = oracle === undefined ? noop() : (await oracle.next(last)).action;
    const result = await env.step(action);
    contents.push(result.observation);
    observations.push(serialize(result.observation, { ...result.info, reward: result.reward, terminated: result.terminated }));
    last = { observation: result.observation, info: result.info };
    if (result.terminated || result.truncated) return { observations, contents, ended: true, usedOracle: oracle !== undefined };
  }
  return { observations, contents, ended: false, usedOracle: oracle !== undefined };
}

function serialize(observation: Content, info: unknown): string {
  return JSON.stringify({ observation, info });
}

function noop(): Action {
  return { type: 'invalid', reason: 'no-action', message: 'checkEnv probe' };
}
