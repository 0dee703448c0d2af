import { text } from './content.js';
import type { Action, Env, InvalidReason, Oracle, ResetOptions, ResetResult, StepInfo, StepResult } from './env.js';
import { EnvStateError, GymError } from './errors.js';
import { lazySchema, type Validator } from './schema.js';

/** Counters the guard keeps for the current episode. */
export interface EpisodeCounters {
  readonly turns: number;
  /** Tool calls attempted (valid or not), not counting the `answer` tool. */
  readonly toolCalls: number;
  readonly invalidActions: number;
}

/**
 * The checks `makeEnv` puts around every env, so env authors write only the task:
 * - order: `step` before `reset`, or after the episode ended, throws {@link EnvStateError};
 * - validation: unknown tools, arguments that fail the tool's schema, answers to an env that takes
 *   none, and unparseable outputs (`invalid` actions) become observations that tell the model what
 *   was wrong; the inner env never sees them;
 * - the turn limit: the step that reaches `maxTurns` without terminating is `truncated`.
 *
 * Each tool's argument schema is compiled on the first call of that tool, so making an env only to
 * read its tools (as `thinkgym list` does) compiles nothing.
 */
export class GuardedEnv implements Env {
  readonly inner: Env;
  readonly maxTurns: number;
  private readonly validators = new Map<string, Validator<Record<string, unknown>>>();
  private phase: 'new' | 'running' | 'ended' = 'new';
  private counters: EpisodeCounters = { turns: 0, toolCalls: 0, invalidActions: 0 };

  constructor(inner: Env, options: { maxTurns?: number } = {}) {
    this.inner = inner;
    this.maxTurns = options.maxTurns ?? inner.spec.maxTurns;
    if (!Number.isInteger(this.maxTurns) || this.maxTurns < 1) {
      throw new GymError('bad-max-turns', `maxTurns must be a positive integer, got ${this.maxTurns}.`);
    }
    for (const tool of inner.tools) {
      if (this.validators.has(tool.name)) throw new GymError('duplicate-tool', `${inner.spec.id} lists tool ${tool.name} twice.`);
      this.validators.set(tool.name, lazySchema(tool.parameters));
    }
  }

  get spec() {
    return this.inner.spec;
  }

  get tools() {
    return this.inner.tools;
  }

  /** Counters of the current episode. */
  get episode(): EpisodeCounters {
    return this.counters;
  }

  async reset(options: ResetOptions): Promise<ResetResult> {
    if (!Number.isSafeInteger(options.seed)) {
      throw new GymError('bad-seed', `reset needs an integer seed, got ${String(options.seed)}.`);
    }
    const result = await this.inner.reset(options);
    this.phase = 'running';
    this.counters = { turns: 0, toolCalls: 0, invalidActions: 0 };
    return { observation: result.observation, info: { ...result.info, turn: 0 } };
  }

  async step(action: Action): Promise<StepResult> {
    if (this.phase === 'new') throw new EnvStateError(`${this.spec.id}: call reset({ seed }) before step().`);
    if (this.phase === 'ended') {
      throw new EnvStateError(`${this.spec.id}: the episode has ended (terminated or truncated); call reset() to start another.`);
    }
    const turn = this.counters.turns + 1;
    const checked = this.check(action);
    let result: StepResult;
    if (checked.type === 'invalid') {
      result = {
        observation: [text(`Invalid action (${checked.reason}): ${checked.message}`)],
        reward: 0,
        terminated: false,
        truncated: false,
        info: { turn, invalid: { reason: checked.reason, message: checked.message } },
      };
    } else {
      result = await this.inner.step(checked);
    }
    const isToolCall = action.type === 'tool_call' && action.name !== 'answer';
    const invalid = result.info.invalid !== undefined;
    this.counters = {
      turns: turn,
      toolCalls: this.counters.toolCalls + (isToolCall ? 1 : 0),
      invalidActions: this.counters.invalidActions + (invalid ? 1 : 0),
    };
    const truncated = !result.terminated && (result.truncated || turn >= this.maxTurns);
    if (result.terminated || truncated) this.phase = 'ended';
    const info: StepInfo = { ...result.info, turn };
    return { ...result, truncated, info };
  }

  oracle(): Oracle {
    if (this.phase === 'new') throw new EnvStateError(`${this.spec.id}: call reset() before asking for the oracle.`);
    if (this.inner.oracle === undefined) throw new GymError('no-oracle', `${this.spec.id} has no oracle.`);
    return this.inner.oracle();
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }

  /** Resolves `answer` tool calls and validates arguments; returns the action the inner env gets. */
  private check(action: Action): Action {
    if (action.type !== 'tool_call') {
      if (action.type === 'answer' && !this.spec.answers) {
        return invalid('answer-not-accepted', `${this.spec.id} takes no answers; use the tools (${this.toolNames()}).`);
      }
      return action;
    }
    const validator = this.validators.get(action.name);
    if (validator === undefined) {
      return invalid('unknown-tool', `there is no tool named "${action.name}". Available tools: ${this.toolNames()}.`);
    }
    const validation = validator.validate(action.arguments ?? {});
    if (!validation.ok) {
      return invalid('bad-arguments', `invalid arguments for ${action.name}: ${validation.problems.join('; ')}.`);
    }
    if (action.name === 'answer' && this.spec.answers) {
      return { type: 'answer', answer: String(validation.value.answer) };
    }
    return { ...action, arguments: validation.value };
  }

  private toolNames(): string {
    return this.tools.map((tool) => tool.name).join(', ');
  }
}

function invalid(reason: InvalidReason, message: string): Action {
  return { type: 'invalid', reason, message };
}
