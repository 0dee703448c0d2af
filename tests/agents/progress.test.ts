import { describe, expect, it } from 'vitest';
import { formatDuration, formatProgress, ProgressBar, type ProgressStream } from '../../agents/progress.js';

class FakeStream implements ProgressStream {
  readonly writes: string[] = [];
  constructor(readonly isTTY: boolean) {}
  write(text: string): boolean {
    this.writes.push(text);
    return true;
  }
}

function clock(stepMs: number): () => number {
  let now = 0;
  return () => {
    now += stepMs;
    return now;
  };
}

describe('formatProgress', () => {
  it('draws bar, counts, rate, eta and success', () => {
    expect(formatProgress({ done: 37, total: 100, successes: 37, failures: 0, elapsedMs: 3008 }, 10)).toBe(
      '[####......] 37/100 37% 12.3 ep/s eta 5s success 100%',
    );
    expect(formatProgress({ done: 0, total: 8, successes: 0, failures: 0, elapsedMs: 0 }, 4)).toBe(
      '[....] 0/8 0% 0.0 ep/s eta ? success -',
    );
    expect(formatProgress({ done: 8, total: 8, successes: 3, failures: 2, elapsedMs: 4000 }, 4)).toBe(
      '[####] 8/8 100% 2.0 ep/s eta 0s success 50% errors 2',
    );
  });

  it('writes durations compactly', () => {
    expect([formatDuration(4.6), formatDuration(125), formatDuration(3720)]).toEqual(['5s', '2m05s', '1h02m']);
  });
});

describe('ProgressBar', () => {
  it('prints a line at every tenth when the stream is not a terminal', () => {
    const stream = new FakeStream(false);
    const bar = new ProgressBar({ stream, now: clock(10), label: 'tiny-v0' });
    bar.start(100);
    for (let seed = 0; seed < 100; seed += 1) bar.tick({ seed, completed: true, success: seed % 2 === 0, turns: 3 });
    bar.finish();
    expect(stream.writes.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true);
    expect(stream.writes.map((line) => /(\d+)\/100/.exec(line)?.[1])).toEqual([
      '1',
      '10',
      '20',
      '30',
      '40',
      '50',
      '60',
      '70',
      '80',
      '90',
      '100',
    ]);
    expect(stream.writes.at(-1)).toMatch(/^tiny-v0 \[#{20}\] 100\/100 100% [\d.]+ ep\/s eta 0s success 50%\n$/);
  });

  it('also prints between tenths when time passes, and a last line at finish', () => {
    const stream = new FakeStream(false);
    const bar = new ProgressBar({ stream, now: clock(1000), intervalMs: 3000 });
    bar.start(1000);
    for (let seed = 0; seed < 9; seed += 1) bar.tick({ seed, completed: seed !== 4, success: true, turns: 1 });
    bar.finish();
    expect(stream.writes.map((line) => /(\d+)\/1000/.exec(line)?.[1])).toEqual(['1', '4', '7', '9']);
    expect(stream.writes.at(-1)).toContain('errors 1');
  });

  it('redraws one line in place on a terminal, throttled, and ends it with a newline', () => {
    const stream = new FakeStream(true);
    const bar = new ProgressBar({ stream, now: clock(10) });
    bar.start(100);
    for (let seed = 0; seed < 100; seed += 1) bar.tick({ seed, completed: true, success: true, turns: 2 });
    bar.finish();
    expect(stream.writes.every((line) => line.startsWith('\r') && line.includes('\x1b[K'))).toBe(true);
    expect(stream.writes.length).toBeGreaterThan(5);
    expect(stream.writes.length).toBeLessThan(20);
    expect(stream.writes.filter((line) => line.endsWith('\n'))).toHaveLength(1);
    expect(stream.writes.at(-1)).toContain('100/100 100%');
  });
});
