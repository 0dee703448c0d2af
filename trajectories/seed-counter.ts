/**
 * Counts episodes per env and seed in memory that grows with the number of *runs* of consecutive
 * seeds, not with the number of episodes: a dataset of seeds 0..999 999 999 is one run. A writer
 * uses it to skip seeds already written when a run resumes.
 */
export class SeedCounter {
  private readonly envs = new Map<string, SeedRuns>();

  /** Adds one episode of `env` with `seed`. */
  add(env: string, seed: number): void {
    let runs = this.envs.get(env);
    if (runs === undefined) {
      runs = new SeedRuns();
      this.envs.set(env, runs);
    }
    runs.add(seed);
  }

  /** Whether there is at least one episode of `env` with `seed`. */
  has(env: string, seed: number): boolean {
    return this.envs.get(env)?.has(seed) === true;
  }

  /** How many episodes of `env` with `seed` there are. */
  count(env: string, seed: number): number {
    return this.envs.get(env)?.count(seed) ?? 0;
  }

  /** How many distinct seeds of `start` … `start + length - 1` have an episode of `env`. */
  countIn(env: string, start: number, length: number): number {
    return this.envs.get(env)?.countIn(start, start + length) ?? 0;
  }

  /** Runs held over all envs (what the memory grows with). */
  get runs(): number {
    let total = 0;
    for (const runs of this.envs.values()) total += runs.size;
    return total;
  }
}

/** Sorted, disjoint, non-touching half-open runs `[start, end)` of seeds, plus counts above one. */
class SeedRuns {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly repeats = new Map<number, number>();

  get size(): number {
    return this.starts.length;
  }

  /** Index of the last run whose start is <= seed, or -1. */
  private find(seed: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if ((this.starts[middle] as number) <= seed) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found;
  }

  has(seed: number): boolean {
    const index = this.find(seed);
    return index >= 0 && seed < (this.ends[index] as number);
  }

  count(seed: number): number {
    return this.has(seed) ? 1 + (this.repeats.get(seed) ?? 0) : 0;
  }

  add(seed: number): void {
    const index = this.find(seed);
    if (index >= 0 && seed < (this.ends[index] as number)) {
      this.repeats.set(seed, (this.repeats.get(seed) ?? 0) + 1);
      return;
    }
    const joinsLeft = index >= 0 && this.ends[index] === seed;
    const joinsRight = index + 1 < this.starts.length && this.starts[index + 1] === seed + 1;
    if (joinsLeft && joinsRight) {
      this.ends[index] = this.ends[index + 1] as number;
      this.starts.splice(index + 1, 1);
      this.ends.splice(index + 1, 1);
    } else if (joinsLeft) {
      this.ends[index] = seed + 1;
    } else if (joinsRight) {
      this.starts[index + 1] = seed;
    } else {
      this.starts.splice(index + 1, 0, seed);
      this.ends.splice(index + 1, 0, seed + 1);
    }
  }

  /** Distinct seeds in `[from, to)` that are held. */
  countIn(from: number, to: number): number {
    let total = 0;
    for (let index = Math.max(0, this.find(from)); index < this.starts.length; index += 1) {
      const start = this.starts[index] as number;
      if (start >= to) break;
      total += Math.max(0, Math.min(to, this.ends[index] as number) - Math.max(from, start));
    }
    return total;
  }
}
