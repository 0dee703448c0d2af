import { GymError } from '../core/errors.js';
import { computeRewards, DEFAULT_REWARD_CONFIG, type EpisodeOutcome, type RewardConfig } from './terms.js';

/** The logged reward terms of an episode (`accuracy`, `format`, `invalidCall`, `toolUse`, `efficiency`, `env`). */
export type RewardTerms = Readonly<Record<string, number>>;

/**
 * A named recipe for the episode total, after a published system's reward code. Every preset sees
 * the same logged terms (see {@link computeRewards}) and the episode outcome, so datasets made
 * with different presets stay comparable term by term; only `totalReward` differs.
 */
export interface RewardPreset {
  /** The name given to `--reward-preset`, e.g. `vilasr`. */
  readonly name: string;
  /** One line: the formula and where it comes from. */
  readonly description: string;
  /** The episode total from the terms (and, where a recipe needs more, the outcome). */
  total(terms: RewardTerms, outcome: EpisodeOutcome): number;
}

/** The weighted sum of the terms with the default weights (what runs without a preset get). */
export const WEIGHTED_PRESET: RewardPreset = {
  name: 'weighted',
  description: 'Σ weight × term with the default weights (accuracy 1, format 0.1, invalidCall 0.1, toolUse 0.2, efficiency 0.1).',
  total: (terms) => weightedTotal(terms, DEFAULT_REWARD_CONFIG),
};

/**
 * ViLaSR (drawing to reason in space): `0.5·acc + 0.5·format` when the answer scores above zero,
 * else `acc`. The format reward is paid only on a correct (or partly correct, for numeric answers)
 * episode, so a well-formed wrong answer earns nothing.
 */
export const VILASR_PRESET: RewardPreset = {
  name: 'vilasr',
  description: 'ViLaSR: 0.5·accuracy + 0.5·format when accuracy > 0, else accuracy (format gated on correctness).',
  total: (terms) => {
    const accuracy = terms.accuracy ?? 0;
    return accuracy > 0 ? round(0.5 * accuracy + 0.5 * (terms.format ?? 0)) : accuracy;
  },
};

/**
 * Ophiuchus (medical zoom-in agent): `answer + format + 2.0·[answer correct ∧ a tool ran]`. The tool
 * bonus is paid only when the episode succeeded and at least one tool call was made.
 */
export const OPHIUCHUS_PRESET: RewardPreset = {
  name: 'ophiuchus',
  description: 'Ophiuchus: accuracy + format + 2.0·[answer correct ∧ a tool ran].',
  total: (terms, outcome) => round((terms.accuracy ?? 0) + (terms.format ?? 0) + (outcome.success && outcome.toolCalls > 0 ? 2 : 0)),
};

/**
 * DeepEyes-style gated form (as in ViTAR's copy): `0.8·acc + 0.2·format + 1.2·[a tool image was
 * returned ∧ acc > 0.5]`. The bonus needs a tool result with an image (`outcome.toolImages`), not
 * just a call; text-only tools such as `measure` do not earn it.
 */
export const DEEPEYES_PRESET: RewardPreset = {
  name: 'deepeyes',
  description: 'DeepEyes-style: 0.8·accuracy + 0.2·format + 1.2·[a tool returned an image ∧ accuracy > 0.5].',
  total: (terms, outcome) => {
    const accuracy = terms.accuracy ?? 0;
    const bonus = (outcome.toolImages ?? 0) > 0 && accuracy > 0.5 ? 1.2 : 0;
    return round(0.8 * accuracy + 0.2 * (terms.format ?? 0) + bonus);
  },
};

/**
 * FrameThinker (`think_with_video_reward`, v11). 0 on a structural failure: an invalid action (in
 * video-v0 a repeated span and a span of 8 frames or fewer are refused as tool errors, so they are
 * invalid actions) or an episode that does not end with an answer. Otherwise accuracy, plus 0.5
 * when a time query (`get_frame`) was made and the question names a time, plus 0.02 when
 * `choose_frames` was called; both bonuses only on a correct answer. The env facts come from the
 * final `info.extra` (`timeQueries`, `namesTime`, `chooseFrames`).
 */
export const FRAMETHINKER_PRESET: RewardPreset = {
  name: 'framethinker',
  description:
    'FrameThinker: 0 on a structural fault (invalid action, repeated or ≤ 8-frame span, no answer); else accuracy + 0.5·[time query ∧ question names a time] + 0.02·[choose_frames used], bonuses only when correct.',
  total: (terms, outcome) => {
    if (outcome.invalidReasons.length > 0 || outcome.answered === false) return 0;
    const accuracy = terms.accuracy ?? 0;
    if (!outcome.success) return accuracy;
    const facts = outcome.envFacts ?? {};
    const time = Number(facts.timeQueries ?? 0) > 0 && facts.namesTime === true ? 0.5 : 0;
    const choose = Number(facts.chooseFrames ?? 0) > 0 ? 0.02 : 0;
    return round(accuracy + time + choose);
  },
};

/** Settings of {@link agentglEfficiencyPreset}. */
export interface EfficiencyPresetOptions {
  /** The number of tool calls paid in full (default 2). */
  readonly idealCalls?: number;
  /** Width σ of the Gaussian, in tool calls (default 1). */
  readonly sigma?: number;
  /** Weight of the efficiency bonus next to accuracy (default 0.5). */
  readonly weight?: number;
}

/**
 * AgentGL-style quality-gated efficiency: `accuracy + weight·[success]·exp(−(calls − ideal)² / 2σ²)`.
 * The bonus is a Gaussian around an ideal number of tool calls and is paid only when the task
 * succeeded, so calling fewer or more tools than needed earns less, and a wrong answer earns
 * nothing for its calls.
 */
export function agentglEfficiencyPreset(options: EfficiencyPresetOptions = {}): RewardPreset {
  const ideal = options.idealCalls ?? 2;
  const sigma = options.sigma ?? 1;
  const weight = options.weight ?? 0.5;
  if (!(sigma > 0)) throw new GymError('bad-reward-preset', `agentgl-efficiency needs sigma > 0 (got ${sigma}).`);
  return {
    name: 'agentgl-efficiency',
    description: `AgentGL efficiency: accuracy + ${weight}·[success]·exp(−(tool calls − ${ideal})² / (2·${sigma}²)).`,
    total: (terms, outcome) => {
      const bonus = outcome.success ? callsGaussian(outcome.toolCalls, ideal, sigma) : 0;
      return round((terms.accuracy ?? 0) + weight * bonus);
    },
  };
}

/** {@link agentglEfficiencyPreset} with its defaults (ideal 2 calls, σ 1, weight 0.5). */
export const AGENTGL_EFFICIENCY_PRESET: RewardPreset = agentglEfficiencyPreset();

/** Settings of {@link toolBonusPreset}. */
export interface ToolBonusPresetOptions {
  /** Bonus per tool call (default 0.1). */
  readonly weight?: number;
  /** Pay the per-call bonus only when the task succeeded (default true). */
  readonly gated?: boolean;
  /** Weight of the quality-gated efficiency term of {@link agentglEfficiencyPreset} added on top (default 0: none). */
  readonly efficiency?: number;
  /** Ideal number of tool calls of the efficiency term (default 1). */
  readonly idealCalls?: number;
  /** σ of the efficiency term, in tool calls (default 1). */
  readonly sigma?: number;
}

/**
 * A per-call tool bonus, the knob of the gate ablation: `accuracy + weight·calls·[success]`, or
 * with `gated: false` `accuracy + weight·calls` (every call paid, right answer or not: the
 * reward-hacking shape the gated papers warn against). `efficiency > 0` adds the quality-gated
 * Gaussian `efficiency·[success]·exp(−(calls − ideal)² / 2σ²)`, so a gated run also learns to
 * stop calling once the answer is in reach.
 */
export function toolBonusPreset(options: ToolBonusPresetOptions = {}): RewardPreset {
  const weight = options.weight ?? 0.1;
  const gated = options.gated ?? true;
  const efficiency = options.efficiency ?? 0;
  const ideal = options.idealCalls ?? 1;
  const sigma = options.sigma ?? 1;
  if (!(sigma > 0)) throw new GymError('bad-reward-preset', `tool-bonus needs sigma > 0 (got ${sigma}).`);
  const bonus = `${weight}·calls${gated ? '·[success]' : ''}`;
  const extra = efficiency > 0 ? ` + ${efficiency}·[success]·exp(−(calls − ${ideal})² / (2·${sigma}²))` : '';
  return {
    name: 'tool-bonus',
    description: `Per-call tool bonus (${gated ? 'gated on success' : 'ungated'}): accuracy + ${bonus}${extra}.`,
    total: (terms, outcome) => {
      const paid = gated && !outcome.success ? 0 : weight * outcome.toolCalls;
      const shaped = outcome.success && efficiency > 0 ? efficiency * callsGaussian(outcome.toolCalls, ideal, sigma) : 0;
      return round((terms.accuracy ?? 0) + paid + shaped);
    },
  };
}

/** Every preset, by name. Add a published recipe here as one entry. */
export const REWARD_PRESETS: ReadonlyMap<string, RewardPreset> = new Map(
  [
    WEIGHTED_PRESET,
    VILASR_PRESET,
    OPHIUCHUS_PRESET,
    DEEPEYES_PRESET,
    FRAMETHINKER_PRESET,
    AGENTGL_EFFICIENCY_PRESET,
    toolBonusPreset(),
  ].map((preset) => [preset.name, preset]),
);

/** Presets that take options, by name: each builds the preset from a JSON object (`--reward-options`, a recipe's `reward.options`). */
export const REWARD_PRESET_FACTORIES: ReadonlyMap<string, (options: Readonly<Record<string, unknown>>) => RewardPreset> = new Map<
  string,
  (options: Readonly<Record<string, unknown>>) => RewardPreset
>([
  ['agentgl-efficiency', (options) => agentglEfficiencyPreset(options as EfficiencyPresetOptions)],
  ['tool-bonus', (options) => toolBonusPreset(options as ToolBonusPresetOptions)],
]);

/**
 * The preset called `name`, or a {@link GymError} listing the known ones. With `options`, a
 * preset of {@link REWARD_PRESET_FACTORIES} is built with them; options given to a preset that
 * takes none are refused.
 */
export function rewardPreset(name: string, options?: Readonly<Record<string, unknown>>): RewardPreset {
  if (options !== undefined && Object.keys(options).length > 0) {
    const factory = REWARD_PRESET_FACTORIES.get(name);
    if (factory === undefined) {
      throw new GymError(
        'bad-reward-preset',
        `Reward preset "${name}" takes no options; presets with options: ${[...REWARD_PRESET_FACTORIES.keys()].join(', ')}.`,
      );
    }
    return factory(options);
  }
  const preset = REWARD_PRESETS.get(name);
  if (preset === undefined) {
    throw new GymError(
      'unknown-reward-preset',
      `Unknown reward preset "${name}"; choose one of ${[...REWARD_PRESETS.keys()].join(', ')}.`,
      {
        data: { name },
      },
    );
  }
  return preset;
}

/**
 * The reward terms of an episode and its total under a preset: the terms are the usual ones (so
 * they are logged the same way), the total is the preset's.
 */
export function computePresetRewards(
  outcome: EpisodeOutcome,
  preset: RewardPreset | string,
): { terms: Record<string, number>; total: number } {
  const chosen = typeof preset === 'string' ? rewardPreset(preset) : preset;
  const { terms } = computeRewards(outcome);
  return { terms, total: round(chosen.total(terms, outcome)) };
}

/** exp(−(calls − ideal)² / 2σ²): 1 at the ideal number of tool calls, falling off either side. */
function callsGaussian(calls: number, ideal: number, sigma: number): number {
  return Math.exp(-((calls - ideal) ** 2) / (2 * sigma * sigma));
}

function weightedTotal(terms: RewardTerms, config: RewardConfig): number {
  let total = 0;
  for (const [name, value] of Object.entries(terms)) total += (config[name as keyof RewardConfig] ?? 0) * value;
  return round(total);
}

function round(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}
