import type { Content } from '../core/content.js';
import type { Action } from '../core/env.js';
import { stableJson } from '../core/stable-json.js';

/** Calls of one tool in an episode. */
export interface ToolCallCounts {
  /** Calls that ran without a tool error and returned content (an image, for image tools). */
  readonly successful: number;
  /** Calls rejected (bad arguments, unknown tool) or answered with a tool error or with nothing. */
  readonly failed: number;
  /** Calls with the same tool and the same arguments as an earlier call of the episode (successful or not). */
  readonly repeated: number;
}

/** Per-episode tool-call counts, in total and by tool name. */
export interface ToolCallStats extends ToolCallCounts {
  readonly byTool: Readonly<Record<string, ToolCallCounts>>;
}

/** The parts of a step the counts are read from (a recorded step or a live turn). */
export interface ToolCallStep {
  readonly action: Action;
  readonly observation: Content;
  /** Set when the guard or the env found the action invalid (a tool error included). */
  readonly invalid: unknown;
}

/** Options of {@link toolCallStats}. */
export interface ToolCallStatsOptions {
  /**
   * Tools that succeed only when they return an image (zoom, crop, draw…). By default a tool is
   * an image tool when any of its calls in the episode returned an image.
   */
  readonly imageTools?: ReadonlySet<string>;
}

/**
 * Counts an episode's tool calls by outcome. The gated tool-use reward pays only for successful
 * calls, so a policy cannot farm it with calls that fail, return nothing, or repeat themselves.
 * The `answer` tool is not a tool call here (it ends the episode).
 */
export function toolCallStats(steps: readonly ToolCallStep[], options: ToolCallStatsOptions = {}): ToolCallStats {
  const imageTools = options.imageTools ?? inferImageTools(steps);
  const byTool: Record<string, { successful: number; failed: number; repeated: number }> = {};
  const seen = new Set<string>();
  for (const step of steps) {
    const call = calledTool(step);
    if (call === undefined) continue;
    const counts = byTool[call.name] ?? { successful: 0, failed: 0, repeated: 0 };
    byTool[call.name] = counts;
    if (isSuccessful(step, imageTools.has(call.name))) counts.successful += 1;
    else counts.failed += 1;
    const key = `${call.name}\u0000${call.arguments}`;
    if (seen.has(key)) counts.repeated += 1;
    seen.add(key);
  }
  const total = (pick: (counts: ToolCallCounts) => number): number => Object.values(byTool).reduce((sum, counts) => sum + pick(counts), 0);
  return {
    successful: total((counts) => counts.successful),
    failed: total((counts) => counts.failed),
    repeated: total((counts) => counts.repeated),
    byTool,
  };
}

/**
 * The tool a step called and its arguments as stable JSON; `undefined` for answers and for outputs
 * the parser could not read as a call (format errors, counted by the `format` and `invalidCall` terms).
 */
function calledTool(step: ToolCallStep): { name: string; arguments: string } | undefined {
  const action = step.action;
  if (action.type !== 'tool_call' || action.name === 'answer') return undefined;
  return { name: action.name, arguments: stableJson(action.arguments) };
}

function isSuccessful(step: ToolCallStep, needsImage: boolean): boolean {
  if (step.action.type !== 'tool_call' || (step.invalid !== null && step.invalid !== undefined)) return false;
  const hasImage = step.observation.some((part) => part.type === 'image');
  if (needsImage) return hasImage;
  return hasImage || step.observation.some((part) => part.type === 'text' && part.text.trim() !== '');
}

function inferImageTools(steps: readonly ToolCallStep[]): Set<string> {
  const names = new Set<string>();
  for (const step of steps) {
    if (step.action.type === 'tool_call' && step.observation.some((part) => part.type === 'image')) names.add(step.action.name);
  }
  return names;
}

/** The counts the reward terms read: successful calls (the gate of `toolUse`) and repeats (`repeatCall`). */
export function toolCreditFacts(steps: readonly ToolCallStep[]): { successfulToolCalls: number; repeatedToolCalls: number } {
  const stats = toolCallStats(steps);
  return { successfulToolCalls: stats.successful, repeatedToolCalls: stats.repeated };
}
