import type { Content } from './content.js';
import type { Action, Env, EnvContext, EnvSpec, Oracle, ResetOptions, ResetResult, StepInfo, StepResult } from './env.js';
import { EnvStateError, GymError } from './errors.js';
import { Random } from './random.js';
import { ANSWER_TOOL, type Tool, type ToolSpec, toToolSpec } from './tool.js';

/** A freshly generated task: the state tools act on, and the first observation. */
export interface Task<State> {
  readonly state: State;
  readonly observation: Content;
}

/** How an answer scored. */
export interface AnswerCheck {
  /** In [0, 1]. */
  readonly score: number;
  readonly success: boolean;
  /** The expected answer in words, for logs and exports. */
  readonly expected: string;
}

/**
 * The base most envs extend: it owns the per-episode state, dispatches tool calls to
 * {@link Tool}s, and scores answers. A subclass supplies the spec, the tools, `createTask` and,
 * for answering envs, `checkAnswer`. Validation, turn limits and order checks come from the
 * wrapper `makeEnv` puts around every env, so `step` here sees only valid, known calls.
 */
export abstract class ToolEnv<State> implements Env {
  abstract readonly spec: EnvSpec;
  /** The env's own tools (`answer` is added for answering envs). */
  protected abstract readonly toolset: readonly Tool<State, never>[];
  protected readonly context: EnvContext;
  private current: State | undefined;

  constructor(context: EnvContext) {
    this.context = context;
  }

  get tools(): readonly ToolSpec[] {
    const specs = this.toolset.map(toToolSpec);
    return this.spec.answers ? [...specs, ANSWER_TOOL] : specs;
  }

  /** The state of the current episode; throws before the first reset. */
  protected get state(): State {
    if (this.current === undefined) throw new EnvStateError(`${this.spec.id}: call reset() before using the env.`);
    return this.current;
  }

  /** Generates the task for `seed`. Must draw randomness from `random` only. */
  protected abstract createTask(random: Random, seed: number, options: Readonly<Record<string, unknown>>): Promise<Task<State>>;

  /** Scores a final answer. Answering envs override this. */
  protected checkAnswer(_state: State, _answer: string): AnswerCheck {
    throw new GymError('no-answers', `${this.spec.id} takes no answers.`);
  }

  /** Env-specific step details for `info.extra`. */
  protected describe(_state: State): Readonly<Record<string, unknown>> | undefined {
    return undefined;
  }

  /** Builds the oracle for the current state. Envs with a solver override this. */
  protected createOracle(_state: State): Oracle | undefined {
    return undefined;
  }

  async reset(options: ResetOptions): Promise<ResetResult> {
    const task = await this.createTask(new Random(options.seed), options.seed, options.options ?? {});
    this.current = task.state;
    return { observation: task.observation, info: this.info({ turn: 0 }) };
  }

  async step(action: Action): Promise<StepResult> {
    const state = this.state;
    if (action.type === 'answer') {
      const check = this.checkAnswer(state, action.answer);
      return {
        observation: [{ type: 'text', text: `Answer received: ${action.answer}` }],
        reward: check.score,
        terminated: true,
        truncated: false,
        info: this.info({ turn: 0, success: check.success, score: check.score, answer: action.answer, expected: check.expected }),
      };
    }
    if (action.type === 'invalid') {
      throw new GymError('unguarded-env', 'ToolEnv.step got an invalid action; make envs with makeEnv() so they are guarded.');
    }
    const tool = this.toolset.find((candidate) => candidate.name === action.name);
    if (tool === undefined) {
      throw new GymError('unguarded-env', `ToolEnv.step got unknown tool ${action.name}; make envs with makeEnv().`);
    }
    const run = tool.run as (args: unknown, context: { state: State; images: EnvContext['images'] }) => ReturnType<Tool['run']>;
    const result = await run(action.arguments, { state, images: this.context.images });
    const terminated = result.terminated === true;
    const extra: Partial<{ -readonly [K in keyof StepInfo]: StepInfo[K] }> = { turn: 0, data: result.data };
    if (result.isError === true) {
      const message = result.content
        .map((part) => (part.type === 'text' ? part.text : ''))
        .join(' ')
        .trim();
      extra.invalid = { reason: 'tool-error', message };
    }
    if (terminated) {
      extra.success = result.success ?? false;
      extra.score = result.success === true ? 1 : 0;
    }
    return { observation: result.content, reward: result.reward ?? 0, terminated, truncated: false, info: this.info(extra as StepInfo) };
  }

  oracle(): Oracle {
    const oracle = this.createOracle(this.state);
    if (oracle === undefined) throw new GymError('no-oracle', `${this.spec.id} has no oracle.`);
    return oracle;
  }

  private info(base: StepInfo): StepInfo {
    const extra = this.current === undefined ? undefined : this.describe(this.current);
    return extra === undefined ? base : { ...base, extra };
  }
}
