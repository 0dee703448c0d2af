import { describe, expect, it } from 'vitest';
import { parseModelOutput } from '../../agents/parse.js';
import type { ModelOutput } from '../../agents/policy.js';

const HINT = 'Reply with exactly one <tool_call>{"name": "...", "arguments": {...}}</tool_call> or one <answer>...</answer>.';
const LOOK = { type: 'tool_call', name: 'look', arguments: { zoom: 2 } };

function call(name: string, args: unknown = { zoom: 2 }): string {
  return `<tool_call>\n${JSON.stringify({ name, arguments: args })}\n</tool_call>`;
}

const parse = (text: string) => parseModelOutput({ text });

describe('thinking around the action', () => {
  it('reads an action that a think block follows', () => {
    expect(parse(`${call('look')}\n<think>then I will answer</think>`)).toEqual(LOOK);
    expect(parse('<answer>7</answer>\n<think>that should be it</think>')).toEqual({ type: 'answer', answer: '7' });
  });

  it('reads an action between two think blocks, each dropped on its own', () => {
    expect(parse(`<think>first</think>\n${call('look')}\n<think>second</think>`)).toEqual(LOOK);
    expect(parse('<think>a</think><answer>7</answer><think>b</think>')).toEqual({ type: 'answer', answer: '7' });
  });

  it('ignores actions inside a think block that follows the action', () => {
    expect(parse(`${call('look')}<think>or maybe ${call('fail')} instead</think>`)).toEqual(LOOK);
    expect(parse('<answer>7</answer><think>or <answer>8</answer>?</think>')).toEqual({ type: 'answer', answer: '7' });
  });

  it('drops think blocks that span lines', () => {
    expect(parse(`<think>line one\nline two\n\n${call('fail')}</think>\n${call('look')}`)).toEqual(LOOK);
  });

  it('drops exactly the text up to a lone </think>', () => {
    expect(parse('Maybe <answer></think>\n<answer>5</answer>')).toEqual({ type: 'answer', answer: '5' });
    expect(parse(`I should look.</think>${call('look')}`)).toEqual(LOOK);
    expect(parse(`<think>a</think>more thought</think>${call('look')}`)).toEqual(LOOK);
  });

  it('drops a think block without a trace, even inside a call', () => {
    expect(parse('<tool_call>{"name": "look", <think>which zoom?</think>"arguments": {"zoom": 2}}</tool_call>')).toEqual(LOOK);
  });

  it('finds no action when everything is thinking', () => {
    expect(parse(`<think>${call('look')}</think>`)).toEqual({
      type: 'invalid',
      reason: 'no-action',
      message: `no tool call or answer found. ${HINT}`,
    });
  });
});

describe('code fences inside <tool_call>', () => {
  it('reads a call in a plain ``` fence without a language', () => {
    expect(parse('<tool_call>\n```\n{"name": "look", "arguments": {"zoom": 2}}\n```\n</tool_call>')).toEqual(LOOK);
    expect(parse('<tool_call>```{"name": "look", "arguments": {"zoom": 2}}```</tool_call>')).toEqual(LOOK);
  });

  it('reads a ```json fence, and a fence left open', () => {
    expect(parse('<tool_call>```json{"name": "look", "arguments": {"zoom": 2}}```</tool_call>')).toEqual(LOOK);
    expect(parse('<tool_call>\n```json\n{"name": "look", "arguments": {"zoom": 2}}\n</tool_call>')).toEqual(LOOK);
    expect(parse('<tool_call>\n{"name": "look", "arguments": {"zoom": 2}}\n```\n</tool_call>')).toEqual(LOOK);
  });
});

describe('call bodies', () => {
  it('keeps fences inside arguments: only a fence around the whole body is stripped', () => {
    const code = '```py\nprint(1)\n```';
    expect(parse(call('run', { code }))).toEqual({ type: 'tool_call', name: 'run', arguments: { code } });
    expect(parse(`<tool_call>\n\`\`\`json\n${JSON.stringify({ name: 'run', arguments: { code } })}\n\`\`\`\n</tool_call>`)).toEqual({
      type: 'tool_call',
      name: 'run',
      arguments: { code },
    });
  });

  it('treats null arguments as none and prefers arguments over parameters', () => {
    expect(parse('<tool_call>{"name": "look", "arguments": null}</tool_call>')).toEqual({ type: 'tool_call', name: 'look', arguments: {} });
    expect(parse('<tool_call>{"name": "look", "arguments": {"a": 1}, "parameters": {"b": 2}}</tool_call>')).toEqual({
      type: 'tool_call',
      name: 'look',
      arguments: { a: 1 },
    });
  });

  it('keeps text around the call out of it', () => {
    expect(parse(`Let me look.\n${call('look')}\nDone.`)).toEqual(LOOK);
    expect(parse(`${call('look')}   `)).toEqual(LOOK);
  });
});

/** The message JSON.parse gives for `text`. */
function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${text} is valid JSON`);
}

describe('messages of invalid actions, word for word', () => {
  const native = (calls: ModelOutput['toolCalls'], text = ''): ModelOutput => ({ text, toolCalls: calls });

  it('explains native call problems', () => {
    expect(
      parseModelOutput(
        native([
          { id: 'a', name: 'look', arguments: '{}' },
          { id: 'b', name: 'look', arguments: '{}' },
        ]),
      ),
    ).toEqual({ type: 'invalid', reason: 'multiple-actions', message: 'you made 2 tool calls; make one call per turn.' });
    expect(parseModelOutput(native([{ id: 'a', name: 'look', arguments: '{}' }], '<answer>1</answer>'))).toEqual({
      type: 'invalid',
      reason: 'multiple-actions',
      message: 'you both called a tool and answered; do one per turn.',
    });
    expect(parseModelOutput(native([{ id: 'a', name: 'look', arguments: '{}' }], '<think><answer>1</answer></think>'))).toEqual({
      type: 'tool_call',
      name: 'look',
      arguments: {},
      id: 'a',
    });
    expect(parseModelOutput(native([{ id: 'a', name: 'look', arguments: '[]' }]))).toEqual({
      type: 'invalid',
      reason: 'bad-call',
      message: 'the arguments of look must be a JSON object.',
    });
    expect(parseModelOutput(native([{ id: 'a', name: 'look', arguments: '{' }]))).toEqual({
      type: 'invalid',
      reason: 'bad-json',
      message: `the arguments of look are not valid JSON (${jsonError('{')}).`,
    });
  });

  it('explains text problems', () => {
    expect(parse(`${call('look')}${call('look')}`)).toEqual({
      type: 'invalid',
      reason: 'multiple-actions',
      message: `you wrote 2 <tool_call> blocks. ${HINT}`,
    });
    expect(parse('<answer>1</answer><answer>2</answer>')).toEqual({
      type: 'invalid',
      reason: 'multiple-answers',
      message: 'you gave 2 <answer> blocks; give one final answer.',
    });
    expect(parse(`${call('look')}<answer>1</answer>`)).toEqual({
      type: 'invalid',
      reason: 'multiple-actions',
      message: `you wrote both a <tool_call> and an <answer>. ${HINT}`,
    });
    expect(parse('<answer> </answer>')).toEqual({ type: 'invalid', reason: 'no-action', message: `your <answer> is empty. ${HINT}` });
    expect(parse('<answer>1')).toEqual({
      type: 'invalid',
      reason: 'no-action',
      message: `your <answer> is not closed with </answer>. ${HINT}`,
    });
    expect(parse('<tool_call>{"name": 1}</tool_call>')).toEqual({
      type: 'invalid',
      reason: 'bad-call',
      message: `the <tool_call> must be a JSON object with a string "name" and an "arguments" object. ${HINT}`,
    });
    expect(parse('<tool_call>null</tool_call>')).toMatchObject({ reason: 'bad-call' });
    expect(parse('<tool_call>{"name": "look", "arguments": "[]"}</tool_call>')).toEqual({
      type: 'invalid',
      reason: 'bad-call',
      message: '"arguments" of look must be a JSON object.',
    });
    expect(parse('<tool_call>{"name": "look", "arguments": "{"}</tool_call>')).toEqual({
      type: 'invalid',
      reason: 'bad-json',
      message: `the "arguments" string of look is not valid JSON (${jsonError('{')}).`,
    });
    expect(parse('<tool_call>{</tool_call>')).toEqual({
      type: 'invalid',
      reason: 'bad-json',
      message: `the <tool_call> body is not valid JSON (${jsonError('{')}). ${HINT}`,
    });
  });
});
