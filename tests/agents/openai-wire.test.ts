import { describe, expect, it } from 'vitest';
import { toOpenAIMessages } from '../../agents/openai-wire.js';
import { type Content, contentToPlaceholderText, type ImageRef, image, text } from '../../core/content.js';
import { Random } from '../../core/random.js';

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

const ref = (index: number): ImageRef => ({ sha256: index.toString(16).padStart(64, '0'), width: 1, height: 1, mime: 'image/png' });

describe('the one joining rule on the wire', () => {
  it('carries the separators in the text parts around images', async () => {
    const [wire] = await toOpenAIMessages(
      [{ role: 'user', content: [text('Look:'), image(ref(1)), image(ref(2)), text(''), text('Which is red?'), text('Answer briefly.')] }],
      (picture) => `url-${picture.sha256.slice(-1)}`,
    );
    expect(wire).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'Look:\n' },
        { type: 'image_url', image_url: { url: 'url-1' } },
        { type: 'text', text: '\n' },
        { type: 'image_url', image_url: { url: 'url-2' } },
        { type: 'text', text: '\nWhich is red?\nAnswer briefly.' },
      ],
    });
  });

  it('renders, part by part, exactly the canonical text the exporters write, for many random contents', async () => {
    const random = new Random(7);
    for (let round = 0; round < 300; round += 1) {
      const content: Content = Array.from({ length: random.int(0, 6) }, (_, index) =>
        random.chance(0.4) ? image(ref(index)) : text(random.chance(0.2) ? '' : `t${index}${random.chance(0.3) ? '\n' : ''}`),
      );
      for (const role of ['user', 'system', 'tool', 'assistant'] as const) {
        const usable = role === 'user' ? content : content.filter((part) => part.type === 'text');
        const [wire] = await toOpenAIMessages([{ role, content: usable, toolCallId: 'call_1' }], () => 'u');
        const body = wire?.content ?? '';
        const rendered = typeof body === 'string' ? body : body.map((part) => (part.type === 'text' ? part.text : '<image>')).join('');
        expect(rendered).toBe(contentToPlaceholderText(usable));
      }
    }
  });
});
