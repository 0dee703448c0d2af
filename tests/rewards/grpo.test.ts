import { describe, expect, it } from 'vitest';
import {
  defaultStepRewards,
  episodeAdvantages,
  groupAdvantages,
  groupEpisodes,
  groupKey,
  groupTurnAdvantages,
  meanAndStd,
  returnsToGo,
  stepAdvantages,
} from '../../rewards/grpo.js';
import type { EpisodeRecord, StepRecord } from '../../trajectories/record.js';
import { syntheticRecord } from '../helpers/trajectory-fixtures.js';

/** 0.5 over (the sample std of {0, 1}, √0.5, plus epsilon): the advantage of a pair of rewards 1 apart. */
const ROOT_HALF = 0.5 / (Math.SQRT1_2 + 1e-6);

const IMAGE = { sha256: 'a'.repeat(64), width: 1, height: 1, mime: 'image/png' as const };

function closeTo(actual: readonly number[], expected: readonly number[], digits = 6): void {
  expect(actual).toHaveLength(expected.length);
  for (const [index, value] of actual.entries()) expect(value).toBeCloseTo(expected[index] ?? Number.NaN, digits);
}

function episode(env: string, seed: number, totalReward: number, stepRewards: readonly number[] = [0]): EpisodeRecord {
  const base = syntheticRecord(seed, IMAGE, IMAGE);
  const template = base.steps[0] as StepRecord;
  const steps = stepRewards.map((reward, index) => ({ ...template, turn: index + 1, reward }));
  return { ...base, env, totalReward, steps, counts: { ...base.counts, turns: steps.length } };
}

describe('groupAdvantages', () => {
  it('normalise by the sample standard deviation by default', () => {
    // mean 0.5, sample std sqrt(1/3) = 0.57735: ±0.5 / 0.57735 = ±0.866025
    closeTo(groupAdvantages([1, 0, 0, 1]), [0.866024, -0.866024, -0.866024, 0.866024]);
    // mean 2, sample std 1
    closeTo(groupAdvantages([1, 2, 3]), [-0.999999, 0, 0.999999]);
  });

  it('use the population standard deviation on request', () => {
    // mean 0.5, population std 0.5
    closeTo(groupAdvantages([1, 0, 0, 1], { std: 'population' }), [0.999998, -0.999998, -0.999998, 0.999998]);
  });

  it('only centre without scaleByStd (Dr. GRPO)', () => {
    closeTo(groupAdvantages([1, 0, 0, 1], { scaleByStd: false }), [0.5, -0.5, -0.5, 0.5]);
    closeTo(groupAdvantages([3, 5, 10], { scaleByStd: false }), [-3, -1, 4]);
  });

  it('give zeros to equal rewards and to a group of one', () => {
    expect(groupAdvantages([2, 2, 2])).toEqual([0, 0, 0]);
    expect(groupAdvantages([5])).toEqual([0]);
    expect(groupAdvantages([])).toEqual([]);
  });

  it('honour epsilon', () => {
    closeTo(groupAdvantages([0, 2], { epsilon: 1 }), [-1 / (Math.SQRT2 + 1), 1 / (Math.SQRT2 + 1)]);
  });

  it('rest on a correct mean and standard deviation', () => {
    expect(meanAndStd([2, 4, 4, 4, 5, 5, 7, 9], 'population')).toEqual({ mean: 5, std: 2 });
    expect(meanAndStd([1, 2, 3, 4]).std).toBeCloseTo(Math.sqrt(5 / 3), 12);
  });
});

describe('turn-level advantages', () => {
  it('compute discounted returns-to-go', () => {
    expect(returnsToGo([1, 0, 2])).toEqual([3, 2, 2]);
    expect(returnsToGo([1, 0, 2], 0.5)).toEqual([1.5, 1, 2]);
    expect(returnsToGo([])).toEqual([]);
  });

  it('broadcast each episode advantage to its steps', () => {
    // returns 1, 0, 2: mean 1, sample std 1
    const advantages = groupTurnAdvantages(
      [
        [0, 1],
        [0, 0],
        [1, 1, 0],
      ],
      { mode: 'broadcast' },
    );
    expect(advantages.map((steps) => steps.length)).toEqual([2, 2, 3]);
    closeTo(advantages[0] ?? [], [0, 0]);
    closeTo(advantages[1] ?? [], [-0.999999, -0.999999]);
    closeTo(advantages[2] ?? [], [0.999999, 0.999999, 0.999999]);
  });

  it('normalise returns-to-go over all steps of the group per step', () => {
    // returns-to-go [1, 1], [0, 0], [2, 1]; pooled mean 5/6, sample std 0.752773
    const advantages = groupTurnAdvantages(
      [
        [0, 1],
        [0, 0],
        [1, 1],
      ],
      { mode: 'per-step' },
    );
    closeTo(advantages[0] ?? [], [0.221403, 0.221403]);
    closeTo(advantages[1] ?? [], [-1.107017, -1.107017]);
    closeTo(advantages[2] ?? [], [1.549824, 0.221403]);
    expect(groupTurnAdvantages([[1, 2]], { mode: 'per-step' })).toEqual([[0, 0]]);
  });
});

describe('advantages of recorded episodes', () => {
  const records = [episode('a-v0', 1, 1), episode('a-v0', 1, 0), episode('a-v0', 2, 5), episode('b-v0', 1, 3), episode('a-v0', 2, 7)];

  it('group by env and seed', () => {
    expect(groupEpisodes(records)).toEqual([[0, 1], [2, 4], [3]]);
  });

  it('give one advantage per episode within its group', () => {
    // (a,1): [1, 0] → ±0.5 / 0.707107; (a,2): [5, 7] → ∓1 / 1.414214; (b,1): alone → 0
    closeTo(episodeAdvantages(records), [ROOT_HALF, -ROOT_HALF, -ROOT_HALF, 0, ROOT_HALF], 5);
    closeTo(episodeAdvantages(records, { scaleByStd: false }), [0.5, -0.5, -1, 0, 1]);
    closeTo(episodeAdvantages(records, { reward: (record) => (record.totalReward >= 1 ? 1 : 0) }), [ROOT_HALF, -ROOT_HALF, 0, 0, 0]);
  });

  it('give turn-level advantages by broadcast or from step rewards', () => {
    const group = [episode('a-v0', 1, 1, [0, 0.5]), episode('a-v0', 1, 0, [0.5])];
    const broadcast = stepAdvantages(group, { mode: 'broadcast' });
    closeTo(broadcast[0] ?? [], [ROOT_HALF, ROOT_HALF]);
    closeTo(broadcast[1] ?? [], [-ROOT_HALF]);
    // default step rewards: env rewards with totalReward added on the last step → [0, 1.5] and [0.5]
    expect(defaultStepRewards(group[0] as EpisodeRecord)).toEqual([0, 1.5]);
    // returns-to-go [1.5, 1.5] and [0.5]; pooled mean 7/6, sample std 0.57735
    const perStep = stepAdvantages(group, { mode: 'per-step', scaleByStd: false });
    closeTo(perStep[0] ?? [], [1 / 3, 1 / 3]);
    closeTo(perStep[1] ?? [], [-2 / 3]);
  });
});

describe('advantage edge cases', () => {
  it('give mean and std of empty and single lists', () => {
    expect(meanAndStd([])).toEqual({ mean: 0, std: 0 });
    expect(meanAndStd([4])).toEqual({ mean: 4, std: 0 });
    expect(meanAndStd([4], 'population')).toEqual({ mean: 4, std: 0 });
    expect(meanAndStd([1, 3], 'population')).toEqual({ mean: 2, std: 1 });
  });

  it('broadcast the sum of step rewards, not the last step', () => {
    // sums 0 and 0: equal returns, zero advantages (per-step would see 3 against 0)
    expect(groupTurnAdvantages([[3, -3], [0]], { mode: 'broadcast' })).toEqual([[0, 0], [0]]);
    closeTo(groupTurnAdvantages([[1, 1], [3]], { mode: 'broadcast', scaleByStd: false }).flat(), [-0.5, -0.5, 0.5]);
  });

  it('give zeros to a group of one in both modes', () => {
    expect(groupTurnAdvantages([[1, 2, 3]], { mode: 'broadcast' })).toEqual([[0, 0, 0]]);
    expect(groupTurnAdvantages([], { mode: 'per-step' })).toEqual([]);
  });

  it('discount per-step returns by gamma', () => {
    // returns-to-go [1.5, 1, 2] and [0, 0, 0]; pooled mean 0.75
    const advantages = groupTurnAdvantages(
      [
        [1, 0, 2],
        [0, 0, 0],
      ],
      { mode: 'per-step', gamma: 0.5, scaleByStd: false },
    );
    closeTo(advantages.flat(), [0.75, 0.25, 1.25, -0.75, -0.75, -0.75]);
    expect(returnsToGo([2, 4], 0)).toEqual([2, 4]);
  });
});

describe('advantages of recorded episodes, by mode', () => {
  it('broadcast the episode reward, not the step rewards', () => {
    const group = [episode('a-v0', 1, 0, [5, 5]), episode('a-v0', 1, 1, [0])];
    const broadcast = stepAdvantages(group, { mode: 'broadcast', scaleByStd: false });
    expect(broadcast).toEqual([[-0.5, -0.5], [0.5]]);
    const byLength = stepAdvantages(group, { mode: 'broadcast', scaleByStd: false, reward: (record) => record.steps.length });
    expect(byLength).toEqual([[0.5, 0.5], [-0.5]]);
  });

  it('discount per-step returns by gamma and take custom step rewards', () => {
    const group = [episode('a-v0', 1, 1, [0, 0.5]), episode('a-v0', 1, 0, [0.5])];
    // default step rewards [0, 1.5] and [0.5]; gamma 0.5 → returns-to-go [0.75, 1.5] and [0.5], mean 11/12
    const discounted = stepAdvantages(group, { mode: 'per-step', gamma: 0.5, scaleByStd: false });
    closeTo(discounted.flat(), [0.75 - 11 / 12, 1.5 - 11 / 12, 0.5 - 11 / 12]);
    const custom = stepAdvantages(group, { mode: 'per-step', scaleByStd: false, stepRewards: (record) => record.steps.map(() => 1) });
    // returns-to-go [2, 1] and [1], mean 4/3
    closeTo(custom.flat(), [2 / 3, -1 / 3, -1 / 3]);
    expect(stepAdvantages([episode('a-v0', 1, 1, [1, 1])], { mode: 'per-step' })).toEqual([[0, 0]]);
  });

  it('take the last step reward plus the outcome as default step rewards', () => {
    expect(defaultStepRewards(episode('a-v0', 1, 2, [1, 1, 1]))).toEqual([1, 1, 3]);
    expect(defaultStepRewards(episode('a-v0', 1, 2, []))).toEqual([]);
  });
});

describe('task groups', () => {
  const at = (env: string, envVersion: number, seed: number, options?: Record<string, unknown>) => ({
    env,
    envVersion,
    seed,
    ...(options === undefined ? {} : { options }),
  });

  it('key a task by env, version, seed and options with keys sorted', () => {
    expect(groupKey(at('a-v0', 0, 1))).toBe('a-v0\u00000\u00001\u0000{}');
    expect(groupKey(at('a-v0', 0, 1, { size: 8, layout: { rows: 2, columns: 3 } }))).toBe(
      'a-v0\u00000\u00001\u0000{"layout":{"columns":3,"rows":2},"size":8}',
    );
    expect(groupKey(at('a-v0', 0, 1, { size: 8 }), { size: 9 })).toBe('a-v0\u00000\u00001\u0000{"size":9}');
  });

  it('separate versions and options, and join options written in another key order', () => {
    const records = [
      at('a-v0', 0, 1, { size: 8, mode: 'bar' }),
      at('a-v0', 1, 1, { size: 8, mode: 'bar' }),
      at('a-v0', 0, 1, { mode: 'bar', size: 8 }),
      at('a-v0', 0, 1, { size: 9, mode: 'bar' }),
      at('a-v0', 0, 1),
      at('a-v0', 0, 1, {}),
    ];
    expect(groupEpisodes(records)).toEqual([[0, 2], [1], [3], [4, 5]]);
  });

  it('take options from the manifests of mixed datasets', () => {
    const small = episode('a-v0', 1, 1);
    const large = { ...episode('a-v0', 1, 0), durationMs: 2 };
    const alsoSmall = episode('a-v0', 1, 0);
    const manifests = new Map<EpisodeRecord, Record<string, unknown>>([
      [small, { size: 8 }],
      [large, { size: 16 }],
      [alsoSmall, { size: 8 }],
    ]);
    const optionsOf = (record: EpisodeRecord) => manifests.get(record);
    expect(groupEpisodes([small, large, alsoSmall], { optionsOf })).toEqual([[0, 2], [1]]);
    expect(groupEpisodes([small, large, alsoSmall])).toEqual([[0, 1, 2]]);
    closeTo(episodeAdvantages([small, large, alsoSmall], { optionsOf, scaleByStd: false }), [0.5, 0, -0.5]);
    const steps = stepAdvantages([small, large, alsoSmall], { mode: 'per-step', optionsOf, scaleByStd: false });
    expect(steps.map((values) => values.length)).toEqual([1, 1, 1]);
    closeTo(steps.flat(), [0.5, 0, -0.5]);
  });
});
