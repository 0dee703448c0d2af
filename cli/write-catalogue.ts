/**
 * Build step (`npm run build` runs the compiled copy): collects what `thinkgym list` prints from
 * the built-in envs and tools and writes it beside the compiled CLI, so the command lists them
 * without loading any env module.
 */
import { registry } from '../core/registry.js';
import '../envs/index.js';
import '../tools/index.js';
import { collectCatalogue, writeCatalogue } from './catalogue.js';

if (!import.meta.url.endsWith('.js')) {
  // A catalogue beside the sources would go stale at the next edit; only dist/ carries one.
  console.error('write-catalogue runs from the compiled copy only; run `npm run build`.');
  process.exit(2);
}
const path = await writeCatalogue(await collectCatalogue(registry));
console.log(`wrote ${path}`);
