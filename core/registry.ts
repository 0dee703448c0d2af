import type { Env, EnvContext, EnvSpec } from './env.js';
import { RegistryError, ValidationError } from './errors.js';
import { type ImageStore, MemoryImageStore } from './image-store.js';
import { compileSchema, schemaDefaults } from './schema.js';
import type { Tool, ToolSpec } from './tool.js';
import { GuardedEnv } from './wrappers.js';

/** What an env module exports: its spec and a constructor. Loaded lazily by the registry. */
export interface EnvDefinition {
  readonly spec: EnvSpec;
  /** Builds the env from options already validated against `spec.options` (defaults filled). */
  create(options: Readonly<Record<string, unknown>>, context: EnvContext): Env | Promise<Env>;
}

/** A registry entry: a light summary now, the heavy module on first use. */
export interface EnvRegistration {
  /** Versioned id, `name-vN`. */
  readonly id: string;
  /** One line for listings. */
  readonly summary: string;
  /** Imports the env module (sharp, ffmpeg… load here, not at registration). */
  readonly load: () => Promise<EnvDefinition>;
}

/** Options of {@link Registry.makeEnv}. */
export interface MakeEnvOptions {
  /** Env options, validated against the env's options schema (strings are coerced). */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Where rendered images go; an in-memory store by default. */
  readonly images?: ImageStore;
  /** Overrides the env's default turn limit. */
  readonly maxTurns?: number;
}

const ID_PATTERN = /^[a-z][a-z0-9_-]*-v\d+$/;
const TOOL_NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/;

/** Registries of envs and reusable tools. Most code uses the default one via the functions below. */
export class Registry {
  private readonly envs = new Map<string, EnvRegistration>();
  private readonly definitions = new Map<string, Promise<EnvDefinition>>();
  private readonly tools = new Map<string, Tool<never, never>>();

  /** Registers an env. Throws on a malformed or duplicate id. */
  registerEnv(registration: EnvRegistration): void {
    if (!ID_PATTERN.test(registration.id)) {
      throw new RegistryError('bad-env-id', `Env id "${registration.id}" must look like name-v0 (lower case, versioned).`);
    }
    if (this.envs.has(registration.id)) {
      throw new RegistryError('duplicate-env', `Env "${registration.id}" is already registered; bump the version (-v1) for a changed env.`);
    }
    this.envs.set(registration.id, registration);
  }

  /**
   * Registers a reusable tool (e.g. tools/image). Throws on a bad or duplicate name; the parameters
   * schema is compiled where the tool's arguments are first validated (an env's guard).
   */
  registerTool<State, Args>(tool: Tool<State, Args>): void {
    if (!TOOL_NAME_PATTERN.test(tool.name)) {
      throw new RegistryError('bad-tool-name', `Tool name "${tool.name}" must match ${TOOL_NAME_PATTERN} (OpenAI's rule).`);
    }
    if (this.tools.has(tool.name)) throw new RegistryError('duplicate-tool', `Tool "${tool.name}" is already registered.`);
    this.tools.set(tool.name, tool as unknown as Tool<never, never>);
  }

  /** The registration of an env id; throws with close suggestions when unknown. */
  envRegistration(id: string): EnvRegistration {
    const registration = this.envs.get(id);
    if (registration !== undefined) return registration;
    const suggestions = closest(id, [...this.envs.keys()]);
    const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.map((name) => `"${name}"`).join(' or ')}?` : '';
    throw new RegistryError('unknown-env', `No env "${id}".${hint} Run \`thinkgym list\` to see them all.`, suggestions);
  }

  /** Loads an env's definition (its module), once. */
  async loadEnv(id: string): Promise<EnvDefinition> {
    const registration = this.envRegistration(id);
    let definition = this.definitions.get(id);
    if (definition === undefined) {
      definition = registration.load().then((loaded) => {
        if (loaded.spec.id !== id) {
          throw new RegistryError('env-id-mismatch', `Env registered as "${id}" declares id "${loaded.spec.id}".`);
        }
        return loaded;
      });
      this.definitions.set(id, definition);
    }
    return definition;
  }

  /**
   * Makes an env, guarded by {@link GuardedEnv}. Options are validated against the env's options
   * schema (strings coerced, defaults filled); an unknown or ill-typed option throws a
   * {@link ValidationError} that lists the valid options.
   */
  async makeEnv(id: string, options: MakeEnvOptions = {}): Promise<GuardedEnv> {
    const definition = await this.loadEnv(id);
    const validated = validateEnvOptions(definition.spec, options.options ?? {});
    const env = await definition.create(validated, { images: options.images ?? new MemoryImageStore() });
    return new GuardedEnv(env, options.maxTurns === undefined ? {} : { maxTurns: options.maxTurns });
  }

  /**
   * The tools of an env made with its default options, for listings: the env is built through its
   * definition, without the guard or options validation (so no schema is compiled), then closed.
   */
  async envTools(id: string): Promise<readonly ToolSpec[]> {
    const definition = await this.loadEnv(id);
    const env = await definition.create(schemaDefaults(definition.spec.options), { images: new MemoryImageStore() });
    try {
      return env.tools;
    } finally {
      await env.close?.();
    }
  }

  /** A reusable tool by name; throws with suggestions when unknown. */
  tool(name: string): Tool<never, never> {
    const tool = this.tools.get(name);
    if (tool !== undefined) return tool;
    const suggestions = closest(name, [...this.tools.keys()]);
    const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.join(' or ')}?` : '';
    throw new RegistryError('unknown-tool', `No tool "${name}".${hint}`, suggestions);
  }

  /** All env registrations, sorted by id. */
  listEnvs(): EnvRegistration[] {
    return [...this.envs.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** All reusable tools, sorted by name. */
  listTools(): Tool<never, never>[] {
    return [...this.tools.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}

/** Validates env options against an env's options schema; throws a readable {@link ValidationError}. */
export function validateEnvOptions(spec: EnvSpec, options: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const result = compileSchema<Record<string, unknown>>(spec.options, { coerce: true }).validate(options);
  if (result.ok) return result.value;
  const properties = (spec.options.properties ?? {}) as Record<string, { type?: unknown; description?: string }>;
  const valid = Object.entries(properties).map(
    ([name, property]) => `  ${name} (${String(property.type ?? 'any')})${property.description ? `: ${property.description}` : ''}`,
  );
  throw new ValidationError(
    `Invalid options for ${spec.id}: ${result.problems.join('; ')}.\nValid options:\n${valid.join('\n') || '  (none)'}`,
    result.problems,
  );
}

/** Up to three names within a small edit distance of `name`, closest first. */
export function closest(name: string, candidates: readonly string[]): string[] {
  const base = name.replace(/-v\d+$/, '');
  return candidates
    .map((candidate) => ({
      candidate,
      distance: Math.min(editDistance(name, candidate), editDistance(base, candidate.replace(/-v\d+$/, ''))),
    }))
    .filter(({ candidate, distance }) => distance <= Math.max(2, Math.floor(candidate.length / 3)))
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, 3)
    .map(({ candidate }) => candidate);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** The default registry, which the built-in envs and tools register into. */
export const registry = new Registry();

/** Registers an env in the default registry. */
export const registerEnv = (registration: EnvRegistration): void => registry.registerEnv(registration);
/** Registers a reusable tool in the default registry. */
export const registerTool = <State, Args>(tool: Tool<State, Args>): void => registry.registerTool(tool);
/** Makes a guarded env from the default registry. */
export const makeEnv = (id: string, options?: MakeEnvOptions): Promise<GuardedEnv> => registry.makeEnv(id, options);
