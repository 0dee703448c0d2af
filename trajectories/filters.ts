import type { EpisodeRecord } from './record.js';

/**
 * A named test on episodes. Exporters skip the episodes a filter rejects and count the skips by
 * the filter's `name`, so a report says why each episode was left out. Filters may keep state
 * ({@link dedupe} remembers what it has seen): make a fresh one for each pass over a dataset.
 */
export interface EpisodeFilter {
  /** Short name used as the skip reason, e.g. `success-only`. */
  readonly name: string;
  /** Whether to keep the episode. */
  accept(record: EpisodeRecord): boolean;
}

/** A filter from a name and a predicate. */
export function predicate(name: string, test: (record: EpisodeRecord) => boolean): EpisodeFilter {
  return { name, accept: test };
}

/** Keeps solved episodes only (the usual choice for SFT cold-start data). */
export function successOnly(): EpisodeFilter {
  return predicate('success-only', (record) => record.success);
}

/** Keeps episodes of at most `limit` turns. */
export function maxTurns(limit: number): EpisodeFilter {
  return predicate('max-turns', (record) => record.counts.turns <= limit);
}

/** Keeps episodes whose total reward is at least `threshold`. */
export function minReward(threshold: number): EpisodeFilter {
  return predicate('min-reward', (record) => record.totalReward >= threshold);
}

/** Keeps episodes of the given env ids. */
export function envIn(ids: Iterable<string>): EpisodeFilter {
  const wanted = new Set(ids);
  return predicate('env', (record) => wanted.has(record.env));
}

/** Keeps episodes without any invalid action. */
export function noInvalidActions(): EpisodeFilter {
  return predicate('invalid-actions', (record) => record.counts.invalidActions === 0);
}

/**
 * Keeps the first episode of each (env, seed, policy) and rejects later ones. Stateful: it
 * remembers the keys it has accepted, so use one instance per pass.
 */
export function dedupe(): EpisodeFilter {
  const seen = new Set<string>();
  return predicate('duplicate', (record) => {
    const key = `${record.env}\u0000${record.seed}\u0000${record.policy}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Keeps episodes every filter keeps; named after the filters unless `name` is given. */
export function allOf(filters: readonly EpisodeFilter[], name?: string): EpisodeFilter {
  return predicate(name ?? filters.map((filter) => filter.name).join('+'), (record) => firstRejection(filters, record) === null);
}

/** Keeps episodes that at least one filter keeps. */
export function anyOf(filters: readonly EpisodeFilter[], name?: string): EpisodeFilter {
  return predicate(name ?? filters.map((filter) => filter.name).join('|'), (record) => filters.some((filter) => filter.accept(record)));
}

/** Keeps what `filter` rejects. */
export function not(filter: EpisodeFilter, name = `not-${filter.name}`): EpisodeFilter {
  return predicate(name, (record) => !filter.accept(record));
}

/**
 * The name of the first filter that rejects `record`, or `null` when all keep it. Filters after the
 * first rejection are not consulted (so {@link dedupe} only remembers episodes that got that far).
 */
export function firstRejection(filters: readonly EpisodeFilter[], record: EpisodeRecord): string | null {
  for (const filter of filters) if (!filter.accept(record)) return filter.name;
  return null;
}
