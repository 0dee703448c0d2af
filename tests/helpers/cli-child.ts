import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** The repository root and the `thinkgym` command. */
export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BIN = resolve(ROOT, 'bin', 'thinkgym.js');

/** How a `thinkgym` child process ended. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link startCli}. */
export interface CliOptions {
  /** Text for stdin (closed after it). */
  readonly input?: string;
  /** Run as this user and group (only when the test runs as root). */
  readonly user?: { readonly uid: number; readonly gid: number };
  /** Extra environment variables. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Starts `thinkgym <args>` as a real child process; `done` resolves when it has exited. */
export function startCli(args: readonly string[], options: CliOptions = {}): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...(options.env ?? {}) },
    ...(options.user === undefined ? {} : { uid: options.user.uid, gid: options.user.gid }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin?.end(options.input ?? '');
  const done = new Promise<CliRun>((resolveRun) => child.on('close', (code) => resolveRun({ code, stdout, stderr })));
  return { child, done };
}

/** Runs `thinkgym <args>` to the end. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return startCli(args, options).done;
}

/** Whether output holds a Node stack trace (`    at fn (file:line:col)`). */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+(:\d+:\d+\)?|\(node:)/m.test(text);
}
