import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, inject, it } from 'vitest';

it('points os.tmpdir() of the test worker and of its child processes into the run temp root', async () => {
  const root = inject('tempRoot');
  expect(root).toMatch(/thinkgym-test-run-/);
  expect(tmpdir()).toBe(root);
  const child = execFileSync(process.execPath, ['-e', 'process.stdout.write(require("node:os").tmpdir())'], {
    encoding: 'utf8',
  });
  expect(child).toBe(root);
  const made = await mkdtemp(join(tmpdir(), 'thinkgym-probe-'));
  expect(realpathSync(dirname(made))).toBe(realpathSync(root));
  await rm(made, { recursive: true });
});
