#!/usr/bin/env node
// The `thinkgym` command. It runs the compiled `dist/` (built by `npm run build`, which `prepare`
// runs at install, at pack time and for git installs) when dist is newer than every TypeScript
// source; in a clone where a source was edited since the last build it runs the sources through
// tsx's loader instead, so an edit takes effect with no build step. An installed package carries
// only dist/ and runs that.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = new URL('../cli/main.ts', import.meta.url);
const compiled = new URL('../dist/cli/main.js', import.meta.url);
/** Folders (and files) whose TypeScript the CLI runs; what `tsconfig.build.json` compiles, plus what it imports. */
const SOURCES = ['index.ts', 'core', 'agents', 'trajectories', 'rewards', 'envs', 'tools', 'cli', 'server', 'train', 'queue'];

/** Whether a `.ts` file under `path` was changed after `built` (milliseconds since the epoch). */
function changedSince(path, built) {
  let entries;
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    return path.endsWith('.ts') && existsSync(path) && statSync(path).mtimeMs > built;
  }
  for (const entry of entries) {
    const child = `${path}/${entry.name}`;
    if (entry.isDirectory()) {
      if (changedSince(child, built)) return true;
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && statSync(child).mtimeMs > built) {
      return true;
    }
  }
  return false;
}

/** Whether dist/ was built after the last edit of any source (true when there are no sources). */
function distIsCurrent() {
  if (!existsSync(compiled)) return false;
  if (!existsSync(source)) return true;
  const built = statSync(compiled).mtimeMs;
  return !SOURCES.some((name) => changedSince(`${root}${name}`, built));
}

async function load() {
  if (process.env.THINKGYM_SOURCES !== '1' && distIsCurrent()) return import(compiled.href);
  if (existsSync(source)) {
    if (process.env.THINKGYM_DEBUG === '1') {
      const why =
        process.env.THINKGYM_SOURCES === '1' ? 'THINKGYM_SOURCES=1' : 'dist/ is missing or older than them; `npm run build` starts faster';
      process.stderr.write(`thinkgym: running the TypeScript sources through tsx (${why}).\n`);
    }
    const { register } = await import('tsx/esm/api');
    register();
    return import(source.href);
  }
  process.stderr.write('thinkgym: dist/ is missing from this copy; run `npm run build` in the package folder.\n');
  process.exit(1);
}

const { main } = await load();
process.exitCode = await main(process.argv.slice(2));
