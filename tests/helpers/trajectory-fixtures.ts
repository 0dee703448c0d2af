import sharp from 'sharp';
import type { ModelOutput, Policy, PolicyContext, PromptFormat } from '../../agents/policy.js';
import { type Content, type ImageRef, image, text } from '../../core/content.js';
import type { EnvContext, EnvSpec } from '../../core/env.js';
import type { ImageStore } from '../../core/image-store.js';
import type { Random } from '../../core/random.js';
import type { Tool } from '../../core/tool.js';
import { type AnswerCheck, type Task, ToolEnv } from '../../core/tool-env.js';
import { DEFAULT_REWARD_CONFIG } from '../../rewards/terms.js';
import { type EpisodeRecord, TRAJECTORY_SCHEMA_VERSION } from '../../trajectories/record.js';

/** A small solid-colour PNG whose colour depends on `index` (deterministic bytes). */
export async function solidPng(index: number, size = 8): Promise<Buffer> {
  return sharp({
    create: { width: size, height: size, channels: 3, background: { r: (index * 37) % 256, g: (index * 91) % 256, b: (index * 53) % 256 } },
  })
    .png({ compressionLevel: 6, palette: false })
    .toBuffer();
}

/** A schema-valid, synthetic one-turn episode that references `task` and `observation` images. */
export function syntheticRecord(
  seed: number,
  task: ImageRef,
  observation: ImageRef,
  overrides: Partial<EpisodeRecord> = {},
): EpisodeRecord {
  return {
    schemaVersion: TRAJECTORY_SCHEMA_VERSION,
    env: 'probe-v0',
    envVersion: 0,
    seed,
    policy: 'scripted',
    format: 'hermes',
    task: [text(`Task ${seed}:`), image(task)],
    steps: [
      {
        turn: 1,
        output: { text: '<think>look closer</think>\n<tool_call>\n{"name": "zoom", "arguments": {"factor": 2}}\n</tool_call>' },
        action: { type: 'tool_call', name: 'zoom', arguments: { factor: 2 } },
        observation: [text('Zoomed:'), image(observation)],
        reward: 0,
        terminated: false,
        truncated: true,
        invalid: null,
        timing: { policyMs: 0.1, envMs: 0.2 },
      },
    ],
    success: false,
    score: 0,
    answer: null,
    expected: null,
    terminated: false,
    truncated: true,
    rewardTerms: { accuracy: 0, format: 1, invalidCall: 0, toolUse: 0, efficiency: 0, env: 0 },
    totalReward: 0.1,
    counts: { turns: 1, toolCalls: 1, invalidActions: 0 },
    durationMs: 1,
    ...overrides,
  };
}

/** Writes the two images of a synthetic episode into `store` and returns the record. */
export async function storedSyntheticRecord(
  store: ImageStore,
  seed: number,
  overrides: Partial<EpisodeRecord> = {},
): Promise<EpisodeRecord> {
  const task = await store.put(await solidPng(seed * 2));
  const observation = await store.put(await solidPng(seed * 2 + 1));
  return syntheticRecord(seed, task, observation, overrides);
}

interface ProbeState {
  readonly colour: 'red' | 'blue';
  readonly seed: number;
}

/** The manifest-facing spec of {@link ProbeEnv}. */
export const PROBE_SPEC: EnvSpec = {
  id: 'probe-v0',
  version: 0,
  instructions: 'Name the colour of the square. Use zoom to look closer.',
  maxTurns: 4,
  answers: true,
  options: { type: 'object', properties: {}, additionalProperties: false },
  doc: {
    description: 'Test env: name the colour of a square.',
    tools: 'zoom(factor) returns an enlarged image.',
    observation: 'Text and one image.',
    reward: '1 for the right colour.',
    episodeEnd: 'On an answer or the turn limit.',
    options: 'None.',
    versionHistory: 'v0: first version.',
  },
};

const zoomTool: Tool<ProbeState, { factor: number }> = {
  name: 'zoom',
  description: 'Enlarges the image by an integer factor.',
  parameters: {
    type: 'object',
    properties: { factor: { type: 'integer', minimum: 2, maximum: 4, description: 'Scale factor.' } },
    required: ['factor'],
    additionalProperties: false,
  },
  run: async (args, context) => {
    const ref = await context.images.put(await square(context.state.colour, 4 * args.factor));
    return { content: [text(`Zoomed ×${args.factor}:`), image(ref)] };
  },
};

/**
 * A tiny answering env for exporter tests: the task shows a coloured square, the `zoom` tool
 * returns an enlarged image (made with sharp), the answer is the colour's name.
 */
export class ProbeEnv extends ToolEnv<ProbeState> {
  readonly spec = PROBE_SPEC;
  protected readonly toolset: readonly Tool<ProbeState, never>[] = [zoomTool];

  constructor(context: EnvContext) {
    super(context);
  }

  protected async createTask(random: Random, seed: number): Promise<Task<ProbeState>> {
    const colour = random.chance(0.5) ? 'red' : 'blue';
    const ref = await this.context.images.put(await square(colour, 4));
    const observation: Content = [text('What colour is this square?'), image(ref)];
    return { state: { colour, seed }, observation };
  }

  protected override checkAnswer(state: ProbeState, answer: string): AnswerCheck {
    const success = answer.trim().toLowerCase() === state.colour;
    return { score: success ? 1 : 0, success, expected: state.colour };
  }
}

async function square(colour: 'red' | 'blue', size: number): Promise<Buffer> {
  const background = colour === 'red' ? { r: 220, g: 20, b: 20 } : { r: 20, g: 20, b: 220 };
  return sharp({ create: { width: size, height: size, channels: 3, background } })
    .png({ compressionLevel: 6, palette: false })
    .toBuffer();
}

/** One scripted turn: a thought and an action (or raw text for malformed turns). */
export type ScriptedTurn =
  | { readonly thought: string; readonly call: { readonly name: string; readonly arguments: Record<string, unknown> } }
  | { readonly thought: string; readonly answer: string }
  | { readonly raw: string };

/**
 * A policy that plays a fixed script, written in the episode's format: `<tool_call>` blocks in
 * `hermes`, native tool calls in `openai`. Answers go in `<answer>` tags in both.
 */
export class ScriptedPolicy implements Policy {
  readonly name = 'scripted';
  private readonly script: (context: PolicyContext) => readonly ScriptedTurn[];

  constructor(script: (context: PolicyContext) => readonly ScriptedTurn[]) {
    this.script = script;
  }

  async act(context: PolicyContext): Promise<ModelOutput> {
    const turn = this.script(context)[context.turns.length];
    if (turn === undefined) return { text: '<think>out of script</think>' };
    return renderTurn(turn, context.format, context.turns.length + 1);
  }
}

function renderTurn(turn: ScriptedTurn, format: PromptFormat, number: number): ModelOutput {
  if ('raw' in turn) return { text: turn.raw };
  const thought = `<think>${turn.thought}</think>`;
  if ('answer' in turn) return { text: `${thought}\n<answer>${turn.answer}</answer>` };
  if (format === 'openai')
    return { text: thought, toolCalls: [{ id: `call_${number}`, name: turn.call.name, arguments: JSON.stringify(turn.call.arguments) }] };
  return { text: `${thought}\n<tool_call>\n${JSON.stringify({ name: turn.call.name, arguments: turn.call.arguments })}\n</tool_call>` };
}

/** The reward config the tests write into manifests. */
export const TEST_REWARDS = DEFAULT_REWARD_CONFIG;
