import { GymError } from '../core/errors.js';

/** The TensorFlow.js namespace the trainer uses (the same object whichever backend runs). */
export type TensorFlow = typeof import('@tensorflow/tfjs');

/** A backend choice: `auto` walks the chain, any other name insists on that backend. */
export type BackendChoice = 'auto' | 'node-gpu' | 'node' | 'wasm' | 'cpu';

/** The backend choices, in the order `auto` tries them. */
export const BACKEND_CHAIN: readonly Exclude<BackendChoice, 'auto'>[] = ['node-gpu', 'node', 'wasm', 'cpu'];

/** What each link of the chain loads and which tfjs backend name it registers. */
const LINKS: Record<Exclude<BackendChoice, 'auto'>, { readonly module?: string; readonly backend: string }> = {
  'node-gpu': { module: '@tensorflow/tfjs-node-gpu', backend: 'tensorflow' },
  node: { module: '@tensorflow/tfjs-node', backend: 'tensorflow' },
  wasm: { module: '@tensorflow/tfjs-backend-wasm', backend: 'wasm' },
  cpu: { backend: 'cpu' },
};

/** One link of the chain as tried: chosen, or skipped with the reason. */
export interface BackendAttempt {
  readonly choice: Exclude<BackendChoice, 'auto'>;
  /** The package the link loads (none for the pure-JS cpu backend). */
  readonly module?: string;
  readonly ok: boolean;
  /** Why it was skipped (`not installed`, the load error), or what was chosen. */
  readonly detail: string;
}

/** The backend in use and how it was chosen. */
export interface BackendReport {
  readonly chosen: Exclude<BackendChoice, 'auto'>;
  /** The tfjs backend name (`tensorflow`, `wasm`, `cpu`). */
  readonly backend: string;
  readonly attempts: readonly BackendAttempt[];
}

let selected: { readonly tf: TensorFlow; readonly report: BackendReport } | undefined;

/**
 * Loads TensorFlow.js and picks a backend. `auto` tries `@tensorflow/tfjs-node-gpu`, then
 * `@tensorflow/tfjs-node` (both optional: they download libtensorflow at install, so they are
 * loaded only when present), then the wasm backend, then the pure-JS cpu backend, and reports why
 * each link before the chosen one was skipped. A named choice that cannot load throws.
 * The choice holds for the process: later calls with `auto` reuse it.
 */
export async function selectBackend(choice: BackendChoice = 'auto'): Promise<{ tf: TensorFlow; report: BackendReport }> {
  if (selected !== undefined && (choice === 'auto' || choice === selected.report.chosen)) return selected;
  const tf = await import('@tensorflow/tfjs');
  const attempts: BackendAttempt[] = [];
  if (choice !== 'auto') {
    for (const link of BACKEND_CHAIN.slice(0, BACKEND_CHAIN.indexOf(choice))) {
      attempts.push({ choice: link, ok: false, detail: `not tried (backend ${choice} was asked for)` });
    }
  }
  const links = choice === 'auto' ? BACKEND_CHAIN : [choice];
  for (const link of links) {
    const { module, backend } = LINKS[link];
    try {
      if (module !== undefined) await import(module);
      const ok = await tf.setBackend(backend);
      if (!ok) throw new Error(`tf.setBackend('${backend}') returned false`);
      await tf.ready();
      attempts.push({ choice: link, ...(module === undefined ? {} : { module }), ok: true, detail: `chosen (tfjs backend "${backend}")` });
      selected = { tf, report: { chosen: link, backend, attempts } };
      return selected;
    } catch (error) {
      attempts.push({ choice: link, ...(module === undefined ? {} : { module }), ok: false, detail: skipReason(error) });
    }
  }
  const tried = attempts.map((attempt) => `${attempt.choice}: ${attempt.detail}`).join('; ');
  throw new GymError('no-backend', `No TensorFlow.js backend could start (${tried}); run npm install, or choose --backend cpu.`, {
    data: { attempts },
  });
}

/**
 * Runs a training step on a backend that has the gradient kernels it needs. The wasm backend has
 * no gradient kernel for conv2d filters (`Conv2DBackpropFilter`), so a network of 3×3 `conv`
 * blocks updates on the cpu backend under wasm (weights move lazily between backends) while acting
 * stays on wasm. `patch` networks, native backends and cpu run it where they are.
 */
export async function onTrainingBackend<T>(tf: TensorFlow, step: () => Promise<T> | T, encoder: 'patch' | 'conv' = 'conv'): Promise<T> {
  const current = tf.getBackend();
  if (current !== 'wasm' || encoder === 'patch') return step();
  await tf.setBackend('cpu');
  try {
    return await step();
  } finally {
    await tf.setBackend(current);
  }
}

/** Which backend gradients run on, for the log. */
export function trainingBackendOf(report: BackendReport, encoder: 'patch' | 'conv' = 'conv'): string {
  return report.backend === 'wasm' && encoder === 'conv' ? 'cpu (wasm has no conv2d filter gradient kernel)' : report.backend;
}

/** The chain as one line for logs and `thinkgym doctor`: `wasm (node-gpu: not installed; node: not installed)`. */
export function describeBackend(report: BackendReport): string {
  const skipped = report.attempts.filter((attempt) => !attempt.ok).map((attempt) => `${attempt.choice}: ${attempt.detail}`);
  return `${report.chosen} (tfjs backend "${report.backend}")${skipped.length > 0 ? `; skipped ${skipped.join('; ')}` : ''}`;
}

/** The backend check of `thinkgym doctor`: which link `auto` picks and why the ones before it were skipped. */
export async function backendCheck(): Promise<{ part: string; ok: boolean; detail: string; data?: Record<string, unknown> }> {
  try {
    const { report } = await selectBackend('auto');
    return {
      part: 'tfjs backend',
      ok: true,
      detail: `${describeBackend(report)}; chain node-gpu → node → wasm → cpu (docs/TRAINING.md says how to add the native ones)`,
      data: { ...report },
    };
  } catch (error) {
    return { part: 'tfjs backend', ok: false, detail: (error as Error).message };
  }
}

/** The choice named on the command line, checked. */
export function parseBackendChoice(value: string | undefined): BackendChoice {
  if (value === undefined) return 'auto';
  if (value === 'auto' || (BACKEND_CHAIN as readonly string[]).includes(value)) return value as BackendChoice;
  throw new GymError('unknown-backend', `Unknown backend "${value}"; choose auto, ${BACKEND_CHAIN.join(', ')}.`);
}

function skipReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const message = (error as Error).message ?? String(error);
  if (code === 'ERR_MODULE_NOT_FOUND' || /Cannot find (package|module)/.test(message)) return 'not installed';
  return `failed to load (${message.split('\n')[0]})`;
}
