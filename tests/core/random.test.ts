import { describe, expect, it } from 'vitest';
import { Random } from '../../core/random.js';

const draws = (seed: number | string, count = 3): number[] => {
  const random = new Random(seed);
  return Array.from({ length: count }, () => random.uint32());
};

describe('Random seeds', () => {
  // Datasets and pinned image hashes depend on these streams: a change here means bumping every env version.
  it('keeps the streams of seeds below 2^32, negative seeds and string seeds', () => {
    expect(draws(0)).toEqual([1721737129, 2669582572, 3088633477]);
    expect(draws(1)).toEqual([753401982, 4146654164, 3521105887]);
    expect(draws(42)).toEqual([3325746736, 1737060707, 740314067]);
    expect(draws(2 ** 31)).toEqual([2444880313, 2054428890, 917087086]);
    expect(draws(2 ** 32 - 1)).toEqual([3611255032, 991124005, 4047176336]);
    expect(draws(-1)).toEqual([601409026, 307469054, 4220058695]);
    expect(draws(-(2 ** 32))).toEqual([3433522471, 2957019306, 4200420123]);
  });

  it('pins seeds of 2^32 and above to known values', () => {
    expect(draws(2 ** 32)).toEqual([1791394190, 2023198374, 2169582549]);
    expect(draws(2 ** 32 + 1)).toEqual([946235743, 1888179688, 1104578972]);
    expect(draws(2 ** 40)).toEqual([1364673258, 215844714, 784648037]);
    expect(draws(Number.MAX_SAFE_INTEGER)).toEqual([2094840558, 768872729, 602341692]);
  });

  it('gives seeds that differ only above bit 32 different streams', () => {
    expect(draws(2 ** 32)).not.toEqual(draws(0));
    // 4273638933 is the seed that 2^32 used to collide with when seeds were mixed down to 32 bits.
    expect(draws(2 ** 32)).not.toEqual(draws(4273638933));
    const seen = new Set<string>();
    const lows = [0, 1, 2, 3, 1000, 2 ** 31, 2 ** 32 - 1];
    const highs = [0, 1, 2, 3, 255, 2 ** 20, 2 ** 21 - 1];
    for (const low of lows) for (const high of highs) seen.add(draws(high * 2 ** 32 + low, 2).join(','));
    expect(seen.size).toBe(lows.length * highs.length);
  });

  it('hashes string seeds to known streams', () => {
    expect(draws('')).toEqual([4291253917, 1101397687, 1513920412]);
    expect(draws('maze')).toEqual([434661948, 1211574067, 682383156]);
    expect(draws('chart-v0:5')).toEqual([3514110712, 718442480, 264663211]);
    expect(draws('ab')).not.toEqual(draws('ba'));
    expect(draws('0')).not.toEqual(draws(0));
  });

  it('rejects seeds that are not safe integers with a clear error', () => {
    for (const seed of [Number.NaN, 1.5, Number.POSITIVE_INFINITY, 2 ** 53, -(2 ** 53)]) {
      expect(() => new Random(seed)).toThrow(
        new RangeError(`seed must be an integer from -9007199254740991 to 9007199254740991, got ${seed}`),
      );
    }
    expect(() => new Random(-Number.MAX_SAFE_INTEGER)).not.toThrow();
  });
});

describe('Random draws', () => {
  it('draws floats, ints, uniforms, chances, normals and picks to known values', () => {
    const random = new Random(11);
    expect(random.float()).toBe(0.3465606824029237);
    expect(random.int(-5, 5)).toBe(-2);
    expect(random.uniform(2, 4)).toBe(2.6733898585662246);
    expect(random.chance(0.5)).toBe(true);
    expect(random.normal()).toBe(-1.7333335932653071);
    expect(random.normal(10, 2)).toBe(9.527575466261197);
    expect(random.pick(['x', 'y', 'z'])).toBe('x');
  });

  it('keeps floats in [0, 1) and ints within both ends, each end reachable', () => {
    const random = new Random(3);
    const seen = new Set<number>();
    for (let index = 0; index < 2000; index += 1) {
      const value = random.float();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
      seen.add(random.int(-2, 2));
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
    expect(random.int(4, 4)).toBe(4);
  });

  it('refuses a bad int range and an empty pick', () => {
    const random = new Random(0);
    expect(() => random.int(5, 4)).toThrow(new RangeError('Random.int needs integers with min <= max, got 5..4'));
    expect(() => random.int(0.5, 4)).toThrow(RangeError);
    expect(() => random.int(0, 4.5)).toThrow(RangeError);
    expect(() => random.pick([])).toThrow(new RangeError('Random.pick needs a non-empty array'));
  });

  it('decides chance(p) as a draw strictly below p', () => {
    // The first float of seed 11 is 0.3465606824029237: a chance of exactly that is a miss.
    expect(new Random(11).chance(0.3465606824029237)).toBe(false);
    expect(new Random(11).chance(0.3465606824029238)).toBe(true);
    const random = new Random(5);
    for (let index = 0; index < 200; index += 1) {
      expect(random.chance(0)).toBe(false);
      expect(random.chance(1)).toBe(true);
    }
  });

  it('shuffles to a known order without touching the input', () => {
    const items = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(new Random(3).shuffle(items)).toEqual([9, 1, 3, 2, 6, 4, 5, 7, 0, 8]);
    expect(items).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(new Random(3).shuffle([])).toEqual([]);
    expect(new Random(3).shuffle(['only'])).toEqual(['only']);
    // A shuffle of n items draws n - 1 times: the stream after it is fixed too.
    const random = new Random(3);
    random.shuffle([1, 2, 3]);
    expect(random.uint32()).toBe(4165838036);
  });

  it('puts every item in every position over many shuffles', () => {
    const random = new Random(8);
    const positions = Array.from({ length: 4 }, () => new Set<number>());
    for (let index = 0; index < 400; index += 1) {
      for (const [position, item] of random.shuffle([0, 1, 2, 3]).entries()) positions[item]?.add(position);
    }
    expect(positions.map((set) => set.size)).toEqual([4, 4, 4, 4]);
  });

  it('samples distinct items to a known draw', () => {
    expect(new Random(3).sample(['a', 'b', 'c', 'd', 'e'], 3)).toEqual(['d', 'b', 'c']);
    const sample = new Random(4).sample([1, 2, 3, 4, 5, 6], 6);
    expect(new Set(sample).size).toBe(6);
    expect(new Random(4).sample([1, 2, 3], 0)).toEqual([]);
  });
});

describe('Random.fork', () => {
  it('derives known, label-specific streams without drawing from the parent', () => {
    expect(new Random(7).fork('layout').uint32()).toBe(3724569300);
    expect(new Random(7).fork('').uint32()).toBe(2539288018);
    const parent = new Random(7);
    parent.fork('layout');
    expect(parent.uint32()).toBe(new Random(7).uint32());
  });

  it('forks differently after the parent has drawn', () => {
    const parent = new Random(7);
    const before = parent.fork('layout').uint32();
    parent.uint32();
    expect(parent.fork('layout').uint32()).not.toBe(before);
  });
});
