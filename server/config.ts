/** How images travel on the wire: base64 PNG inside the message, or a URL to `GET /images/<sha256>`. */
export type ImageMode = 'inline' | 'url';

/** Settings of an env server. Every field has a default (see {@link DEFAULT_SERVER_CONFIG}). */
export interface ServerConfig {
  /** Most sessions open at once; the next one is refused with `CAPACITY_REACHED`. */
  readonly maxSessions: number;
  /** A session with no request for this long is closed by the reaper (ms). */
  readonly idleTimeoutMs: number;
  /** A step (or reset) that runs longer fails with `EXECUTION_ERROR` and closes its session (ms). */
  readonly stepTimeoutMs: number;
  /** Largest HTTP request body or WebSocket message the server reads (bytes). */
  readonly maxRequestBytes: number;
  /**
   * Largest message the server sends (bytes). An observation whose inline images would make it
   * larger is sent with image URLs instead. OpenEnv's client refuses messages over 100 MB.
   */
  readonly maxMessageBytes: number;
  /** Default image encoding; a reset can ask for the other one. */
  readonly images: ImageMode;
  /** Env a reset without `env` plays. */
  readonly defaultEnv: string;
  /** Env ids clients may open; `undefined` allows every registered env. */
  readonly envs?: readonly string[];
  /**
   * Whether clients may set env options that name files on the server (`levels`, `file`…).
   * Off by default: a remote client should not make the server read its files.
   */
  readonly allowFileOptions: boolean;
  /** Operations queued on one session before further ones are refused (backpressure). */
  readonly maxQueuedPerSession: number;
}

/** The defaults: 64 sessions, 5 min idle, 60 s per step, 1 MiB in, 64 MiB out, inline images. */
export const DEFAULT_SERVER_CONFIG: ServerConfig = {
  maxSessions: 64,
  idleTimeoutMs: 300_000,
  stepTimeoutMs: 60_000,
  maxRequestBytes: 1024 * 1024,
  maxMessageBytes: 64 * 1024 * 1024,
  images: 'inline',
  defaultEnv: 'maze-v0',
  allowFileOptions: false,
  maxQueuedPerSession: 8,
};

/** The defaults with `overrides` applied. */
export function resolveConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  const config = { ...DEFAULT_SERVER_CONFIG, ...overrides };
  for (const key of [
    'maxSessions',
    'idleTimeoutMs',
    'stepTimeoutMs',
    'maxRequestBytes',
    'maxMessageBytes',
    'maxQueuedPerSession',
  ] as const) {
    const value = config[key];
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`Server setting ${key} must be a positive number, got ${value}.`);
  }
  return config;
}
