import type { PromptFormat } from '../agents/policy.js';
import { buildSystemPrompt, openAITools } from '../agents/prompt.js';
import type { Content, ImageRef } from '../core/content.js';
import type { EnvSpec } from '../core/env.js';
import { describePng, GymError, type ImageStore } from '../core/index.js';
import type { Registry } from '../core/registry.js';
import { type SplitName, splitSeed } from '../core/split.js';
import type { GuardedEnv } from '../core/wrappers.js';
import type { ImageMode, ServerConfig } from './config.js';
import { ServerError, toServerError } from './errors.js';
import { decodeAction, encodeContent, isObject, type WireImage, type WireObservation, wireInfo } from './wire.js';

/** What a reset asks for. Missing fields fall back to the session's last reset, then the server defaults. */
export interface ResetRequest {
  readonly env?: string;
  readonly seed?: number;
  /** When set, `seed` is an index into this split's seed space (`core/split.ts`), not a raw seed. */
  readonly split?: SplitName;
  /** Env options (as `makeEnv`'s `options`): a change makes a fresh env instance. */
  readonly options?: Readonly<Record<string, unknown>>;
  readonly episodeId?: string;
  /** Image encoding for this session's observations. */
  readonly images?: ImageMode;
  /** Prompt format of the `system_prompt` in the reset observation (`hermes` by default). */
  readonly format?: PromptFormat;
}

/** A step or reset result as OpenEnv shapes it: `{observation, reward, done}`. */
export interface StepReply {
  readonly observation: WireObservation;
  /** The env's reward for the step; `null` after a reset. */
  readonly reward: number | null;
  readonly done: boolean;
}

/** A session's state as `GET /state` and the `state` message report it (OpenEnv's `episode_id`, `step_count`). */
export interface SessionState {
  readonly session_id: string;
  readonly episode_id: string | null;
  readonly step_count: number;
  readonly env: string | null;
  readonly seed: number | null;
  readonly options: Readonly<Record<string, unknown>>;
  readonly done: boolean;
  readonly total_reward: number;
  readonly images: ImageMode;
}

/**
 * An image store that a session empties at each reset, so a long session does not accumulate the
 * images of finished episodes. Image URLs stay valid until the session's next reset or close.
 */
export class SessionImageStore implements ImageStore {
  private readonly images = new Map<string, Buffer>();

  async put(png: Uint8Array): Promise<ImageRef> {
    const ref = describePng(png);
    if (!this.images.has(ref.sha256)) this.images.set(ref.sha256, Buffer.from(png));
    return ref;
  }

  async get(sha256: string): Promise<Buffer> {
    const bytes = this.images.get(sha256);
    if (bytes === undefined) throw new GymError('image-missing', `Image ${sha256} is not held by this session.`);
    return bytes;
  }

  async has(sha256: string): Promise<boolean> {
    return this.images.has(sha256);
  }

  /** The bytes, or `undefined` (no throw), for the image route. */
  peek(sha256: string): Buffer | undefined {
    return this.images.get(sha256);
  }

  /** Number of images held. */
  get size(): number {
    return this.images.size;
  }

  clear(): void {
    this.images.clear();
  }
}

const FILE_DESCRIPTION = /\b(path|file|folder|directory|csv)\b/i;

/**
 * The options of an env's schema that name files on the server: string options without an enum
 * whose description speaks of a path, file, folder, directory or CSV (maze and sokoban `levels`,
 * chart `chartqa` and `images`, graph `graph` and `nodeFile`).
 */
export function fileOptions(spec: EnvSpec): string[] {
  const properties = (spec.options.properties ?? {}) as Record<string, { type?: unknown; enum?: unknown; description?: unknown }>;
  return Object.entries(properties)
    .filter(([, property]) => property.type === 'string' && property.enum === undefined)
    .filter(([, property]) => typeof property.description === 'string' && FILE_DESCRIPTION.test(property.description))
    .map(([name]) => name);
}

/**
 * One client's env session: one env instance and one image store, used by nobody else. Operations
 * run one at a time in arrival order; a bounded number may wait (more are refused, which is the
 * server's backpressure). Every reset and step runs under the step timeout; a timed-out env is in an
 * unknown state, so its session is closed.
 */
export class Session {
  readonly id: string;
  /** `ws`, `http` or `mcp`: which transport opened it. */
  readonly transport: string;
  readonly images = new SessionImageStore();
  /** Last time a client used the session (ms since epoch). */
  lastActive = Date.now();
  private readonly config: ServerConfig;
  private readonly registry: Registry;
  private readonly onClose: (session: Session, reason: string) => void;
  private env: GuardedEnv | undefined;
  private envKey: string | undefined;
  private envId: string | undefined;
  private options: Readonly<Record<string, unknown>> = {};
  private seed: number | null = null;
  private episodeId: string | null = null;
  private stepCount = 0;
  private done = false;
  private totalReward = 0;
  private imageMode: ImageMode;
  private format: PromptFormat = 'hermes';
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private closedReason: string | undefined;

  constructor(
    id: string,
    transport: string,
    config: ServerConfig,
    registry: Registry,
    onClose: (session: Session, reason: string) => void,
  ) {
    this.id = id;
    this.transport = transport;
    this.config = config;
    this.registry = registry;
    this.onClose = onClose;
    this.imageMode = config.images;
  }

  /** Why the session was closed, or `undefined` while it is open. */
  get closed(): string | undefined {
    return this.closedReason;
  }

  /** Operations running or waiting. */
  get pending(): number {
    return this.waiting;
  }

  /** The env of the session, once a reset or {@link prepare} made it. */
  get currentEnv(): GuardedEnv | undefined {
    return this.env;
  }

  /** Image encoding of this session's observations. */
  get imageEncoding(): ImageMode {
    return this.imageMode;
  }

  /** Runs `operation` after the ones already queued; refuses when too many wait or the session is closed. */
  run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closedReason !== undefined) {
      try {
        this.assertOpen();
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.waiting >= this.config.maxQueuedPerSession) {
      return Promise.reject(
        new ServerError(
          'EXECUTION_ERROR',
          `Session ${this.id} already has ${this.waiting} operations queued; wait for their replies before sending more.`,
          {
            status: 429,
          },
        ),
      );
    }
    this.waiting += 1;
    this.lastActive = Date.now();
    const result = this.tail.then(async () => {
      this.assertOpen();
      try {
        return await operation();
      } finally {
        this.waiting -= 1;
        this.lastActive = Date.now();
      }
    });
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Makes the env (without resetting it) so its tools can be listed. */
  prepare(envId: string | undefined, options?: Readonly<Record<string, unknown>>): Promise<GuardedEnv> {
    return this.run(async () => {
      // The session's env as it is, unless another env or other options are asked for.
      const current = this.env;
      if (current !== undefined && (envId === undefined || envId === this.envId) && options === undefined) return current;
      return this.ensureEnv(envId ?? this.envId ?? this.config.defaultEnv, options ?? {});
    });
  }

  /** Starts an episode. */
  reset(request: ResetRequest): Promise<StepReply> {
    return this.run(async () => {
      const envId = request.env ?? this.envId ?? this.config.defaultEnv;
      const options = request.options ?? (envId === this.envId ? this.options : {});
      let seed = request.seed ?? 0;
      if (!Number.isSafeInteger(seed)) throw new ServerError('VALIDATION_ERROR', `"seed" must be an integer, got ${String(request.seed)}.`);
      if (request.images !== undefined) this.imageMode = request.images;
      if (request.format !== undefined) this.format = request.format;
      const env = await this.ensureEnv(envId, options);
      if (request.split !== undefined) seed = splitSeedOrError(envId, env.spec.version, request.split, seed);
      this.images.clear();
      const result = await this.withTimeout(env.reset({ seed }), 'reset');
      this.seed = seed;
      this.episodeId = request.episodeId ?? `${this.id}:${seed}:${Date.now().toString(36)}`;
      this.stepCount = 0;
      this.done = false;
      this.totalReward = 0;
      const encoded = await this.encode(result.observation);
      const observation: WireObservation = {
        ...encoded,
        terminated: false,
        truncated: false,
        turn: 0,
        info: wireInfo(result.info),
        system_prompt: buildSystemPrompt(env.spec, env.tools, this.format),
        tools: openAITools(env.tools),
      };
      return { observation, reward: null, done: false };
    });
  }

  /** Applies one action (any shape {@link decodeAction} accepts). */
  step(data: unknown): Promise<StepReply> {
    let action: ReturnType<typeof decodeAction>;
    try {
      action = decodeAction(data);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.run(async () => {
      const env = this.env;
      if (env === undefined || this.seed === null) {
        throw new ServerError('EXECUTION_ERROR', 'No episode yet: send a reset before stepping.', { status: 409 });
      }
      if (this.done) throw new ServerError('EXECUTION_ERROR', 'The episode has ended; send a reset to start another.', { status: 409 });
      const result = await this.withTimeout(env.step(action), 'step');
      this.stepCount += 1;
      this.done = result.terminated || result.truncated;
      this.totalReward += result.reward;
      const encoded = await this.encode(result.observation);
      const observation: WireObservation = {
        ...encoded,
        terminated: result.terminated,
        truncated: result.truncated,
        turn: result.info.turn,
        info: wireInfo(result.info),
      };
      return { observation, reward: result.reward, done: this.done };
    });
  }

  /** The session's state. */
  state(): SessionState {
    this.assertOpen();
    this.lastActive = Date.now();
    return {
      session_id: this.id,
      episode_id: this.episodeId,
      step_count: this.stepCount,
      env: this.envId ?? null,
      seed: this.seed,
      options: this.options,
      done: this.done,
      total_reward: this.totalReward,
      images: this.imageMode,
    };
  }

  /** Closes the env and frees the images; idempotent. */
  async close(reason: string): Promise<void> {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    const env = this.env;
    this.env = undefined;
    this.images.clear();
    this.onClose(this, reason);
    await env?.close().catch(() => undefined);
  }

  /**
   * Encodes an observation in the session's image mode; inline images that would push a message
   * past `maxMessageBytes` are sent as URLs instead.
   */
  private async encode(content: Content): Promise<{ text: string; images: WireImage[] }> {
    const encoded = await encodeContent(content, this.images, this.imageMode);
    if (this.imageMode !== 'inline') return encoded;
    const size = encoded.text.length + encoded.images.reduce((sum, image) => sum + (image.data?.length ?? 0), 0);
    return size > this.config.maxMessageBytes - 64 * 1024 ? encodeContent(content, this.images, 'url') : encoded;
  }

  private assertOpen(): void {
    if (this.closedReason !== undefined) {
      throw new ServerError('SESSION_ERROR', `Session ${this.id} was closed (${this.closedReason}); open a new one with a reset.`);
    }
  }

  private async ensureEnv(envId: string, options: Readonly<Record<string, unknown>>): Promise<GuardedEnv> {
    if (!isObject(options)) throw new ServerError('VALIDATION_ERROR', '"options" must be a JSON object of env options.');
    const key = `${envId}\n${JSON.stringify(options)}`;
    if (this.env !== undefined && this.envKey === key) return this.env;
    if (this.config.envs !== undefined && !this.config.envs.includes(envId)) {
      throw new ServerError('VALIDATION_ERROR', `This server does not serve "${envId}"; it serves ${this.config.envs.join(', ')}.`);
    }
    const definition = await this.registry.loadEnv(envId).catch((error: unknown) => {
      throw toServerError(error);
    });
    if (!this.config.allowFileOptions) {
      const refused = fileOptions(definition.spec).filter((name) => name in options);
      if (refused.length > 0) {
        throw new ServerError(
          'VALIDATION_ERROR',
          `Option ${refused.join(', ')} of ${envId} names a file on the server, which clients may not set; start the server with --allow-file-options to permit it.`,
        );
      }
    }
    const previous = this.env;
    this.env = undefined;
    await previous?.close().catch(() => undefined);
    const env = await this.registry.makeEnv(envId, { options, images: this.images });
    this.env = env;
    this.envKey = key;
    this.envId = envId;
    this.options = options;
    this.seed = null;
    return env;
  }

  private async withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const seconds = this.config.stepTimeoutMs / 1000;
        // Close after the error reply has gone out (the socket of a closed session is closed too).
        setImmediate(() => void this.close(`${what} timed out`));
        reject(
          new ServerError(
            'EXECUTION_ERROR',
            `The ${what} took longer than ${seconds} s, so session ${this.id} was closed; open a new one.`,
            { status: 504 },
          ),
        );
      }, this.config.stepTimeoutMs);
    });
    try {
      return await Promise.race([promise, timeout]);
    } catch (error) {
      throw toServerError(error);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The reset seed of a split index, or a VALIDATION_ERROR the client can act on. */
function splitSeedOrError(envId: string, version: number, split: SplitName, index: number): number {
  try {
    return splitSeed(envId, version, split, index);
  } catch (error) {
    throw new ServerError('VALIDATION_ERROR', `With "split", "seed" is an index into the split: ${(error as Error).message}`);
  }
}
