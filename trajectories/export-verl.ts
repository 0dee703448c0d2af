import { resolve } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { buildSystemPrompt } from '../agents/prompt.js';
import { contentImages, contentToPlaceholderText } from '../core/content.js';
import { DirectoryImageStore } from '../core/image-store.js';
import {
  type ExportOptions,
  type ExportResult,
  envSpecFromManifest,
  exportableEpisodes,
  requireManifest,
  SkipCounter,
} from './export-common.js';
import type { LineProblem } from './reader.js';
import type { EpisodeRecord, ManifestEnv } from './record.js';

/**
 * verl RL prompts as parquet, one row per task (env + seed; later episodes of the same task are
 * skipped as `duplicate-task`), in the columns verl's `RLHFDataset` and `ToolAgentLoop` read:
 *
 * - `data_source`: the env id; `ability`: `visual-tool-use`;
 * - `prompt`: `[{role: "system"}, {role: "user"}]` with `<image>` where each task image stands
 *   (verl splits the text on `<image>`); the system prompt is the `openai`-format one (no tool
 *   list: verl's chat template adds the tools of its tool config);
 * - `images`: `[{bytes, path}]`, the PNG bytes as HuggingFace's Image feature stores them (verl's
 *   `process_image` opens `bytes`);
 * - `reward_model`: `{style: "rule", ground_truth}` (the expected answer, empty for answer-free envs);
 * - `agent_name`: `tool_agent`;
 * - `extra_info`: `{split, index, tools_kwargs: {<tool>: {create_kwargs: {env, seed, options}}}}`,
 *   `options` as a JSON string (a parquet struct needs one shape for every row; the verl adapter
 *   parses it), and every tool of every env in the file present (null for other envs' tools).
 */
export interface VerlExportOptions extends ExportOptions {
  /** `extra_info.split` (default `train`). */
  readonly split?: string;
}

/** One verl row. */
export interface VerlRow {
  readonly data_source: string;
  readonly prompt: readonly { readonly role: 'system' | 'user'; readonly content: string }[];
  readonly images: readonly { readonly bytes: Uint8Array; readonly path: string | null }[];
  readonly ability: string;
  readonly reward_model: { readonly style: 'rule'; readonly ground_truth: string };
  readonly agent_name: 'tool_agent';
  readonly extra_info: {
    readonly split: string;
    readonly index: number;
    readonly tools_kwargs: Readonly<Record<string, { create_kwargs: { env: string; seed: number; options: string } } | null>>;
  };
}

/** Builds the row of one episode's task (`index` is its row number). */
export async function toVerlRow(
  record: EpisodeRecord,
  env: ManifestEnv,
  index: number,
  split: string,
  store: DirectoryImageStore,
): Promise<VerlRow> {
  const system = buildSystemPrompt(envSpecFromManifest(record.env, env), env.tools, 'openai');
  const images = await Promise.all(
    contentImages(record.task).map(async (ref) => ({ bytes: new Uint8Array(await store.get(ref.sha256)), path: null })),
  );
  const createKwargs = { env: record.env, seed: record.seed, options: JSON.stringify(env.options) };
  return {
    data_source: record.env,
    prompt: [
      { role: 'system', content: system },
      { role: 'user', content: contentToPlaceholderText(record.task) },
    ],
    images,
    ability: 'visual-tool-use',
    reward_model: { style: 'rule', ground_truth: record.expected ?? '' },
    agent_name: 'tool_agent',
    extra_info: { split, index, tools_kwargs: Object.fromEntries(env.tools.map((tool) => [tool.name, { create_kwargs: createKwargs }])) },
  };
}

const STRING = { type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' } as const;

/** The parquet schema of the rows, with one `tools_kwargs` field per tool name. */
function verlSchema(toolNames: readonly string[]): Record<string, unknown>[] {
  const tools = toolNames.flatMap((name) => [
    { name, repetition_type: 'OPTIONAL', num_children: 1 },
    { name: 'create_kwargs', repetition_type: 'OPTIONAL', num_children: 3 },
    { name: 'env', ...STRING },
    { name: 'seed', type: 'INT64', repetition_type: 'OPTIONAL' },
    { name: 'options', ...STRING },
  ]);
  return [
    { name: 'root', num_children: 7 },
    { name: 'data_source', ...STRING },
    { name: 'prompt', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', repetition_type: 'OPTIONAL', num_children: 2 },
    { name: 'role', ...STRING },
    { name: 'content', ...STRING },
    { name: 'images', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', repetition_type: 'OPTIONAL', num_children: 2 },
    { name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
    { name: 'path', ...STRING },
    { name: 'ability', ...STRING },
    { name: 'reward_model', repetition_type: 'OPTIONAL', num_children: 2 },
    { name: 'style', ...STRING },
    { name: 'ground_truth', ...STRING },
    { name: 'agent_name', ...STRING },
    { name: 'extra_info', repetition_type: 'OPTIONAL', num_children: 3 },
    { name: 'split', ...STRING },
    { name: 'index', type: 'INT64', repetition_type: 'OPTIONAL' },
    { name: 'tools_kwargs', repetition_type: 'OPTIONAL', num_children: toolNames.length },
    ...tools,
  ];
}

/** Exports a dataset's tasks as a verl RL parquet file (see {@link VerlExportOptions}). */
export async function exportVerl(dir: string, output: string, options: VerlExportOptions = {}): Promise<ExportResult> {
  const file = resolve(output);
  const manifest = await requireManifest(dir);
  const store = new DirectoryImageStore(dir);
  const skips = new SkipCounter();
  const problems: LineProblem[] = [];
  const seen = new Set<string>();
  const rows: VerlRow[] = [];
  for await (const { record, env } of exportableEpisodes(dir, manifest, options, skips, problems)) {
    const task = `${record.env}\n${record.seed}`;
    if (seen.has(task)) {
      skips.add('duplicate-task');
      continue;
    }
    const missing = await Promise.all(contentImages(record.task).map((ref) => store.has(ref.sha256)));
    if (missing.includes(false)) {
      skips.add('image-missing');
      continue;
    }
    seen.add(task);
    rows.push(await toVerlRow(record, env, rows.length, options.split ?? 'train', store));
  }
  const toolNames = [...new Set(rows.flatMap((row) => Object.keys(row.extra_info.tools_kwargs)))].sort();
  // INT64 columns take bigints; every row lists every tool (null where its env lacks it).
  const columns: Record<string, unknown>[] = rows.map((row) => ({
    ...row,
    extra_info: {
      split: row.extra_info.split,
      index: BigInt(row.extra_info.index),
      tools_kwargs: Object.fromEntries(
        toolNames.map((name) => {
          const kwargs = row.extra_info.tools_kwargs[name];
          return [name, kwargs == null ? null : { create_kwargs: { ...kwargs.create_kwargs, seed: BigInt(kwargs.create_kwargs.seed) } }];
        }),
      ),
    },
  }));
  const column = (name: string): unknown[] => columns.map((row) => row[name]);
  const names = ['data_source', 'prompt', 'images', 'ability', 'reward_model', 'agent_name', 'extra_info'] as const;
  if (rows.length > 0) {
    parquetWriteFile({
      filename: file,
      columnData: names.map((name) => ({ name, data: column(name) })),
      schema: verlSchema(toolNames) as never,
    });
  }
  return { file, written: rows.length, skipped: skips.counts, problems };
}
