/**
 * Prompt dialects: how one family of models reads tools and writes actions. Each dialect builds
 * the system prompt and the conversation, parses a raw model turn into one {@link Action}, and
 * writes an action as such a model would (for oracle demonstrations). `hermes` and `openai` are
 * the built-in formats of `agents/prompt.ts` and `agents/parse.ts`; the others reproduce a
 * published system's native format, so its checkpoints can be evaluated unchanged.
 *
 * To add a dialect: its name in `names.ts`, its module beside this one, one entry below.
 */
import type { Action, EnvSpec, OracleStep } from '../../core/env.js';
import { GymError } from '../../core/errors.js';
import type { ToolSpec } from '../../core/tool.js';
import { parseModelOutput } from '../parse.js';
import { renderOracleStep } from '../policies/oracle.js';
import type { ModelOutput } from '../policy.js';
import { buildConversation, buildSystemPrompt, type ChatMessage, type PromptEpisode } from '../prompt.js';
import { framethinkerDialect } from './framethinker.js';
import { DIALECT_NAMES, type DialectName } from './names.js';
import { vilasrDialect } from './vilasr.js';

export * from './framethinker.js';
export * from './names.js';
export * from './vilasr.js';

/** A prompt dialect. */
export interface Dialect {
  readonly name: DialectName;
  /** One line: who speaks it and how calls look. */
  readonly description: string;
  /**
   * Where calls travel: `text` (inside the assistant text, as `hermes` and `vilasr`) or `native`
   * (the server's `tool_calls`, as `openai`).
   */
  readonly transport: 'text' | 'native';
  /** The system prompt for an env and its tools. */
  systemPrompt(spec: EnvSpec, tools: readonly ToolSpec[]): string;
  /** The whole conversation of an episode so far, as the model reads it. */
  conversation(episode: PromptEpisode): ChatMessage[];
  /** One raw model turn as one action; malformed turns become `invalid` actions, never throws. */
  parse(output: ModelOutput): Action;
  /** An action with its rationale, written as a model speaking this dialect would. */
  render(step: OracleStep, turn: number): ModelOutput;
}

/** The built-in text format: Hermes/Qwen `<tools>`, `<tool_call>`, `<tool_response>`. */
export const hermesDialect: Dialect = {
  name: 'hermes',
  description: 'Hermes/Qwen text mode: tools in <tools>, calls in <tool_call>{…}</tool_call>, results in <tool_response>.',
  transport: 'text',
  systemPrompt: (spec, tools) => buildSystemPrompt(spec, tools, 'hermes'),
  conversation: (episode) => buildConversation(episode, 'hermes'),
  parse: (output) => parseModelOutput(output),
  render: (step, turn) => renderOracleStep(step, 'hermes', turn),
};

/** The built-in native format: tools in the request, calls in `tool_calls`, results in `tool` messages. */
export const openaiDialect: Dialect = {
  name: 'openai',
  description: 'OpenAI native tool calling: tools in the request, calls in tool_calls, results in tool messages.',
  transport: 'native',
  systemPrompt: (spec, tools) => buildSystemPrompt(spec, tools, 'openai'),
  conversation: (episode) => buildConversation(episode, 'openai'),
  parse: (output) => parseModelOutput(output),
  render: (step, turn) => renderOracleStep(step, 'openai', turn),
};

/** Every dialect, by name. */
export const DIALECTS: Readonly<Record<DialectName, Dialect>> = {
  hermes: hermesDialect,
  openai: openaiDialect,
  vilasr: vilasrDialect,
  framethinker: framethinkerDialect,
};

/** The dialect called `name`, or a {@link GymError} listing the known ones. */
export function dialect(name: string): Dialect {
  const found = (DIALECTS as Readonly<Record<string, Dialect | undefined>>)[name];
  if (found === undefined) {
    throw new GymError('unknown-dialect', `Unknown prompt format "${name}"; choose one of ${DIALECT_NAMES.join(', ')}.`, {
      data: { name },
    });
  }
  return found;
}

/** Parses a raw model turn in the given dialect (`hermes` and `openai` share the built-in parser). */
export function parseInDialect(output: ModelOutput, name: string): Action {
  return dialect(name).parse(output);
}

const THOUGHT = /<think>([\s\S]*?)<\/think>/;

/**
 * One recorded turn written again in another dialect: its parsed action and its `<think>` text,
 * rendered by the target dialect's writer. Invalid turns are kept as they are (there is no action
 * to rewrite). Exports use it when an episode recorded in one dialect is exported in another.
 */
export function reexpressTurn(output: ModelOutput, action: Action, target: string, turn: number): ModelOutput {
  if (action.type === 'invalid') return output;
  const thought = (THOUGHT.exec(output.text)?.[1] ?? '').trim();
  return dialect(target).render({ thought, action }, turn);
}

/** Whether a format is one of the two built-in ones that `agents/prompt.ts` renders itself. */
export function isBuiltinFormat(name: string): name is 'hermes' | 'openai' {
  return name === 'hermes' || name === 'openai';
}
