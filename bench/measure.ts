import { loadavg } from 'node:os';
import type { GuardedEnv } from '../core/wrappers.js';

/** Env steps per second along oracle trajectories, by the clock and by this process's CPU time. */
export interface StepRate {
  /** Steps per wall-clock second of `env.step`. */
  readonly rate: number;
  /** Steps per second of CPU time (user + system, all threads) spent in `env.step`: steadier on a busy machine. */
  readonly cpuRate: number;
  readonly steps: number;
  /** The machine's 1-minute load average when the measurement ended. */
  readonly load: number;
}

/**
 * Env steps per second along oracle trajectories: only `env.step` is timed (the oracle's planning
 * is not). Seeds below zero warm up (their steps are not counted; the env sees `Math.abs(seed)`).
 */
export async function oracleStepRate(env: GuardedEnv, firstSeed: number, endSeed: number): Promise<StepRate> {
  let steps = 0;
  let milliseconds = 0;
  let cpuMicroseconds = 0;
  for (let seed = firstSeed; seed < endSeed; seed += 1) {
    const reset = await env.reset({ seed: Math.abs(seed) });
    const oracle = env.oracle();
    let last = { observation: reset.observation, info: reset.info };
    for (;;) {
      const { action } = await oracle.next(last);
      const cpu = process.cpuUsage();
      const started = performance.now();
      const result = await env.step(action);
      if (seed >= 0) {
        milliseconds += performance.now() - started;
        const used = process.cpuUsage(cpu);
        cpuMicroseconds += used.user + used.system;
        steps += 1;
      }
      last = { observation: result.observation, info: result.info };
      if (result.terminated || result.truncated) break;
    }
  }
  return { rate: (steps / milliseconds) * 1000, cpuRate: (steps / cpuMicroseconds) * 1e6, steps, load: loadavg()[0] ?? 0 };
}
