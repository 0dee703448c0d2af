import { type ParseArgsConfig, parseArgs } from 'node:util';
import { GymError } from '../core/errors.js';

/** A command-line usage mistake; the CLI prints the message and the command's help. */
export class UsageError extends GymError {
  constructor(message: string) {
    super('usage', message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** What {@link parseCommand} returns: typed flag values and the positional arguments. */
export type ParsedCommand<T extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>
>;

/** Parses a command's arguments strictly; unknown flags are usage errors that name the valid ones. */
export function parseCommand<T extends Options>(argv: readonly string[], options: T, usage: string): ParsedCommand<T> {
  try {
    return parseArgs({ args: attachNegativeNumbers(argv, options), options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${usage}`);
  }
}

const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * Joins a string flag and a following negative number (`--seed -5`) into `--seed=-5`, which
 * `parseArgs` would otherwise reject as ambiguous; the flag's own check then judges the value.
 */
export function attachNegativeNumbers(argv: readonly string[], options: Options): string[] {
  const result: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] as string;
    const next = argv[index + 1];
    const name = argument.startsWith('--') && !argument.includes('=') ? argument.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      result.push(`${argument}=${next}`);
      index += 1;
    } else {
      result.push(argument);
    }
  }
  return result;
}

/** Reads `key=value` pairs (from repeated `--option`) into an object of strings. */
export function parseKeyValues(pairs: readonly string[] | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const index = pair.indexOf('=');
    if (index <= 0) throw new UsageError(`--option takes key=value, got "${pair}".`);
    result[pair.slice(0, index)] = pair.slice(index + 1);
  }
  return result;
}

/** Parses a non-negative integer flag. */
export function integerFlag(value: string | undefined, name: string, fallback: number, minimum = 0): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < minimum)
    throw new UsageError(`--${name} must be an integer >= ${minimum}, got "${value}".`);
  return parsed;
}
