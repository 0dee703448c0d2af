/**
 * The one error root of thinkgym. Every error the library throws on purpose is a {@link GymError}
 * with a stable string `code`, so callers branch on `code` rather than on message text.
 *
 * Throw only for programmer or infrastructure faults. A mistake a model makes (a malformed tool
 * call, an out-of-range box) is never thrown: it becomes an observation the model can act on.
 */
export class GymError extends Error {
  /** Stable machine-readable code, e.g. `unknown-env`. */
  readonly code: string;
  /** Structured details for programs; the message is for people. */
  readonly data: unknown;

  constructor(code: string, message: string, options: { data?: unknown; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.data = options.data;
  }
}

/** A registry lookup failed or a registration clashed (unknown id, duplicate id). */
export class RegistryError extends GymError {
  /** Close names to suggest, best first. */
  readonly suggestions: readonly string[];

  constructor(code: string, message: string, suggestions: readonly string[] = []) {
    super(code, message, { data: { suggestions } });
    this.suggestions = suggestions;
  }
}

/** A value failed its JSON schema (env options, a dataset line, a configuration file). */
export class ValidationError extends GymError {
  /** One human-readable line per problem, each naming the offending path. */
  readonly problems: readonly string[];

  constructor(message: string, problems: readonly string[]) {
    super('invalid-value', message, { data: { problems } });
    this.problems = problems;
  }
}

/** An env was driven out of order: `step` before `reset`, or `step` after the episode ended. */
export class EnvStateError extends GymError {
  constructor(message: string) {
    super('env-state', message);
  }
}

/** A file or dataset could not be read as its format requires. */
export class FormatError extends GymError {
  /** The file the problem is in, when there is one. */
  readonly file: string | undefined;
  /** 1-based line number of the problem, when the format is line-based. */
  readonly line: number | undefined;

  constructor(message: string, location: { file?: string; line?: number } = {}, cause?: unknown) {
    super('bad-format', message, { data: location, cause });
    this.file = location.file;
    this.line = location.line;
  }
}

/** A remote model server failed in a way retries did not cure. */
export class ModelServerError extends GymError {
  /** HTTP status, when the server answered at all. */
  readonly status: number | undefined;

  constructor(message: string, status?: number, cause?: unknown) {
    super('model-server', message, { data: { status }, cause });
    this.status = status;
  }
}
