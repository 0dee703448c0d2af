import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { renderOracleStep } from '../agents/policies/oracle.js';
import type { ModelOutput, Policy, PolicyContext } from '../agents/policy.js';
import { Random } from '../core/random.js';
import { candidateAction } from './action-space.js';
import { type BackendChoice, selectBackend, type TensorFlow } from './backend.js';
import { type CheckpointMeta, loadCheckpoint } from './checkpoint.js';
import { logitsOf, type StepFeatures } from './model.js';
import { firstImage, ObservationEncoder } from './observe.js';

/** How the policy picks among candidates: the most likely, a draw from its distribution, or uniformly (the random baseline). */
export type SelectionMode = 'greedy' | 'sample' | 'uniform';

/** One turn as the trainer needs it: the inputs, the chosen candidate and its log-probability under the acting model. */
export interface ActedStep {
  readonly features: StepFeatures;
  readonly action: number;
  readonly logProb: number;
}

/** Options of {@link TfjsPolicy}. */
export interface TfjsPolicyOptions {
  readonly mode?: SelectionMode;
  /** Mixed into each episode's random stream, so rollouts of one seed differ. */
  readonly salt?: string | number;
  /** Told about every turn (the RL loop keeps them for the update). */
  readonly onStep?: (step: ActedStep) => void;
  /** Recorded name (default `tfjs:<mode>`). */
  readonly name?: string;
}

/**
 * A trained checkpoint as a policy. Each turn it encodes the observation (task image and latest
 * image, downscaled), runs the network, picks a candidate call, and writes it the way the oracle
 * writes its steps (`<think>…</think>` then a `<tool_call>` block or `<answer>`), so its turns go
 * through the same parser as any model's and datasets it writes look like any other.
 */
export class TfjsPolicy implements Policy {
  readonly name: string;
  private readonly encoder: ObservationEncoder;
  private readonly mode: SelectionMode;
  private random = new Random('tfjs');
  private previous = -1;

  constructor(
    readonly tf: TensorFlow,
    readonly network: LayersModel,
    readonly meta: CheckpointMeta,
    private readonly options: TfjsPolicyOptions = {},
  ) {
    this.mode = options.mode ?? 'greedy';
    this.name = options.name ?? `tfjs:${this.mode}`;
    this.encoder = new ObservationEncoder(meta.model.imageSize);
  }

  /** Loads `<dir>/model.json` (a checkpoint written by `thinkgym train`) on the backend chain's first working backend. */
  static async load(dir: string, options: TfjsPolicyOptions & { backend?: BackendChoice } = {}): Promise<TfjsPolicy> {
    const { tf } = await selectBackend(options.backend ?? 'auto');
    const { model, meta } = await loadCheckpoint(tf, dir);
    return new TfjsPolicy(tf, model, meta, { name: `tfjs:${dir}`, ...options });
  }

  async begin(context: PolicyContext): Promise<void> {
    this.previous = -1;
    this.random = new Random(`tfjs:${context.seed}:${this.options.salt ?? ''}`);
  }

  async act(context: PolicyContext): Promise<ModelOutput> {
    const turn = context.turns.length;
    const features = await this.encoder.features(
      context.task,
      context.turns.map((entry) => entry.observation),
      turn,
      this.previous,
      context.images,
      this.meta.model.channels,
    );
    const probabilities = this.probabilities(features);
    const index = this.choose(probabilities);
    const probability = probabilities[index] ?? 0;
    this.options.onStep?.({ features, action: index, logProb: Math.log(Math.max(probability, 1e-12)) });
    this.previous = index;
    const space = this.meta.actionSpace;
    const image = firstImage(context.task);
    const action = candidateAction(space, index, image);
    const label = space.candidates[index]?.label ?? String(index);
    return renderOracleStep({ thought: `${label} (p=${probability.toFixed(3)})`, action }, context.format, turn + 1);
  }

  /** The action distribution of one step. */
  probabilities(features: StepFeatures): Float32Array {
    const logits = logitsOf(this.tf, this.network, this.meta.model, [features], this.meta.maxTurns);
    const soft = this.tf.softmax(logits as Tensor) as Tensor;
    const values = soft.dataSync() as Float32Array;
    logits.dispose();
    soft.dispose();
    return values;
  }

  private choose(probabilities: Float32Array): number {
    const count = probabilities.length;
    if (this.mode === 'uniform') return this.random.int(0, count - 1);
    if (this.mode === 'greedy') {
      let best = 0;
      for (let index = 1; index < count; index += 1) if ((probabilities[index] ?? 0) > (probabilities[best] ?? 0)) best = index;
      return best;
    }
    let draw = this.random.float();
    for (let index = 0; index < count; index += 1) {
      draw -= probabilities[index] ?? 0;
      if (draw < 0) return index;
    }
    return count - 1;
  }
}

/**
 * A factory of policies acting with the checkpoint in `dir`, for batch runners that make one
 * policy per worker synchronously (`thinkgym generate --policy tfjs:<dir>`). The checkpoint is
 * loaded once, on the first episode, and shared by every policy the factory makes.
 */
export function tfjsPolicyFactory(dir: string, options: TfjsPolicyOptions & { backend?: BackendChoice } = {}): () => Policy {
  let loading: Promise<TfjsPolicy> | undefined;
  let made = 0;
  return () => {
    made += 1;
    const salt = made;
    let policy: TfjsPolicy | undefined;
    return {
      name: `tfjs:${dir}`,
      async begin(context: PolicyContext): Promise<void> {
        loading ??= TfjsPolicy.load(dir, options);
        const shared = await loading;
        policy ??= new TfjsPolicy(shared.tf, shared.network, shared.meta, { ...options, salt, name: `tfjs:${dir}` });
        await policy.begin(context);
      },
      async act(context: PolicyContext): Promise<ModelOutput> {
        if (policy === undefined) throw new Error('the tfjs policy acted before begin()');
        return policy.act(context);
      },
    };
  };
}
