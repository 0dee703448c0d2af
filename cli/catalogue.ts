import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Registry } from '../core/registry.js';
import type { JsonSchema } from '../core/schema.js';
import { type ToolSpec, toToolSpec } from '../core/tool.js';

/**
 * What `thinkgym list` prints: every env's id, version, summary, limits, options schema and tools,
 * and every reusable tool. Collecting it imports every env module and builds each env once (sharp,
 * fonts, images), so `npm run build` collects it once into `dist/cli/catalogue-data.js` (see
 * `write-catalogue.ts`) and the compiled command reads that instead: `thinkgym list` then loads no
 * env module. Run from the sources (tsx) there is no such file and the catalogue is collected live.
 */
export interface Catalogue {
  readonly envs: readonly EnvListing[];
  /** The reusable tools of the default registry, sorted by name. */
  readonly tools: readonly ToolSpec[];
}

/** One env of the {@link Catalogue}. */
export interface EnvListing {
  readonly id: string;
  readonly version: number;
  readonly summary: string;
  readonly maxTurns: number;
  /** Whether the env ends with an answer (the `answer` tool). */
  readonly answers: boolean;
  readonly options: JsonSchema;
  /** The tools of the env made with its default options. */
  readonly tools: readonly ToolSpec[];
}

/** Where the build writes the collected catalogue: beside this module, so only a compiled copy has one. */
const CATALOGUE_FILE = new URL('./catalogue-data.js', import.meta.url);

/** Collects the catalogue of a registry by loading each env module and making each env once. */
export async function collectCatalogue(registry: Registry): Promise<Catalogue> {
  const envs: EnvListing[] = [];
  for (const registration of registry.listEnvs()) {
    const definition = await registry.loadEnv(registration.id);
    envs.push({
      id: registration.id,
      version: definition.spec.version,
      summary: registration.summary,
      maxTurns: definition.spec.maxTurns,
      answers: definition.spec.answers,
      options: definition.spec.options,
      tools: (await registry.envTools(registration.id)).map(toToolSpec),
    });
  }
  return { envs, tools: registry.listTools().map(toToolSpec) };
}

/**
 * The catalogue collected at build time, or undefined where there is none (running from the
 * sources) or it does not list exactly the envs registered now (`ids`), in which case the caller
 * collects it live.
 */
export async function builtCatalogue(ids: readonly string[], file: URL = CATALOGUE_FILE): Promise<Catalogue | undefined> {
  let catalogue: Catalogue;
  try {
    catalogue = ((await import(file.href)) as { catalogue: Catalogue }).catalogue;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw error;
  }
  const listed = catalogue.envs.map((env) => env.id);
  return listed.length === ids.length && listed.every((id, index) => id === ids[index]) ? catalogue : undefined;
}

/** Writes a catalogue as the module {@link builtCatalogue} reads (the build step). */
export async function writeCatalogue(catalogue: Catalogue, file: URL = CATALOGUE_FILE): Promise<string> {
  const path = fileURLToPath(file);
  const body = `// Written by \`npm run build\` (cli/write-catalogue.ts): what \`thinkgym list\` prints, collected from the envs.\nexport const catalogue = ${JSON.stringify(catalogue)};\n`;
  await writeFile(path, body);
  return path;
}
