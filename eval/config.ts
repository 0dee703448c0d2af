import { DIALECT_NAMES, isDialectName } from '../agents/dialects/names.js';
import type { PromptFormat } from '../agents/policy.js';
import { GymError } from '../core/errors.js';
import type { SplitName } from '../core/split.js';

/** Which policy an evaluation runs. Built-in policies need nothing else; `openai` names its server and model. */
export interface EvalPolicy {
  readonly name: 'oracle' | 'random' | 'openai';
  /** Served model name (`openai`). */
  readonly model?: string;
  /** Server URL, e.g. `http://localhost:8000/v1` (`openai`). */
  readonly baseUrl?: string;
  /** `native` (tool_calls) or `text` (tags in the text) (`openai`). */
  readonly mode?: 'native' | 'text';
}

/** Sampling settings of the model (`openai`); the built-in policies are deterministic and take none. */
export interface EvalSampling {
  readonly temperature: number;
  readonly maxTokens: number;
}

/** Caps on images and visual tokens in an episode's context (`null` fields: no cap). */
export interface EvalImageBudget {
  /** The model family whose visual tokens are estimated (`qwen2-vl`: 28×28 px per token after resizing). */
  readonly model: 'qwen2-vl';
  readonly minPixels: number;
  readonly maxPixels: number;
  readonly maxImagesPerTurn: number | null;
  readonly maxImagesPerEpisode: number | null;
  readonly maxVisualTokensPerEpisode: number | null;
}

/**
 * A pinned evaluation: everything that decides its numbers. Written whole into every report, so
 * two reports with equal configs (and equal package and renderer versions) must have equal results.
 */
export interface EvalConfig {
  readonly env: string;
  /** The env version the config was pinned at; the runner refuses another. */
  readonly version: number;
  /** The split the tasks come from; `none` means raw seeds (see `core/split.ts`). */
  readonly split: SplitName | 'none';
  /** Task indices `start … start + count - 1` of the split (raw seeds for `none`). */
  readonly seeds: { readonly start: number; readonly count: number };
  /** Env options, as validated (defaults filled). */
  readonly envOptions: Readonly<Record<string, unknown>>;
  /** Prompt dialect (`hermes`, `openai`, `vilasr`, …). */
  readonly dialect: PromptFormat;
  readonly policy: EvalPolicy;
  /** `null` for the deterministic built-in policies. */
  readonly sampling: EvalSampling | null;
  /** Reward preset computing the total (`weighted` is the default weights). */
  readonly rewardPreset: string;
  /** The turn limit episodes ran under. */
  readonly maxTurns: number;
  readonly imageBudget: EvalImageBudget;
}

/** The default budget: Qwen2-VL's own resizing limits, no caps. */
export const DEFAULT_IMAGE_BUDGET: EvalImageBudget = {
  model: 'qwen2-vl',
  minPixels: 4 * 28 * 28,
  maxPixels: 16384 * 28 * 28,
  maxImagesPerTurn: null,
  maxImagesPerEpisode: null,
  maxVisualTokensPerEpisode: null,
};

/** Checks a dialect name; one line that lists the valid ones otherwise. */
export function parseDialect(value: string): PromptFormat {
  if (isDialectName(value)) return value;
  throw new GymError('bad-dialect', `Unknown prompt dialect "${value}"; choose one of ${DIALECT_NAMES.join(', ')}.`);
}
