import { contentImages, contentRuns, contentText, type ImageRef } from '../core/content.js';
import type { ChatMessage } from './prompt.js';

/** A content part of an OpenAI chat message. */
export type OpenAIContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

/** An OpenAI chat-completions message, as sent to servers and written to fine-tuning files. */
export type OpenAIChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | OpenAIContentPart[] }
  | {
      role: 'assistant';
      content: string | null;
      tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
    }
  | { role: 'tool'; tool_call_id: string; content: string };

/** Turns an image reference into the URL put in `image_url` (a data URL for servers, a path for files). */
export type ImageUrl = (image: ImageRef) => Promise<string> | string;

/**
 * Renders format-neutral {@link ChatMessage}s into OpenAI wire messages, joining each message's
 * parts by the one joining rule of `core/content.ts` (the rule every exporter uses). User messages
 * with images become `image_url` parts in order, with the separators carried in the text parts
 * around them ({@link contentRuns}), so a template that concatenates parts renders exactly the
 * exported text; text-only messages are one string. `tool` and `system` messages carry text only
 * (OpenAI's rule), which is why the prompt builder already moved a tool's images into the next
 * user message.
 */
export async function toOpenAIMessages(messages: readonly ChatMessage[], imageUrl: ImageUrl): Promise<OpenAIChatMessage[]> {
  const wire: OpenAIChatMessage[] = [];
  for (const message of messages) {
    const words = contentText(message.content);
    switch (message.role) {
      case 'system':
        wire.push({ role: 'system', content: words });
        break;
      case 'tool':
        wire.push({ role: 'tool', tool_call_id: message.toolCallId ?? '', content: words });
        break;
      case 'assistant': {
        const calls = message.toolCalls ?? [];
        wire.push({
          role: 'assistant',
          // `null` only beside tool calls: a bare assistant turn with null content is rejected by OpenAI.
          content: words !== '' ? words : calls.length > 0 ? null : '',
          ...(calls.length === 0
            ? {}
            : {
                tool_calls: calls.map((call) => ({
                  id: call.id,
                  type: 'function' as const,
                  function: { name: call.name, arguments: call.arguments },
                })),
              }),
        });
        break;
      }
      case 'user': {
        if (contentImages(message.content).length === 0) {
          wire.push({ role: 'user', content: words });
          break;
        }
        const parts: OpenAIContentPart[] = [];
        for (const run of contentRuns(message.content)) {
          if (run.type === 'text') parts.push({ type: 'text', text: run.text });
          else parts.push({ type: 'image_url', image_url: { url: await imageUrl(run.image) } });
        }
        wire.push({ role: 'user', content: parts });
        break;
      }
    }
  }
  return wire;
}
