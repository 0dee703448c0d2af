import type { ModelOutput, PromptFormat } from '../agents/policy.js';
import type { Content } from '../core/content.js';
import type { Action, InvalidReason } from '../core/env.js';
import type { ToolSpec } from '../core/tool.js';

/** Version of the episode-line and manifest schemas. Bump on any incompatible change. */
export const TRAJECTORY_SCHEMA_VERSION = 1;

/** One turn of an episode as recorded. */
export interface StepRecord {
  /** 1-based turn number. */
  readonly turn: number;
  /** The raw model output, exactly as emitted (text, native calls, token ids). */
  readonly output: ModelOutput;
  /** The action parsed from it (`invalid` when it could not be parsed). */
  readonly action: Action;
  /** What the env showed back. */
  readonly observation: Content;
  /** Env reward of this step. */
  readonly reward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
  /** Set when the action was invalid: parse failure, schema violation or tool error. */
  readonly invalid: { readonly reason: InvalidReason; readonly message: string } | null;
  /** Env-specific details (`info.extra`), when the env reports any. */
  readonly extra?: Readonly<Record<string, unknown>>;
  /** Milliseconds spent in the policy and in the env. */
  readonly timing: { readonly policyMs: number; readonly envMs: number };
}

/** Reward terms of an episode, each logged separately, and their weighted total. */
export type RewardTerms = Readonly<Record<string, number>>;

/** One line of `trajectories.jsonl`. */
export interface EpisodeRecord {
  readonly schemaVersion: typeof TRAJECTORY_SCHEMA_VERSION;
  readonly env: string;
  readonly envVersion: number;
  readonly seed: number;
  /** Policy name, e.g. `oracle`. */
  readonly policy: string;
  /** How tools and calls were written in the conversation the policy saw. */
  readonly format: PromptFormat;
  /** The task: the reset observation. */
  readonly task: Content;
  readonly steps: readonly StepRecord[];
  /** Whether the task was solved. */
  readonly success: boolean;
  /** Task score in [0, 1]. */
  readonly score: number;
  /** The final answer, for answering envs that got one. */
  readonly answer: string | null;
  /** The expected answer, when the env revealed it. */
  readonly expected: string | null;
  readonly terminated: boolean;
  readonly truncated: boolean;
  /** Reward terms (`accuracy`, `format`, `invalidCall`, `toolUse`, `efficiency`, `env`). */
  readonly rewardTerms: RewardTerms;
  readonly totalReward: number;
  readonly counts: { readonly turns: number; readonly toolCalls: number; readonly invalidActions: number };
  /** Wall-clock milliseconds of the whole episode. */
  readonly durationMs: number;
}

/** What a dataset records about each env in it, so exports rebuild the exact prompts. */
export interface ManifestEnv {
  readonly version: number;
  readonly options: Readonly<Record<string, unknown>>;
  readonly instructions: string;
  readonly answers: boolean;
  readonly maxTurns: number;
  readonly tools: readonly ToolSpec[];
  /**
   * The split the run drew its tasks from (`core/split.ts`); the manifest's `seeds` are then
   * indices into the split and each episode's `seed` is the derived reset seed. Absent for runs
   * on raw seeds.
   */
  readonly split?: 'train' | 'validation' | 'test';
}

/**
 * The versions of what draws a dataset's images: sharp and the libvips it bundles (PNG encoding),
 * and the packages whose files shape the pixels (the DejaVu fonts, opentype.js). Recorded in the
 * manifest so a user can tell why image bytes differ between two installs.
 */
export interface RendererVersions {
  /** The sharp package version. */
  readonly sharp: string;
  /** The libvips version sharp runs on. */
  readonly libvips: string;
  /** Other package versions by name, e.g. `dejavu-fonts-ttf`, `opentype.js`. */
  readonly packages: Readonly<Record<string, string>>;
}
