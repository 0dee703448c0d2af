import { checkEnv } from '../../core/check-env.js';
import { MemoryImageStore } from '../../core/image-store.js';
import { registry } from '../../core/registry.js';
import { parseCommand, parseKeyValues, UsageError } from '../args.js';

const USAGE =
  'Usage: thinkgym check <env-id> [--option key=value]...\n  Runs checkEnv: spec, schemas, order checks, determinism, turn limit.';

/** `thinkgym check`: runs {@link checkEnv} on one env or on all of them. */
export async function check(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { option: { type: 'string', multiple: true }, help: { type: 'boolean' } }, USAGE);
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const ids = positionals.length > 0 ? positionals : registry.listEnvs().map((registration) => registration.id);
  if (ids.length === 0) throw new UsageError(`No env to check.\n\n${USAGE}`);
  for (const id of ids) {
    const images = new MemoryImageStore();
    const env = await registry.makeEnv(id, { options: parseKeyValues(values.option), images });
    const report = await checkEnv(env, { images });
    console.log(
      `${id}: ok (seeds ${report.seeds.join(', ')}; ${report.stepsReplayed} steps replayed${report.usedOracle ? ' with the oracle' : ''}; ${report.imagesChecked} images)`,
    );
    await env.close();
  }
  return 0;
}
