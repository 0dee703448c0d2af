import { createHash } from 'node:crypto';
import { GymError } from './errors.js';

/**
 * Train, validation and test splits of an env's task space.
 *
 * A split never names a range of raw seeds (ranges a user can overlap by accident). The `i`-th
 * task of a split is reset with the seed {@link splitSeed}`(env, version, split, i)`:
 *
 * ```
 * seed = 2^52 + tag(split) · 2^50 + permute_{sha256(env@version/split)}(i)      0 ≤ i < 2^50
 * ```
 *
 * `permute` is a keyed 4-round Feistel bijection on 50 bits, so distinct indices of one split
 * give distinct seeds, the order of seeds differs per env, version and split, and the split tag
 * in the high bits makes the three seed spaces disjoint by construction. Raw seeds (no split,
 * what every existing dataset used) are below 2^52 and never meet a split seed; the split of any
 * seed is read back by {@link splitOfSeed}. Disjoint seeds do not yet mean disjoint tasks (two
 * seeds can draw the same small maze); `thinkgym check-splits` compares the tasks' content
 * fingerprints, and {@link splitOfFingerprint} splits a fixed set of tasks (a loaded file) by content.
 */
export const SPLIT_NAMES = ['train', 'validation', 'test'] as const;

/** A split of an env's task space. */
export type SplitName = (typeof SPLIT_NAMES)[number];

/** How many tasks each split can address: indices are `0 … SPLIT_SIZE - 1`. */
export const SPLIT_SIZE = 2 ** 50;

/** The first seed of the split seed space; raw seeds below it never belong to a split. */
export const SPLIT_SEED_BASE = 2 ** 52;

const HALF_BITS = 25;
const HALF_MASK = 2 ** HALF_BITS - 1;
const HALF = 2 ** HALF_BITS;
const ROUNDS = 4;

/** Whether `value` names a split. */
export function isSplitName(value: string): value is SplitName {
  return (SPLIT_NAMES as readonly string[]).includes(value);
}

/** Parses a split name, with a one-line error that lists the valid ones. */
export function parseSplitName(value: string): SplitName {
  if (isSplitName(value)) return value;
  throw new GymError('bad-split', `Unknown split "${value}"; choose one of ${SPLIT_NAMES.join(', ')}.`);
}

/**
 * The reset seed of the `index`-th task of `split` of `env` at `version` (see the module notes).
 * Throws when the index is not an integer in `[0, 2^50)`.
 */
export function splitSeed(env: string, version: number, split: SplitName, index: number): number {
  if (!Number.isSafeInteger(index) || index < 0 || index >= SPLIT_SIZE) {
    throw new GymError('bad-split-index', `A split index must be an integer from 0 to 2^50 - 1, got ${index}.`);
  }
  const keys = roundKeys(env, version, split);
  let left = Math.floor(index / HALF);
  let right = index % HALF;
  for (let round = 0; round < ROUNDS; round += 1) {
    const mixed = (left ^ roundFunction(right, keys[round] as number)) & HALF_MASK;
    left = right;
    right = mixed >>> 0;
  }
  return SPLIT_SEED_BASE + SPLIT_NAMES.indexOf(split) * SPLIT_SIZE + left * HALF + right;
}

/** The index a split seed was derived from: the inverse of {@link splitSeed}. */
export function splitIndex(env: string, version: number, seed: number): { split: SplitName; index: number } | undefined {
  const split = splitOfSeed(seed);
  if (split === undefined) return undefined;
  const keys = roundKeys(env, version, split);
  const within = seed - SPLIT_SEED_BASE - SPLIT_NAMES.indexOf(split) * SPLIT_SIZE;
  let left = Math.floor(within / HALF);
  let right = within % HALF;
  for (let round = ROUNDS - 1; round >= 0; round -= 1) {
    const previousRight = left;
    const previousLeft = (right ^ roundFunction(previousRight, keys[round] as number)) & HALF_MASK;
    left = previousLeft >>> 0;
    right = previousRight;
  }
  return { split, index: left * HALF + right };
}

/** The split a reset seed belongs to, or `undefined` for a raw seed (below 2^52, or negative). */
export function splitOfSeed(seed: number): SplitName | undefined {
  if (!Number.isSafeInteger(seed) || seed < SPLIT_SEED_BASE) return undefined;
  return SPLIT_NAMES[Math.floor((seed - SPLIT_SEED_BASE) / SPLIT_SIZE)];
}

/** Shares of the splits when a fixed set of tasks is split by content. */
export interface SplitShares {
  readonly train: number;
  readonly validation: number;
  readonly test: number;
}

/** 80 / 10 / 10, the usual shares. */
export const DEFAULT_SPLIT_SHARES: SplitShares = { train: 0.8, validation: 0.1, test: 0.1 };

/**
 * The split a task belongs to by its content fingerprint (hex sha256): the first 32 bits of the
 * fingerprint, as a fraction, fall into one of the shares. Loaders of real files (a level file, a
 * QA file) use it so that a task lands in one split whatever its position in the file.
 */
export function splitOfFingerprint(fingerprint: string, shares: SplitShares = DEFAULT_SPLIT_SHARES): SplitName {
  if (!/^[0-9a-f]{8}/.test(fingerprint)) throw new GymError('bad-fingerprint', `A fingerprint is a hex sha256, got "${fingerprint}".`);
  const total = shares.train + shares.validation + shares.test;
  if (!(total > 0) || shares.train < 0 || shares.validation < 0 || shares.test < 0) {
    throw new GymError('bad-split-shares', 'Split shares must be non-negative numbers with a positive sum.');
  }
  const point = (Number.parseInt(fingerprint.slice(0, 8), 16) / 2 ** 32) * total;
  if (point < shares.train) return 'train';
  if (point < shares.train + shares.validation) return 'validation';
  return 'test';
}

const keyCache = new Map<string, readonly number[]>();

function roundKeys(env: string, version: number, split: SplitName): readonly number[] {
  const label = `thinkgym-split/${env}@${version}/${split}`;
  let keys = keyCache.get(label);
  if (keys === undefined) {
    const digest = createHash('sha256').update(label).digest();
    keys = Array.from({ length: ROUNDS }, (_, round) => digest.readUInt32BE(round * 4));
    keyCache.set(label, keys);
  }
  return keys;
}

/** A 32-bit mix (murmur3's finalizer) of one half and the round key, cut to 25 bits by the caller. */
function roundFunction(half: number, key: number): number {
  let value = (half ^ key) >>> 0;
  value = Math.imul(value ^ (value >>> 16), 0x85ebca6b);
  value = Math.imul(value ^ (value >>> 13), 0xc2b2ae35);
  value ^= value >>> 16;
  return (value ^ Math.imul(key, 0x9e3779b1)) >>> 0;
}

/**
 * The reset seed of the `index`-th task of a run: the index itself on the raw path (no split, as
 * every dataset made before splits), else {@link splitSeed}.
 */
export function taskSeed(env: string, version: number, split: SplitName | undefined, index: number): number {
  return split === undefined ? index : splitSeed(env, version, split, index);
}
