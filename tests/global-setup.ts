import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The temp root this test run made; every `os.tmpdir()` in the run points into it. */
    tempRoot: string;
  }
}

/**
 * The temp variables `os.tmpdir()` reads (TMPDIR on POSIX, TEMP and TMP on Windows), and the
 * cache root (XDG_CACHE_HOME) that video-v0's encoded videos default to, so a test run leaves no
 * cache behind in the user's home either.
 */
const TEMP_VARIABLES = ['TMPDIR', 'TEMP', 'TMP', 'XDG_CACHE_HOME'] as const;

/**
 * Gives the test run a temp root of its own and removes it when the run ends.
 *
 * It runs in vitest's main process before the test workers are forked, so the workers (pool
 * `forks`) and every process they start inherit the root through the environment; whatever a test
 * or a child process leaves in `os.tmpdir()` goes with it at teardown.
 */
export default function setup(project: TestProject): () => void {
  const saved = TEMP_VARIABLES.map((name) => [name, process.env[name]] as const);
  const root = mkdtempSync(join(tmpdir(), 'thinkgym-test-run-'));
  for (const name of TEMP_VARIABLES) process.env[name] = root;
  project.provide('tempRoot', root);
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(root, { recursive: true, force: true, maxRetries: 5 });
  };
}
