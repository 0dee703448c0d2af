import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** The repository root (the Stryker sandbox root when a mutation run loads this file). */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A vitest config that runs only `include`, from the repository root, as the main config does. */
export function targetConfig(include: readonly string[]) {
  return defineConfig({
    root: ROOT,
    test: {
      include: [...include],
      testTimeout: 60_000,
      hookTimeout: 60_000,
      reporters: ['default'],
    },
  });
}
