import { resolve } from 'node:path';
import { type ImageUrl, type OpenAIChatMessage, toOpenAIMessages } from '../agents/openai-wire.js';
import { openAITools } from '../agents/prompt.js';
import { DirectoryImageStore } from '../core/image-store.js';
import type { ToolSpec } from '../core/tool.js';
import { type ExportOptions, type ExportResult, endOnAssistant, episodeConversation, writeRows } from './export-common.js';
import type { EpisodeRecord, ManifestEnv } from './record.js';

/**
 * OpenAI chat fine-tuning export: one JSON line per episode, `{messages, tools}`.
 *
 * Messages come from the prompt builder in `openai` format and the OpenAI wire renderer: the
 * system prompt, the task as the first user message, assistant turns with native `tool_calls`
 * (arguments as JSON strings) and their `<think>` text as content, `tool` messages with text only,
 * and each tool's images in the next `user` message as `image_url` parts. Episodes recorded in
 * `hermes` format are re-expressed first (each parsed `<tool_call>` becomes a native call with id
 * `call_<turn>`). The conversation ends on the last assistant message; the env's closing
 * observation is left out. Messages are joined by the wire renderer, so a row of a native run
 * repeats the request bodies the policy sent. `tools` carries OpenAI's `strict` flag per tool
 * ({@link fineTuningTools}).
 */

/** Options of {@link exportOpenAI}. */
export interface OpenAIExportOptions extends ExportOptions {
  /**
   * `data-url` (default): images inline as `data:image/png;base64,…`; `path`: absolute file paths
   * instead, for a loader that reads them itself (OpenAI rejects such a file: `image_url` must be
   * an http(s) or data URL; the CLI asks for `--allow-image-paths`).
   */
  readonly images?: 'data-url' | 'path';
}

/** A tool of a fine-tuning row, in OpenAI's shape with its `strict` flag. */
export interface OpenAIFineTuningTool {
  readonly type: 'function';
  readonly function: { readonly name: string; readonly description: string; readonly parameters: unknown; readonly strict: boolean };
}

/** One line of the export. */
export interface OpenAIRow {
  readonly messages: OpenAIChatMessage[];
  readonly tools: OpenAIFineTuningTool[];
}

/** Keywords of OpenAI's strict subset of JSON Schema that thinkgym's tool schemas can use. */
const STRICT_KEYWORDS = new Set([
  'type',
  'description',
  'enum',
  'const',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'anyOf',
]);

/**
 * Whether a tool's parameter schema is valid under OpenAI's strict mode (Structured Outputs):
 * every object forbids extra properties (`additionalProperties: false`) and lists every property
 * in `required`, and no keyword outside the strict subset appears. A `default` (an optional
 * argument) or a bound such as `minimum` makes it false: strict mode would force the model to fill
 * every optional argument, and the bounds are checked by the env, not by the decoder.
 */
export function isStrictSchema(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return false;
  const node = schema as Record<string, unknown>;
  if (!Object.keys(node).every((key) => STRICT_KEYWORDS.has(key))) return false;
  if (node.type === 'object' || node.properties !== undefined) {
    const properties = (node.properties ?? {}) as Record<string, unknown>;
    const required = Array.isArray(node.required) ? (node.required as unknown[]) : [];
    if (node.additionalProperties !== false) return false;
    if (!Object.keys(properties).every((name) => required.includes(name))) return false;
    if (!Object.values(properties).every(isStrictSchema)) return false;
  }
  if (node.items !== undefined && !isStrictSchema(node.items)) return false;
  if (node.anyOf !== undefined && !(Array.isArray(node.anyOf) && node.anyOf.every(isStrictSchema))) return false;
  return true;
}

/**
 * The `tools` of a fine-tuning row: OpenAI's `{type: "function", function: {name, description,
 * parameters, strict}}`, with `strict` true only where the schema meets strict mode's rules
 * ({@link isStrictSchema}), since OpenAI rejects a strict tool whose schema does not.
 */
export function fineTuningTools(tools: readonly ToolSpec[]): OpenAIFineTuningTool[] {
  return openAITools(tools).map((tool) => ({
    type: 'function',
    function: { ...tool.function, strict: isStrictSchema(tool.function.parameters) },
  }));
}

/** Converts one episode into an OpenAI fine-tuning row. */
export async function toOpenAIRow(record: EpisodeRecord, env: ManifestEnv, imageUrl: ImageUrl): Promise<OpenAIRow> {
  const conversation = endOnAssistant(episodeConversation(record, env, 'openai'));
  return { messages: await toOpenAIMessages(conversation, imageUrl), tools: fineTuningTools(env.tools) };
}

/**
 * Exports a dataset as OpenAI chat fine-tuning JSON lines. Streams the dataset (one episode's
 * images in memory at a time); episodes rejected by filters or with missing images are counted in
 * `skipped`.
 */
export async function exportOpenAI(dir: string, output: string, options: OpenAIExportOptions = {}): Promise<ExportResult> {
  const file = resolve(output);
  const store = new DirectoryImageStore(dir);
  const imageUrl: ImageUrl =
    options.images === 'path'
      ? (image) => resolve(store.pathOf(image.sha256))
      : async (image) => `data:${image.mime};base64,${(await store.get(image.sha256)).toString('base64')}`;
  return writeRows(dir, file, options, store, async (record, env) => ({ ok: true, row: await toOpenAIRow(record, env, imageUrl) }));
}
