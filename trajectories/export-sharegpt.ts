import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { type ChatMessage, openAITools } from '../agents/prompt.js';
import { contentImages, contentText, contentToPlaceholderText, IMAGE_PLACEHOLDER, type ImageRef, joinTexts } from '../core/content.js';
import { FormatError } from '../core/errors.js';
import { DirectoryImageStore } from '../core/image-store.js';
import {
  type ExportOptions,
  type ExportResult,
  endOnAssistant,
  episodeConversation,
  parseArguments,
  TOOL_CALL_BLOCK,
  writeRows,
} from './export-common.js';
import type { EpisodeRecord, ManifestEnv } from './record.js';

/**
 * LLaMA-Factory multimodal ShareGPT export.
 *
 * Each row is `{messages, system, tools, images}` with OpenAI-style `role`/`content` messages, as
 * declared in the `dataset_info.json` written beside the output (`formatting: "sharegpt"` with
 * `columns` and `tags`). The conversation is the one the policy saw, rebuilt by the prompt builder
 * in the episode's own format:
 *
 * - `hermes` episodes: `system` holds the instructions and the `<tools>` block, assistant turns
 *   keep the raw text with its `<think>` and `<tool_call>`, and tool results are `user` turns
 *   wrapped in `<tool_response>`, exactly as the model read them. `tools` is empty, because the
 *   system prompt already lists the tools and LLaMA-Factory's template would add a second list.
 * - `openai` episodes: native calls become `function_call` turns, tool results become
 *   `observation` turns, and `tools` is the JSON list the server got. A `function_call` value is
 *   written so that LLaMA-Factory's `FunctionFormatter.apply` parses it (see
 *   {@link functionCallValue}): the turn's text (its reasoning and any prose beside the call) in the
 *   template's thought words, then the call as `{"name", "arguments"}` JSON (a list for several
 *   calls), which the template renders in the model's own calling format (`<tool_call>` blocks
 *   for the Qwen templates).
 *
 * LLaMA-Factory's `SharegptDatasetConverter` wants user/observation turns at even positions and
 * assistant/function turns at odd ones, an even count, ending on the model; a row that breaks this
 * is skipped with a warning. So consecutive non-model turns are merged into one (a tool message
 * and the user message that carries its images become one `observation`, joined by the one joining
 * rule of `core/content.ts`, keeping the first one's role), and the env's closing observation after
 * the last model turn is dropped (with its images). Every image becomes an `<image>` placeholder in
 * order, and `images` lists the files, so the placeholders always match the paths (the multimodal
 * plugin refuses a row whose counts differ).
 */

/**
 * The thought words of LLaMA-Factory's templates (`Template.thought_words`, the default of
 * `register_template` for every template that does not set its own, the Qwen2-VL, Qwen2.5-VL and
 * Qwen3 templates included). `FunctionFormatter.apply` cuts the first span between them out of a
 * function message before it `json.loads` the rest, and puts the span back in front of the
 * rendered call. Older releases used the bare `<think>`/`</think>` pair; a span in these words
 * matches both.
 */
export const THOUGHT_WORDS = ['<think>\n', '\n</think>\n\n'] as const;

/** Options of {@link exportShareGpt}. */
export interface ShareGptExportOptions extends ExportOptions {
  /** Dataset name in `dataset_info.json` (default: the output file name without extension). */
  readonly datasetName?: string;
  /** Image paths relative to the output file's folder (default; set LLaMA-Factory's `dataset_dir` to it), or absolute. */
  readonly imagePaths?: 'relative' | 'absolute';
}

/** A message of a ShareGPT row. */
export interface ShareGptMessage {
  readonly role: 'user' | 'assistant' | 'function_call' | 'observation';
  readonly content: string;
}

/** One row of the export. */
export interface ShareGptRow {
  readonly messages: readonly ShareGptMessage[];
  readonly system: string;
  /** JSON list of the tools (OpenAI shape) for `openai` episodes; empty for `hermes` ones. */
  readonly tools: string;
  readonly images: readonly string[];
}

/** The `dataset_info.json` entry declaring the export. */
export interface ShareGptDatasetInfo {
  readonly file_name: string;
  readonly formatting: 'sharegpt';
  readonly columns: { readonly messages: 'messages'; readonly system: 'system'; readonly tools: 'tools'; readonly images: 'images' };
  readonly tags: {
    readonly role_tag: 'role';
    readonly content_tag: 'content';
    readonly user_tag: 'user';
    readonly assistant_tag: 'assistant';
    readonly observation_tag: 'observation';
    readonly function_tag: 'function_call';
    readonly system_tag: 'system';
  };
}

/** The `dataset_info.json` entry for an export file. */
export function shareGptDatasetInfo(fileName: string): ShareGptDatasetInfo {
  return {
    file_name: fileName,
    formatting: 'sharegpt',
    columns: { messages: 'messages', system: 'system', tools: 'tools', images: 'images' },
    tags: {
      role_tag: 'role',
      content_tag: 'content',
      user_tag: 'user',
      assistant_tag: 'assistant',
      observation_tag: 'observation',
      function_tag: 'function_call',
      system_tag: 'system',
    },
  };
}

/**
 * Converts one episode into a ShareGPT row; `imagePath` turns an image into the path written in
 * `images`. Returns a skip reason instead when the episode cannot be represented.
 */
export function toShareGptRow(
  record: EpisodeRecord,
  env: ManifestEnv,
  imagePath: (image: ImageRef) => string,
): { ok: true; row: ShareGptRow } | { ok: false; reason: string } {
  const conversation = episodeConversation(record, env);
  const system = conversation[0]?.role === 'system' ? contentText(conversation[0].content) : '';
  const turns = endOnAssistant(conversation.filter((message) => message.role !== 'system'));
  const merged: { role: ShareGptMessage['role']; parts: string[] }[] = [];
  const images: ImageRef[] = [];
  for (const message of turns) {
    const role = shareGptRole(message);
    const model = role === 'assistant' || role === 'function_call';
    const previous = merged[merged.length - 1];
    const value = shareGptContent(message);
    images.push(...contentImages(message.content));
    const previousModel = previous !== undefined && (previous.role === 'assistant' || previous.role === 'function_call');
    if (previous !== undefined && !model && !previousModel) previous.parts.push(value);
    else merged.push({ role, parts: [value] });
  }
  const messages = merged.map((message) => ({ role: message.role, content: joinTexts(message.parts) }));
  if (messages.length === 0) return { ok: false, reason: 'no-turns' };
  const alternates = messages.every((message, index) =>
    index % 2 === 0
      ? message.role === 'user' || message.role === 'observation'
      : message.role === 'assistant' || message.role === 'function_call',
  );
  if (!alternates || messages.length % 2 !== 0) return { ok: false, reason: 'roles-do-not-alternate' };
  const placeholders = messages.reduce((sum, message) => sum + countPlaceholders(message.content), 0);
  if (placeholders !== images.length) return { ok: false, reason: 'image-placeholder-mismatch' };
  const tools = record.format === 'openai' ? JSON.stringify(openAITools(env.tools)) : '';
  return { ok: true, row: { messages, system, tools, images: images.map(imagePath) } };
}

function shareGptRole(message: ChatMessage): ShareGptMessage['role'] {
  switch (message.role) {
    case 'assistant':
      return (message.toolCalls?.length ?? 0) > 0 ? 'function_call' : 'assistant';
    case 'tool':
      return 'observation';
    default:
      return 'user';
  }
}

function shareGptContent(message: ChatMessage): string {
  const calls = message.toolCalls ?? [];
  if (message.role !== 'assistant' || calls.length === 0) return contentToPlaceholderText(message.content);
  return functionCallValue(contentText(message.content), calls);
}

/**
 * The value of a `function_call` turn, in the one shape LLaMA-Factory's `FunctionFormatter.apply`
 * parses in every release: `<think>\n{thought}\n</think>\n\n{json}`, or the JSON alone when the
 * turn has no text. The JSON is `{"name", "arguments"}` (arguments as a value, not a string), or a
 * list of them for several calls. The thought is all the turn's text beside the call: its
 * `<think>` reasoning and any prose, with the `<think>` tags and stray `<tool_call>` blocks taken
 * out, because anything left outside the thought words would reach `json.loads` and fail ("Invalid
 * JSON format in function message"), and a `<tool_call>` block inside the thought would be taken
 * for the call by releases that look for one first.
 */
export function functionCallValue(text: string, calls: readonly { readonly name: string; readonly arguments: string }[]): string {
  const values = calls.map((call) => ({ name: call.name, arguments: parseArguments(call.arguments) }));
  // `<` as `\u003c` (the same JSON value): no tag inside an argument can match the thought or call words.
  const json = JSON.stringify(values.length === 1 ? values[0] : values).replaceAll('<', '\\u003c');
  const thought = text
    .replace(TOOL_CALL_BLOCK, '')
    .replace(/<\/?think>/g, '')
    .trim();
  return thought === '' ? json : `${THOUGHT_WORDS[0]}${thought}${THOUGHT_WORDS[1]}${json}`;
}

function countPlaceholders(value: string): number {
  return value.split(IMAGE_PLACEHOLDER).length - 1;
}

/**
 * Exports a dataset as LLaMA-Factory ShareGPT: `output` ending in `.json` gets a JSON array,
 * anything else JSON lines (LLaMA-Factory reads both). Writes or updates `dataset_info.json` beside
 * it. Streams the dataset; episodes rejected by filters, with missing images, or not representable
 * are counted in `skipped`.
 */
export async function exportShareGpt(dir: string, output: string, options: ShareGptExportOptions = {}): Promise<ExportResult> {
  const file = resolve(output);
  const folder = dirname(file);
  const store = new DirectoryImageStore(dir);
  const imagePath =
    options.imagePaths === 'absolute'
      ? (image: ImageRef): string => resolve(store.pathOf(image.sha256))
      : (image: ImageRef): string =>
          relative(folder, resolve(store.pathOf(image.sha256)))
            .split(sep)
            .join('/');
  const result = await writeRows(dir, file, options, store, (record, env) => toShareGptRow(record, env, imagePath));
  const name = options.datasetName ?? basename(file, extname(file));
  await writeDatasetInfo(join(folder, 'dataset_info.json'), name, shareGptDatasetInfo(basename(file)));
  return result;
}

/** Adds or replaces one entry of a `dataset_info.json`, keeping the others. */
async function writeDatasetInfo(file: string, name: string, entry: ShareGptDatasetInfo): Promise<void> {
  let info: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new FormatError(`${file} is not a JSON object; move it away so the export can write its dataset entry.`, { file });
    }
    info = parsed as Record<string, unknown>;
  } catch (error) {
    if (error instanceof FormatError) throw error;
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new FormatError(`${file} is not valid JSON (${(error as Error).message}); fix or remove it.`, { file }, error);
    }
  }
  info[name] = entry;
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(info, null, 2)}\n`, 'utf8');
  await rename(temporary, file);
}
