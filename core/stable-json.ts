/**
 * JSON with the keys of every object sorted, at every depth (arrays keep their order), so two
 * values that differ only in key order encode the same. Used to compare env options and to key
 * tasks by them.
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.keys(inner)
            .sort()
            .map((key) => [key, (inner as Record<string, unknown>)[key]]),
        )
      : inner,
  );
}
