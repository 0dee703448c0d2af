import sharp from 'sharp';
import { image, text } from '../../core/content.js';
import type { EnvSpec, Oracle } from '../../core/env.js';
import type { Random } from '../../core/random.js';
import type { EnvDefinition } from '../../core/registry.js';
import { type Tool, toolError } from '../../core/tool.js';
import { type AnswerCheck, type Task, ToolEnv } from '../../core/tool-env.js';

interface ToyState {
  readonly target: number;
  readonly hue: number;
}

const SPEC: EnvSpec = {
  id: 'toy-v0',
  version: 0,
  instructions: 'Find the hidden number between 0 and 9 with `probe`, then answer it.',
  maxTurns: 6,
  answers: true,
  options: {
    type: 'object',
    properties: { size: { type: 'integer', minimum: 4, maximum: 64, default: 8, description: 'Image side in pixels.' } },
    additionalProperties: false,
  },
  doc: {
    description: 'A tiny env for tests.',
    tools: 'probe(guess): says higher or lower.',
    observation: 'Text and a small image.',
    reward: 'Score 1 for the right number.',
    episodeEnd: 'An answer ends it.',
    options: 'size',
    versionHistory: 'v0: first.',
  },
};

const probe: Tool<ToyState, { guess: number }> = {
  name: 'probe',
  description: 'Compare a guess with the hidden number.',
  parameters: {
    type: 'object',
    properties: { guess: { type: 'integer', minimum: 0, maximum: 9, description: 'A guess.' } },
    required: ['guess'],
    additionalProperties: false,
  },
  async run(args, context) {
    if (args.guess === 7 && context.state.target !== 7) return toolError('7 is never allowed as a probe unless it is the answer.');
    const verdict = args.guess === context.state.target ? 'equal' : args.guess < context.state.target ? 'higher' : 'lower';
    return { content: [text(verdict)], data: { verdict } };
  },
};

/** A small answering env with one tool, an image, and an oracle; used by core tests. */
export class ToyEnv extends ToolEnv<ToyState> {
  readonly spec = SPEC;
  protected readonly toolset = [probe];
  private readonly size: number;

  constructor(context: ConstructorParameters<typeof ToolEnv>[0], size = 8) {
    super(context);
    this.size = size;
  }

  protected async createTask(random: Random): Promise<Task<ToyState>> {
    const state = { target: random.int(0, 9), hue: random.int(0, 255) };
    const png = await sharp({ create: { width: this.size, height: this.size, channels: 3, background: { r: state.hue, g: 0, b: 0 } } })
      .png()
      .toBuffer();
    const ref = await this.context.images.put(png);
    return { state, observation: [text('Find the number.'), image(ref)] };
  }

  protected override checkAnswer(state: ToyState, answer: string): AnswerCheck {
    const success = Number(answer) === state.target;
    return { score: success ? 1 : 0, success, expected: String(state.target) };
  }

  protected override createOracle(state: ToyState): Oracle {
    let probed = false;
    return {
      async next() {
        if (!probed) {
          probed = true;
          return { thought: 'Probe the middle first.', action: { type: 'tool_call', name: 'probe', arguments: { guess: state.target } } };
        }
        return { thought: 'The probe said equal.', action: { type: 'answer', answer: String(state.target) } };
      },
    };
  }
}

/** The toy env's definition, for registry tests. */
export const toyDefinition: EnvDefinition = {
  spec: SPEC,
  create: (options, context) => new ToyEnv(context, options.size as number),
};
