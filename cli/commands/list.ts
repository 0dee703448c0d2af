import { registry } from '../../core/registry.js';
import { toToolSpec } from '../../core/tool.js';
import { parseCommand } from '../args.js';

const USAGE = 'Usage: thinkgym list [--json]\n  Lists every registered env (with its tools and options schema) and every reusable tool.';

/** `thinkgym list`: every registered env and tool, with JSON schemas. */
export async function list(argv: readonly string[]): Promise<number> {
  const { values } = parseCommand(argv, { json: { type: 'boolean' }, help: { type: 'boolean' } }, USAGE);
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const envs = [];
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
  const tools = registry.listTools().map(toToolSpec);
  if (values.json === true) {
    console.log(JSON.stringify({ envs, tools }, null, 2));
    return 0;
  }
  console.log('Environments\n');
  for (const env of envs) {
    console.log(`${env.id}  ${env.summary}`);
    console.log(`  max turns ${env.maxTurns}; ${env.answers ? 'ends with an answer' : 'ends when the task is done'}`);
    for (const tool of env.tools) {
      console.log(`  tool ${tool.name}: ${JSON.stringify(tool.parameters)}`);
    }
    const options = Object.keys((env.options.properties ?? {}) as Record<string, unknown>);
    console.log(`  options: ${options.length === 0 ? '(none)' : options.join(', ')}\n`);
  }
  console.log('Reusable tools\n');
  for (const tool of tools) console.log(`${tool.name}: ${tool.description}\n  ${JSON.stringify(tool.parameters)}`);
  console.log('\nRun `thinkgym list --json` for the full schemas.');
  return 0;
}
