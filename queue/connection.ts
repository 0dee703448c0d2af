import type { RedisOptions } from 'bullmq';
import { GymError } from '../core/errors.js';

/** The BullMQ queue a run's shards go to when `--queue-name` is not given. */
export const DEFAULT_QUEUE_NAME = 'thinkgym';

/** Where a queue lives: Redis connection options and the BullMQ queue name. */
export interface QueueAddress {
  /** The URL as given (password hidden), for messages. */
  readonly display: string;
  /** ioredis options for BullMQ's connections. */
  readonly connection: RedisOptions;
  readonly name: string;
}

/**
 * Parses `redis://[user:password@]host[:port][/db]` (or `rediss://` for TLS) into the options of
 * BullMQ's ioredis connections. A bad URL is a {@link GymError} (`bad-queue-url`) that shows the
 * shape to use. Connections retry for ever (`maxRetriesPerRequest: null`, as BullMQ's workers
 * need), so a Redis restart is ridden out rather than fatal.
 */
export function parseQueueUrl(url: string, name: string = DEFAULT_QUEUE_NAME): QueueAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badUrl(url);
  }
  if ((parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || parsed.hostname === '') throw badUrl(url);
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const path = parsed.pathname.replace(/^\//, '');
  const db = path === '' ? 0 : Number(path);
  if (!Number.isInteger(db) || db < 0) throw badUrl(url);
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new GymError('bad-queue-name', `--queue-name must be letters, digits, "_", "." or "-", got "${name}".`);
  }
  const connection: RedisOptions = {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    maxRetriesPerRequest: null,
    // Reconnect quickly, but never give up: a restarted Redis (AOF on) takes the run up again.
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
  const shown = new URL(url);
  if (shown.password !== '') shown.password = '***';
  return { display: shown.toString(), connection, name };
}

function badUrl(url: string): GymError {
  return new GymError(
    'bad-queue-url',
    `--queue must be a Redis URL like redis://127.0.0.1:6379 (or redis://user:password@host:port/db, rediss:// for TLS), got "${url}".`,
  );
}

/**
 * Pings Redis once, giving up after `timeoutMs`: a {@link GymError} (`queue-unreachable`) that names
 * the URL, so a command fails fast instead of waiting for a Redis that is not there.
 */
export async function checkReachable(address: QueueAddress, timeoutMs = 5000): Promise<void> {
  const { Redis } = await import('ioredis');
  const client = new Redis({
    ...address.connection,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let cause = '';
  client.on('error', (error: Error) => {
    cause ||= error.message;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new GymError(
      'queue-unreachable',
      `Cannot reach Redis at ${address.display} (${cause || (error as Error).message}); start it (redis-server) or fix --queue.`,
      { cause: error },
    );
  } finally {
    client.disconnect();
  }
}
