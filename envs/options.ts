import { ValidationError } from '../core/errors.js';

/**
 * Parses an option that is a comma list of names (chart types, question kinds, scan families)
 * against the allowed ones; `all` or an empty string means every one. Duplicates collapse, order is
 * kept. An unknown name is a {@link ValidationError} that lists the allowed names.
 */
export function parseNameList<T extends string>(value: string, allowed: readonly T[], what: string): T[] {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed === 'all') return [...allowed];
  const names = trimmed
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !(allowed as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new ValidationError(
      `Unknown ${what} ${unknown.map((name) => `"${name}"`).join(', ')}; use a comma list of ${allowed.join(', ')}, or all.`,
      [`${what}: ${unknown.join(', ')}`],
    );
  }
  return [...new Set(names)] as T[];
}
