import { registry } from '../../core/registry.js';
import { parseCommand } from '../args.js';
import { builtCatalogue, type Catalogue, collectCatalogue } from '../catalogue.js';

const USAGE = 'Usage: thinkgym list [--json]\n  Lists every registered env (with its tools and options schema) and every reusable tool.';

/**
 * `thinkgym list`: every registered env and tool, with JSON schemas. The compiled command reads the
 * catalogue the build collected (no env module, sharp or font loads); from the sources it loads
 * every env and the reusable tools and collects it live.
 */
export async function list(argv: readonly string[]): Promise<number> {
  const { values } = parseCommand(argv, { json: { type: 'boolean' }, help: { type: 'boolean' } }, USAGE);
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const catalogue = await catalogueOfRegistry();
  if (values.json === true) {
    console.log(JSON.stringify(catalogue, null, 2));
    return 0;
  }
  console.log('Environments\n');
  for (const env of catalogue.envs) {
    console.log(`${env.id}  ${env.summary}`);
    console.log(`  max turns ${env.maxTurns}; ${env.answers ? 'ends with an answer' : 'ends when the task is done'}`);
    for (const tool of env.tools) {
      console.log(`  tool ${tool.name}: ${JSON.stringify(tool.parameters)}`);
    }
    const options = Object.keys((env.options.properties ?? {}) as Record<string, unknown>);
    console.log(`  options: ${options.length === 0 ? '(none)' : options.join(', ')}\n`);
  }
  console.log('Reusable tools\n');
  for (const tool of catalogue.tools) console.log(`${tool.name}: ${tool.description}\n  ${JSON.stringify(tool.parameters)}`);
  console.log('\nRun `thinkgym list --json` for the full schemas.');
  return 0;
}

/** The built catalogue when it lists the registered envs, else one collected live (tools registered first). */
async function catalogueOfRegistry(): Promise<Catalogue> {
  const built = await builtCatalogue(registry.listEnvs().map((registration) => registration.id));
  if (built !== undefined) return built;
  await import('../../tools/index.js');
  return collectCatalogue(registry);
}
