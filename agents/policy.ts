import type { Content } from '../core/content.js';
import type { Action, EnvSpec, StepInfo } from '../core/env.js';
import type { ImageStore } from '../core/image-store.js';
import type { ToolSpec } from '../core/tool.js';
import type { GuardedEnv } from '../core/wrappers.js';
import type { DialectName } from './dialects/names.js';

/**
 * How tools and calls are written in the conversation:
 * - `hermes`: text mode. Tools listed in the system prompt inside `<tools>…</tools>`, calls as
 *   `<tool_call>{…}</tool_call>` in the assistant text, results in a user turn inside
 *   `<tool_response>…</tool_response>` (Qwen2.5-VL, Hermes, most open models).
 * - `openai`: native mode. Tools in the request's `tools`, calls in `tool_calls`, results in `tool`
 *   messages, a tool's images in the next user message.
 * - any other name: a published system's native dialect (`agents/dialects/`, e.g. `vilasr`).
 */
export type PromptFormat = DialectName;

/** A tool call exactly as a native tool-calling model emitted it. */
export interface ModelToolCall {
  readonly id: string;
  readonly name: string;
  /** The arguments as the JSON text the model produced (it may be malformed). */
  readonly arguments: string;
}

/** One model turn, raw: what the model emitted before any parsing. */
export interface ModelOutput {
  /** The assistant text (may hold `<think>`, `<tool_call>`, `<answer>`). */
  readonly text: string;
  /** Native tool calls, when the server returned any. */
  readonly toolCalls?: readonly ModelToolCall[];
  /** Token ids of the completion, when the caller supplies them (avoids re-tokenisation drift). */
  readonly tokenIds?: readonly number[];
}

/** One finished turn of the episode so far. */
export interface Turn {
  readonly output: ModelOutput;
  readonly action: Action;
  readonly observation: Content;
}

/** The episode as a policy sees it when asked for the next turn. */
export interface PolicyContext {
  readonly env: GuardedEnv;
  readonly spec: EnvSpec;
  readonly tools: readonly ToolSpec[];
  readonly seed: number;
  /** The task (the reset observation). */
  readonly task: Content;
  /** Turns so far, oldest first. */
  readonly turns: readonly Turn[];
  /** The last observation and info (from reset or the last step). */
  readonly last: { readonly observation: Content; readonly info: StepInfo };
  readonly images: ImageStore;
  readonly format: PromptFormat;
  readonly signal?: AbortSignal;
}

/** Produces model turns. Implementations: oracle, random, openai (any compatible server), tfjs. */
export interface Policy {
  /** Short name recorded in trajectories, e.g. `oracle` or `openai:qwen2.5-vl-7b`. */
  readonly name: string;
  /**
   * The prompt format this policy needs, when it needs one (an OpenAI policy in native mode needs
   * `openai`). Episode runners use it when the caller gives no format.
   */
  readonly format?: PromptFormat;
  /** Called after each reset, before the first `act` of the episode. */
  begin?(context: PolicyContext): Promise<void>;
  /** The next raw model turn. */
  act(context: PolicyContext): Promise<ModelOutput>;
}
