/**
 * Seeded pseudo-random numbers. Every random choice in thinkgym goes through {@link Random} so that
 * `(env id, version, seed)` reproduces a task exactly; `Math.random` is never used in envs.
 *
 * The generator is sfc32 seeded through splitmix32: fast, 128 bits of state, and identical on every
 * platform because it uses only 32-bit integer arithmetic.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * Creates a generator from an integer seed (any safe integer) or a string. Distinct non-negative
   * seeds up to `Number.MAX_SAFE_INTEGER` give distinct generators: seeds below 2³² start from a
   * 32-bit mixed seed as they always have (so recorded datasets replay), and the bits above 2³² are
   * folded into three of the four state words, which keeps the first word a function of the low 32
   * bits and the last word distinct for every high part. Negative seeds keep their historical
   * 32-bit mixing and may share a stream with a seed in [0, 2³²).
   */
  constructor(seed: number | string) {
    const high = typeof seed === 'string' ? 0 : highBits(seed);
    let state = typeof seed === 'string' ? hashString(seed) : mixSeed(seed);
    const next = (): number => {
      state = (state + 0x9e3779b9) | 0;
      return finalize(state);
    };
    this.a = next();
    this.b = next() ^ finalize(Math.imul(high, 0x2545f491));
    this.c = next() ^ finalize(Math.imul(high, 0x7feb352d));
    this.d = next() ^ finalize(high);
    for (let index = 0; index < 12; index += 1) this.uint32();
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1). */
  float(): number {
    return this.uint32() / 4294967296;
  }

  /** A uniform integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`Random.int needs integers with min <= max, got ${min}..${max}`);
    }
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** A uniform float in [min, max). */
  uniform(min: number, max: number): number {
    return min + this.float() * (max - min);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Random.pick needs a non-empty array');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** A new array holding the items in a uniformly random order (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const result = items.slice();
    for (let index = result.length - 1; index > 0; index -= 1) {
      const other = this.int(0, index);
      const swap = result[index] as T;
      result[index] = result[other] as T;
      result[other] = swap;
    }
    return result;
  }

  /** `count` distinct items drawn without replacement. */
  sample<T>(items: readonly T[], count: number): T[] {
    return this.shuffle(items).slice(0, count);
  }

  /** A standard normal variate (Box–Muller). */
  normal(mean = 0, deviation = 1): number {
    const u = 1 - this.float();
    const v = this.float();
    return mean + deviation * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * An independent generator derived from this one's seed material and a label, so that separate
   * parts of a generator (layout, colours, questions) do not shift when one of them draws more.
   */
  fork(label: string): Random {
    return new Random(`${this.a}:${this.b}:${this.c}:${this.d}:${label}`);
  }
}

/** Checks a numeric seed; returns its bits above 2³² for a non-negative seed, else 0. */
function highBits(seed: number): number {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`seed must be an integer from -${Number.MAX_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}, got ${seed}`);
  }
  return Math.max(0, Math.floor(seed / 4294967296));
}

/** The 32-bit starting state of a numeric seed: its low 32 bits mixed (negative seeds also fold in their high word). */
function mixSeed(seed: number): number {
  const low = seed >>> 0;
  const legacyHigh = Math.min(0, Math.floor(seed / 4294967296)) >>> 0;
  return (Math.imul(low ^ 0x5bd1e995, 0x27d4eb2d) ^ Math.imul(legacyHigh, 0x165667b1)) | 0;
}

/** Murmur3's 32-bit finalizer: a bijection on 32-bit words that maps 0 to 0. */
function finalize(value: number): number {
  let z = value;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
