import { describe, expect, it } from 'vitest';
import { agentglEfficiencyPreset, computePresetRewards, rewardPreset } from '../../rewards/presets.js';
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
