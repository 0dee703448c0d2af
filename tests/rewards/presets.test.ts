import { describe, expect, it } from 'vitest';
import { GymError } from '../../core/errors.js';
import { computePresetRewards, REWARD_PRESETS, rewardPreset, VILASR_PRESET } from '../../rewards/presets.js';
import { computeRewards, type EpisodeOutcome } from '../../rewards/terms.js';

/** An episode outcome: solved in 3 turns with 2 tool calls and no invalid action, unless told otherwise. */
function outcome(change: Partial<EpisodeOutcome> = {}): EpisodeOutcome {
  return { success: true, score: 1, turns: 3, maxTurns: 10, toolCalls: 2, invalidReasons: [], envReward: 1, ...change };
}

describe('reward presets', () => {
  it('ViLaSR: 0.5·acc + 0.5·format when acc > 0, else acc (worked examples)', () => {
    const cases: { name: string; outcome: EpisodeOutcome; total: number }[] = [
      { name: 'right and well formed', outcome: outcome(), total: 1 },
      { name: 'right after a format error', outcome: outcome({ invalidReasons: ['bad-json'] }), total: 0.5 },
      { name: 'wrong but well formed: the format share is gated off', outcome: outcome({ success: false, score: 0 }), total: 0 },
      { name: 'wrong with a format error', outcome: outcome({ success: false, score: 0, invalidReasons: ['no-action'] }), total: 0 },
      { name: 'numeric answer 10% off (MRA 0.8), well formed', outcome: outcome({ success: false, score: 0.8 }), total: 0.9 },
      {
        name: 'numeric answer 30% off (MRA 0.4), format error',
        outcome: outcome({ success: false, score: 0.4, invalidReasons: ['multiple-actions'] }),
        total: 0.2,
      },
      // A tool error is not a format error: ViLaSR's format reward looks at the output's shape only.
      { name: 'right after a tool error', outcome: outcome({ invalidReasons: ['tool-error'] }), total: 1 },
    ];
    for (const example of cases) {
      const rewards = computePresetRewards(example.outcome, 'vilasr');
      expect(rewards.total, example.name).toBeCloseTo(example.total, 9);
      // The logged terms are the usual ones, whatever the preset.
      expect(rewards.terms).toEqual(computeRewards(example.outcome).terms);
    }
  });

  it('the weighted preset gives the default weighted total', () => {
    for (const example of [outcome(), outcome({ success: false, score: 0.3, invalidReasons: ['bad-call'] }), outcome({ toolCalls: 0 })]) {
      expect(computePresetRewards(example, 'weighted').total).toBe(computeRewards(example).total);
    }
  });

  it('looks presets up by name and names the known ones on a miss', () => {
    expect(rewardPreset('vilasr')).toBe(VILASR_PRESET);
    expect(REWARD_PRESETS.get('weighted')?.description).toMatch(/default weights/);
    expect(() => rewardPreset('vilsar')).toThrow(GymError);
    expect(() => rewardPreset('vilsar')).toThrow(/choose one of weighted, vilasr/);
  });
});
