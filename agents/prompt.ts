import { type Content, contentImages, text } from '../core/content.js';
import type { EnvSpec } from '../core/env.js';
import type { ToolSpec } from '../core/tool.js';
import { dialect } from './dialects/index.js';
import type { PromptFormat, Turn } from './policy.js';

/**
 * A chat message in a format-neutral shape. Renderers (the OpenAI client, the exporters, the env
 * server) turn these into their wire formats; they never rebuild the conversation themselves, so
 * what a model is trained on is exactly what it saw when it acted.
 */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant' | 'tool';
  /** Text and images, in order. `tool` messages carry text only. */
  readonly content: Content;
  /** Native tool calls of an assistant message (`openai` format). */
  readonly toolCalls?: readonly { readonly id: string; readonly name: string; readonly arguments: string }[];
  /** The call a `tool` message answers. */
  readonly toolCallId?: string;
  /** The tool name of a `tool` message. */
  readonly name?: string;
}

/** The parts of an episode the conversation is built from. */
export interface PromptEpisode {
  readonly spec: EnvSpec;
  readonly tools: readonly ToolSpec[];
  readonly task: Content;
  readonly turns: readonly Turn[];
}

/**
 * The system prompt: the env's instructions, then (in `hermes` format) the tool list in the
 * Hermes/Qwen `<tools>` block with the calling convention. In `openai` format tools travel in the
 * request's `tools` field, so the system prompt holds only the instructions and the answer rule.
 * Other formats are dialects (`agents/dialects/`), which build their own.
 */
export function buildSystemPrompt(spec: EnvSpec, tools: readonly ToolSpec[], format: PromptFormat): string {
  if (format !== 'hermes' && format !== 'openai') return dialect(format).systemPrompt(spec, tools);
  const answerRule = spec.answers
    ? 'Think briefly inside <think></think> before each action. When you are sure, give the final answer as <answer>...</answer> (or call the answer tool).'
    : 'Think briefly inside <think></think> before each action. The episode ends when the task is done.';
  if (format === 'openai') return `${spec.instructions}\n\n${answerRule} Call one tool per turn.`;
  const list = tools.map((tool) => JSON.stringify({ type: 'function', function: hermesFunction(tool) })).join('\n');
  return [
    spec.instructions,
    '',
    '# Tools',
    '',
    'You may call one function per turn to assist with the task.',
    '',
    'You are provided with function signatures within <tools></tools> XML tags:',
    '<tools>',
    list,
    '</tools>',
    '',
    'For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:',
    '<tool_call>',
    '{"name": <function-name>, "arguments": <args-json-object>}',
    '</tool_call>',
    '',
    answerRule,
  ].join('\n');
}

/** The OpenAI `tools` request field for a tool list. */
export function openAITools(
  tools: readonly ToolSpec[],
): { type: 'function'; function: { name: string; description: string; parameters: unknown } }[] {
  return tools.map((tool) => ({ type: 'function', function: hermesFunction(tool) }));
}

function hermesFunction(tool: ToolSpec): { name: string; description: string; parameters: unknown } {
  return { name: tool.name, description: tool.description, parameters: tool.parameters };
}

/**
 * The whole conversation of an episode so far: system, the task as the first user turn, then for
 * each turn the assistant's raw output and the observation it got back.
 */
export function buildConversation(episode: PromptEpisode, format: PromptFormat): ChatMessage[] {
  if (format !== 'hermes' && format !== 'openai') return dialect(format).conversation(episode);
  const messages: ChatMessage[] = [
    { role: 'system', content: [text(buildSystemPrompt(episode.spec, episode.tools, format))] },
    { role: 'user', content: episode.task },
  ];
  for (const turn of episode.turns) {
    const calls = turn.output.toolCalls ?? [];
    if (format === 'openai' && calls.length > 0) {
      messages.push({ role: 'assistant', content: turn.output.text === '' ? [] : [text(turn.output.text)], toolCalls: calls });
      const images = contentImages(turn.observation);
      const words = turn.observation.filter((part) => part.type === 'text');
      // Every call needs an answer; one call per turn is the rule, extra calls are told so.
      calls.forEach((call, index) => {
        messages.push({
          role: 'tool',
          toolCallId: call.id,
          name: call.name,
          content: index === 0 ? (words.length > 0 ? words : [text('(no text)')]) : [text('Ignored: one tool call per turn.')],
        });
      });
      if (images.length > 0) {
        messages.push({
          role: 'user',
          content: [
            text(`Image${images.length > 1 ? 's' : ''} returned by ${calls[0]?.name}:`),
            ...images.map((ref) => ({ type: 'image' as const, image: ref })),
          ],
        });
      }
      continue;
    }
    messages.push({ role: 'assistant', content: [text(turn.output.text)] });
    if (format === 'hermes' && turn.action.type === 'tool_call') {
      messages.push({ role: 'user', content: [text('<tool_response>'), ...turn.observation, text('</tool_response>')] });
    } else {
      messages.push({ role: 'user', content: turn.observation });
    }
  }
  return messages;
}
