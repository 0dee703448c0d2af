import { type Content, text } from '../core/content.js';
import type { Action, Env, ResetOptions, ResetResult, StepResult } from '../core/env.js';
import { QWEN2_VL, type VisualTokenModel, visualLoad } from '../rewards/visual-tokens.js';

/** Caps on the images of an episode's context; `null` or absent: no cap. */
export interface ImageBudget {
  readonly model?: VisualTokenModel;
  readonly maxImagesPerTurn?: number | null;
  readonly maxImagesPerEpisode?: number | null;
  readonly maxVisualTokensPerEpisode?: number | null;
}

/** What a step's `info.extra.imageBudget` records when a cap withheld images. */
export interface ImageBudgetHit {
  /** Images of this observation that were not shown. */
  readonly withheld: number;
  /** Which cap: `images-per-turn`, `images-per-episode` or `visual-tokens-per-episode`. */
  readonly cap: 'images-per-turn' | 'images-per-episode' | 'visual-tokens-per-episode';
  /** Images and visual tokens in context after this step. */
  readonly images: number;
  readonly visualTokens: number;
}

/**
 * Wraps an env so that its observations respect an image budget. An image that would pass a cap
 * is replaced, where it stood, by a text telling the model which cap was reached and that the
 * image was withheld; the step's `info.extra.imageBudget` records it, so nothing is cut silently.
 * The task's own images always count (a task that alone passes a cap is shown whole and recorded).
 * Put it inside the guard: `new GuardedEnv(new ImageBudgetEnv(inner, budget))`.
 */
export class ImageBudgetEnv implements Env {
  private images = 0;
  private tokens = 0;

  constructor(
    private readonly inner: Env,
    private readonly budget: ImageBudget,
  ) {}

  get spec(): Env['spec'] {
    return this.inner.spec;
  }

  get tools(): Env['tools'] {
    return this.inner.tools;
  }

  async reset(options: ResetOptions): Promise<ResetResult> {
    const result = await this.inner.reset(options);
    const load = visualLoad(result.observation, this.model);
    this.images = load.images;
    this.tokens = load.visualTokens;
    return result;
  }

  async step(action: Action): Promise<StepResult> {
    const result = await this.inner.step(action);
    const { content, hit } = this.admit(result.observation);
    if (hit === undefined) return result;
    return { ...result, observation: content, info: { ...result.info, extra: { ...(result.info.extra ?? {}), imageBudget: hit } } };
  }

  oracle(): ReturnType<NonNullable<Env['oracle']>> {
    if (this.inner.oracle === undefined) throw new Error(`${this.spec.id} has no oracle.`);
    return this.inner.oracle();
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }

  private get model(): VisualTokenModel {
    return this.budget.model ?? QWEN2_VL;
  }

  /** The observation with the images that fit, and what was withheld. */
  private admit(observation: Content): { content: Content; hit?: ImageBudgetHit } {
    const content: Content[number][] = [];
    let inTurn = 0;
    let withheld = 0;
    let cap: ImageBudgetHit['cap'] | undefined;
    for (const part of observation) {
      if (part.type !== 'image') {
        content.push(part);
        continue;
      }
      const tokens = visualLoad([part], this.model).visualTokens;
      const reached = this.reachedCap(inTurn, tokens);
      if (reached !== undefined) {
        withheld += 1;
        cap ??= reached;
        content.push(text(`[image withheld: ${this.describeCap(reached)} is reached; work with the images you have or answer]`));
        continue;
      }
      inTurn += 1;
      this.images += 1;
      this.tokens += tokens;
      content.push(part);
    }
    if (cap === undefined) return { content: observation };
    return { content, hit: { withheld, cap, images: this.images, visualTokens: this.tokens } };
  }

  private describeCap(cap: ImageBudgetHit['cap']): string {
    switch (cap) {
      case 'images-per-turn':
        return `the limit of ${this.budget.maxImagesPerTurn} image(s) per turn`;
      case 'images-per-episode':
        return `the limit of ${this.budget.maxImagesPerEpisode} image(s) in this episode`;
      case 'visual-tokens-per-episode':
        return `the limit of ${this.budget.maxVisualTokensPerEpisode} visual tokens in this episode`;
    }
  }

  private reachedCap(inTurn: number, tokens: number): ImageBudgetHit['cap'] | undefined {
    const { maxImagesPerTurn, maxImagesPerEpisode, maxVisualTokensPerEpisode } = this.budget;
    if (maxImagesPerTurn != null && inTurn + 1 > maxImagesPerTurn) return 'images-per-turn';
    if (maxImagesPerEpisode != null && this.images + 1 > maxImagesPerEpisode) return 'images-per-episode';
    if (maxVisualTokensPerEpisode != null && this.tokens + tokens > maxVisualTokensPerEpisode) return 'visual-tokens-per-episode';
    return undefined;
  }
}
