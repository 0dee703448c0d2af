/**
 * LLaMA-Factory's own rules for a ShareGPT row, restated in TypeScript so tests can check an
 * export against its consumer rather than against itself. Sources (src/llamafactory/data/):
 * - converter.py, `SharegptDatasetConverter.__call__`: an optional system message first; then
 *   user/observation at even positions and assistant/function_call at odd ones; an even count.
 *   A row that breaks this is dropped ("Invalid role tag", "Invalid message count").
 * - formatter.py, `FunctionFormatter.apply`: cuts the first span between the template's thought
 *   words out of a function message, `json.loads` the rest (an object or a list of objects, each
 *   read as `tc["name"]`, `tc["arguments"]`), and raises "Invalid JSON format in function message"
 *   when that fails. Current releases first look for a span between the tool-call words
 *   (`<tool_call>`…`</tool_call>`) and parse that instead. Three releases are modelled below.
 * - formatter.py, `ToolFormatter.apply`, and tool_utils.py: the `tools` column is `json.loads`ed;
 *   `DefaultToolUtils.tool_formatter` joins each property's `enum` with `", ".join`, which raises
 *   on values that are not strings; `QwenToolUtils.tool_formatter` dumps each tool as JSON.
 * - mm_plugin.py: the number of `<image>` placeholders must equal the number of images.
 */

/** A row as LLaMA-Factory reads it through `dataset_info.json` columns and tags. */
export interface ShareGptRowLike {
  readonly messages: readonly { readonly role: string; readonly content: string }[];
  readonly system?: string;
  readonly tools?: string;
  readonly images?: readonly string[];
}

/** A release of `FunctionFormatter.apply` and the thought/tool-call words its templates pass. */
export interface FunctionRule {
  readonly name: string;
  readonly thoughtWords: readonly [string, string];
  readonly toolCallWords: readonly [string, string] | null;
}

/** The three shapes `FunctionFormatter.apply` has had, with the default words of `register_template`. */
export const FUNCTION_RULES: readonly FunctionRule[] = [
  { name: 'bare thought words, no tool-call words (older releases)', thoughtWords: ['<think>', '</think>'], toolCallWords: null },
  { name: 'newline thought words, no tool-call words', thoughtWords: ['<think>\n', '\n</think>\n\n'], toolCallWords: null },
  {
    name: 'newline thought words and tool-call words (current)',
    thoughtWords: ['<think>\n', '\n</think>\n\n'],
    toolCallWords: ['<tool_call>', '</tool_call>'],
  },
];

/** What a function message becomes: the thought text kept in front, and the calls. */
export interface ParsedFunction {
  readonly prefix: string;
  readonly calls: { readonly name: unknown; readonly arguments: unknown }[];
}

/** Thrown where LLaMA-Factory would raise or drop the row. */
export class ConsumerRejection extends Error {}

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function between(words: readonly [string, string]): RegExp {
  return new RegExp(`${escapeRegex(words[0])}([\\s\\S]*?)${escapeRegex(words[1])}`);
}

function parseCalls(json: string, content: string): ParsedFunction['calls'] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new ConsumerRejection(`Invalid JSON format in function message: ${JSON.stringify([content])}.`);
  }
  const list = Array.isArray(value) ? value : [value];
  return list.map((call) => {
    // Python's tc["name"] raises KeyError (or TypeError on a non-object), which nothing catches.
    if (typeof call !== 'object' || call === null || Array.isArray(call) || !('name' in call) || !('arguments' in call)) {
      throw new ConsumerRejection(`function message entry ${JSON.stringify(call)} lacks "name" or "arguments"`);
    }
    const record = call as { name: unknown; arguments: unknown };
    return { name: record.name, arguments: record.arguments };
  });
}

/** `FunctionFormatter.apply` of one release, up to the tool format's rendering. */
export function applyFunctionRule(content: string, rule: FunctionRule): ParsedFunction {
  const toolCall = rule.toolCallWords === null ? null : between(rule.toolCallWords).exec(content);
  if (toolCall !== null) {
    return { prefix: content.replaceAll(toolCall[0], ''), calls: parseCalls(toolCall[1] ?? '', content) };
  }
  const thought = between(rule.thoughtWords).exec(content);
  const json = thought === null ? content : content.replaceAll(thought[0], '');
  return { prefix: thought === null ? '' : thought[0], calls: parseCalls(json, content) };
}

/** `SharegptDatasetConverter`'s alignment check; returns the messages without a leading system one. */
export function alignShareGpt(row: ShareGptRowLike): ShareGptRowLike['messages'] {
  const messages = row.messages[0]?.role === 'system' ? row.messages.slice(1) : row.messages;
  messages.forEach((message, index) => {
    const accepted = index % 2 === 0 ? ['user', 'observation'] : ['assistant', 'function_call'];
    if (!accepted.includes(message.role)) throw new ConsumerRejection(`Invalid role tag "${message.role}" at position ${index}`);
  });
  if (messages.length % 2 !== 0) throw new ConsumerRejection(`Invalid message count ${messages.length}`);
  return messages;
}

/** `ToolFormatter.apply` with the `default` and `qwen` tool formats. */
export function checkToolsColumn(tools: string): void {
  if (tools === '') return;
  let list: unknown;
  try {
    list = JSON.parse(tools);
  } catch {
    throw new ConsumerRejection(`Invalid JSON format in tool description: ${JSON.stringify([tools])}.`);
  }
  if (!Array.isArray(list)) throw new ConsumerRejection('tool description is not a list');
  for (const entry of list as Record<string, unknown>[]) {
    const tool = (entry.type === 'function' ? entry.function : entry) as Record<string, unknown> | undefined;
    const properties = (tool?.parameters as { properties?: Record<string, Record<string, unknown>> } | undefined)?.properties;
    if (typeof tool?.name !== 'string' || properties === undefined)
      throw new ConsumerRejection(`tool ${JSON.stringify(entry)} lacks name or parameters.properties`);
    for (const [name, property] of Object.entries(properties)) {
      const values = property.enum;
      if (Array.isArray(values) && values.length > 0 && !values.every((value) => typeof value === 'string')) {
        throw new ConsumerRejection(`tool ${tool.name} argument ${name}: ", ".join(enum) raises on ${JSON.stringify(values)}`);
      }
    }
  }
}

/**
 * Applies every rule above to a row: alignment, each function message under every release of
 * `FunctionFormatter.apply`, the tools column, and the image count. Returns the parsed function
 * messages (under the current release) by message index.
 */
export function checkShareGptRow(row: ShareGptRowLike): Map<number, ParsedFunction> {
  const messages = alignShareGpt(row);
  const parsed = new Map<number, ParsedFunction>();
  messages.forEach((message, index) => {
    if (message.role !== 'function_call') return;
    for (const rule of FUNCTION_RULES) {
      try {
        parsed.set(index, applyFunctionRule(message.content, rule));
      } catch (error) {
        throw new ConsumerRejection(`${(error as Error).message} (${rule.name})`);
      }
    }
  });
  checkToolsColumn(row.tools ?? '');
  const placeholders = messages.reduce((sum, message) => sum + (message.content.split('<image>').length - 1), 0);
  if (placeholders !== (row.images ?? []).length) {
    throw new ConsumerRejection(`${placeholders} <image> placeholders for ${(row.images ?? []).length} images`);
  }
  return parsed;
}
