import { DIALECT_NAMES } from '../agents/dialects/names.js';
import type { PromptFormat } from '../agents/policy.js';
import type { InvalidReason } from '../core/env.js';
import { compileSchema, type JsonSchema, type Validation } from '../core/schema.js';
import type { RewardConfig } from '../rewards/terms.js';
import { type EpisodeRecord, type ManifestEnv, type RendererVersions, TRAJECTORY_SCHEMA_VERSION } from './record.js';

/**
 * JSON Schemas (draft 2020-12) of a dataset's files: one {@link EpisodeRecord} per line of
 * `trajectories.jsonl`, and `manifest.json`. They are plain objects so users can read them and
 * the CLI can print them; the writer validates every line against them before appending, and the
 * reader validates every line it yields.
 */

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';

/** A run of requested seeds, `start` to `start + count - 1`. Lists of seeds are stored as such runs. */
export interface SeedSpan {
  readonly start: number;
  readonly count: number;
}

/** Dataset totals kept in the manifest (recomputed from the lines on resume). */
export interface ManifestCounts {
  readonly episodes: number;
  readonly successes: number;
  /** Invalid actions summed over all episodes. */
  readonly invalidActions: number;
  /** Distinct images referenced by the episodes. */
  readonly images: number;
}

/** `manifest.json`: what a dataset holds and how it was made. Dates live here, never in episode lines. */
export interface DatasetManifest {
  readonly schemaVersion: typeof TRAJECTORY_SCHEMA_VERSION;
  readonly generator: 'thinkgym';
  /** ISO 8601 time the dataset was created. */
  readonly createdAt: string;
  /** ISO 8601 time the manifest was last written. */
  readonly updatedAt: string;
  /** Each env in the dataset, with what exports need to rebuild its prompts exactly. */
  readonly envs: Readonly<Record<string, ManifestEnv>>;
  /** Policy name, as in the episode lines. */
  readonly policy: string;
  readonly format: PromptFormat;
  /** The weights the episodes' `totalReward` was computed with. */
  readonly rewards: RewardConfig;
  /** The reward preset (`rewards/presets.ts`) the totals were computed with instead of the weights, if any. */
  readonly rewardPreset?: string;
  /** The seeds requested, as ascending runs (`[]` when the caller did not say). */
  readonly seeds: readonly SeedSpan[];
  readonly counts: ManifestCounts;
  /** What drew the images (absent in datasets made before it was recorded). */
  readonly renderer?: RendererVersions;
}

const INVALID_REASON_SET: Record<InvalidReason, true> = {
  'no-action': true,
  'bad-json': true,
  'bad-call': true,
  'unknown-tool': true,
  'bad-arguments': true,
  'multiple-actions': true,
  'multiple-answers': true,
  'answer-not-accepted': true,
  'tool-error': true,
};

/** Every {@link InvalidReason}, in a fixed order (the schema's enum; summaries list them in this order). */
export const INVALID_REASONS = Object.keys(INVALID_REASON_SET) as InvalidReason[];

const nonNegativeInteger = { type: 'integer', minimum: 0 } as const;
const nullableString = { anyOf: [{ type: 'string' }, { type: 'null' }] } as const;

const imageRefSchema = {
  type: 'object',
  properties: {
    sha256: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'Lower-case hex sha256 of the PNG bytes.' },
    width: { type: 'integer', minimum: 1 },
    height: { type: 'integer', minimum: 1 },
    mime: { type: 'string', const: 'image/png' },
  },
  required: ['sha256', 'width', 'height', 'mime'],
  additionalProperties: false,
} as const;

const contentSchema = {
  type: 'array',
  description: 'Text and image parts in order; image bytes are in images/xx/<sha256>.png.',
  items: {
    oneOf: [
      {
        type: 'object',
        properties: { type: { type: 'string', const: 'text' }, text: { type: 'string' } },
        required: ['type', 'text'],
        additionalProperties: false,
      },
      {
        type: 'object',
        properties: { type: { type: 'string', const: 'image' }, image: imageRefSchema },
        required: ['type', 'image'],
        additionalProperties: false,
      },
    ],
  },
} as const;

const actionSchema = {
  description: 'The action parsed from the output.',
  oneOf: [
    {
      type: 'object',
      properties: {
        type: { type: 'string', const: 'tool_call' },
        name: { type: 'string' },
        arguments: { type: 'object' },
        id: { type: 'string' },
      },
      required: ['type', 'name', 'arguments'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { type: { type: 'string', const: 'answer' }, answer: { type: 'string' } },
      required: ['type', 'answer'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: {
        type: { type: 'string', const: 'invalid' },
        reason: { type: 'string', enum: INVALID_REASONS },
        message: { type: 'string' },
      },
      required: ['type', 'reason', 'message'],
      additionalProperties: false,
    },
  ],
} as const;

const outputSchema = {
  type: 'object',
  description: 'The raw model output, exactly as emitted. Extra fields a model client adds are kept.',
  properties: {
    text: { type: 'string' },
    toolCalls: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: { type: 'string' }, name: { type: 'string' }, arguments: { type: 'string' } },
        required: ['id', 'name', 'arguments'],
        additionalProperties: false,
      },
    },
    tokenIds: { type: 'array', items: nonNegativeInteger },
  },
  required: ['text'],
} as const;

const stepSchema = {
  type: 'object',
  properties: {
    turn: { type: 'integer', minimum: 1 },
    output: outputSchema,
    action: actionSchema,
    observation: contentSchema,
    reward: { type: 'number' },
    terminated: { type: 'boolean' },
    truncated: { type: 'boolean' },
    invalid: {
      anyOf: [
        {
          type: 'object',
          properties: { reason: { type: 'string', enum: INVALID_REASONS }, message: { type: 'string' } },
          required: ['reason', 'message'],
          additionalProperties: false,
        },
        { type: 'null' },
      ],
    },
    extra: { type: 'object', description: 'Env-specific details.' },
    timing: {
      type: 'object',
      properties: { policyMs: { type: 'number', minimum: 0 }, envMs: { type: 'number', minimum: 0 } },
      required: ['policyMs', 'envMs'],
      additionalProperties: false,
    },
  },
  required: ['turn', 'output', 'action', 'observation', 'reward', 'terminated', 'truncated', 'invalid', 'timing'],
  additionalProperties: false,
} as const;

/** Schema of one line of `trajectories.jsonl` (an {@link EpisodeRecord}). */
export const EPISODE_RECORD_SCHEMA: JsonSchema = {
  $schema: DRAFT,
  title: 'thinkgym episode record',
  description: 'One episode: the task, every turn (raw output, parsed action, observation, reward), the outcome and reward terms.',
  type: 'object',
  properties: {
    schemaVersion: { type: 'integer', const: TRAJECTORY_SCHEMA_VERSION },
    env: { type: 'string', minLength: 1 },
    envVersion: nonNegativeInteger,
    seed: { type: 'integer' },
    policy: { type: 'string', minLength: 1 },
    format: { type: 'string', enum: [...DIALECT_NAMES] },
    task: contentSchema,
    steps: { type: 'array', items: stepSchema },
    success: { type: 'boolean' },
    score: { type: 'number', minimum: 0, maximum: 1 },
    answer: nullableString,
    expected: nullableString,
    terminated: { type: 'boolean' },
    truncated: { type: 'boolean' },
    rewardTerms: { type: 'object', additionalProperties: { type: 'number' } },
    totalReward: { type: 'number' },
    counts: {
      type: 'object',
      properties: { turns: nonNegativeInteger, toolCalls: nonNegativeInteger, invalidActions: nonNegativeInteger },
      required: ['turns', 'toolCalls', 'invalidActions'],
      additionalProperties: false,
    },
    durationMs: { type: 'number', minimum: 0 },
  },
  required: [
    'schemaVersion',
    'env',
    'envVersion',
    'seed',
    'policy',
    'format',
    'task',
    'steps',
    'success',
    'score',
    'answer',
    'expected',
    'terminated',
    'truncated',
    'rewardTerms',
    'totalReward',
    'counts',
    'durationMs',
  ],
  additionalProperties: false,
};

const toolSpecSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    parameters: { type: 'object' },
    annotations: { type: 'object', properties: { privileged: { type: 'boolean' }, readOnly: { type: 'boolean' } } },
  },
  required: ['name', 'description', 'parameters'],
  additionalProperties: false,
} as const;

const manifestEnvSchema = {
  type: 'object',
  properties: {
    version: nonNegativeInteger,
    options: { type: 'object' },
    instructions: { type: 'string' },
    answers: { type: 'boolean' },
    maxTurns: { type: 'integer', minimum: 1 },
    tools: { type: 'array', items: toolSpecSchema },
    split: { type: 'string', enum: ['train', 'validation', 'test'] },
  },
  required: ['version', 'options', 'instructions', 'answers', 'maxTurns', 'tools'],
  additionalProperties: false,
} as const;

const rewardConfigSchema = {
  type: 'object',
  properties: {
    accuracy: { type: 'number' },
    format: { type: 'number' },
    invalidCall: { type: 'number' },
    toolUse: { type: 'number' },
    efficiency: { type: 'number' },
    env: { type: 'number' },
  },
  required: ['accuracy', 'format', 'invalidCall', 'toolUse', 'efficiency', 'env'],
  additionalProperties: { type: 'number' },
} as const;

/** Schema of `manifest.json` (a {@link DatasetManifest}). */
export const MANIFEST_SCHEMA: JsonSchema = {
  $schema: DRAFT,
  title: 'thinkgym dataset manifest',
  description: 'Env ids and versions, policy, prompt format, reward weights, requested seeds and counts of a trajectory dataset.',
  type: 'object',
  properties: {
    schemaVersion: { type: 'integer', const: TRAJECTORY_SCHEMA_VERSION },
    generator: { type: 'string', const: 'thinkgym' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    envs: { type: 'object', additionalProperties: manifestEnvSchema },
    policy: { type: 'string', minLength: 1 },
    format: { type: 'string', enum: [...DIALECT_NAMES] },
    rewards: rewardConfigSchema,
    rewardPreset: { type: 'string', minLength: 1 },
    seeds: {
      type: 'array',
      items: {
        type: 'object',
        properties: { start: { type: 'integer' }, count: { type: 'integer', minimum: 1 } },
        required: ['start', 'count'],
        additionalProperties: false,
      },
    },
    renderer: {
      type: 'object',
      properties: {
        sharp: { type: 'string' },
        libvips: { type: 'string' },
        packages: { type: 'object', additionalProperties: { type: 'string' } },
      },
      required: ['sharp', 'libvips', 'packages'],
      additionalProperties: false,
    },
    counts: {
      type: 'object',
      properties: {
        episodes: nonNegativeInteger,
        successes: nonNegativeInteger,
        invalidActions: nonNegativeInteger,
        images: nonNegativeInteger,
      },
      required: ['episodes', 'successes', 'invalidActions', 'images'],
      additionalProperties: false,
    },
  },
  required: ['schemaVersion', 'generator', 'createdAt', 'updatedAt', 'envs', 'policy', 'format', 'rewards', 'seeds', 'counts'],
  additionalProperties: false,
};

/**
 * Validates one episode line: the schema, then the facts a schema cannot say (turns numbered
 * 1..n, `counts.turns` equal to the number of steps). Returns readable problems on failure.
 */
export function validateEpisodeRecord(value: unknown): Validation<EpisodeRecord> {
  const result = compileSchema<EpisodeRecord>(EPISODE_RECORD_SCHEMA).validate(value);
  if (!result.ok) return result;
  const record = result.value;
  const problems: string[] = [];
  if (record.counts.turns !== record.steps.length) {
    problems.push(`\`counts.turns\` is ${record.counts.turns} but there are ${record.steps.length} steps`);
  }
  record.steps.forEach((step, index) => {
    if (step.turn !== index + 1) problems.push(`\`steps.${index}.turn\` must be ${index + 1} (got ${step.turn})`);
  });
  return problems.length === 0 ? result : { ok: false, problems };
}

/** Validates a parsed `manifest.json`. */
export function validateManifest(value: unknown): Validation<DatasetManifest> {
  return compileSchema<DatasetManifest>(MANIFEST_SCHEMA).validate(value);
}

/**
 * The seeds `start` to `start + count - 1`, yielded one at a time and never held in memory;
 * {@link compactSeeds} turns it into one span at once, whatever its length.
 */
export class SeedRange implements Iterable<number> {
  readonly start: number;
  readonly count: number;

  constructor(start: number, count: number) {
    this.start = start;
    this.count = count;
  }

  *[Symbol.iterator](): Iterator<number> {
    for (let offset = 0; offset < this.count; offset += 1) yield this.start + offset;
  }
}

/** Turns a list of seeds into ascending runs (duplicates dropped); a {@link SeedRange} in constant time. */
export function compactSeeds(seeds: Iterable<number>): SeedSpan[] {
  if (seeds instanceof SeedRange) return seeds.count > 0 ? [{ start: seeds.start, count: seeds.count }] : [];
  const sorted = [...new Set(seeds)].sort((a, b) => a - b);
  const spans: { start: number; count: number }[] = [];
  for (const seed of sorted) {
    const last = spans[spans.length - 1];
    if (last !== undefined && last.start + last.count === seed) last.count += 1;
    else spans.push({ start: seed, count: 1 });
  }
  return spans;
}

/** The seeds of a list of runs, in order. */
export function* expandSeeds(spans: readonly SeedSpan[]): Generator<number> {
  for (const span of spans) for (let offset = 0; offset < span.count; offset += 1) yield span.start + offset;
}

/** Merges two lists of runs into one list of ascending, non-overlapping runs. */
export function mergeSeedSpans(first: readonly SeedSpan[], second: readonly SeedSpan[]): SeedSpan[] {
  const spans = [...first, ...second].filter((span) => span.count > 0).sort((a, b) => a.start - b.start);
  const merged: { start: number; count: number }[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last !== undefined && span.start <= last.start + last.count) {
      last.count = Math.max(last.count, span.start + span.count - last.start);
    } else {
      merged.push({ start: span.start, count: span.count });
    }
  }
  return merged;
}
