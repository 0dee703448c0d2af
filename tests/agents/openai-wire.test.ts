import { describe, expect, it } from 'vitest';
import { toOpenAIMessages } from '../../agents/openai-wire.js';
import { text } from '../../core/content.js';

describe('toOpenAIMessages', () => {
  it('sends null assistant content only beside tool calls', async () => {
    const wire = await toOpenAIMessages(
      [
        { role: 'assistant', content: [text('')] },
        { role: 'assistant', content: [], toolCalls: [{ id: 'call_1', name: 'look', arguments: '{}' }] },
        { role: 'tool', content: [text('ok')], toolCallId: 'call_1', name: 'look' },
      ],
      () => 'unused',
    );
    expect(wire).toEqual([
      { role: 'assistant', content: '' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'look', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'ok' },
    ]);
  });
});
