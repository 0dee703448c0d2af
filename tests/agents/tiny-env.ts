import sharp from 'sharp';
import { image, text } from '../../core/content.js';
import type { EnvSpec, Oracle } from '../../core/env.js';
import type { Random } from '../../core/random.js';
import type { EnvDefinition } from '../../core/registry.js';
import { type Tool, toolError } from '../../core/tool.js';
import { type AnswerCheck, type Task, ToolEnv } from '../../core/tool-env.js';

/** State of a tiny episode: the hidden digit and the colour of its picture. */
interface TinyState {
  readonly secret: number;
  readonly shade: number;
}

const DOC = {
  description: 'A tiny env for the agent tests: a hidden digit to find.',
  tools: 'look(region, zoom, count, detailed, label) reveals the digit; fail() always errs; finish(value) ends without answers.',
  observation: 'Text and a 4x4 picture.',
  reward: 'Score 1 for the right digit.',
  episodeEnd: 'An answer (or finish in the answer-free variant) ends it.',
  options: 'answers: whether the env takes answers.',
  versionHistory: 'v0: first.',
};

const OPTIONS = {
  type: 'object',
  properties: { answers: { type: 'boolean', default: true, description: 'Whether the env takes final answers.' } },
  additionalProperties: false,
} as const;

/** One spec per variant; the answer-free one ends with `finish`. */
export function tinySpec(answers: boolean, id = answers ? 'tiny-v0' : 'tinyfree-v0'): EnvSpec {
  return {
    id,
    version: 0,
    instructions: answers ? 'Find the hidden digit with `look`, then answer it.' : 'Find the hidden digit with `look`, then call finish.',
    maxTurns: 6,
    answers,
    options: OPTIONS,
    doc: DOC,
  };
}

const look: Tool<TinyState, Record<string, unknown>> = {
  name: 'look',
  description: 'Look at a region of the picture; reveals the hidden digit.',
  parameters: {
    type: 'object',
    properties: {
      region: { type: 'string', enum: ['left', 'center', 'right'], description: 'Which third of the picture.' },
      zoom: { type: 'number', minimum: 1, maximum: 4, default: 2, description: 'Magnification factor.' },
      count: { type: 'integer', minimum: 1, maximum: 5, description: 'How many looks to take.' },
      detailed: { type: 'boolean', description: 'Whether to describe in detail.' },
      label: { type: 'string', minLength: 1, maxLength: 12, examples: ['digit', 'mark'], description: 'What to look for.' },
      step: { type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 10, multipleOf: 2, description: 'Step, even.' },
    },
    required: ['region', 'zoom'],
    additionalProperties: false,
  },
  async run(_args, context) {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: { r: context.state.shade, g: 40, b: 90 } } })
      .png()
      .toBuffer();
    const ref = await context.images.put(png);
    return { content: [text(`The digit is ${context.state.secret}.`), image(ref)], data: { secret: context.state.secret } };
  },
};

const fail: Tool<TinyState, Record<string, unknown>> = {
  name: 'fail',
  description: 'Always fails, to test tool errors.',
  parameters: { type: 'object', properties: {}, additionalProperties: false },
  async run() {
    return toolError('this tool always fails; use look instead.');
  },
};

const finish: Tool<TinyState, { value: number }> = {
  name: 'finish',
  description: 'End the episode by naming the digit (answer-free variant).',
  parameters: {
    type: 'object',
    properties: { value: { type: 'integer', minimum: 0, maximum: 9, description: 'The digit.' } },
    required: ['value'],
    additionalProperties: false,
  },
  async run(args, context) {
    const success = args.value === context.state.secret;
    return { content: [text(success ? 'Solved.' : 'Wrong digit.')], terminated: true, success };
  },
};

/** A tiny env with schema-rich tools, an image, and an oracle. Built for these tests only. */
export class TinyEnv extends ToolEnv<TinyState> {
  readonly spec: EnvSpec;
  protected readonly toolset: readonly Tool<TinyState, never>[];

  constructor(context: ConstructorParameters<typeof ToolEnv>[0], answers = true, id?: string) {
    super(context);
    this.spec = tinySpec(answers, id);
    this.toolset = answers ? [look, fail] : [look, fail, finish];
  }

  protected async createTask(random: Random): Promise<Task<TinyState>> {
    const state = { secret: random.int(0, 9), shade: random.int(0, 255) };
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: { r: state.shade, g: 0, b: 0 } } })
      .png()
      .toBuffer();
    const ref = await this.context.images.put(png);
    return { state, observation: [text('Which digit is hidden in this picture?'), image(ref)] };
  }

  protected override checkAnswer(state: TinyState, answer: string): AnswerCheck {
    const success = answer.trim() === String(state.secret);
    return { score: success ? 1 : 0, success, expected: String(state.secret) };
  }

  protected override createOracle(state: TinyState): Oracle {
    let looked = false;
    const answers = this.spec.answers;
    return {
      async next() {
        if (!looked) {
          looked = true;
          return { thought: 'Look at the centre.', action: { type: 'tool_call', name: 'look', arguments: { region: 'center', zoom: 2 } } };
        }
        if (!answers)
          return { thought: 'Finish with the digit.', action: { type: 'tool_call', name: 'finish', arguments: { value: state.secret } } };
        return { thought: 'The tool said the digit.', action: { type: 'answer', answer: String(state.secret) } };
      },
    };
  }
}

/** Definitions for registries in tests: `tiny-v0` (answers) and `tinyfree-v0` (no answers). */
export function tinyDefinition(answers = true, id?: string): EnvDefinition {
  return { spec: tinySpec(answers, id), create: (_options, context) => new TinyEnv(context, answers, id) };
}
