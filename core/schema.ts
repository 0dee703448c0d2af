import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { ValidationError } from './errors.js';

/** A JSON Schema (draft 2020-12) document. */
export type JsonSchema = { readonly [key: string]: unknown };

/** The outcome of validating a value: the (defaults-filled) value, or readable problems. */
export type Validation<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** A compiled schema. */
export interface Validator<T> {
  /** Validates a copy of `value` (defaults filled in, and with `coerce`, strings converted). */
  validate(value: unknown): Validation<T>;
}

/** How a schema is compiled. */
export interface CompileOptions {
  /** Convert strings to the schema's scalar types, as command-line `key=value` options need. */
  coerce?: boolean;
}

const strictAjv = new Ajv2020({ allErrors: true, useDefaults: true, strict: true, verbose: true });
const coercingAjv = new Ajv2020({ allErrors: true, useDefaults: true, strict: true, coerceTypes: true, verbose: true });
const cache = new WeakMap<JsonSchema, { strict?: ValidateFunction; coerce?: ValidateFunction }>();

/**
 * Compiles a schema once (compiled functions are cached per schema object). Throws a
 * {@link ValidationError} when the schema itself is not valid JSON Schema 2020-12.
 */
export function compileSchema<T = unknown>(schema: JsonSchema, options: CompileOptions = {}): Validator<T> {
  const mode = options.coerce === true ? 'coerce' : 'strict';
  let entry = cache.get(schema);
  if (entry === undefined) {
    entry = {};
    cache.set(schema, entry);
  }
  let compiled = entry[mode];
  if (compiled === undefined) {
    try {
      compiled = (mode === 'coerce' ? coercingAjv : strictAjv).compile(schema);
    } catch (error) {
      throw new ValidationError(`Schema does not compile: ${(error as Error).message}`, [(error as Error).message]);
    }
    entry[mode] = compiled;
  }
  const validateFunction = compiled;
  return {
    validate(value: unknown): Validation<T> {
      const copy = value === undefined ? value : structuredClone(value);
      if (validateFunction(copy)) return { ok: true, value: copy as T };
      return { ok: false, problems: describeErrors(validateFunction.errors ?? [], schema) };
    },
  };
}

/** Validates and returns the value, or throws a {@link ValidationError} titled by `what`. */
export function validateOrThrow<T>(schema: JsonSchema, value: unknown, what: string, options: CompileOptions = {}): T {
  const result = compileSchema<T>(schema, options).validate(value);
  if (result.ok) return result.value;
  throw new ValidationError(`${what} is not valid: ${result.problems.join('; ')}`, result.problems);
}

/**
 * Turns ajv errors into sentences a model (or a person) can act on: each names the argument, says
 * what was expected and what was given, and lists the allowed names or values where there are some.
 */
export function describeErrors(errors: readonly ErrorObject[], schema: JsonSchema): string[] {
  const problems: string[] = [];
  for (const error of errors) {
    const where = error.instancePath === '' ? '' : error.instancePath.slice(1).replaceAll('/', '.');
    const subject = where === '' ? 'the arguments' : `\`${where}\``;
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case 'required':
        problems.push(`missing required argument \`${joinPath(where, String(params.missingProperty))}\``);
        break;
      case 'additionalProperties': {
        const allowed = Object.keys(propertiesAt(schema, error.schemaPath));
        problems.push(
          `unknown argument \`${joinPath(where, String(params.additionalProperty))}\`` +
            (allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : ''),
        );
        break;
      }
      case 'enum':
        problems.push(
          `${subject} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` +
            ` (got ${JSON.stringify(error.data)})`,
        );
        break;
      case 'type':
        problems.push(`${subject} must be of type ${String(params.type)} (got ${JSON.stringify(error.data)})`);
        break;
      default:
        problems.push(
          `${subject} ${error.message ?? 'is invalid'}${error.data === undefined ? '' : ` (got ${JSON.stringify(error.data)})`}`,
        );
    }
  }
  return [...new Set(problems)];
}

function joinPath(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

function propertiesAt(schema: JsonSchema, schemaPath: string): Record<string, unknown> {
  const segments = schemaPath.replace(/^#\/?/, '').split('/').slice(0, -1);
  let node: unknown = schema;
  for (const segment of segments) {
    if (node === null || typeof node !== 'object') return {};
    node = (node as Record<string, unknown>)[decodeURIComponent(segment.replaceAll('~1', '/').replaceAll('~0', '~'))];
  }
  const properties = (node as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ?? {};
}
