import sharp from 'sharp';
import { image, text } from '../../core/content.js';
import type { EnvSpec } from '../../core/env.js';
import type { Random } from '../../core/random.js';
import { registerEnv, registry } from '../../core/registry.js';
import type { Tool } from '../../core/tool.js';
import { type AnswerCheck, type Task, ToolEnv } from '../../core/tool-env.js';

/** The answer set of the one-step env. */
export const SIDES = ['left', 'right'] as const;

interface SideState {
  readonly side: (typeof SIDES)[number];
}

const spec: EnvSpec = {
  id: 'visible-answer-v0',
  version: 0,
  instructions: 'One half of the image is white. Answer which: left or right.',
  maxTurns: 1,
  answers: true,
  options: { type: 'object', properties: {}, additionalProperties: false },
  doc: {
    description: 'A one-step test env whose answer is visible in the image.',
    tools: 'answer only.',
    observation: 'A 16 x 16 PNG, one half white, the other black.',
    reward: '1 for the right side.',
    episodeEnd: 'After the answer.',
    options: 'none.',
    versionHistory: 'v0.',
  },
};

class VisibleAnswerEnv extends ToolEnv<SideState> {
  readonly spec = spec;
  protected readonly toolset: readonly Tool<SideState, never>[] = [];

  protected async createTask(random: Random): Promise<Task<SideState>> {
    const side = random.pick(SIDES);
    const pixels = Buffer.alloc(16 * 16 * 3);
    for (let row = 0; row < 16; row += 1) {
      for (let col = 0; col < 16; col += 1) {
        const white = side === 'left' ? col < 8 : col >= 8;
        pixels.fill(white ? 255 : 0, (row * 16 + col) * 3, (row * 16 + col) * 3 + 3);
      }
    }
    const png = await sharp(pixels, { raw: { width: 16, height: 16, channels: 3 } })
      .png()
      .toBuffer();
    const ref = await this.context.images.put(png);
    return { state: { side }, observation: [text('Which half is white?'), image(ref)] };
  }

  protected override checkAnswer(state: SideState, answer: string): AnswerCheck {
    const success = answer.trim().toLowerCase() === state.side;
    return { score: success ? 1 : 0, success, expected: state.side };
  }
}

/** Registers `visible-answer-v0` once per process. */
export function registerVisibleAnswerEnv(): void {
  if (registry.listEnvs().some((entry) => entry.id === 'visible-answer-v0')) return;
  registerEnv({
    id: 'visible-answer-v0',
    summary: 'one-step test env: answer the white half',
    load: async () => ({ spec, create: (_options, context) => new VisibleAnswerEnv(context) }),
  });
}
