import type { ImageRef } from '../../core/content.js';
import { GymError, ModelServerError } from '../../core/errors.js';
import { toOpenAIMessages } from '../openai-wire.js';
import type { ModelOutput, ModelToolCall, Policy, PolicyContext, PromptFormat } from '../policy.js';
import { buildConversation, openAITools } from '../prompt.js';
import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter, type Sleep, seededJitter, sleep } from './retry.js';

/** Options of {@link OpenAIPolicy}. */
export interface OpenAIPolicyOptions {
  /** The server's OpenAI base URL, e.g. `http://localhost:8000/v1` (vLLM), `http://localhost:11434/v1` (Ollama). */
  readonly baseUrl: string;
  /** The served model name, sent as `model` and recorded as `openai:<model>`. */
  readonly model: string;
  /** Sent as `Authorization: Bearer <apiKey>` when given. */
  readonly apiKey?: string;
  /** The fetch to use; `globalThis.fetch` by default (tests and proxies inject their own). */
  readonly fetch?: typeof fetch;
  /** Limit of one request, in milliseconds (default 120 000). A timed-out request is retried. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt on 408/409/429/5xx, network errors and timeouts (default 4). */
  readonly maxRetries?: number;
  /** Delay before the first retry, doubling each time (default 500 ms). */
  readonly retryBaseDelayMs?: number;
  /** Ceiling of a retry delay and of a server's `Retry-After` (default 30 000 ms). */
  readonly retryMaxDelayMs?: number;
  /** Sampling temperature (default 0.7). */
  readonly temperature?: number;
  /** `max_tokens` of each completion (default 1024). */
  readonly maxTokens?: number;
  /**
   * `native` (default): tools go in the request's `tools` and calls come back in `tool_calls`
   * (vLLM needs `--enable-auto-tool-choice --tool-call-parser …`). `text`: the Hermes `<tools>`
   * block goes in the system prompt and calls are read from the text, which works with any server.
   */
  readonly mode?: 'native' | 'text';
  /** The text dialect in `text` mode: `hermes` (default) or a published system's, e.g. `vilasr`. */
  readonly dialect?: PromptFormat;
  /** Merged into every request body last, e.g. `{top_p: 0.9, chat_template_kwargs: {enable_thinking: false}}`. */
  readonly extraBody?: Readonly<Record<string, unknown>>;
  /** Waits between retries; injectable so tests need not wait. */
  readonly sleep?: Sleep;
}

/** Running totals of one policy's traffic, for logs. */
export interface OpenAIUsage {
  readonly requests: number;
  readonly retries: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/** Statuses worth retrying: request timeout, conflict, rate limit, and every server error. */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * A policy backed by any OpenAI-compatible chat-completions server (vLLM, SGLang, Ollama,
 * OpenAI). Each turn it renders the episode with the shared prompt builder — exactly what
 * exporters write for training — and POSTs it to `{baseUrl}/chat/completions`. Images travel as
 * `data:image/png;base64,…` URLs read from the episode's image store.
 *
 * The completion is returned raw: `content` as text (with `reasoning_content`/`reasoning`, which
 * reasoning parsers split off, put back in front as `<think>…</think>` so trajectories keep the
 * thinking), and native `tool_calls` as {@link ModelToolCall}s with their JSON argument strings.
 *
 * Transient faults (429 honouring `Retry-After`, 5xx, network errors, timeouts) are retried with
 * exponential backoff and seeded jitter; other 4xx (e.g. context length exceeded) and exhausted
 * retries throw {@link ModelServerError} with the status and the server's own message.
 */
export class OpenAIPolicy implements Policy {
  readonly name: string;
  readonly format: PromptFormat;
  private readonly options: OpenAIPolicyOptions;
  private readonly url: string;
  private readonly fetch: typeof fetch;
  private readonly sleep: Sleep;
  private dataUrls = new Map<string, string>();
  private totals: OpenAIUsage = { requests: 0, retries: 0, promptTokens: 0, completionTokens: 0 };

  constructor(options: OpenAIPolicyOptions) {
    if (options.model.trim() === '') throw new GymError('bad-option', 'OpenAIPolicy needs a model name (the name the server serves).');
    let parsed: URL;
    try {
      parsed = new URL(options.baseUrl);
    } catch (error) {
      throw new GymError('bad-option', `OpenAIPolicy baseUrl "${options.baseUrl}" is not a URL; pass e.g. http://localhost:8000/v1.`, {
        cause: error,
      });
    }
    this.options = options;
    this.name = `openai:${options.model}`;
    this.format = (options.mode ?? 'native') === 'native' ? 'openai' : (options.dialect ?? 'hermes');
    this.url = `${parsed.href.replace(/\/+$/, '')}/chat/completions`;
    const fetchFunction = options.fetch ?? globalThis.fetch;
    this.fetch = fetchFunction.bind(globalThis);
    this.sleep = options.sleep ?? sleep;
  }

  /** Requests, retries and tokens so far (tokens as the server's `usage` reports them). */
  get usage(): OpenAIUsage {
    return this.totals;
  }

  async begin(context: PolicyContext): Promise<void> {
    if (context.format !== this.format) {
      const mode = this.format === 'openai' ? 'native' : 'text';
      throw new GymError(
        'format-mismatch',
        `${this.name} runs in ${mode} mode, which needs prompt format "${this.format}", but the episode uses "${context.format}". ` +
          `Pass format: "${this.format}" (or policy.format) to the episode runner.`,
      );
    }
    this.dataUrls = new Map();
  }

  async act(context: PolicyContext): Promise<ModelOutput> {
    const body = await this.requestBody(context);
    const turn = context.turns.length + 1;
    const json = await this.post(body, context.signal, `${context.seed}:${turn}`);
    return this.readCompletion(json, turn);
  }

  /** The JSON body of the next request (exposed for tests and for debugging prompts). */
  async requestBody(context: PolicyContext): Promise<Record<string, unknown>> {
    const messages = buildConversation({ spec: context.spec, tools: context.tools, task: context.task, turns: context.turns }, this.format);
    const wire = await toOpenAIMessages(messages, (image) => this.dataUrl(context, image));
    return {
      model: this.options.model,
      messages: wire,
      ...(this.format === 'openai' && context.tools.length > 0 ? { tools: openAITools(context.tools) } : {}),
      temperature: this.options.temperature ?? 0.7,
      max_tokens: this.options.maxTokens ?? 1024,
      ...(this.options.extraBody ?? {}),
    };
  }

  private async dataUrl(context: PolicyContext, image: ImageRef): Promise<string> {
    let url = this.dataUrls.get(image.sha256);
    if (url === undefined) {
      const bytes = await context.images.get(image.sha256);
      url = `data:${image.mime};base64,${bytes.toString('base64')}`;
      this.dataUrls.set(image.sha256, url);
    }
    return url;
  }

  private async post(body: Record<string, unknown>, signal: AbortSignal | undefined, jitterKey: string): Promise<unknown> {
    const policy = {
      maxRetries: this.options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
      baseDelayMs: this.options.retryBaseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
      maxDelayMs: this.options.retryMaxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    };
    const timeoutMs = this.options.timeoutMs ?? 120_000;
    const jitter = seededJitter(`${this.options.model}:${jitterKey}`);
    const payload = JSON.stringify(body);
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.options.apiKey !== undefined && this.options.apiKey !== '') headers.authorization = `Bearer ${this.options.apiKey}`;
    let failure: { message: string; status?: number; cause?: unknown } = { message: 'no attempt made' };
    for (let attempt = 0; attempt <= policy.maxRetries; attempt += 1) {
      signal?.throwIfAborted();
      let retryAfterMs: number | undefined;
      const timeout = AbortSignal.timeout(timeoutMs);
      const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
      this.totals = { ...this.totals, requests: this.totals.requests + 1, retries: this.totals.retries + (attempt > 0 ? 1 : 0) };
      try {
        const response = await this.fetch(this.url, { method: 'POST', headers, body: payload, signal: combined });
        const raw = await response.text();
        if (response.ok) {
          const json = parseJson(raw);
          if (json === undefined) {
            throw new ModelServerError(
              `${this.url} answered ${response.status} with a body that is not JSON: ${clip(raw)}`,
              response.status,
            );
          }
          return json;
        }
        const message = serverMessage(raw) ?? (response.statusText || 'no message');
        failure = { message: `${this.url} answered ${response.status}: ${message}`, status: response.status };
        if (!isRetryableStatus(response.status)) throw new ModelServerError(failure.message, response.status);
        retryAfterMs = parseRetryAfter(response.headers);
      } catch (error) {
        if (error instanceof ModelServerError) throw error;
        if (signal?.aborted === true) throw signal.reason;
        failure = timeout.aborted
          ? { message: `${this.url} did not answer within ${timeoutMs} ms (raise timeoutMs for slow models)`, cause: error }
          : { message: `could not reach ${this.url}: ${describeNetworkError(error)} (is the server running?)`, cause: error };
      }
      if (attempt < policy.maxRetries) await this.sleep(backoffDelay(attempt + 1, policy, jitter(), retryAfterMs), signal);
    }
    const attempts = policy.maxRetries + 1;
    throw new ModelServerError(
      `${failure.message} (gave up after ${attempts} attempt${attempts === 1 ? '' : 's'})`,
      failure.status,
      failure.cause,
    );
  }

  private readCompletion(json: unknown, turn: number): ModelOutput {
    const choice = firstChoice(json);
    if (choice === undefined) {
      throw new ModelServerError(`${this.url} answered without choices[0].message: ${clip(JSON.stringify(json))}`, 200);
    }
    const usage = field(json, 'usage');
    this.totals = {
      ...this.totals,
      promptTokens: this.totals.promptTokens + numberField(usage, 'prompt_tokens'),
      completionTokens: this.totals.completionTokens + numberField(usage, 'completion_tokens'),
    };
    const message = choice.message;
    const content = contentText(field(message, 'content'));
    const reasoning = field(message, 'reasoning_content') ?? field(message, 'reasoning');
    const thinking = typeof reasoning === 'string' && reasoning.trim() !== '' && !content.includes('<think>') ? reasoning : undefined;
    const text = thinking === undefined ? content : `<think>${thinking}</think>${content === '' ? '' : `\n${content}`}`;
    const rawCalls = field(message, 'tool_calls');
    const toolCalls: ModelToolCall[] = Array.isArray(rawCalls) ? rawCalls.map((call, index) => readToolCall(call, turn, index)) : [];
    const tokenIds = field(choice.choice, 'token_ids');
    return {
      text,
      ...(toolCalls.length > 0 ? { toolCalls } : {}),
      ...(Array.isArray(tokenIds) && tokenIds.every((id) => typeof id === 'number') ? { tokenIds } : {}),
    };
  }
}

function readToolCall(call: unknown, turn: number, index: number): ModelToolCall {
  const id = field(call, 'id');
  const fn = field(call, 'function');
  const name = field(fn, 'name');
  const args = field(fn, 'arguments');
  return {
    id: typeof id === 'string' && id !== '' ? id : `call_${turn}_${index}`,
    name: typeof name === 'string' ? name : '',
    // Servers send a JSON string; a few send an object. Keep the model's text when there is one.
    arguments: typeof args === 'string' ? args : args === undefined || args === null ? '' : JSON.stringify(args),
  };
}

function firstChoice(json: unknown): { choice: unknown; message: unknown } | undefined {
  const choices = field(json, 'choices');
  if (!Array.isArray(choices) || choices.length === 0) return undefined;
  const choice: unknown = choices[0];
  const message = field(choice, 'message');
  return message === undefined || message === null ? undefined : { choice, message };
}

/** `content` as text: a string, null, or (rarely) an array of `{type: 'text', text}` parts. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => field(part, 'text'))
    .filter((value): value is string => typeof value === 'string')
    .join('');
}

/** The message of an error body: OpenAI/vLLM `{error: {message}}`, older vLLM `{message}`, FastAPI `{detail}`, or the text. */
function serverMessage(raw: string): string | undefined {
  const json = parseJson(raw);
  if (json === undefined) return raw.trim() === '' ? undefined : clip(raw);
  const error = field(json, 'error');
  const candidates = [field(error, 'message'), error, field(json, 'message'), field(json, 'detail')];
  for (const candidate of candidates) if (typeof candidate === 'string' && candidate !== '') return candidate;
  return clip(raw);
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

function numberField(value: unknown, key: string): number {
  const found = field(value, key);
  return typeof found === 'number' && Number.isFinite(found) ? found : 0;
}

function clip(text: string, length = 500): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}
