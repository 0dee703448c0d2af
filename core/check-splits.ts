import { fingerprintTask } from './fingerprint.js';
import type { Registry } from './registry.js';
import { SPLIT_NAMES, type SplitName, splitSeed } from './split.js';

/** A task that appears in two splits. */
export interface SplitLeak {
  readonly fingerprint: string;
  /** Where the task appears: one entry per split and index. */
  readonly places: readonly { readonly split: SplitName; readonly index: number; readonly seed: number }[];
}

/** What {@link checkSplits} found for one env. */
export interface SplitCheckReport {
  readonly env: string;
  readonly version: number;
  /** Tasks generated per split (indices `0 … n - 1`). */
  readonly n: number;
  /** Distinct fingerprints per split. */
  readonly distinct: Readonly<Record<SplitName, number>>;
  /** Tasks shared by two or more splits; empty when the splits are disjoint. */
  readonly leaks: readonly SplitLeak[];
  readonly durationMs: number;
}

/**
 * Generates the first `n` tasks of every split of an env, fingerprints each by content, and
 * reports every fingerprint found in two splits. Repeats inside one split are not leaks (they
 * lower the split's distinct count, which the report shows).
 */
export async function checkSplits(
  registry: Registry,
  id: string,
  n: number,
  options: Readonly<Record<string, unknown>> = {},
): Promise<SplitCheckReport> {
  const started = performance.now();
  const env = await registry.makeEnv(id, { options });
  const seen = new Map<string, { split: SplitName; index: number; seed: number }[]>();
  const distinct: Record<SplitName, number> = { train: 0, validation: 0, test: 0 };
  try {
    for (const split of SPLIT_NAMES) {
      const mine = new Set<string>();
      for (let index = 0; index < n; index += 1) {
        const seed = splitSeed(id, env.spec.version, split, index);
        const { fingerprint } = await fingerprintTask(env, seed);
        mine.add(fingerprint);
        const places = seen.get(fingerprint) ?? [];
        places.push({ split, index, seed });
        seen.set(fingerprint, places);
      }
      distinct[split] = mine.size;
    }
  } finally {
    await env.close();
  }
  const leaks: SplitLeak[] = [];
  for (const [fingerprint, places] of seen) {
    if (new Set(places.map((place) => place.split)).size > 1) leaks.push({ fingerprint, places });
  }
  return {
    env: id,
    version: (await registry.loadEnv(id)).spec.version,
    n,
    distinct,
    leaks,
    durationMs: Math.round(performance.now() - started),
  };
}
