import { existsSync } from 'node:fs';
import { appendFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs';
import { formatDuration } from '../agents/progress.js';
import { GymError } from '../core/errors.js';
import { makeEnv } from '../core/registry.js';
import type { GuardedEnv } from '../core/wrappers.js';
import { writeAtomic } from '../core/write-atomic.js';
import { deriveActionSpace, describeActionSpace } from './action-space.js';
import { type BackendChoice, describeBackend, onTrainingBackend, selectBackend, trainingBackendOf } from './backend.js';
import { type CheckpointMeta, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { renderCurves } from './curves.js';
import { type Evaluation, evaluatePolicy } from './evaluate.js';
import { ClearableImageStore } from './image-store.js';
import { buildModel, encoderOf, type ModelConfig } from './model.js';
import { ObservationEncoder } from './observe.js';
import { loadOptimizerState, saveOptimizerState } from './optimizer-state.js';
import { TfjsPolicy } from './policy.js';
import type { Recipe } from './recipe.js';
import { seedsOf } from './recipe.js';
import { renderRunPage } from './report.js';
import { type IterationStats, rlIteration } from './rl.js';
import { loadDemonstrations, trainSft } from './sft.js';

/** Files of a run directory. */
export const RUN_FILES = {
  config: 'config.json',
  metrics: 'metrics.jsonl',
  state: 'state.json',
  log: 'train.log',
  curves: 'curves.png',
  page: 'index.html',
  summary: 'summary.json',
  sftCheckpoint: join('checkpoints', 'sft'),
  rlCheckpoint: join('checkpoints', 'rl'),
  bestCheckpoint: join('checkpoints', 'best'),
} as const;

/** Options of {@link runTraining}. */
export interface TrainOptions {
  readonly out: string;
  readonly resume?: boolean;
  readonly backend?: BackendChoice;
  /** Where log lines go besides `train.log` (default stderr). */
  readonly log?: (line: string) => void;
  /** Draw a progress bar on stderr (default: when stderr is a TTY). */
  readonly progress?: boolean;
}

/** Held-out results of each stage, the run's outcome. */
export interface TrainSummary {
  readonly recipe: string;
  readonly backend: string;
  readonly actionSpace: string;
  readonly random: Evaluation;
  readonly sft?: Evaluation;
  /** Held-out result of the RL stage: the last iteration's, or with validation seeds the selected checkpoint's. */
  readonly rl?: Evaluation;
  /** With validation seeds: the iteration whose checkpoint was selected (0 = the SFT or initial policy) and its validation success. */
  readonly selected?: { readonly iteration: number; readonly validationSuccess: number };
  readonly wallSeconds: number;
  /** Env steps per second over RL rollouts. */
  readonly rolloutStepsPerSecond: number;
}

interface RunState {
  random?: Evaluation;
  sft?: Evaluation;
  rl?: Evaluation;
  best?: { iteration: number; successRate: number; meanReward: number };
  rlSelected?: Evaluation;
  sftDone?: boolean;
  rlIteration: number;
  wallSeconds: number;
  rolloutSteps: number;
  rolloutSeconds: number;
}

/**
 * Runs a recipe end to end in a run directory: the random baseline on the held-out seeds, SFT on
 * the demonstrations (checkpoint `checkpoints/sft`), then GRPO (checkpoint `checkpoints/rl` after
 * every iteration), with held-out evaluations along the way. Writes `config.json`, `metrics.jsonl`
 * (one line per SFT epoch, RL iteration and evaluation), `train.log` (which backend was chosen and
 * why others were skipped), `curves.png` and `index.html`. With `resume`, it continues from the
 * last checkpoint and state; without it, an existing run directory is refused.
 */
export async function runTraining(recipe: Recipe, options: TrainOptions): Promise<TrainSummary> {
  const started = performance.now();
  const out = options.out;
  const statePath = join(out, RUN_FILES.state);
  const resuming = options.resume === true && existsSync(statePath);
  if (!resuming && existsSync(out) && (await readdir(out)).some((file) => file !== 'demos')) {
    throw new GymError('run-exists', `${out} already holds a run; pass --resume to continue it, or choose another --out.`);
  }
  await mkdir(out, { recursive: true });
  const state: RunState = resuming
    ? JSON.parse(await readFile(statePath, 'utf8'))
    : { rlIteration: 0, wallSeconds: 0, rolloutSteps: 0, rolloutSeconds: 0 };
  const log = async (line: string): Promise<void> => {
    (options.log ?? ((text: string) => process.stderr.write(`${text}\n`)))(line);
    await appendFile(join(out, RUN_FILES.log), `${new Date().toISOString()} ${line}\n`);
  };
  const metric = async (entry: Record<string, unknown>): Promise<void> => {
    await appendFile(join(out, RUN_FILES.metrics), `${JSON.stringify(entry)}\n`);
  };
  if (resuming) await trimMetrics(join(out, RUN_FILES.metrics), state.rlIteration);

  const { tf, report } = await selectBackend(options.backend ?? 'auto');
  await log(`backend: ${describeBackend(report)}; gradients on ${trainingBackendOf(report, encoderOf(recipe.model))}`);
  const images = new ClearableImageStore();
  const envOptions = { images, options: recipe.envOptions, ...(recipe.maxTurns === undefined ? {} : { maxTurns: recipe.maxTurns }) };
  const env = await makeEnv(recipe.env, envOptions);
  const space = deriveActionSpace(env.tools, recipe.actionSpace);
  if (space.candidates.length === 0) {
    throw new GymError('empty-action-space', `No tool of ${recipe.env} could be discretized: ${describeActionSpace(space)}.`);
  }
  await log(`action space of ${recipe.env}: ${describeActionSpace(space)}`);
  const modelConfig: ModelConfig = { ...recipe.model, actions: space.candidates.length };
  const meta = (stage: string, iteration: number): CheckpointMeta => ({
    env: recipe.env,
    envOptions: recipe.envOptions,
    maxTurns: env.maxTurns,
    model: modelConfig,
    actionSpace: space,
    stage,
    iteration,
  });
  if (!resuming) {
    await writeAtomic(
      join(out, RUN_FILES.config),
      `${JSON.stringify({ recipe, backend: report, actionSpace: describeActionSpace(space), created: new Date().toISOString() }, null, 2)}\n`,
    );
  }
  const saveState = async (): Promise<void> => {
    state.wallSeconds += (performance.now() - checkpointClock) / 1000;
    checkpointClock = performance.now();
    await writeAtomic(statePath, `${JSON.stringify(state, null, 2)}\n`);
  };
  let checkpointClock = performance.now();
  const evalSeeds = seedsOf(recipe.evalSeeds);
  const evaluate = async (label: string, model: LayersModel | undefined, iteration: number): Promise<Evaluation> => {
    const policy =
      model === undefined
        ? new TfjsPolicy(tf, buildModel(tf, modelConfig, recipe.seed), meta('random', 0), { mode: 'uniform', name: 'uniform' })
        : new TfjsPolicy(tf, model, meta(label, iteration), { mode: recipe.evalMode, salt: 'eval' });
    const result = await evaluatePolicy(env, policy, evalSeeds, images, recipe.reward);
    await metric({ kind: 'eval', stage: label, iteration, ...result });
    await log(
      `eval ${label}${label === 'rl' || label === 'selected' ? ` @${iteration}` : ''}: success ${percent(result.successRate)} over ${result.episodes} held-out seeds, ` +
        `reward ${result.meanReward.toFixed(3)}, turns ${result.meanTurns.toFixed(1)}, tool calls/solved ${result.toolCallsPerSolved.toFixed(2)}`,
    );
    return result;
  };

  const validationSeeds = recipe.validationSeeds === undefined ? undefined : seedsOf(recipe.validationSeeds);
  /** Evaluates on the validation seeds and keeps the checkpoint when it is the best so far (success, then reward). */
  const validate = async (model: LayersModel, iteration: number, stage: string): Promise<void> => {
    if (validationSeeds === undefined) return;
    const policy = new TfjsPolicy(tf, model, meta(stage, iteration), { mode: recipe.evalMode, salt: 'validation' });
    const result = await evaluatePolicy(env, policy, validationSeeds, images, recipe.reward);
    await metric({ kind: 'validation', stage, iteration, ...result });
    const best = state.best;
    const better =
      best === undefined ||
      result.successRate > best.successRate ||
      (result.successRate === best.successRate && result.meanReward > best.meanReward);
    if (better) {
      await saveCheckpoint(tf, model, join(out, RUN_FILES.bestCheckpoint), meta(stage, iteration));
      state.best = { iteration, successRate: result.successRate, meanReward: result.meanReward };
    }
    await log(
      `validation @${iteration}: success ${percent(result.successRate)} over ${result.episodes} validation seeds` +
        `${better ? ' (best so far, kept)' : `; best stays @${state.best?.iteration}`}`,
    );
  };

  if (state.random === undefined) {
    state.random = await evaluate('random', undefined, 0);
    await saveState();
  }

  let model: LayersModel;
  if (resuming && state.rlIteration > 0) model = (await loadCheckpoint(tf, join(out, RUN_FILES.rlCheckpoint))).model;
  else if (resuming && state.sftDone === true) model = (await loadCheckpoint(tf, join(out, RUN_FILES.sftCheckpoint))).model;
  else model = buildModel(tf, modelConfig, recipe.seed);

  const sftRecipe = recipe.sft;
  if (sftRecipe !== undefined && state.sftDone !== true) {
    const dataset = sftRecipe.dataset ?? join(out, 'demos');
    const encoder = new ObservationEncoder(modelConfig.imageSize);
    const demos = await loadDemonstrations(dataset, space, encoder, {
      env: recipe.env,
      channels: modelConfig.channels,
      ...(sftRecipe.replay === false ? {} : { replay: { env, images } }),
    });
    const skipped = Object.entries(demos.skipped).map(([reason, count]) => `${count} × ${reason}`);
    await log(
      `sft: ${demos.examples.length} turns from ${demos.episodes} episodes of ${dataset}${skipped.length > 0 ? `; skipped ${skipped.join(', ')}` : ''}`,
    );
    if (demos.examples.length === 0) throw new GymError('no-demonstrations', `No usable demonstration turns in ${dataset}.`);
    const sftStart = performance.now();
    await onTrainingBackend(
      tf,
      () =>
        trainSft(tf, model, modelConfig, demos.examples, {
          ...sftRecipe,
          seed: recipe.seed,
          maxTurns: env.maxTurns,
          onEpoch: (epoch, loss, accuracy) => {
            void metric({ kind: 'sft-epoch', epoch, loss, accuracy });
            void log(`sft epoch ${epoch}/${sftRecipe.epochs}: loss ${loss.toFixed(4)}, accuracy ${percent(accuracy)}`);
          },
        }),
      encoderOf(modelConfig),
    );
    await log(`sft: ${((performance.now() - sftStart) / 1000).toFixed(1)} s`);
    await saveCheckpoint(tf, model, join(out, RUN_FILES.sftCheckpoint), meta('sft', 0));
    state.sft = await evaluate('sft', model, 0);
    await validate(model, 0, 'sft');
    state.sftDone = true;
    await saveState();
  }

  if (recipe.rl !== undefined && state.rlIteration < recipe.rl.iterations) {
    const rl = recipe.rl;
    const reference =
      rl.klWeight > 0 && existsSync(join(out, RUN_FILES.sftCheckpoint))
        ? (await loadCheckpoint(tf, join(out, RUN_FILES.sftCheckpoint))).model
        : undefined;
    if (state.rlIteration === 0 && state.best === undefined) await validate(model, 0, sftRecipe === undefined ? 'initial' : 'sft');
    const envs: GuardedEnv[] = [env];
    while (envs.length < rl.groupSize) envs.push(await makeEnv(recipe.env, envOptions));
    const optimizer = tf.train.adam(rl.learningRate);
    if (state.rlIteration > 0) {
      const restored = await loadOptimizerState(tf, optimizer, join(out, RUN_FILES.rlCheckpoint));
      await log(
        restored === state.rlIteration
          ? `rl: Adam state of iteration ${restored} restored`
          : `rl: no Adam state for iteration ${state.rlIteration} (found ${restored ?? 'none'}); the moments restart`,
      );
    }
    const trainSeeds = seedsOf(recipe.trainSeeds);
    const bar = new IterationBar(options.progress ?? process.stderr.isTTY === true, rl.iterations);
    for (let iteration = state.rlIteration + 1; iteration <= rl.iterations; iteration += 1) {
      const seeds = Array.from(
        { length: rl.seedsPerIteration },
        (_, index) => trainSeeds[((iteration - 1) * rl.seedsPerIteration + index) % trainSeeds.length] as number,
      );
      const stats = await rlIteration(
        tf,
        model,
        reference,
        optimizer,
        meta('rl', iteration),
        envs,
        images,
        seeds,
        rl,
        recipe.reward,
        iteration,
      );
      state.rolloutSteps += stats.steps;
      state.rolloutSeconds += stats.rolloutMs / 1000;
      await metric({ kind: 'rl-iteration', iteration, ...stats });
      bar.draw(iteration, stats, state.rl);
      await log(iterationLine(iteration, rl.iterations, stats));
      if (iteration % rl.evalEvery === 0 || iteration === rl.iterations) {
        state.rl = await evaluate('rl', model, iteration);
        await validate(model, iteration, 'rl');
      }
      await saveCheckpoint(tf, model, join(out, RUN_FILES.rlCheckpoint), meta('rl', iteration));
      await saveOptimizerState(optimizer, join(out, RUN_FILES.rlCheckpoint), iteration);
      state.rlIteration = iteration;
      await saveState();
      images.clear();
    }
    bar.finish();
    optimizer.dispose();
  }
  if (recipe.rl !== undefined && state.best !== undefined && state.rlSelected === undefined) {
    const selected = await loadCheckpoint(tf, join(out, RUN_FILES.bestCheckpoint));
    state.rlSelected = await evaluate('selected', selected.model, state.best.iteration);
    selected.model.dispose();
  }
  await saveState();
  const summary: TrainSummary = {
    recipe: recipe.name,
    backend: report.chosen,
    actionSpace: describeActionSpace(space),
    random: state.random as Evaluation,
    ...(state.sft === undefined ? {} : { sft: state.sft }),
    ...(state.rlSelected !== undefined ? { rl: state.rlSelected } : state.rl === undefined ? {} : { rl: state.rl }),
    ...(state.best === undefined ? {} : { selected: { iteration: state.best.iteration, validationSuccess: state.best.successRate } }),
    wallSeconds: state.wallSeconds,
    rolloutStepsPerSecond: state.rolloutSeconds > 0 ? state.rolloutSteps / state.rolloutSeconds : 0,
  };
  await writeAtomic(join(out, RUN_FILES.summary), `${JSON.stringify(summary, null, 2)}\n`);
  await writeReport(out, recipe, summary);
  await log(
    `done in ${formatDuration(summary.wallSeconds)} (this session ${formatDuration((performance.now() - started) / 1000)}): held-out success random ${percent(summary.random.successRate)}` +
      `${summary.sft === undefined ? '' : `, sft ${percent(summary.sft.successRate)}`}${summary.rl === undefined ? '' : `, rl ${percent(summary.rl.successRate)}`}; ${join(out, RUN_FILES.page)}`,
  );
  return summary;
}

/** The learning curves of a run directory, from its metrics: held-out and validation success per stage, and RL training success. */
export async function runCurves(
  out: string,
): Promise<{ evalCurve: [number, number][]; validationCurve: [number, number][]; trainCurve: [number, number][] }> {
  const lines = (await readFile(join(out, RUN_FILES.metrics), 'utf8')).split('\n').filter((line) => line.trim() !== '');
  const evalCurve: [number, number][] = [];
  const validationCurve: [number, number][] = [];
  const trainCurve: [number, number][] = [];
  for (const line of lines) {
    const entry = JSON.parse(line) as { kind: string; stage?: string; iteration: number; successRate: number };
    if (entry.kind === 'eval' && entry.stage !== 'random' && entry.stage !== 'selected')
      evalCurve.push([entry.iteration, 100 * entry.successRate]);
    if (entry.kind === 'validation') validationCurve.push([entry.iteration, 100 * entry.successRate]);
    if (entry.kind === 'rl-iteration') trainCurve.push([entry.iteration, 100 * entry.successRate]);
  }
  return { evalCurve, validationCurve, trainCurve };
}

async function writeReport(out: string, recipe: Recipe, summary: TrainSummary): Promise<void> {
  const { evalCurve, validationCurve, trainCurve } = await runCurves(out);
  const randomLine: [number, number][] = [...new Set([0, ...evalCurve.map(([x]) => x), ...trainCurve.map(([x]) => x)])].map((x) => [
    x,
    100 * summary.random.successRate,
  ]);
  const curves = [
    { name: `held-out success (${recipe.evalMode})`, points: evalCurve },
    { name: 'validation success', points: validationCurve },
    { name: 'training success (sampled)', points: trainCurve },
    { name: 'random (held-out)', points: randomLine },
  ].filter((curve) => curve.points.length > 0);
  if (curves.length > 0) {
    const png = await renderCurves(curves, {
      title: `${recipe.name}: success by RL iteration (0 = after SFT)`,
      valueTitle: 'success (%)',
      categoryTitle: 'RL iteration',
      max: 100,
    });
    await writeAtomic(join(out, RUN_FILES.curves), png);
  }
  await writeAtomic(join(out, RUN_FILES.page), renderRunPage(recipe, summary, RUN_FILES.curves));
}

class IterationBar {
  private readonly started = performance.now();

  constructor(
    private readonly enabled: boolean,
    private readonly total: number,
  ) {}

  draw(iteration: number, stats: IterationStats, latest: Evaluation | undefined): void {
    if (!this.enabled) return;
    const filled = Math.round((iteration / this.total) * 20);
    const seconds = (performance.now() - this.started) / 1000;
    const eta = formatDuration((seconds / iteration) * (this.total - iteration));
    const held = latest === undefined ? '' : ` held-out ${percent(latest.successRate)}`;
    process.stderr.write(
      `\rrl [${'#'.repeat(filled)}${'.'.repeat(20 - filled)}] ${iteration}/${this.total} reward ${stats.meanReward.toFixed(3)} success ${percent(stats.successRate)}${held} eta ${eta}\x1b[K`,
    );
  }

  finish(): void {
    if (this.enabled) process.stderr.write('\n');
  }
}

function iterationLine(iteration: number, total: number, stats: IterationStats): string {
  const stepsPerSecond = stats.steps / Math.max(1e-9, stats.rolloutMs / 1000);
  return (
    `rl ${iteration}/${total}: reward ${stats.meanReward.toFixed(3)}, success ${percent(stats.successRate)}, turns ${stats.meanTurns.toFixed(1)}, ` +
    `tool calls/solved ${stats.toolCallsPerSolved.toFixed(2)}, loss ${stats.loss.toFixed(4)}, ${stats.steps} steps at ${stepsPerSecond.toFixed(1)}/s, ` +
    `update ${(stats.updateMs / 1000).toFixed(1)} s`
  );
}

async function trimMetrics(file: string, lastIteration: number): Promise<void> {
  if (!existsSync(file)) return;
  const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line.trim() !== '');
  const kept = lines.filter((line) => {
    try {
      const entry = JSON.parse(line) as { kind?: string; stage?: string; iteration?: number };
      const rl = entry.kind === 'rl-iteration' || ((entry.kind === 'eval' || entry.kind === 'validation') && entry.stage === 'rl');
      return !rl || (entry.iteration ?? 0) <= lastIteration;
    } catch {
      return false;
    }
  });
  await writeAtomic(file, kept.map((line) => `${line}\n`).join(''));
}

function percent(value: number): string {
  return `${(100 * value).toFixed(1)}%`;
}
