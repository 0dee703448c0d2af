import { describe, expect, it } from 'vitest';
import { runEpisode } from '../agents/episode.js';
import { OraclePolicy } from '../agents/policies/oracle.js';
import { checkEnv } from '../core/check-env.js';
import { MemoryImageStore } from '../core/image-store.js';
import { registry } from '../core/registry.js';
import '../envs/index.js';

/**
 * Registry-wide contract tests: every registered env passes checkEnv, and its oracle scores full
 * reward over many seeds. Envs whose oracle is exact only on some task kinds name those here.
 */
const ORACLE_RUNS: Record<string, { seeds: number; options?: Record<string, unknown> }> = {
  'graph-v0': { seeds: 20, options: { task: 'path' } },
  'sokoban-v0': { seeds: 10 },
  'medical-v0': { seeds: 8 },
};

describe('every registered env', () => {
  const ids = registry.listEnvs().map((registration) => registration.id);

  it('includes the built-in envs', () => {
    expect(ids).toContain('maze-v0');
  });

  for (const id of ids) {
    it(`${id} passes checkEnv`, async () => {
      const images = new MemoryImageStore();
      const env = await registry.makeEnv(id, { images });
      const report = await checkEnv(env, { images });
      expect(report.id).toBe(id);
      await env.close();
    });

    it(`${id}: the oracle scores full reward`, async () => {
      const plan = ORACLE_RUNS[id] ?? { seeds: 20 };
      const images = new MemoryImageStore();
      const env = await registry.makeEnv(id, { images, ...(plan.options === undefined ? {} : { options: plan.options }) });
      for (let seed = 0; seed < plan.seeds; seed += 1) {
        const record = await runEpisode(env, new OraclePolicy(), { seed, images });
        expect({ seed, success: record.success, score: record.score, invalid: record.counts.invalidActions }).toEqual({
          seed,
          success: true,
          score: 1,
          invalid: 0,
        });
      }
      await env.close();
    });
  }
});
