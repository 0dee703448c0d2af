import { Random } from '../../core/random.js';

/** How a client retries failed requests. */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 means try once. */
  readonly maxRetries: number;
  /** Delay before the first retry, in milliseconds; it doubles on every retry. */
  readonly baseDelayMs: number;
  /** Ceiling of the computed delay, and of a server's `Retry-After`. */
  readonly maxDelayMs: number;
}

/** Defaults: 4 retries, 0.5 s doubling up to 30 s (about a minute of patience in all). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

/** Waits `milliseconds`, or rejects with the signal's reason as soon as it aborts. */
export type Sleep = (milliseconds: number, signal?: AbortSignal) => Promise<void>;

/** The real sleep: a timer that an abort signal cancels. */
export const sleep: Sleep = (milliseconds, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * The delay before retry number `retry` (1-based): exponential backoff with "equal jitter" (half
 * fixed, half drawn from `jitter`, a number in [0, 1)), capped at `maxDelayMs`. A server's
 * `Retry-After` wins when given, capped the same way, so a stuck server cannot park a worker.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, jitter: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(Math.max(0, retryAfterMs), policy.maxDelayMs);
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(exponential / 2 + (exponential / 2) * jitter);
}

/**
 * Reads the wait a server asks for: `retry-after-ms` (milliseconds), else `Retry-After` as
 * seconds or as an HTTP date. Undefined when absent or unreadable.
 */
export function parseRetryAfter(headers: { get(name: string): string | null }, now: number = Date.now()): number | undefined {
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds !== null && milliseconds.trim() !== '' && Number.isFinite(Number(milliseconds))) {
    return Math.max(0, Number(milliseconds));
  }
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.max(0, Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Jitter that is reproducible: a seeded {@link Random} per request key (e.g. episode seed and
 * turn), so two runs of the same batch back off alike while concurrent episodes still spread out.
 */
export function seededJitter(key: string): () => number {
  const random = new Random(`retry-jitter:${key}`);
  return () => random.float();
}
