import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs';
import { GymError } from '../core/errors.js';
import type { ActionSpace } from './action-space.js';
import type { TensorFlow } from './backend.js';
import type { ModelConfig } from './model.js';

/** What a checkpoint says about itself besides its weights: enough to act with it. */
export interface CheckpointMeta {
  readonly env: string;
  readonly envOptions: Readonly<Record<string, unknown>>;
  readonly maxTurns: number;
  readonly model: ModelConfig;
  readonly actionSpace: ActionSpace;
  /** Which stage wrote it (`sft`, `rl`) and after how many updates. */
  readonly stage: string;
  readonly iteration: number;
}

/** The model file of a checkpoint directory. */
export const MODEL_FILE = 'model.json';

/**
 * Saves a model as `dir/model.json` plus `dir/weights-<hash>.bin`, atomically: the weights file
 * (named by its content) is written and renamed first, then model.json is written to a temporary
 * name and renamed over the old one, so a reader always sees a model.json whose weights are
 * complete. Older weight files are removed afterwards. The metadata rides in model.json under
 * `thinkgym`.
 */
export async function saveCheckpoint(tf: TensorFlow, model: LayersModel, dir: string, meta: CheckpointMeta): Promise<void> {
  await mkdir(dir, { recursive: true });
  const saved = await new Promise<{ topology: unknown; specs: unknown; data: ArrayBuffer }>((resolve, reject) => {
    model
      .save(
        tf.io.withSaveHandler(async (result) => {
          const data = Array.isArray(result.weightData)
            ? tf.io.concatenateArrayBuffers(result.weightData)
            : (result.weightData as ArrayBuffer);
          resolve({ topology: result.modelTopology, specs: result.weightSpecs, data });
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      )
      .catch(reject);
  });
  const bytes = Buffer.from(saved.data);
  const weightsFile = `weights-${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.bin`;
  const suffix = `.tmp-${process.pid}-${Date.now()}`;
  await writeFile(join(dir, weightsFile + suffix), bytes);
  await rename(join(dir, weightsFile + suffix), join(dir, weightsFile));
  const body = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: null,
    modelTopology: saved.topology,
    weightsManifest: [{ paths: [weightsFile], weights: saved.specs }],
    thinkgym: meta,
  };
  await writeFile(join(dir, MODEL_FILE + suffix), `${JSON.stringify(body)}\n`);
  await rename(join(dir, MODEL_FILE + suffix), join(dir, MODEL_FILE));
  for (const file of await readdir(dir)) {
    if (file !== weightsFile && /^weights-[0-9a-f]+\.bin$/.test(file)) await rm(join(dir, file), { force: true });
  }
}

/** Loads a checkpoint directory written by {@link saveCheckpoint}. */
export async function loadCheckpoint(tf: TensorFlow, dir: string): Promise<{ model: LayersModel; meta: CheckpointMeta }> {
  let body: {
    modelTopology?: unknown;
    weightsManifest?: { paths: string[]; weights: unknown }[];
    thinkgym?: CheckpointMeta;
  };
  try {
    body = JSON.parse(await readFile(join(dir, MODEL_FILE), 'utf8'));
  } catch (error) {
    throw new GymError(
      'no-checkpoint',
      `No readable checkpoint at ${dir} (${(error as Error).message}); train one with \`thinkgym train\`.`,
      {
        cause: error,
      },
    );
  }
  const manifest = body.weightsManifest?.[0];
  if (body.thinkgym === undefined || manifest === undefined || manifest.paths.length !== 1) {
    throw new GymError(
      'bad-checkpoint',
      `${join(dir, MODEL_FILE)} is not a thinkgym checkpoint (no thinkgym metadata or weights manifest).`,
    );
  }
  const weights = await readFile(join(dir, manifest.paths[0] as string));
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: body.modelTopology as object,
      weightSpecs: manifest.weights as never,
      weightData,
    }),
  );
  return { model, meta: body.thinkgym };
}
