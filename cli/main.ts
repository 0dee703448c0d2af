import { EXIT, reportError } from './errors.js';

const USAGE = `thinkgym — a gym for agents that think with images, videos and graphs

Usage: thinkgym <command> [options]

Commands:
  generate   run a policy over seeded episodes and write a trajectory dataset
  list       list environments and tools with their JSON schemas (--json)
  play       play an environment in the terminal
  inspect    summarise a trajectory dataset (counts, success, rewards, bad lines)
  export     export a dataset (--format sharegpt|openai|verl)
  render     render a dataset to HTML pages (an index with pictures, one page per episode)
  check      run checkEnv on environments
  serve      serve every env to RL trainers (OpenEnv WebSocket, session HTTP, MCP)
  doctor     report the native parts in use (ffmpeg, sharp/libvips, fonts, OCR data)
  train      train a small policy: SFT on demonstrations, then multi-turn GRPO (TensorFlow.js)
  worker     run queued shard jobs (generate --queue) from Redis
  merge      join a queued run's shards into one dataset
  check-splits  prove the train, validation and test splits share no task
  eval       run a pinned evaluation and write its report (JSON and Markdown)

Run \`thinkgym <command> --help\` for a command's options.`;

type Command = (argv: readonly string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  generate: async () => (await import('./commands/generate.js')).generate,
  list: async () => (await import('./commands/list.js')).list,
  play: async () => (await import('./commands/play.js')).play,
  inspect: async () => (await import('./commands/inspect.js')).inspect,
  export: async () => (await import('./commands/export.js')).exportDataset,
  render: async () => (await import('./commands/render.js')).render,
  check: async () => (await import('./commands/check.js')).check,
  'check-splits': async () => (await import('./commands/check-splits.js')).checkSplitsCommand,
  eval: async () => (await import('./commands/eval.js')).evalCommand,
  serve: async () => (await import('./commands/serve.js')).serveCommand,
  doctor: async () => (await import('./commands/doctor.js')).doctor,
  worker: async () => (await import('./commands/worker.js')).worker,
  merge: async () => (await import('./commands/merge.js')).merge,
  train: async () => (await import('./commands/train.js')).train,
};

/**
 * Registers the built-in envs, once, before a command runs (not for the usage text, so
 * `thinkgym --help` loads nothing more). Env modules stay lazy. The reusable tools (sharp, fonts)
 * are registered only by `list`, the one command that shows them, and only when it has no built
 * catalogue.
 */
async function registerBuiltins(): Promise<void> {
  await import('../envs/index.js');
}

/**
 * Runs the CLI; returns the exit code (0 ok, 1 failure, 2 usage, 130 interrupted). Every error a
 * command throws is reported here, as one line (see {@link reportError}); `THINKGYM_DEBUG=1` adds
 * the stack trace.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const load = COMMANDS[name];
  if (load === undefined) {
    console.error(`Unknown command "${name}".\n\n${USAGE}`);
    return EXIT.usage;
  }
  try {
    await registerBuiltins();
    return await (await load())(rest);
  } catch (error) {
    const report = reportError(error);
    console.error(report.message);
    if (process.env.THINKGYM_DEBUG === '1' && error instanceof Error) console.error(error.stack);
    return report.exitCode;
  }
}
