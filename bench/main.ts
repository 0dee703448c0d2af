/**
 * `npm run bench [-- name...]`: runs the benchmarks and prints one table per section, each row
 * with its ratio against a baseline measured in the same run. Never part of `npm test`.
 */
import { cpus } from 'node:os';
import { type BenchRun, type BenchSection, formatSections } from './report.js';

const BENCHES: Record<string, () => Promise<BenchRun>> = {
  maze: async () => (await import('./maze.js')).run,
  sokoban: async () => (await import('./sokoban.js')).run,
  graph: async () => (await import('./graph.js')).run,
  'image-tools': async () => (await import('./image-tools.js')).run,
  medical: async () => (await import('./medical.js')).run,
  'peak-memory': async () => (await import('./peak-memory.js')).run,
  server: async () => (await import('./server.js')).run,
  train: async () => (await import('./train.js')).run,
  queue: async () => (await import('./queue.js')).run,
  viewer: async () => (await import('./viewer.js')).run,
  video: async () => (await import('./video.js')).run,
  startup: async () => (await import('./startup.js')).run,
};

async function main(argv: readonly string[]): Promise<void> {
  const names = argv.length > 0 ? argv : Object.keys(BENCHES);
  const unknown = names.filter((name) => !(name in BENCHES));
  if (unknown.length > 0) {
    console.error(`Unknown bench ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}.`);
    process.exitCode = 2;
    return;
  }
  console.log(`# thinkgym bench — node ${process.version}, ${cpus().length} cpus (${cpus()[0]?.model ?? 'unknown'})`);
  const sections: BenchSection[] = [];
  for (const name of names) {
    const load = BENCHES[name];
    if (load === undefined) continue;
    console.error(`running ${name}…`);
    const section = await (await load())();
    sections.push(section);
    console.log(formatSections([section]));
  }
}

await main(process.argv.slice(2));
