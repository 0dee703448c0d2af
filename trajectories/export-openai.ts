import { resolve } from 'node:path';
import { type ImageUrl, type OpenAIChatMessage, toOpenAIMessages } from '../agents/openai-wire.js';
import { openAITools } from '../agents/prompt.js';
import { DirectoryImageStore } from '../core/image-store.js';
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
 * observation is left out.
 */

/** Options of {@link exportOpenAI}. */
export interface OpenAIExportOptions extends ExportOptions {
  /** `data-url` (default): images inline as `data:image/png;base64,…`; `path`: absolute file paths instead. */
  readonly images?: 'data-url' | 'path';
}

/** One line of the export. */
export interface OpenAIRow {
  readonly messages: OpenAIChatMessage[];
  readonly tools: ReturnType<typeof openAITools>;
}

/** Converts one episode into an OpenAI fine-tuning row. */
export async function toOpenAIRow(record: EpisodeRecord, env: ManifestEnv, imageUrl: ImageUrl): Promise<OpenAIRow> {
  const conversation = endOnAssistant(episodeConversation(record, env, 'openai'));
  return { messages: await toOpenAIMessages(conversation, imageUrl), tools: openAITools(env.tools) };
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
