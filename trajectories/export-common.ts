import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isBuiltinFormat, reexpressTurn } from '../agents/dialects/index.js';
import type { ModelOutput, PromptFormat } from '../agents/policy.js';
import { buildConversation, type ChatMessage } from '../agents/prompt.js';
import type { EnvSpec } from '../core/env.js';
import { GymError } from '../core/errors.js';
import type { ImageStore } from '../core/image-store.js';
import { type EpisodeFilter, firstRejection } from './filters.js';
import { type LineProblem, readEpisodes, readManifest } from './reader.js';
import type { EpisodeRecord, ManifestEnv, StepRecord } from './record.js';
import type { DatasetManifest } from './schema.js';
import { recordImages } from './writer.js';

/** Options every exporter takes. */
export interface ExportOptions {
  /** Episodes must pass all of these; skips are counted by filter name. */
  readonly filters?: readonly EpisodeFilter[];
  /** Called for each corrupt dataset line (skipped, counted as `corrupt-line`). */
  readonly onProblem?: (problem: LineProblem) => void;
}

/** What an export wrote and what it left out. */
export interface ExportResult {
  /** The output file. */
  readonly file: string;
  /** Rows written. */
  readonly written: number;
  /** Episodes left out, by reason: a filter's name, `corrupt-line`, `unknown-env`, `image-missing`, `no-turns`… */
  readonly skipped: Readonly<Record<string, number>>;
  /** Corrupt dataset lines met. */
  readonly problems: readonly LineProblem[];
}

/**
 * The {@link EnvSpec} the prompt builder needs, rebuilt from a manifest entry. Only the fields the
 * system prompt reads carry meaning (`instructions`, `answers`); the rest are neutral.
 */
export function envSpecFromManifest(id: string, env: ManifestEnv): EnvSpec {
  return {
    id,
    version: env.version,
    instructions: env.instructions,
    maxTurns: env.maxTurns,
    answers: env.answers,
    options: { type: 'object' },
    doc: { description: '', tools: '', observation: '', reward: '', episodeEnd: '', options: '', versionHistory: '' },
  };
}

/** A Hermes `<tool_call>` block in model text (an unclosed one runs to the end). */
export const TOOL_CALL_BLOCK = /<tool_call>[\s\S]*?(?:<\/tool_call>|$)/g;

/**
 * Re-expresses an episode's model turns in another prompt format, keeping everything else:
 * - to `openai`: a turn whose parsed action is a tool call becomes a native call (id from the
 *   action, else `call_<turn>`, arguments as the JSON string of the parsed arguments) and its text
 *   loses the `<tool_call>` block but keeps the rest (the `<think>` text) as content;
 * - to `hermes`: native calls are written into the text as `<tool_call>` blocks after the content.
 * Answers, invalid turns and turns already in the target shape are unchanged. Token ids are dropped
 * from rewritten turns, since they no longer match the text. When either format is a dialect
 * (`agents/dialects/`, e.g. `vilasr`), every valid turn is rewritten by the target's writer from its
 * parsed action and `<think>` text.
 */
export function reexpressEpisode(record: EpisodeRecord, format: PromptFormat): EpisodeRecord {
  if (record.format === format) return record;
  if (!isBuiltinFormat(record.format) || !isBuiltinFormat(format)) {
    // A dialect on either side: each turn's parsed action is written again by the target dialect.
    const steps = record.steps.map((step): StepRecord => ({ ...step, output: reexpressTurn(step.output, step.action, format, step.turn) }));
    return { ...record, format, steps };
  }
  const steps = record.steps.map((step): StepRecord => {
    const output = format === 'openai' ? toNativeCall(step) : toTextCall(step.output);
    return output === step.output ? step : { ...step, output };
  });
  return { ...record, format, steps };
}

function toNativeCall(step: StepRecord): ModelOutput {
  const action = step.action;
  if ((step.output.toolCalls?.length ?? 0) > 0 || action.type !== 'tool_call') return step.output;
  return {
    text: step.output.text.replace(TOOL_CALL_BLOCK, '').trim(),
    toolCalls: [{ id: action.id ?? `call_${step.turn}`, name: action.name, arguments: JSON.stringify(action.arguments) }],
  };
}

function toTextCall(output: ModelOutput): ModelOutput {
  const calls = output.toolCalls ?? [];
  if (calls.length === 0) return output;
  const blocks = calls.map(
    (call) => `<tool_call>\n${JSON.stringify({ name: call.name, arguments: parseArguments(call.arguments) })}\n</tool_call>`,
  );
  return { text: [output.text, ...blocks].filter((part) => part !== '').join('\n') };
}

/** The arguments of a native call as a value: parsed JSON, or the raw text when it is not JSON. */
export function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text === '' ? '{}' : text);
  } catch {
    return text;
  }
}

/**
 * The conversation of a recorded episode, built by the same prompt builder the policies use, in
 * `format` (the episode's own by default; another format re-expresses the turns first).
 */
export function episodeConversation(record: EpisodeRecord, env: ManifestEnv, format: PromptFormat = record.format): ChatMessage[] {
  const episode = reexpressEpisode(record, format);
  return buildConversation(
    {
      spec: envSpecFromManifest(record.env, env),
      tools: env.tools,
      task: episode.task,
      turns: episode.steps.map((step) => ({ output: step.output, action: step.action, observation: step.observation })),
    },
    format,
  );
}

/**
 * Drops the messages after the last assistant message: the env's closing observation is not
 * something to learn, and the training formats expect the conversation to end on the model.
 */
export function endOnAssistant(messages: readonly ChatMessage[]): ChatMessage[] {
  let last = messages.length - 1;
  while (last >= 0 && messages[last]?.role !== 'assistant') last -= 1;
  return messages.slice(0, last + 1);
}

/** The first image an episode references that is missing from `store`, or `null`. */
export async function firstMissingImage(record: EpisodeRecord, store: ImageStore): Promise<string | null> {
  for (const sha256 of recordImages(record)) if (!(await store.has(sha256))) return sha256;
  return null;
}

/** Reads the dataset manifest that exports need, or explains why it is missing. */
export async function requireManifest(dir: string): Promise<DatasetManifest> {
  const manifest = await readManifest(dir);
  if (manifest === null) {
    throw new GymError(
      'no-manifest',
      `${dir} has no manifest.json, which exports need to rebuild prompts; resume the dataset once (thinkgym generate --resume) to write it.`,
    );
  }
  return manifest;
}

/** Counts skips by reason. */
export class SkipCounter {
  readonly counts: Record<string, number> = {};

  add(reason: string): void {
    this.counts[reason] = (this.counts[reason] ?? 0) + 1;
  }
}

/**
 * Streams a dataset's episodes that pass the filters, with their manifest env; corrupt lines,
 * rejected episodes and episodes of envs absent from the manifest are counted in `skips`.
 */
export async function* exportableEpisodes(
  dir: string,
  manifest: DatasetManifest,
  options: ExportOptions,
  skips: SkipCounter,
  problems: LineProblem[],
): AsyncGenerator<{ record: EpisodeRecord; env: ManifestEnv }> {
  const stream = readEpisodes(dir, {
    onProblem: (problem) => {
      problems.push(problem);
      skips.add('corrupt-line');
      options.onProblem?.(problem);
    },
  });
  for await (const record of stream) {
    const rejection = firstRejection(options.filters ?? [], record);
    if (rejection !== null) {
      skips.add(rejection);
      continue;
    }
    const env = manifest.envs[record.env];
    if (env === undefined) {
      skips.add('unknown-env');
      continue;
    }
    if (record.steps.length === 0) {
      skips.add('no-turns');
      continue;
    }
    yield { record, env };
  }
}

/** What a row builder makes of one episode: a row, or the reason it is left out. */
export type RowOutcome = { readonly ok: true; readonly row: unknown } | { readonly ok: false; readonly reason: string };

/**
 * The loop both exporters share: streams the exportable episodes of `dir` (filters, corrupt
 * lines, unknown envs and missing images counted as skips) into `file` through `toRow`.
 */
export async function writeRows(
  dir: string,
  file: string,
  options: ExportOptions,
  store: ImageStore,
  toRow: (record: EpisodeRecord, env: ManifestEnv) => Promise<RowOutcome> | RowOutcome,
): Promise<ExportResult> {
  const manifest = await requireManifest(dir);
  const skips = new SkipCounter();
  const problems: LineProblem[] = [];
  const sink = await RowSink.open(file);
  try {
    for await (const { record, env } of exportableEpisodes(dir, manifest, options, skips, problems)) {
      if ((await firstMissingImage(record, store)) !== null) {
        skips.add('image-missing');
        continue;
      }
      const outcome = await toRow(record, env);
      if (outcome.ok) await sink.push(outcome.row);
      else skips.add(outcome.reason);
    }
  } finally {
    await sink.close();
  }
  return { file, written: sink.count, skipped: skips.counts, problems };
}

/**
 * A file written row by row with back-pressure: a JSON array when the name ends in `.json`, JSON
 * lines otherwise.
 */
export class RowSink {
  private readonly stream: WriteStream;
  private readonly array: boolean;
  private rows = 0;

  private constructor(stream: WriteStream, array: boolean) {
    this.stream = stream;
    this.array = array;
  }

  /** Opens `file` for writing (its folder is created). */
  static async open(file: string): Promise<RowSink> {
    await mkdir(dirname(file), { recursive: true });
    const stream = createWriteStream(file, { encoding: 'utf8' });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    const sink = new RowSink(stream, file.endsWith('.json'));
    if (sink.array) await sink.write('[\n');
    return sink;
  }

  /** Number of rows written. */
  get count(): number {
    return this.rows;
  }

  /** Writes one row. */
  async push(row: unknown): Promise<void> {
    const json = JSON.stringify(row);
    await this.write(this.array ? `${this.rows === 0 ? '' : ',\n'}${json}` : `${json}\n`);
    this.rows += 1;
  }

  /** Finishes the file. */
  async close(): Promise<void> {
    if (this.array) await this.write(this.rows === 0 ? ']\n' : '\n]\n');
    await new Promise<void>((resolve, reject) => {
      this.stream.once('error', reject);
      this.stream.end(() => resolve());
    });
  }

  private async write(chunk: string): Promise<void> {
    if (this.stream.write(chunk)) return;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => {
        this.stream.off('drain', onDrain);
        reject(error);
      };
      const onDrain = (): void => {
        this.stream.off('error', onError);
        resolve();
      };
      this.stream.once('drain', onDrain);
      this.stream.once('error', onError);
    });
  }
}
