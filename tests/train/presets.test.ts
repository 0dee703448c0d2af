import { describe, expect, it } from 'vitest';
import { agentglEfficiencyPreset, computePresetRewards, rewardPreset, toolBonusPreset } from '../../rewards/presets.js';
import type { EpisodeOutcome } from '../../rewards/terms.js';

function outcome(success: boolean, toolCalls: number): EpisodeOutcome {
  return { success, score: success ? 1 : 0, turns: toolCalls + 1, maxTurns: 10, toolCalls, invalidReasons: [], envReward: 0 };
}

describe('agentgl-efficiency preset', () => {
  it('pays accuracy plus a Gaussian around the ideal number of tool calls, only on success (worked examples)', () => {
    // Defaults: ideal 2 calls, σ 1, weight 0.5.
    expect(computePresetRewards(outcome(true, 2), 'agentgl-efficiency').total).toBe(1.5);
    // 1 call: 1 + 0.5·exp(-1/2) = 1 + 0.5·0.60653066 = 1.30326533
    expect(computePresetRewards(outcome(true, 1), 'agentgl-efficiency').total).toBeCloseTo(1.303265, 6);
    // 4 calls: 1 + 0.5·exp(-4/2) = 1.06766764
    expect(computePresetRewards(outcome(true, 4), 'agentgl-efficiency').total).toBeCloseTo(1.067668, 6);
    // A wrong answer earns nothing for its calls, even at the ideal count.
    expect(computePresetRewards(outcome(false, 2), 'agentgl-efficiency').total).toBe(0);
  });

  it('takes the ideal count, σ and weight as options', () => {
    const wide = agentglEfficiencyPreset({ idealCalls: 1, sigma: 2, weight: 1 });
    // 3 calls, ideal 1, σ 2: 1 + exp(-4/8) = 1.60653066
    expect(computePresetRewards(outcome(true, 3), wide).total).toBeCloseTo(1.606531, 6);
    expect(computePresetRewards(outcome(true, 0), wide).total).toBeCloseTo(1 + Math.exp(-1 / 8), 9);
    expect(() => agentglEfficiencyPreset({ sigma: 0 })).toThrow(/sigma > 0/);
    expect(rewardPreset('agentgl-efficiency').description).toMatch(/Gaussian|exp/);
  });
});

describe('tool-bonus preset (the gate ablation)', () => {
  it('gated: pays 0.1 per call only on success (worked examples)', () => {
    expect(computePresetRewards(outcome(true, 3), 'tool-bonus').total).toBeCloseTo(1.3, 9);
    expect(computePresetRewards(outcome(true, 0), 'tool-bonus').total).toBe(1);
    // A wrong answer earns nothing for its calls.
    expect(computePresetRewards(outcome(false, 3), 'tool-bonus').total).toBe(0);
  });

  it('ungated: every call is paid, right or wrong', () => {
    const ungated = rewardPreset('tool-bonus', { gated: false });
    expect(computePresetRewards(outcome(false, 3), ungated).total).toBeCloseTo(0.3, 9);
    expect(computePresetRewards(outcome(true, 5), ungated).total).toBeCloseTo(1.5, 9);
    expect(ungated.description).toMatch(/ungated/);
  });

  it('with the quality-gated efficiency term, the ideal count scores highest among successes', () => {
    const shaped = toolBonusPreset({ weight: 0.1, efficiency: 0.5, idealCalls: 1, sigma: 1 });
    // 1 call: 1 + 0.1 + 0.5 = 1.6; 3 calls: 1 + 0.3 + 0.5·exp(-2) = 1.36766764; failure: 0.
    expect(computePresetRewards(outcome(true, 1), shaped).total).toBeCloseTo(1.6, 9);
    expect(computePresetRewards(outcome(true, 3), shaped).total).toBeCloseTo(1.367668, 6);
    expect(computePresetRewards(outcome(false, 1), shaped).total).toBe(0);
  });

  it('refuses options for a preset that takes none, and a bad σ', () => {
    expect(() => rewardPreset('vilasr', { weight: 1 })).toThrow(/takes no options; presets with options: agentgl-efficiency, tool-bonus/);
    expect(() => rewardPreset('tool-bonus', { sigma: 0 })).toThrow(/sigma > 0/);
  });
});
