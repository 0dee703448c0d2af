import type { Content } from './content.js';
import { GymError } from './errors.js';
import type { ImageStore } from './image-store.js';
import type { JsonSchema } from './schema.js';
import type { ToolSpec } from './tool.js';

/** A call of one of the env's tools. */
export interface ToolCallAction {
  readonly type: 'tool_call';
  readonly name: string;
  readonly arguments: Readonly<Record<string, unknown>>;
  /** The call id a native tool-calling model gave, kept for exports. */
  readonly id?: string;
}

/** A final answer; ends the episode in answering envs. */
export interface AnswerAction {
  readonly type: 'answer';
  readonly answer: string;
}

/** Why a model output could not become a valid action. */
export type InvalidReason =
  | 'no-action'
  | 'bad-json'
  | 'bad-call'
  | 'unknown-tool'
  | 'bad-arguments'
  | 'multiple-actions'
  | 'multiple-answers'
  | 'answer-not-accepted'
  | 'tool-error';

/** A model output that could not be parsed or validated. It costs a turn and is counted. */
export interface InvalidAction {
  readonly type: 'invalid';
  readonly reason: InvalidReason;
  /** What was wrong and what to do instead, addressed to the model. */
  readonly message: string;
}

/** What a policy does in one turn. */
export type Action = ToolCallAction | AnswerAction | InvalidAction;

/** `reset` arguments, as Gymnasium: the seed alone decides the task. */
export interface ResetOptions {
  readonly seed: number;
  /** Per-episode options, validated by the env when it takes any. */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** Typed step information. Env-specific details go under `extra`. */
export interface StepInfo {
  /** Turns taken so far in this episode (0 after reset). */
  readonly turn: number;
  /** Set when this step's action was invalid (parse failure, schema violation, tool error). */
  readonly invalid?: { readonly reason: InvalidReason; readonly message: string };
  /** Whether the task is solved; set when the episode terminates. */
  readonly success?: boolean;
  /** Task score in [0, 1] (e.g. relaxed accuracy); set when the episode terminates. */
  readonly score?: number;
  /** The answer given, when the action was an answer. */
  readonly answer?: string;
  /** The expected answer, revealed when the episode terminates, for logs and exports. */
  readonly expected?: string;
  /** Structured tool result, for programs such as oracles; never shown to the model. */
  readonly data?: unknown;
  /** Env-specific details (e.g. Sokoban deadlocks). JSON-serialisable. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** What `reset` returns. */
export interface ResetResult {
  /** The task: instructions specific to this episode plus its images. */
  readonly observation: Content;
  readonly info: StepInfo;
}

/** What `step` returns, as Gymnasium: `terminated` (task over) and `truncated` (turn limit) apart. */
export interface StepResult {
  readonly observation: Content;
  /** Env reward for this step (shaping such as Sokoban's); episode-level terms are added by rewards/. */
  readonly reward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
  readonly info: StepInfo;
}

/** The fixed documentation sections every env fills in (as Gymnasium's env pages). */
export interface EnvDoc {
  readonly description: string;
  readonly tools: string;
  readonly observation: string;
  readonly reward: string;
  readonly episodeEnd: string;
  readonly options: string;
  readonly versionHistory: string;
}

/** Everything that describes an env without making one. */
export interface EnvSpec {
  /** Versioned id, `name-vN`. */
  readonly id: string;
  /** The N of the id. Bumped whenever the same seed would give a different task. */
  readonly version: number;
  /** Instructions shared by all episodes, placed in the system prompt before the tool list. */
  readonly instructions: string;
  /** Default turn limit; `makeEnv(id, { maxTurns })` overrides it. */
  readonly maxTurns: number;
  /** Whether the env takes final answers (the `answer` tool and `<answer>` tags). */
  readonly answers: boolean;
  /** JSON Schema of the options `makeEnv` accepts; defaults are filled in. */
  readonly options: JsonSchema;
  readonly doc: EnvDoc;
}

/** Services an env gets from its maker. */
export interface EnvContext {
  /** Where the env puts the images it renders. */
  readonly images: ImageStore;
}

/** One step of an oracle: a short rationale, then the action it justifies. */
export interface OracleStep {
  readonly thought: string;
  readonly action: ToolCallAction | AnswerAction;
}

/** An expert that acts in the current episode of its env, with privileged access where needed. */
export interface Oracle {
  /** The next step given the last observation and info (from reset or the previous step). */
  next(last: { observation: Content; info: StepInfo }): Promise<OracleStep>;
}

/**
 * An oracle that plays a plan made at reset: each call returns the next step, and the last step
 * (the answer) again if it is asked for more. Envs whose oracle knows the whole solution up front
 * (chart, medical, video) build their plan and hand it here.
 */
export function scriptedOracle(steps: readonly OracleStep[], env: string): Oracle {
  let index = 0;
  return {
    async next(): Promise<OracleStep> {
      const step = steps[Math.min(index, steps.length - 1)];
      index += 1;
      if (step === undefined) throw new GymError('oracle-empty', `The ${env} oracle has no steps.`);
      return step;
    },
  };
}

/**
 * The environment contract (Gymnasium-style). Observations are {@link Content}; actions are tool
 * calls or answers. Envs made by `makeEnv` are wrapped with order checks, argument validation and
 * the turn limit, so an env author implements only the task.
 */
export interface Env {
  readonly spec: EnvSpec;
  /** The tools a model may call, `answer` included when `spec.answers`. */
  readonly tools: readonly ToolSpec[];
  /** Starts an episode; everything random derives from `seed` alone. */
  reset(options: ResetOptions): Promise<ResetResult>;
  /** Applies one action. */
  step(action: Action): Promise<StepResult>;
  /** An expert for the current episode, when the env has one. */
  oracle?(): Oracle;
  /** Releases resources (child processes, file handles). */
  close?(): Promise<void>;
}
