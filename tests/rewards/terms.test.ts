import { describe, expect, it } from 'vitest';
import type { InvalidReason } from '../../core/env.js';
import { computeRewards, DEFAULT_REWARD_CONFIG, type EpisodeOutcome, type RewardConfig } from '../../rewards/terms.js';

const SOLVED: EpisodeOutcome = { success: true, score: 1, turns: 3, maxTurns: 10, toolCalls: 2, invalidReasons: [], envReward: 0 };

/** Each term weighted 1 alone, so `total` is that term. */
const only = (name: keyof RewardConfig): RewardConfig => ({
  accuracy: 0,
  format: 0,
  invalidCall: 0,
  toolUse: 0,
  efficiency: 0,
  env: 0,
  [name]: 1,
});

describe('computeRewards', () => {
  it('gives every term of a clean, solved episode and the default total', () => {
    const { terms, total } = computeRewards(SOLVED);
    // efficiency: 1 - (3 - 1) / 10
    expect(terms).toEqual({ accuracy: 1, format: 1, invalidCall: -0, toolUse: 1, efficiency: 0.8, env: 0 });
    // 1 + 0.1 + 0.2 + 0.1 * 0.8 is 1.3800000000000001 in floating point; the total is rounded
    expect(total).toBe(1.38);
    expect(DEFAULT_REWARD_CONFIG).toEqual({ accuracy: 1, format: 0.1, invalidCall: 0.1, toolUse: 0.2, efficiency: 0.1, env: 0 });
  });

  // One case per reason: removing any one from the format-failure set must be caught.
  it.each<InvalidReason>(['no-action', 'bad-json', 'bad-call', 'multiple-actions', 'multiple-answers'])(
    'zeroes the format term for a %s turn',
    (reason) => {
      const { terms } = computeRewards({ ...SOLVED, invalidReasons: [reason] });
      expect(terms.format).toBe(0);
      expect(terms.invalidCall).toBe(-1);
    },
  );

  it.each<InvalidReason>(['unknown-tool', 'bad-arguments', 'answer-not-accepted', 'tool-error'])(
    'keeps the format term for a %s turn (the output parsed), but counts it invalid',
    (reason) => {
      const { terms } = computeRewards({ ...SOLVED, invalidReasons: [reason] });
      expect(terms.format).toBe(1);
      expect(terms.invalidCall).toBe(-1);
      expect(terms.toolUse).toBe(0);
    },
  );

  it('gives no format credit to an episode without turns', () => {
    expect(computeRewards({ ...SOLVED, success: false, score: 0, turns: 0, toolCalls: 0 }).terms.format).toBe(0);
  });

  it('gates the tool-use bonus on success, a tool call and no invalid action', () => {
    expect(computeRewards(SOLVED).terms.toolUse).toBe(1);
    expect(computeRewards({ ...SOLVED, toolCalls: 0 }).terms.toolUse).toBe(0);
    expect(computeRewards({ ...SOLVED, success: false }).terms.toolUse).toBe(0);
    expect(computeRewards({ ...SOLVED, invalidReasons: ['tool-error'] }).terms.toolUse).toBe(0);
  });

  it('pays efficiency on success only, 1 for a one-turn answer, clamped at 0', () => {
    expect(computeRewards({ ...SOLVED, turns: 1 }).terms.efficiency).toBe(1);
    expect(computeRewards({ ...SOLVED, turns: 10 }).terms.efficiency).toBeCloseTo(0.1, 12);
    expect(computeRewards({ ...SOLVED, turns: 12 }).terms.efficiency).toBe(0);
    expect(computeRewards({ ...SOLVED, success: false }).terms.efficiency).toBe(0);
    // a zero turn limit divides by 1, not 0
    expect(computeRewards({ ...SOLVED, turns: 1, maxTurns: 0 }).terms.efficiency).toBe(1);
    expect(computeRewards({ ...SOLVED, turns: 0, maxTurns: 0 }).terms.efficiency).toBe(1);
  });

  it('weights each term by its own weight', () => {
    const outcome: EpisodeOutcome = {
      success: true,
      score: 0.75,
      turns: 5,
      maxTurns: 8,
      toolCalls: 1,
      invalidReasons: ['bad-json', 'tool-error'],
      envReward: -2.5,
    };
    expect(computeRewards(outcome, only('accuracy')).total).toBe(0.75);
    expect(computeRewards(outcome, only('format')).total).toBe(0);
    expect(computeRewards(outcome, only('invalidCall')).total).toBe(-2);
    expect(computeRewards(outcome, only('toolUse')).total).toBe(0);
    expect(computeRewards(outcome, only('efficiency')).total).toBe(0.5);
    expect(computeRewards(outcome, only('env')).total).toBe(-2.5);
  });

  it('rounds the total to 9 decimals', () => {
    const config: RewardConfig = { ...only('accuracy'), format: 0.1, efficiency: 0.2 };
    // 1/3 + 0.1 + 0.2 * (1 - 1/3)
    const { total } = computeRewards({ ...SOLVED, score: 1 / 3, turns: 2, maxTurns: 3 }, config);
    expect(total).toBe(0.566666667);
  });
});

describe('the repeated-call term', () => {
  it('appears only when weighted, as minus the repeated calls', () => {
    expect('repeatCall' in computeRewards({ ...SOLVED, repeatedToolCalls: 2 }).terms).toBe(false);
    const weighted = computeRewards({ ...SOLVED, repeatedToolCalls: 2 }, { ...only('accuracy'), accuracy: 0, repeatCall: 0.5 });
    expect(weighted.terms.repeatCall).toBe(-2);
    expect(weighted.total).toBe(-1);
    expect(computeRewards(SOLVED, { ...only('accuracy'), repeatCall: 0.5 }).terms.repeatCall).toBe(-0);
  });
});
