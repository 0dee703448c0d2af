import type { EpisodeRecord } from '../record.js';

/**
 * What the index page and the dataset charts need of one episode: small enough to keep for every
 * episode of a large dataset while the full records are streamed.
 */
export interface EpisodeRow {
  /** Position of the episode in `trajectories.jsonl` (0-based, among readable lines). */
  readonly ordinal: number;
  readonly env: string;
  readonly seed: number;
  readonly policy: string;
  readonly success: boolean;
  readonly turns: number;
  readonly toolCalls: number;
  readonly invalidActions: number;
  readonly totalReward: number;
  readonly rewardTerms: Readonly<Record<string, number>>;
  readonly answer: string | null;
  readonly expected: string | null;
  /** The question kind or task type the env reported (`questionKind`, `kind` or `task`), if any. */
  readonly kind: string | null;
  /** Tool calls by tool name. */
  readonly tools: Readonly<Record<string, number>>;
}

/** The longest answer or expected text kept in a row (the episode page shows the whole text). */
const ANSWER_KEPT = 200;

function clip(value: string | null): string | null {
  return value === null || value.length <= ANSWER_KEPT ? value : `${value.slice(0, ANSWER_KEPT)}…`;
}

/** Reads the question kind an env reported in a step's `extra`. */
function kindOf(record: EpisodeRecord): string | null {
  for (const step of record.steps) {
    const extra = step.extra;
    if (extra === undefined) continue;
    for (const key of ['questionKind', 'kind', 'task']) {
      const value = extra[key];
      if (typeof value === 'string' && value !== '') return value;
    }
  }
  return null;
}

/** The {@link EpisodeRow} of a record. */
export function episodeRow(record: EpisodeRecord, ordinal: number): EpisodeRow {
  const tools: Record<string, number> = {};
  for (const step of record.steps) {
    if (step.action.type === 'tool_call') tools[step.action.name] = (tools[step.action.name] ?? 0) + 1;
  }
  return {
    ordinal,
    env: record.env,
    seed: record.seed,
    policy: record.policy,
    success: record.success,
    turns: record.counts.turns,
    toolCalls: record.counts.toolCalls,
    invalidActions: record.counts.invalidActions,
    totalReward: record.totalReward,
    rewardTerms: record.rewardTerms,
    answer: clip(record.answer),
    expected: clip(record.expected),
    kind: kindOf(record),
    tools,
  };
}

/** Orders rows by seed, then env id, then position in the file. */
export function compareRows(a: EpisodeRow, b: EpisodeRow): number {
  return a.seed - b.seed || (a.env < b.env ? -1 : a.env > b.env ? 1 : 0) || a.ordinal - b.ordinal;
}

/** Figures over a set of rows: the index page's overall row. */
export interface OverallFigures {
  readonly episodes: number;
  readonly successRate: number;
  readonly meanTurns: number;
  readonly meanToolCalls: number;
  readonly toolCalls: number;
  readonly invalidActions: number;
  readonly meanReward: number;
}

/** Success rate, mean turns, tool calls and mean reward over `rows` (zeros when empty). */
export function overallFigures(rows: readonly EpisodeRow[]): OverallFigures {
  const count = rows.length;
  const sum = (pick: (row: EpisodeRow) => number): number => rows.reduce((total, row) => total + pick(row), 0);
  const mean = (pick: (row: EpisodeRow) => number): number => (count === 0 ? 0 : sum(pick) / count);
  return {
    episodes: count,
    successRate: mean((row) => (row.success ? 1 : 0)),
    meanTurns: mean((row) => row.turns),
    meanToolCalls: mean((row) => row.toolCalls),
    toolCalls: sum((row) => row.toolCalls),
    invalidActions: sum((row) => row.invalidActions),
    meanReward: mean((row) => row.totalReward),
  };
}
