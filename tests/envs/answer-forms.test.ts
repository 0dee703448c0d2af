import { describe, expect, it } from 'vitest';
import { fingerprintTask } from '../../core/fingerprint.js';
import { registry } from '../../core/registry.js';
import '../../envs/index.js';

/**
 * Fuzzes every answering env's checker with its own expected answer rewritten in forms a reader
 * takes as the same answer: padding, case, a final full stop, and for numbers a trailing `.0`.
 */
function equivalentForms(expected: string): string[] {
  const forms = [` ${expected} `, `\t${expected}\n`, expected.toUpperCase(), expected.toLowerCase(), `${expected}.`];
  const number = Number(expected);
  if (expected.trim() !== '' && Number.isInteger(number)) forms.push(`${number}.0`);
  return [...new Set(forms)].filter((form) => form !== expected);
}

/** Tasks checked per env (medical and video render slowly). */
const SEEDS: Record<string, number> = { 'medical-v0': 1, 'video-v0': 3 };

/** Forms an env still rejects on purpose: `env: expected → form` (none today). */
const KNOWN_REJECTIONS: Record<string, RegExp> = {};

describe('answer checkers accept every correct form', () => {
  const answering = ['chart-v0', 'drawing-v0', 'graph-v0', 'medical-v0', 'video-v0'];
  it('lists the answering envs', () => {
    expect(registry.listEnvs().map(({ id }) => id)).toEqual(expect.arrayContaining(answering));
  });
  for (const id of answering) {
    it(`${id}: the expected answer in equivalent forms scores full marks`, async () => {
      const env = await registry.makeEnv(id, id === 'graph-v0' ? { options: { task: 'path' } } : {});
      const rejected: string[] = [];
      let checked = 0;
      for (let seed = 0; seed < (SEEDS[id] ?? 8); seed += 1) {
        const { expected } = await fingerprintTask(env, seed);
        expect(expected).not.toBeNull();
        for (const form of [expected as string, ...equivalentForms(expected as string)]) {
          await env.reset({ seed });
          const result = await env.step({ type: 'answer', answer: form });
          checked += 1;
          if (result.info.success !== true) rejected.push(`${JSON.stringify(expected)} → ${JSON.stringify(form)}`);
        }
      }
      await env.close();
      expect(checked).toBeGreaterThan(0);
      const known = KNOWN_REJECTIONS[id];
      expect(rejected.filter((line) => known === undefined || !known.test(line))).toEqual([]);
    }, 60_000);
  }
});
