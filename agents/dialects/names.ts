/**
 * The names of the prompt dialects, in one light module so schemas and types can list them without
 * loading the dialects themselves. Add a name here and its entry in `agents/dialects/index.ts`.
 */
export const DIALECT_NAMES = ['hermes', 'openai', 'vilasr', 'framethinker'] as const;

/** A prompt dialect's name (the `format` of episodes, datasets and `--format`). */
export type DialectName = (typeof DIALECT_NAMES)[number];

/** Whether `value` names a dialect. */
export function isDialectName(value: string): value is DialectName {
  return (DIALECT_NAMES as readonly string[]).includes(value);
}
