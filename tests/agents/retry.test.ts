import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter, seededJitter, sleep } from '../../agents/policies/retry.js';

const headers = (values: Record<string, string>) => new Headers(values);
const policy = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000 };

describe('retry helpers', () => {
  it('reads Retry-After as seconds, as an HTTP date, and retry-after-ms first', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter(headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(parseRetryAfter(headers({ 'retry-after': '0.5' }), now)).toBe(500);
    expect(parseRetryAfter(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), now)).toBe(3000);
    expect(parseRetryAfter(headers({ 'retry-after': '2', 'retry-after-ms': '120' }), now)).toBe(120);
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfter(headers({}), now)).toBeUndefined();
  });

  it('backs off exponentially with bounded jitter, capped, and lets Retry-After win up to the cap', () => {
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, policy, 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, policy, 0.999999))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelay(1, policy, 0.5, 700)).toBe(700);
    expect(backoffDelay(1, policy, 0.5, 60_000)).toBe(1000);
  });

  it('draws the same jitter for the same key', () => {
    const a = seededJitter('7:1');
    const b = seededJitter('7:1');
    const c = seededJitter('8:1');
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect([c(), c(), c()]).not.toEqual(first);
    expect(first.every((value) => value >= 0 && value < 1)).toBe(true);
  });

  it('sleeps until aborted', async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal).catch((error: unknown) => error);
    controller.abort(new Error('cancelled'));
    expect(await pending).toMatchObject({ message: 'cancelled' });
    await expect(sleep(1)).resolves.toBeUndefined();
  });
});
