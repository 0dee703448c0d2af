import type { GuardedEnv } from '../core/wrappers.js';

/**
 * Env steps per second along oracle trajectories: only `env.step` is timed (the oracle's planning
 * is not). Seeds below zero warm up (their steps are not counted; the env sees `Math.abs(seed)`).
 */
export async function oracleStepRate(env: GuardedEnv, firstSeed: number, endSeed: number): Promise<{ rate: number; steps: number }> {
  let steps = 0;
  let milliseconds = 0;
  for (let seed = firstSeed; seed < endSeed; seed += 1) {
    const reset = await env.reset({ seed: Math.abs(seed) });
    const oracle = env.oracle();
    let last = { observation: reset.observation, info: reset.info };
    for (;;) {
      const { action } = await oracle.next(last);
      const started = performance.now();
      const result = await env.step(action);
      if (seed >= 0) {
        milliseconds += performance.now() - started;
        steps += 1;
      }
      last = { observation: result.observation, info: result.info };
      if (result.terminated || result.truncated) break;
    }
  }
  return { rate: (steps / milliseconds) * 1000, steps };
}
