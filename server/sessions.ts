import { randomUUID } from 'node:crypto';
import { registry as defaultRegistry, type Registry } from '../core/registry.js';
import type { ServerConfig } from './config.js';
import { ServerError } from './errors.js';
import { Session } from './session.js';

/** How many closed session ids are remembered, so a late request hears "expired" rather than "unknown". */
const REMEMBERED_CLOSED = 4096;

/**
 * The server's only shared state: the open sessions. It enforces the session cap
 * (`CAPACITY_REACHED`), looks sessions up (`SESSION_ERROR` for unknown or closed ids, saying
 * which), and runs the idle reaper.
 */
export class SessionTable {
  readonly config: ServerConfig;
  readonly registry: Registry;
  private readonly sessions = new Map<string, Session>();
  private readonly closed = new Map<string, string>();
  private readonly listeners = new Set<(session: Session, reason: string) => void>();
  private reaper: NodeJS.Timeout | undefined;
  private shuttingDown = false;

  constructor(config: ServerConfig, registry: Registry = defaultRegistry) {
    this.config = config;
    this.registry = registry;
  }

  /** Open sessions. */
  get size(): number {
    return this.sessions.size;
  }

  /** Opens a session, or throws `CAPACITY_REACHED` when every slot is taken. */
  open(transport: string): Session {
    if (this.shuttingDown) throw new ServerError('CAPACITY_REACHED', 'The server is shutting down; connect to another replica.');
    if (this.sessions.size >= this.config.maxSessions) {
      throw new ServerError(
        'CAPACITY_REACHED',
        `All ${this.config.maxSessions} sessions are in use; close one (or wait for idle ones to expire after ${this.config.idleTimeoutMs / 1000} s) and retry, or start the server with a larger --max-sessions.`,
        { data: { max_sessions: this.config.maxSessions } },
      );
    }
    const session = new Session(randomUUID(), transport, this.config, this.registry, (closed, reason) => this.forget(closed, reason));
    this.sessions.set(session.id, session);
    return session;
  }

  /** An open session; throws `SESSION_ERROR` saying whether the id is unknown or was closed and why. */
  get(id: unknown): Session {
    if (typeof id !== 'string' || id === '') {
      throw new ServerError('VALIDATION_ERROR', 'A session id is required ("session_id"); get one from POST /reset.');
    }
    const session = this.sessions.get(id);
    if (session !== undefined) return session;
    const reason = this.closed.get(id);
    if (reason !== undefined)
      throw new ServerError('SESSION_ERROR', `Session ${id} has expired (${reason}); start a new one with POST /reset.`);
    throw new ServerError('SESSION_ERROR', `No session ${id}; start one with POST /reset.`);
  }

  /** Every open session. */
  list(): Session[] {
    return [...this.sessions.values()];
  }

  /** Calls `listener` whenever a session closes (the WebSocket layer closes its socket then). */
  onClose(listener: (session: Session, reason: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The bytes of an image held by any open session. */
  image(sha256: string): Buffer | undefined {
    for (const session of this.sessions.values()) {
      const bytes = session.images.peek(sha256);
      if (bytes !== undefined) return bytes;
    }
    return undefined;
  }

  /** Closes sessions idle longer than the idle timeout; returns how many. */
  async reap(now = Date.now()): Promise<number> {
    const idle = this.list().filter((session) => session.pending === 0 && now - session.lastActive > this.config.idleTimeoutMs);
    await Promise.all(idle.map((session) => session.close(`idle for more than ${this.config.idleTimeoutMs / 1000} s`)));
    return idle.length;
  }

  /** Starts the idle reaper (a timer that does not keep the process alive). */
  startReaper(): void {
    if (this.reaper !== undefined) return;
    const interval = Math.max(50, Math.min(this.config.idleTimeoutMs / 4, 10_000));
    this.reaper = setInterval(() => void this.reap(), interval);
    this.reaper.unref();
  }

  /** Stops the reaper, refuses new sessions and closes every open one. */
  async closeAll(reason: string): Promise<void> {
    this.shuttingDown = true;
    if (this.reaper !== undefined) clearInterval(this.reaper);
    this.reaper = undefined;
    await Promise.all(this.list().map((session) => session.close(reason)));
  }

  private forget(session: Session, reason: string): void {
    this.sessions.delete(session.id);
    this.closed.set(session.id, reason);
    if (this.closed.size > REMEMBERED_CLOSED) {
      const oldest = this.closed.keys().next().value;
      if (oldest !== undefined) this.closed.delete(oldest);
    }
    for (const listener of this.listeners) listener(session, reason);
  }
}
