import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { GymError } from '../core/errors.js';
import { UsageError } from './args.js';

/** Exit codes of the `thinkgym` command. */
export const EXIT = {
  ok: 0,
  /** A run failed: bad input file, unusable path, failed episodes, a model server that gave up. */
  failure: 1,
  /** A command-line mistake (unknown flag, missing value). */
  usage: 2,
  /** Stopped by Ctrl-C (128 + SIGINT). */
  interrupted: 130,
} as const;

/** How the CLI reports an error: one line for people and the exit code. */
export interface ErrorReport {
  readonly message: string;
  readonly exitCode: number;
}

/** A Node system error (`fs`, `net`): a string `code` and usually the `path` and `syscall`. */
interface SystemError extends Error {
  readonly code: string;
  readonly path?: string;
  readonly dest?: string;
  readonly syscall?: string;
}

const WRITE_CALLS = new Set(['mkdir', 'open', 'write', 'rename', 'unlink', 'rmdir', 'copyfile', 'symlink', 'utime', 'chmod', 'ftruncate']);

function isSystemError(error: unknown): error is SystemError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && /^E[A-Z]+$/.test((error as SystemError).code);
}

/** The nearest part of `path` (itself or a parent) that exists and is a file, if any. */
function fileInPath(path: string): string | undefined {
  for (let current = path; ; current = dirname(current)) {
    try {
      if (statSync(current).isFile()) return current;
      return undefined;
    } catch {
      // Not there: look at the parent.
    }
    if (dirname(current) === current) return undefined;
  }
}

/** One line for a Node file-system error, naming the path and saying what to do. */
export function describeSystemError(error: SystemError): string {
  const path = error.path ?? '(unknown path)';
  const writing = error.syscall === undefined || WRITE_CALLS.has(error.syscall);
  switch (error.code) {
    case 'EEXIST':
      return `${path} already exists and is not a folder; choose another path or move it away.`;
    case 'ENOTDIR': {
      const file = fileInPath(path);
      return file === undefined || file === path
        ? `${path} is not a folder; pass a folder (a dataset folder holds trajectories.jsonl and manifest.json).`
        : `cannot use ${path}: ${file} is a file, not a folder; pass a folder path (a dataset folder holds trajectories.jsonl and manifest.json).`;
    }
    case 'EISDIR':
      return `${path} is a folder, but a file is needed here; name a file inside it or beside it (e.g. ${path.replace(/\/+$/, '')}.json).`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied ${writing ? 'writing' : 'reading'} ${path}; choose a ${writing ? 'folder you can write to' : 'path you can read'} or change its permissions.`;
    case 'EROFS':
      return `${path} is on a read-only file system; choose a folder you can write to.`;
    case 'ENOENT':
      return `${path} does not exist; check the path.`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `no space left on the disk while writing ${path}; free some space or choose another folder.`;
    case 'EMFILE':
    case 'ENFILE':
      return `too many open files (at ${path}); lower --concurrency or raise the limit (ulimit -n).`;
    case 'ENAMETOOLONG':
      return `the path ${path} is too long; choose a shorter one.`;
    default:
      return `${error.message}${error.path === undefined ? '' : ` (${error.path})`}.`;
  }
}

/** The first system error in an error's `cause` chain, if any. */
function systemCause(error: unknown): SystemError | undefined {
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 8; depth += 1) {
    if (isSystemError(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Turns anything a command throws into one line and an exit code, so no stack trace reaches the
 * user: usage mistakes exit 2; {@link GymError}s (which already say what to do) and Node
 * file-system errors (translated to name the path and the fix) exit 1; anything else exits 1 with
 * its message and a pointer to `THINKGYM_DEBUG=1`, which prints the stack.
 */
export function reportError(error: unknown): ErrorReport {
  if (error instanceof UsageError) return { message: error.message, exitCode: EXIT.usage };
  if (error instanceof GymError) return { message: `error: ${oneSentence(error.message)}`, exitCode: EXIT.failure };
  const system = systemCause(error);
  if (system !== undefined) return { message: `error: ${describeSystemError(system)}`, exitCode: EXIT.failure };
  const message = error instanceof Error ? error.message : String(error);
  return {
    message: `error: ${oneSentence(message)} (an unexpected fault; run with THINKGYM_DEBUG=1 for the stack trace and report it)`,
    exitCode: EXIT.failure,
  };
}

/** Drops a doubled full stop that joined messages can leave. */
function oneSentence(message: string): string {
  return message.replace(/(?<!\.)\.\.(?=\s|$)/g, '.');
}
