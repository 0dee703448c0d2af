import { parseModelOutput } from '../agents/parse.js';
import type { ModelToolCall } from '../agents/policy.js';
import { type Content, contentImages, contentToPlaceholderText } from '../core/content.js';
import type { Action, StepInfo } from '../core/env.js';
import type { ImageStore } from '../core/image-store.js';
import type { ImageMode } from './config.js';
import { ServerError } from './errors.js';

/**
 * The action shapes a step accepts (exactly one per step):
 * - `{"tool_call": {"name": "move", "arguments": {"direction": "up"}}}`: a structured call;
 * - `{"answer": "42"}`: a final answer (answering envs only);
 * - `{"text": "<think>…</think><tool_call>{…}</tool_call>", "tool_calls"?: [...]}`: the raw model
 *   turn, parsed exactly as thinkgym's episode loop parses it (Hermes/Qwen tags, or native OpenAI
 *   `tool_calls` with `{id?, name, arguments}`), so a malformed output costs a turn and tells the
 *   model what was wrong;
 * - `{"type": "call_tool", "tool_name": "move", "arguments": {…}}`: OpenEnv's MCP action;
 * - `{"type": "tool_call", "name", "arguments"}` / `{"type": "answer", "answer"}`: thinkgym's own
 *   action objects.
 */
export const ACTION_SHAPES =
  'send {"tool_call": {"name", "arguments"}}, {"answer": "..."}, {"text": "<raw model output>"} or {"type": "call_tool", "tool_name", "arguments"}';

/** Decodes the `data` of a step into an env action; throws `VALIDATION_ERROR` naming the accepted shapes. */
export function decodeAction(data: unknown): Action {
  if (!isObject(data)) throw invalidAction('the action must be a JSON object');
  if (data.type === 'call_tool') return toolCall(data.tool_name, data.arguments ?? {});
  if (data.type === 'tool_call') return toolCall(data.name, data.arguments ?? {});
  if (data.type === 'answer') return answer(data.answer);
  const keys = ['tool_call', 'answer', 'text'].filter((key) => key in data);
  if (keys.length !== 1) {
    throw invalidAction(keys.length === 0 ? 'no action found' : `the action has both ${keys.join(' and ')}`);
  }
  if ('tool_call' in data) {
    const call = data.tool_call;
    if (!isObject(call)) throw invalidAction('"tool_call" must be an object {"name", "arguments"}');
    return toolCall(call.name, call.arguments ?? {});
  }
  if ('answer' in data) return answer(data.answer);
  if (typeof data.text !== 'string') throw invalidAction('"text" must be a string (the raw model output)');
  return parseModelOutput({ text: data.text, toolCalls: nativeCalls(data.tool_calls) });
}

function toolCall(name: unknown, args: unknown): Action {
  if (typeof name !== 'string' || name === '') throw invalidAction('a tool call needs a string tool name');
  // A string of JSON is accepted as OpenAI sends it; the guard validates the object against the tool's schema.
  let value = args;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw invalidAction(`the arguments of ${name} are a string that is not JSON`);
    }
  }
  if (!isObject(value)) throw invalidAction(`the arguments of ${name} must be a JSON object`);
  return { type: 'tool_call', name, arguments: value };
}

function answer(value: unknown): Action {
  if (typeof value !== 'string') throw invalidAction('"answer" must be a string');
  return { type: 'answer', answer: value };
}

function nativeCalls(value: unknown): ModelToolCall[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidAction('"tool_calls" must be a list');
  return value.map((call, index) => {
    const fn = isObject(call) && isObject(call.function) ? call.function : call;
    if (!isObject(fn) || typeof fn.name !== 'string') throw invalidAction(`tool_calls[${index}] needs a "name"`);
    const args = typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments ?? {});
    const id = isObject(call) && typeof call.id === 'string' ? call.id : `call_${index}`;
    return { id, name: fn.name, arguments: args };
  });
}

function invalidAction(problem: string): ServerError {
  return new ServerError('VALIDATION_ERROR', `Invalid action: ${problem}; ${ACTION_SHAPES}.`);
}

/** An image as it travels: its reference, and either base64 PNG bytes (`data`) or a `url`. */
export interface WireImage {
  readonly sha256: string;
  readonly width: number;
  readonly height: number;
  readonly mime_type: 'image/png';
  /** Base64 PNG (inline mode). */
  readonly data?: string;
  /** `/images/<sha256>`, relative to the server's base URL (url mode). */
  readonly url?: string;
}

/** The wire form of an observation: canonical text with `<image>` placeholders, and the images in order. */
export interface WireObservation {
  /** Text parts joined by newlines, `<image>` where each image stands; placeholders = images. */
  readonly text: string;
  readonly images: readonly WireImage[];
  readonly terminated: boolean;
  readonly truncated: boolean;
  /** Turns taken in the episode so far. */
  readonly turn: number;
  /** Step details: `invalid`, `success`, `score`, `answer`, `expected`, `extra` (env-specific). */
  readonly info: Readonly<Record<string, unknown>>;
  /** Only in reset observations: the system prompt (text-mode tool list) and the tools in OpenAI shape. */
  readonly system_prompt?: string;
  readonly tools?: readonly unknown[];
}

/** Path of an image on the server. */
export function imagePath(sha256: string): string {
  return `/images/${sha256}`;
}

/** Encodes content for the wire, images inline (base64) or as URLs. */
export async function encodeContent(content: Content, store: ImageStore, mode: ImageMode): Promise<{ text: string; images: WireImage[] }> {
  const images: WireImage[] = [];
  for (const ref of contentImages(content)) {
    const base = { sha256: ref.sha256, width: ref.width, height: ref.height, mime_type: ref.mime };
    images.push(
      mode === 'inline' ? { ...base, data: (await store.get(ref.sha256)).toString('base64') } : { ...base, url: imagePath(ref.sha256) },
    );
  }
  return { text: contentToPlaceholderText(content), images };
}

/** The JSON-safe fields of a step's info (`data`, meant for programs in the process, is left out). */
export function wireInfo(info: StepInfo): Record<string, unknown> {
  const { data: _data, turn: _turn, ...rest } = info;
  return rest;
}

/** Whether a value is a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
