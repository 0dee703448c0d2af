/** What one finished episode tells a progress reporter. */
export interface ProgressTick {
  readonly seed: number;
  /** The episode ran to its end (terminated or truncated). */
  readonly completed: boolean;
  /** The task was solved (only when `completed`). */
  readonly success: boolean;
  /** Turns taken (0 when the episode failed before finishing). */
  readonly turns: number;
}

/** Receives batch progress. {@link ProgressBar} draws it; tests inject a recorder. */
export interface ProgressReporter {
  /** Called once, before the first episode, with the number of episodes to run. */
  start(total: number): void;
  /** Called after every episode, completed or failed, in completion order. */
  tick(tick: ProgressTick): void;
  /** Called once at the end, also when the batch stops early. */
  finish(): void;
}

/** The counts a progress line is drawn from. */
export interface ProgressState {
  readonly done: number;
  readonly total: number;
  readonly successes: number;
  readonly failures: number;
  readonly elapsedMs: number;
}

/** A stream the bar writes to: `process.stderr` or anything with `write` (and `isTTY`). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Options of {@link ProgressBar}. */
export interface ProgressBarOptions {
  /** Where to draw; `process.stderr` by default. */
  readonly stream?: ProgressStream;
  /** Cells of the bar (default 20). */
  readonly width?: number;
  /** Printed before the bar, e.g. the env id. */
  readonly label?: string;
  /** Redraw in place with `\r` (default: whether the stream is a TTY). */
  readonly redraw?: boolean;
  /** Without redraw, also print a line after this many ms even between 10% steps (default 5000). */
  readonly intervalMs?: number;
  /** Clock in ms, injectable for tests (default `performance.now`). */
  readonly now?: () => number;
}

/**
 * One progress line: `[#####.....] 37/100 37% 12.3 ep/s eta 5s success 100%`, with
 * ` errors N` appended when episodes failed. Success is over the completed episodes.
 */
export function formatProgress(state: ProgressState, width = 20): string {
  const fraction = state.total > 0 ? Math.min(1, state.done / state.total) : 1;
  const filled = Math.round(fraction * width);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  const seconds = state.elapsedMs / 1000;
  const rate = seconds > 0 ? state.done / seconds : 0;
  const remaining = state.total - state.done;
  const eta = remaining <= 0 ? '0s' : rate > 0 ? formatDuration(remaining / rate) : '?';
  const completed = state.done - state.failures;
  const success = completed > 0 ? `${Math.round((state.successes / completed) * 100)}%` : '-';
  const errors = state.failures > 0 ? ` errors ${state.failures}` : '';
  return `${bar} ${state.done}/${state.total} ${Math.floor(fraction * 100)}% ${rate.toFixed(1)} ep/s eta ${eta} success ${success}${errors}`;
}

/** Seconds as `5s`, `2m05s` or `1h02m`. */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * A dependency-free progress bar for batches. On a TTY it redraws one line in place (at most
 * ten times a second); elsewhere (CI logs, files) it prints a line at every 10% and at least every
 * `intervalMs`, so logs stay short.
 */
export class ProgressBar implements ProgressReporter {
  private readonly stream: ProgressStream;
  private readonly width: number;
  private readonly label: string;
  private readonly redraw: boolean;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private total = 0;
  private done = 0;
  private successes = 0;
  private failures = 0;
  private started = 0;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private lastDecile = -1;
  private drawnDone = -1;

  constructor(options: ProgressBarOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.width = options.width ?? 20;
    this.label = options.label === undefined || options.label === '' ? '' : `${options.label} `;
    this.redraw = options.redraw ?? this.stream.isTTY === true;
    this.intervalMs = options.intervalMs ?? 5000;
    this.now = options.now ?? (() => performance.now());
  }

  start(total: number): void {
    this.total = total;
    this.done = 0;
    this.successes = 0;
    this.failures = 0;
    this.started = this.now();
    this.lastDraw = Number.NEGATIVE_INFINITY;
    this.lastDecile = -1;
    this.drawnDone = -1;
    if (this.redraw) this.draw(this.now());
  }

  tick(tick: ProgressTick): void {
    this.done += 1;
    if (!tick.completed) this.failures += 1;
    else if (tick.success) this.successes += 1;
    const now = this.now();
    if (this.redraw) {
      if (now - this.lastDraw >= 100 || this.done >= this.total) this.draw(now);
      return;
    }
    const decile = this.total > 0 ? Math.floor((this.done / this.total) * 10) : 10;
    if (decile > this.lastDecile || now - this.lastDraw >= this.intervalMs) {
      this.lastDecile = decile;
      this.draw(now);
    }
  }

  finish(): void {
    const line = this.line(this.now());
    if (this.redraw) this.stream.write(`\r${line}\x1b[K\n`);
    else if (this.done !== this.drawnDone) this.stream.write(`${line}\n`);
  }

  private draw(now: number): void {
    this.lastDraw = now;
    const line = this.line(now);
    this.drawnDone = this.done;
    this.stream.write(this.redraw ? `\r${line}\x1b[K` : `${line}\n`);
  }

  private line(now: number): string {
    const state = { done: this.done, total: this.total, successes: this.successes, failures: this.failures, elapsedMs: now - this.started };
    return `${this.label}${formatProgress(state, this.width)}`;
  }
}
