#!/usr/bin/env node
// The `thinkgym` command. In a clone it runs the TypeScript sources through tsx's loader, so an
// edit takes effect with no build step; an installed package carries only the compiled `dist/`
// (built by `npm run build`, which `prepare` runs at pack time and for git installs) and runs that.
import { existsSync } from 'node:fs';

const source = new URL('../cli/main.ts', import.meta.url);
const compiled = new URL('../dist/cli/main.js', import.meta.url);

async function load() {
  if (existsSync(source)) {
    const { register } = await import('tsx/esm/api');
    register();
    return import(source.href);
  }
  if (existsSync(compiled)) return import(compiled.href);
  process.stderr.write('thinkgym: dist/ is missing from this copy; run `npm run build` in the package folder.\n');
  process.exit(1);
}

const { main } = await load();
process.exitCode = await main(process.argv.slice(2));
