import { createRequire } from 'node:module';
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
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

/** The two compilers, built on first use: building one and compiling the meta-schema costs ~0.3 s. */
const compilers: { strict?: Ajv2020; coerce?: Ajv2020 } = {};
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
      compiled = compiler(mode).compile(schema);
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

/**
 * A validator that compiles `schema` on its first `validate` call (then as {@link compileSchema}),
 * for code that holds schemas it may never check, such as the tools of an env that is only listed.
 * A schema that does not compile throws its {@link ValidationError} from that first call.
 */
export function lazySchema<T = unknown>(schema: JsonSchema, options: CompileOptions = {}): Validator<T> {
  let compiled: Validator<T> | undefined;
  return {
    validate(value: unknown): Validation<T> {
      compiled ??= compileSchema<T>(schema, options);
      return compiled.validate(value);
    },
  };
}

/**
 * The value the empty object `{}` takes when validated against an object schema with defaults
 * filled: each property's `default` (deep-copied), recursively into object defaults. Compiles
 * nothing, so listings can build an env with its default options without starting ajv.
 */
export function schemaDefaults(schema: JsonSchema): Record<string, unknown> {
  return fillDefaults(schema, {});
}

function fillDefaults(schema: JsonSchema, value: Record<string, unknown>): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  for (const [name, property] of Object.entries(properties)) {
    if (value[name] === undefined && property.default !== undefined) value[name] = structuredClone(property.default);
    const filled = value[name];
    if (filled !== null && typeof filled === 'object' && !Array.isArray(filled)) {
      fillDefaults(property, filled as Record<string, unknown>);
    }
  }
  return value;
}

/** ajv is loaded on first compile (synchronously, as CommonJS): importing it costs ~0.2 s of start-up. */
const requireModule = createRequire(import.meta.url);

function compiler(mode: 'strict' | 'coerce'): Ajv2020 {
  let ajv = compilers[mode];
  if (ajv === undefined) {
    const { Ajv2020: Compiler } = requireModule('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    ajv = new Compiler({ allErrors: true, useDefaults: true, strict: true, verbose: true, coerceTypes: mode === 'coerce' });
    compilers[mode] = ajv;
  }
  return ajv;
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
