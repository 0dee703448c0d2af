import { describe, expect, it } from 'vitest';
import { parseModelOutput } from '../../agents/parse.js';
import type { ModelOutput } from '../../agents/policy.js';
import type { Action, InvalidReason } from '../../core/env.js';
import { Random } from '../../core/random.js';

const REASONS: ReadonlySet<string> = new Set<InvalidReason>(['no-action', 'bad-json', 'bad-call', 'multiple-actions', 'multiple-answers']);

function call(name: string, args: unknown): string {
  return `<tool_call>\n${JSON.stringify({ name, arguments: args })}\n</tool_call>`;
}

function reasonOf(action: Action): string {
  return action.type === 'invalid' ? action.reason : action.type;
}

/** Checks what must hold for every parse, whatever the input. */
function expectWellFormed(action: Action): void {
  switch (action.type) {
    case 'tool_call':
      expect(typeof action.name).toBe('string');
      expect(action.arguments !== null && typeof action.arguments === 'object' && !Array.isArray(action.arguments)).toBe(true);
      break;
    case 'answer':
      expect(action.answer).toBe(action.answer.trim());
      expect(action.answer.length).toBeGreaterThan(0);
      break;
    case 'invalid':
      expect(REASONS.has(action.reason)).toBe(true);
      expect(action.message.length).toBeGreaterThan(10);
      break;
  }
}

describe('parseModelOutput: Hermes text', () => {
  const cases: [string, string, string][] = [
    ['bad JSON', '<tool_call>{name: look}</tool_call>', 'bad-json'],
    ['truncated JSON', '<tool_call>\n{"name": "look", "argum', 'bad-json'],
    ['truncated inside arguments', '<tool_call>{"name": "look", "arguments": {"zoom": 2', 'bad-json'],
    ['empty tool call', '<tool_call></tool_call>', 'bad-json'],
    ['missing name', '<tool_call>{"arguments": {"zoom": 2}}</tool_call>', 'bad-call'],
    ['name not a string', '<tool_call>{"name": 3, "arguments": {}}</tool_call>', 'bad-call'],
    ['body is an array', '<tool_call>[{"name": "look"}]</tool_call>', 'bad-call'],
    ['body is a string', '<tool_call>"look"</tool_call>', 'bad-call'],
    ['arguments as an array', '<tool_call>{"name": "look", "arguments": [1, 2]}</tool_call>', 'bad-call'],
    ['arguments as a number', '<tool_call>{"name": "look", "arguments": 5}</tool_call>', 'bad-call'],
    ['arguments as a non-JSON string', '<tool_call>{"name": "look", "arguments": "zoom=2"}</tool_call>', 'bad-json'],
    ['arguments as a string holding an array', '<tool_call>{"name": "look", "arguments": "[1]"}</tool_call>', 'bad-call'],
    ['two tool calls', `${call('look', {})}\n${call('look', { zoom: 2 })}`, 'multiple-actions'],
    ['two answers', '<answer>3</answer> or <answer>4</answer>', 'multiple-answers'],
    ['tool call plus answer', `${call('look', {})}\n<answer>3</answer>`, 'multiple-actions'],
    ['empty answer', '<answer>  </answer>', 'no-action'],
    ['unclosed answer', '<think>easy</think><answer>3', 'no-action'],
    ['no action at all', 'I think the answer is 3.', 'no-action'],
    ['empty text', '', 'no-action'],
    ['only thinking', '<think><tool_call>{"name": "look", "arguments": {}}</tool_call></think>', 'no-action'],
    ['answer only inside thinking', '<think><answer>3</answer></think>', 'no-action'],
    ['closing tag alone', '</tool_call>', 'no-action'],
    ['unclosed tool call with bad JSON and answer', '<answer>3</answer><tool_call>{', 'multiple-actions'],
  ];
  for (const [name, text, reason] of cases) {
    it(`${name} → ${reason}`, () => {
      const action = parseModelOutput({ text });
      expect(reasonOf(action)).toBe(reason);
      expectWellFormed(action);
    });
  }

  it('names the problem in the message a model sees', () => {
    const missing = parseModelOutput({ text: '<answer>1</answer><answer>2</answer>' });
    expect(missing).toMatchObject({ type: 'invalid', message: expect.stringContaining('2 <answer> blocks') });
    const badJson = parseModelOutput({ text: '<tool_call>{"name": </tool_call>' });
    expect(badJson).toMatchObject({ type: 'invalid', message: expect.stringContaining('not valid JSON') });
    const unclosed = parseModelOutput({ text: '<answer>3' });
    expect(unclosed).toMatchObject({ type: 'invalid', message: expect.stringContaining('not closed') });
  });

  it('parses valid forms exactly', () => {
    expect(parseModelOutput({ text: `<think>zoom first</think>\n${call('look', { region: 'center', zoom: 2 })}` })).toEqual({
      type: 'tool_call',
      name: 'look',
      arguments: { region: 'center', zoom: 2 },
    });
    expect(parseModelOutput({ text: '<tool_call>\n```json\n{"name": "look", "arguments": {"zoom": 3}}\n```\n</tool_call>' })).toEqual({
      type: 'tool_call',
      name: 'look',
      arguments: { zoom: 3 },
    });
    expect(parseModelOutput({ text: '<tool_call>{"name": "look", "parameters": {"zoom": 1}}</tool_call>' })).toEqual({
      type: 'tool_call',
      name: 'look',
      arguments: { zoom: 1 },
    });
    expect(parseModelOutput({ text: '<tool_call>{"name": "look", "arguments": "{\\"zoom\\": 4}"}</tool_call>' })).toEqual({
      type: 'tool_call',
      name: 'look',
      arguments: { zoom: 4 },
    });
    expect(parseModelOutput({ text: '<tool_call>{"name": "fail"}</tool_call>' })).toEqual({
      type: 'tool_call',
      name: 'fail',
      arguments: {},
    });
    // An unclosed but complete call is read, as vLLM's Hermes parser does.
    expect(parseModelOutput({ text: '<tool_call>\n{"name": "look", "arguments": {}}' })).toEqual({
      type: 'tool_call',
      name: 'look',
      arguments: {},
    });
    expect(parseModelOutput({ text: '<think>it is 7</think>\n<answer> 7 </answer>' })).toEqual({ type: 'answer', answer: '7' });
  });

  it('treats text before a lone </think> as thinking (templates that open <think> in the prompt)', () => {
    const text = 'Maybe <tool_call>{"name": "x"}</tool_call>? No.\n</think>\n\n<answer>5</answer>';
    expect(parseModelOutput({ text })).toEqual({ type: 'answer', answer: '5' });
    expect(reasonOf(parseModelOutput({ text: 'All thought, no act.</think>' }))).toBe('no-action');
  });

  it('round-trips hundreds of random valid calls and answers exactly', () => {
    const random = new Random('parse-round-trip');
    const alphabet = 'abcXYZ 019_-."\\\'\n\t<>{}[]:,é漢🙂';
    const word = (length: number): string => Array.from({ length }, () => random.pick([...alphabet])).join('');
    for (let index = 0; index < 300; index += 1) {
      const name = Array.from({ length: random.int(1, 12) }, () => random.pick([...'abcdefghijklmnopqrstuvwxyz_'])).join('');
      const args: Record<string, unknown> = {};
      for (let key = random.int(0, 5); key > 0; key -= 1) {
        args[`k${key}_${word(3).replace(/\W/g, 'x')}`] = random.pick([
          word(random.int(0, 20)),
          random.int(-1000, 1000),
          Math.round(random.uniform(-10, 10) * 1000) / 1000,
          random.chance(0.5),
          null,
        ]);
      }
      const think = random.chance(0.5) ? `<think>${word(random.int(0, 40)).replaceAll('<', '(')}</think>\n` : '';
      const before = random.chance(0.3) ? 'Let me call a tool.\n' : '';
      const output: ModelOutput = { text: `${think}${before}${call(name, args)}${random.chance(0.5) ? '\n' : ''}` };
      expect(parseModelOutput(output)).toEqual({ type: 'tool_call', name, arguments: args });

      const answer = word(random.int(1, 20)).replaceAll('<', '(').trim() || 'x';
      expect(parseModelOutput({ text: `${think}<answer>${answer}</answer>` })).toEqual({ type: 'answer', answer });
    }
  });
});

describe('parseModelOutput: native tool calls', () => {
  const native = (args: string, extra: Partial<ModelOutput> = {}): ModelOutput => ({
    text: '',
    toolCalls: [{ id: 'call_1', name: 'look', arguments: args }],
    ...extra,
  });

  it('parses a call with its id, and empty arguments as {}', () => {
    expect(parseModelOutput(native('{"zoom": 2}'))).toEqual({ type: 'tool_call', name: 'look', arguments: { zoom: 2 }, id: 'call_1' });
    expect(parseModelOutput(native(''))).toEqual({ type: 'tool_call', name: 'look', arguments: {}, id: 'call_1' });
    expect(parseModelOutput(native('{}', { text: '<think>look first</think>' }))).toMatchObject({ type: 'tool_call', name: 'look' });
  });

  const cases: [string, ModelOutput, string][] = [
    ['not JSON', native('{zoom: 2}'), 'bad-json'],
    ['truncated JSON', native('{"zoom": '), 'bad-json'],
    ['an array', native('[1, 2]'), 'bad-call'],
    ['a string', native('"zoom"'), 'bad-call'],
    ['null', native('null'), 'bad-call'],
    [
      'two calls',
      {
        text: '',
        toolCalls: [
          { id: 'a', name: 'look', arguments: '{}' },
          { id: 'b', name: 'fail', arguments: '{}' },
        ],
      },
      'multiple-actions',
    ],
    ['a call plus an answer in text', native('{}', { text: '<answer>3</answer>' }), 'multiple-actions'],
  ];
  for (const [name, output, reason] of cases) {
    it(`arguments ${name} → ${reason}`, () => expect(reasonOf(parseModelOutput(output))).toBe(reason));
  }

  it('prefers native calls over a <tool_call> in the text', () => {
    expect(parseModelOutput(native('{"zoom": 1}', { text: call('fail', {}) }))).toMatchObject({ name: 'look', arguments: { zoom: 1 } });
  });

  it('reads the text when the toolCalls list is empty', () => {
    expect(parseModelOutput({ text: '<answer>4</answer>', toolCalls: [] })).toEqual({ type: 'answer', answer: '4' });
  });
});

describe('parseModelOutput fuzzing', () => {
  const fragments = [
    '<tool_call>',
    '</tool_call>',
    '<answer>',
    '</answer>',
    '<think>',
    '</think>',
    '{',
    '}',
    '[',
    ']',
    '"name"',
    '"arguments"',
    '"look"',
    ':',
    ',',
    '"',
    '\\',
    '1',
    'null',
    '```json',
    '```',
    '\n',
    ' ',
    'é',
    '\u0000',
    '\uffff',
    '\ud800',
    'text',
    '{"name": "look", "arguments": {"zoom": 2}}',
    '<tool_call>{"name": "look", "arguments": {}}</tool_call>',
    '<tool_call>{"arguments": {}}</tool_call>',
    '<answer>3</answer>',
  ];

  it('never throws on seeded random byte noise', () => {
    const random = new Random('parse-bytes');
    for (let index = 0; index < 300; index += 1) {
      const bytes = Uint8Array.from({ length: random.int(0, 400) }, () => random.int(0, 255));
      for (const text of [Buffer.from(bytes).toString('utf8'), Buffer.from(bytes).toString('latin1')]) {
        const action = parseModelOutput({ text });
        expectWellFormed(action);
        if (!text.includes('<tool_call>') && !text.includes('<answer>')) expect(reasonOf(action)).toBe('no-action');
      }
    }
  });

  it('never throws on soups of tags and JSON pieces', () => {
    const random = new Random('parse-soup');
    const seen = new Set<string>();
    for (let index = 0; index < 1000; index += 1) {
      const text = Array.from({ length: random.chance(0.5) ? random.int(0, 6) : random.int(0, 60) }, () => random.pick(fragments)).join('');
      const action = parseModelOutput({ text });
      expectWellFormed(action);
      seen.add(reasonOf(action));
    }
    // The soup reaches every branch of the parser.
    expect([...seen].sort()).toEqual(['answer', 'bad-call', 'bad-json', 'multiple-actions', 'multiple-answers', 'no-action', 'tool_call']);
  });

  it('reads a truncated or mutated call as the exact call or as an invalid action, never as something else', () => {
    const random = new Random('parse-mutations');
    const original = { region: 'center', zoom: 2, label: 'a "quoted" <b>' };
    const text = `<think>look</think>\n${call('look', original)}`;
    for (let index = 0; index < 400; index += 1) {
      const position = random.int(0, text.length);
      const mutated =
        index % 3 === 0
          ? text.slice(0, position)
          : index % 3 === 1
            ? text.slice(0, position) + text.slice(position + 1)
            : text.slice(0, position) + random.pick(fragments) + text.slice(position);
      const action = parseModelOutput({ text: mutated });
      expectWellFormed(action);
      if (action.type === 'tool_call') expect(action.arguments).toMatchObject({});
      if (index % 3 === 0) {
        // Truncation: either the whole call survived, or the output is incomplete.
        if (action.type === 'tool_call') expect(action).toEqual({ type: 'tool_call', name: 'look', arguments: original });
        else expect(['no-action', 'bad-json']).toContain(reasonOf(action));
      }
    }
  });

  it('never throws on huge random strings', () => {
    const random = new Random('parse-huge');
    for (let index = 0; index < 6; index += 1) {
      const pieces: string[] = [];
      for (let size = 0; size < 200_000; ) {
        const piece = random.chance(0.02) ? random.pick(fragments) : String.fromCharCode(random.int(32, 0x2fff));
        pieces.push(piece);
        size += piece.length;
      }
      expectWellFormed(parseModelOutput({ text: pieces.join('') }));
    }
    const long = `<think>${'a'.repeat(1_000_000)}</think>${call('look', { zoom: 1 })}`;
    expect(parseModelOutput({ text: long })).toEqual({ type: 'tool_call', name: 'look', arguments: { zoom: 1 } });
  });
});
