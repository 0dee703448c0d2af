import { describe, expect, it } from 'vitest';
import { theilSenSlope } from '../../bench/peak-memory-chart.js';

/** RSS samples of a run whose memory is flat under a garbage-collection sawtooth, a tooth every 40 episodes. */
function sawtooth(trend: number): [number, number][] {
  const points: [number, number][] = [];
  for (let episode = 250; episode < 1000; episode += 2) points.push([episode, 230 + ((episode % 40) / 40) * 20 + trend * episode]);
  return points;
}

describe("theilSenSlope (the chart run's RSS trend)", () => {
  it('finds no trend in a flat sawtooth, even when a spike lands at the end', () => {
    const points = sawtooth(0);
    points.push([996, 300], [998, 300]);
    expect(Math.abs(theilSenSlope(points) ?? Number.NaN) * 1000).toBeLessThan(1);
  });

  it('finds the growth under the sawtooth', () => {
    expect((theilSenSlope(sawtooth(0.02)) ?? 0) * 1000).toBeCloseTo(20, 0);
  });

  it('needs two distinct x', () => {
    expect(theilSenSlope([[5, 1]])).toBeUndefined();
    expect(
      theilSenSlope([
        [5, 1],
        [5, 2],
      ]),
    ).toBeUndefined();
  });
});
