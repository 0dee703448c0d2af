import { describe, expect, it } from 'vitest';
import { windowFloors } from '../../bench/peak-memory-chart.js';

describe('windowFloors (the RSS floor under the sawtooth)', () => {
  it("keeps the lowest sample of each window, at the window's middle", () => {
    expect(
      windowFloors(
        [
          [0, 210],
          [20, 240],
          [49, 205],
          [50, 260],
          [99, 230],
        ],
        50,
      ),
    ).toEqual([
      [25, 205],
      [75, 230],
    ]);
  });

  it('is flat under teeth that last many episodes, and rises with a leak', () => {
    // Teeth 40 MiB high lasting 60 of every 100 episodes.
    const teeth = (leak: number): [number, number][] => {
      const points: [number, number][] = [];
      for (let episode = 250; episode < 1000; episode += 1) points.push([episode, 215 + (episode % 100 >= 40 ? 40 : 0) + leak * episode]);
      return points;
    };
    const rise = (floors: [number, number][]): number => (floors[floors.length - 1]?.[1] ?? 0) - (floors[0]?.[1] ?? 0);
    expect(rise(windowFloors(teeth(0), 250))).toBe(0);
    expect(rise(windowFloors(teeth(0.03), 250))).toBeCloseTo(15, 0);
  });
});
