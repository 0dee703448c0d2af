import type { Action, InvalidReason } from '../core/env.js';
import type { ModelOutput } from './policy.js';

const TOOL_CALL = /<tool_call>([\s\S]*?)(?:<\/tool_call>|$)/g;
const ANSWER = /<answer>([\s\S]*?)<\/answer>/g;
const THINK = /<think>[\s\S]*?<\/think>/g;
const THINK_CLOSE = '</think>';
const ONE_CALL_HINT = 'Reply with exactly one <tool_call>{"name": "...", "arguments": {...}}</tool_call> or one <answer>...</answer>.';

/**
 * Turns one raw model turn into an {@link Action}. Native `tool_calls` win over text; otherwise the
 * text is read in Hermes/Qwen style: `<think>` is skipped, then exactly one `<tool_call>` (a JSON
 * object with `name` and `arguments`) or one `<answer>` must remain. Anything else becomes an
 * `invalid` action whose message says what was wrong and how to fix it; this never throws. Text
 * before a lone `</think>` counts as thinking too (templates that open `<think>` in the prompt).
 */
export function parseModelOutput(output: ModelOutput): Action {
  const calls = output.toolCalls ?? [];
  const visible = visibleText(output.text);
  const answers = [...visible.matchAll(ANSWER)].map((match) => (match[1] as string).trim());
  if (calls.length > 0) {
    if (calls.length > 1) return invalid('multiple-actions', `you made ${calls.length} tool calls; make one call per turn.`);
    if (answers.length > 0) return invalid('multiple-actions', 'you both called a tool and answered; do one per turn.');
    const call = calls[0] as (typeof calls)[number];
    const parsed = parseJson(call.arguments === '' ? '{}' : call.arguments);
    if (!parsed.ok) return invalid('bad-json', `the arguments of ${call.name} are not valid JSON (${parsed.error}).`);
    if (!isPlainObject(parsed.value)) return invalid('bad-call', `the arguments of ${call.name} must be a JSON object.`);
    return { type: 'tool_call', name: call.name, arguments: parsed.value, id: call.id };
  }
  const blocks = [...visible.matchAll(TOOL_CALL)].map((match) => (match[1] as string).trim());
  if (blocks.length > 1) return invalid('multiple-actions', `you wrote ${blocks.length} <tool_call> blocks. ${ONE_CALL_HINT}`);
  if (answers.length > 1) return invalid('multiple-answers', `you gave ${answers.length} <answer> blocks; give one final answer.`);
  if (blocks.length === 1 && answers.length === 1) {
    return invalid('multiple-actions', `you wrote both a <tool_call> and an <answer>. ${ONE_CALL_HINT}`);
  }
  if (answers.length === 1) {
    const answer = answers[0] as string;
    if (answer === '') return invalid('no-action', `your <answer> is empty. ${ONE_CALL_HINT}`);
    return { type: 'answer', answer };
  }
  if (blocks.length === 0) {
    const hint = visible.includes('<answer>') ? 'your <answer> is not closed with </answer>. ' : 'no tool call or answer found. ';
    return invalid('no-action', `${hint}${ONE_CALL_HINT}`);
  }
  return parseCallBlock(blocks[0] as string);
}

/**
 * The text outside thinking: `<think>…</think>` blocks are dropped, and so is everything before a
 * lone `</think>` (templates such as QwQ's and DeepSeek-R1's open `<think>` in the prompt, so the
 * completion holds only the closing tag).
 */
function visibleText(text: string): string {
  const visible = text.replace(THINK, '');
  const close = visible.lastIndexOf(THINK_CLOSE);
  return close === -1 ? visible : visible.slice(close + THINK_CLOSE.length);
}

function parseCallBlock(block: string): Action {
  const body = block.replace(/^```(?:json)?\s*/, '').replace(/\s*```$/, '');
  const parsed = parseJson(body);
  if (!parsed.ok) return invalid('bad-json', `the <tool_call> body is not valid JSON (${parsed.error}). ${ONE_CALL_HINT}`);
  const value = parsed.value;
  if (!isPlainObject(value) || typeof value.name !== 'string') {
    return invalid('bad-call', `the <tool_call> must be a JSON object with a string "name" and an "arguments" object. ${ONE_CALL_HINT}`);
  }
  let args: unknown = value.arguments ?? value.parameters ?? {};
  if (typeof args === 'string') {
    const inner = parseJson(args);
    if (!inner.ok) return invalid('bad-json', `the "arguments" string of ${value.name} is not valid JSON (${inner.error}).`);
    args = inner.value;
  }
  if (!isPlainObject(args)) return invalid('bad-call', `"arguments" of ${value.name} must be a JSON object.`);
  return { type: 'tool_call', name: value.name, arguments: args };
}

/** Parses JSON without throwing: the value, or the parser's message. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** True for a JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** An `invalid` action: the reason code and the message the model will read. */
export function invalid(reason: InvalidReason, message: string): Action {
  return { type: 'invalid', reason, message };
}
