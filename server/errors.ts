import { EnvStateError, GymError, RegistryError, ValidationError } from '../core/errors.js';

/**
 * The error codes of OpenEnv's WebSocket protocol, which this server uses on every transport:
 * `INVALID_JSON` (the message is not JSON), `UNKNOWN_TYPE` (no such message type),
 * `VALIDATION_ERROR` (a field is missing or wrong), `EXECUTION_ERROR` (the env failed or timed
 * out), `CAPACITY_REACHED` (every session slot is taken), `SESSION_ERROR` (no such session, or it
 * expired or was closed).
 */
export type WireErrorCode = 'INVALID_JSON' | 'UNKNOWN_TYPE' | 'VALIDATION_ERROR' | 'EXECUTION_ERROR' | 'CAPACITY_REACHED' | 'SESSION_ERROR';

const HTTP_STATUS: Record<WireErrorCode, number> = {
  INVALID_JSON: 400,
  UNKNOWN_TYPE: 400,
  VALIDATION_ERROR: 422,
  EXECUTION_ERROR: 500,
  CAPACITY_REACHED: 503,
  SESSION_ERROR: 404,
};

/** An error the server reports to a client, with its wire code and HTTP status. */
export class ServerError extends GymError {
  readonly wireCode: WireErrorCode;
  readonly status: number;

  constructor(wireCode: WireErrorCode, message: string, options: { status?: number; data?: unknown; cause?: unknown } = {}) {
    super(`server-${wireCode.toLowerCase().replaceAll('_', '-')}`, message, { data: options.data, cause: options.cause });
    this.wireCode = wireCode;
    this.status = options.status ?? HTTP_STATUS[wireCode];
  }
}

/** Maps any thrown value to a {@link ServerError}: bad input to `VALIDATION_ERROR`, the rest to `EXECUTION_ERROR`. */
export function toServerError(error: unknown): ServerError {
  if (error instanceof ServerError) return error;
  if (error instanceof ValidationError || error instanceof RegistryError) {
    return new ServerError('VALIDATION_ERROR', error.message, { cause: error });
  }
  if (error instanceof EnvStateError) return new ServerError('EXECUTION_ERROR', error.message, { status: 409, cause: error });
  if (error instanceof GymError && (error.code === 'bad-seed' || error.code === 'bad-max-turns')) {
    return new ServerError('VALIDATION_ERROR', error.message, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ServerError('EXECUTION_ERROR', `The env failed: ${message}`, { cause: error });
}

/** The JSON body of an error: `{message, code}` (the `data` of a WebSocket error message). */
export function errorBody(error: ServerError): { message: string; code: WireErrorCode } {
  return { message: error.message, code: error.wireCode };
}
