import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Optimizer } from '@tensorflow/tfjs';
import { GymError } from '../core/errors.js';
import { writeAtomic } from '../core/write-atomic.js';
import type { TensorFlow } from './backend.js';

/** The optimizer files of a checkpoint directory: the layout in JSON, the values as float32. */
export const OPTIMIZER_FILES = { layout: 'optimizer.json', values: 'optimizer.bin' } as const;

interface OptimizerLayout {
  /** The training iteration the state belongs to (a resumed run checks it against its own). */
  readonly iteration: number;
  readonly optimizer: string;
  readonly tensors: readonly { readonly name: string; readonly shape: readonly number[] }[];
}

/**
 * Saves an optimizer's state (Adam: the step count and both moment estimates of every weight) next
 * to a checkpoint, so `--resume` continues the same optimisation instead of restarting the
 * moments. The values file is written and renamed first, then the layout, each atomically.
 */
export async function saveOptimizerState(optimizer: Optimizer, dir: string, iteration: number): Promise<void> {
  const named = await optimizer.getWeights();
  const parts: Buffer[] = [];
  const tensors = named.map(({ name, tensor }) => {
    const values = tensor.dataSync() as Float32Array;
    parts.push(Buffer.from(Float32Array.from(values).buffer));
    return { name, shape: tensor.shape };
  });
  const layout: OptimizerLayout = { iteration, optimizer: optimizer.getClassName(), tensors };
  await writeAtomic(join(dir, OPTIMIZER_FILES.values), Buffer.concat(parts));
  await writeAtomic(join(dir, OPTIMIZER_FILES.layout), `${JSON.stringify(layout)}\n`);
}

/**
 * Restores the state saved by {@link saveOptimizerState} into a fresh optimizer of the same kind.
 * Returns the iteration the state belongs to, or undefined when the directory holds none (a run
 * from before optimizer state was saved). A state of another optimizer kind or a damaged file is
 * a {@link GymError}.
 */
export async function loadOptimizerState(tf: TensorFlow, optimizer: Optimizer, dir: string): Promise<number | undefined> {
  let layout: OptimizerLayout;
  let values: Buffer;
  try {
    layout = JSON.parse(await readFile(join(dir, OPTIMIZER_FILES.layout), 'utf8'));
    values = await readFile(join(dir, OPTIMIZER_FILES.values));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new GymError('bad-checkpoint', `Cannot read the optimizer state in ${dir} (${(error as Error).message}).`, { cause: error });
  }
  if (layout.optimizer !== optimizer.getClassName()) {
    throw new GymError(
      'bad-checkpoint',
      `${join(dir, OPTIMIZER_FILES.layout)} holds ${layout.optimizer} state, but the run uses ${optimizer.getClassName()}.`,
    );
  }
  const floats = new Float32Array(values.buffer, values.byteOffset, values.byteLength / 4);
  const expected = layout.tensors.reduce((sum, entry) => sum + entry.shape.reduce((size, side) => size * side, 1), 0);
  if (floats.length !== expected) {
    throw new GymError(
      'bad-checkpoint',
      `${join(dir, OPTIMIZER_FILES.values)} holds ${floats.length} values; its layout needs ${expected}. Delete both optimizer files to restart the moments.`,
    );
  }
  let offset = 0;
  const named = layout.tensors.map(({ name, shape }) => {
    const size = shape.reduce((total, side) => total * side, 1);
    const tensor = tf.tensor(floats.slice(offset, offset + size), [...shape]);
    offset += size;
    return { name, tensor };
  });
  await optimizer.setWeights(named);
  tf.dispose(named.map((entry) => entry.tensor));
  return layout.iteration;
}
