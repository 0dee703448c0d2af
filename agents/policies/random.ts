import { contentText } from '../../core/content.js';
import { Random } from '../../core/random.js';
import type { JsonSchema } from '../../core/schema.js';
import { ANSWER_TOOL, type ToolSpec } from '../../core/tool.js';
import { dialect } from '../dialects/index.js';
import type { ModelOutput, Policy, PolicyContext, PromptFormat } from '../policy.js';

/** Options of {@link RandomPolicy}. */
export interface RandomPolicyOptions {
  /** Chance of answering on a turn, in answering envs (default 0.2). Envs without answers never get one. */
  readonly answerProbability?: number;
  /** Mixed into the seed, so several random policies can differ on the same episode seed. */
  readonly salt?: string | number;
}

const TOKEN_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const UNBOUNDED_SPAN = 100;

/**
 * The uniform baseline. Each turn it picks one of the env's tools uniformly and draws arguments
 * that satisfy the tool's flat JSON schema (enums, integer and number bounds, booleans, strings
 * from `examples`, `default` or random short tokens); in answering envs it answers now and then
 * with a random number or a word of the task. It writes the action as a model would: a Hermes
 * `<tool_call>` block or `<answer>` in `hermes` format, a native tool call in `openai` format.
 *
 * Every draw comes from `new Random("<seed>:<turn>")`, so an episode seed replays exactly.
 */
export class RandomPolicy implements Policy {
  readonly name = 'random';
  private readonly answerProbability: number;
  private readonly salt: string;

  constructor(options: RandomPolicyOptions = {}) {
    this.answerProbability = options.answerProbability ?? 0.2;
    this.salt = options.salt === undefined ? '' : `:${options.salt}`;
  }

  async act(context: PolicyContext): Promise<ModelOutput> {
    const turn = context.turns.length + 1;
    const random = new Random(`random-policy:${context.seed}:${turn}${this.salt}`);
    const tools = context.tools.filter((tool) => tool.name !== ANSWER_TOOL.name);
    const answering = context.spec.answers;
    if (answering && (tools.length === 0 || random.chance(this.answerProbability))) {
      return renderAnswer(randomAnswer(random, contentText(context.task)), context.format, turn);
    }
    if (tools.length === 0) return { text: 'I have no tool to call.' };
    const tool = random.pick(tools);
    return renderCall(tool.name, randomArguments(tool, random), context.format, turn);
  }
}

/** Arguments for a tool drawn from its flat parameter schema. Optional arguments are sometimes left out. */
export function randomArguments(tool: ToolSpec, random: Random): Record<string, unknown> {
  const properties = asRecord(tool.parameters.properties);
  const required = new Set(
    Array.isArray(tool.parameters.required) ? tool.parameters.required.filter((name) => typeof name === 'string') : [],
  );
  const args: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) {
    if (!required.has(name) && random.chance(0.3)) continue;
    const value = randomValue(asRecord(property), random);
    if (value !== undefined) args[name] = value;
  }
  return args;
}

/** A value that satisfies a scalar schema, as far as a flat schema can say. */
export function randomValue(schema: JsonSchema, random: Random): unknown {
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return random.pick(schema.enum);
  const examples = Array.isArray(schema.examples) ? schema.examples : [];
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter(
    (type): type is string => typeof type === 'string' && type !== 'null',
  );
  const type = types.length > 0 ? random.pick(types) : undefined;
  // A default is always valid; use it now and then so tools are also tried at their defaults.
  if ('default' in schema && (type === undefined || random.chance(0.25))) return schema.default;
  switch (type) {
    case 'integer':
      return randomInteger(schema, random);
    case 'number':
      return randomNumber(schema, random);
    case 'boolean':
      return random.chance(0.5);
    case 'string':
      if (examples.length > 0 && random.chance(0.7)) return random.pick(examples);
      return randomToken(schema, random);
    default:
      return examples.length > 0 ? random.pick(examples) : undefined;
  }
}

function randomInteger(schema: JsonSchema, random: Random): number {
  const [low, high] = bounds(schema);
  let min = Math.ceil(low);
  let max = Math.floor(high);
  if (typeof schema.exclusiveMinimum === 'number' && min <= schema.exclusiveMinimum) min = Math.floor(schema.exclusiveMinimum) + 1;
  if (typeof schema.exclusiveMaximum === 'number' && max >= schema.exclusiveMaximum) max = Math.ceil(schema.exclusiveMaximum) - 1;
  if (max < min) return min;
  const step =
    typeof schema.multipleOf === 'number' && Number.isInteger(schema.multipleOf) && schema.multipleOf > 0 ? schema.multipleOf : 1;
  if (step === 1) return random.int(min, max);
  const first = Math.ceil(min / step);
  const last = Math.floor(max / step);
  return last < first ? min : random.int(first, last) * step;
}

function randomNumber(schema: JsonSchema, random: Random): number {
  const [min, max] = bounds(schema);
  const drawn = random.uniform(min, max);
  const rounded = Math.round(drawn * 100) / 100;
  const valid = (value: number): boolean =>
    value >= min &&
    value <= max &&
    (typeof schema.exclusiveMinimum !== 'number' || value > schema.exclusiveMinimum) &&
    (typeof schema.exclusiveMaximum !== 'number' || value < schema.exclusiveMaximum);
  if (valid(rounded)) return rounded;
  return valid(drawn) ? drawn : (min + max) / 2;
}

/** [min, max] from minimum/maximum (and exclusive bounds), centred on the default when unbounded. */
function bounds(schema: JsonSchema): [number, number] {
  const lower = numberOr(schema.minimum, numberOr(schema.exclusiveMinimum, undefined));
  const upper = numberOr(schema.maximum, numberOr(schema.exclusiveMaximum, undefined));
  const centre = typeof schema.default === 'number' ? schema.default : undefined;
  if (lower !== undefined && upper !== undefined) return [lower, upper];
  if (lower !== undefined) return [lower, lower + UNBOUNDED_SPAN];
  if (upper !== undefined) return [upper - UNBOUNDED_SPAN, upper];
  if (centre !== undefined) return [centre - UNBOUNDED_SPAN / 2, centre + UNBOUNDED_SPAN / 2];
  return [0, UNBOUNDED_SPAN];
}

function randomToken(schema: JsonSchema, random: Random): string {
  const minLength = typeof schema.minLength === 'number' ? Math.max(0, Math.floor(schema.minLength)) : 1;
  const maxLength = typeof schema.maxLength === 'number' ? Math.max(minLength, Math.floor(schema.maxLength)) : minLength + 8;
  const length = random.int(minLength, Math.min(maxLength, minLength + 8));
  let token = '';
  for (let index = 0; index < length; index += 1) token += TOKEN_ALPHABET[random.int(0, TOKEN_ALPHABET.length - 1)];
  return token;
}

function randomAnswer(random: Random, task: string): string {
  const words = task.match(/[A-Za-z0-9][A-Za-z0-9.-]*/g) ?? [];
  if (words.length > 0 && random.chance(0.5)) return random.pick(words);
  return String(random.int(0, 100));
}

function renderCall(name: string, args: Record<string, unknown>, format: PromptFormat, turn: number): ModelOutput {
  if (format !== 'hermes' && format !== 'openai')
    return dialect(format).render({ thought: '', action: { type: 'tool_call', name, arguments: args } }, turn);
  if (format === 'openai') return { text: '', toolCalls: [{ id: `call_${turn}`, name, arguments: JSON.stringify(args) }] };
  return { text: `<tool_call>\n${JSON.stringify({ name, arguments: args })}\n</tool_call>` };
}

function renderAnswer(answer: string, format: PromptFormat, turn: number): ModelOutput {
  if (format !== 'hermes' && format !== 'openai') return dialect(format).render({ thought: '', action: { type: 'answer', answer } }, turn);
  if (format === 'openai') return renderCall(ANSWER_TOOL.name, { answer }, format, turn);
  return { text: `<answer>${answer}</answer>` };
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function numberOr(value: unknown, fallback: number | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
