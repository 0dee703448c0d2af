import type { Oracle, OracleStep } from '../../core/env.js';
import { GymError } from '../../core/errors.js';
import { dialect } from '../dialects/index.js';
import type { ModelOutput, Policy, PolicyContext, PromptFormat } from '../policy.js';

/**
 * The env's own solver as a policy. Each turn it writes the oracle's short rationale inside
 * `<think>` and then the action, in the very format a model would emit (a `<tool_call>` block in
 * `hermes` format, a native tool call in `openai` format), so demonstrations read think-then-act
 * and go through the same parser as model output.
 */
export class OraclePolicy implements Policy {
  readonly name = 'oracle';
  private oracle: Oracle | undefined;

  async begin(context: PolicyContext): Promise<void> {
    this.oracle = context.env.oracle();
  }

  async act(context: PolicyContext): Promise<ModelOutput> {
    if (this.oracle === undefined) throw new GymError('oracle-not-started', 'OraclePolicy.act called before begin().');
    const step = await this.oracle.next(context.last);
    return renderOracleStep(step, context.format, context.turns.length + 1);
  }
}

/** Writes an oracle step as model output in the given format (a dialect's own writer for formats other than hermes and openai). */
export function renderOracleStep(step: OracleStep, format: PromptFormat, turn: number): ModelOutput {
  if (format !== 'hermes' && format !== 'openai') return dialect(format).render(step, turn);
  const thought = `<think>${step.thought}</think>`;
  const action = step.action;
  if (action.type === 'answer') {
    if (format === 'openai') {
      return { text: thought, toolCalls: [{ id: `call_${turn}`, name: 'answer', arguments: JSON.stringify({ answer: action.answer }) }] };
    }
    return { text: `${thought}\n<answer>${action.answer}</answer>` };
  }
  if (format === 'openai') {
    return { text: thought, toolCalls: [{ id: `call_${turn}`, name: action.name, arguments: JSON.stringify(action.arguments) }] };
  }
  return { text: `${thought}\n<tool_call>\n${JSON.stringify({ name: action.name, arguments: action.arguments })}\n</tool_call>` };
}
