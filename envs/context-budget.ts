/**
 * What a model can take in one episode, and how each env's bounds are checked against it.
 *
 * The reference model is a 7B vision-language model with a 32k-token context (Qwen2.5-VL-7B).
 * Its image tokens are one per 28x28 pixels; text is estimated at 3 characters per token (grids
 * and ids tokenise worse than prose, so this errs high for prose and about right for them). An
 * env's bounds hold for every episode, whatever the policy: no observation is longer or shows a
 * larger image, and the turn limit stops the episode, so the observations of the longest episode
 * fit in the context with {@link RESERVED_TOKENS} left for the system prompt, the tool schemas and
 * the model's own turns.
 */

/** The context of the reference model, in tokens. */
export const CONTEXT_TOKENS = 32_768;
/** Tokens kept for the system prompt, the tool schemas and the model's turns. */
export const RESERVED_TOKENS = 4_096;
/** Characters of observation text per token, as estimated. */
export const CHARACTERS_PER_TOKEN = 3;
/** Pixels per image token along each side (Qwen2-VL merges 2x2 patches of 14 pixels). */
export const PIXELS_PER_IMAGE_TOKEN = 28;

/** An env's bounds on what its observations hold. */
export interface ContextBounds {
  /** Most characters of text in one observation. */
  readonly observationCharacters: number;
  /** The largest image an observation shows (one at most), and the most text beside it; absent when none has an image. */
  readonly image?: {
    readonly width: number;
    readonly height: number;
    /** Most characters of text in an observation that holds an image. */
    readonly characters: number;
  };
  /** The turn limit at the largest allowed options. */
  readonly turns: number;
}

/** Estimated tokens of an image of `width` x `height` pixels. */
export function imageTokens(width: number, height: number): number {
  return Math.ceil(width / PIXELS_PER_IMAGE_TOKEN) * Math.ceil(height / PIXELS_PER_IMAGE_TOKEN);
}

/** Estimated tokens of `characters` of text. */
export function textTokens(characters: number): number {
  return Math.ceil(characters / CHARACTERS_PER_TOKEN);
}

/** Estimated tokens of the largest observation the bounds allow: the longest text, or the largest image with its text. */
export function observationTokens(bounds: ContextBounds): number {
  const text = textTokens(bounds.observationCharacters);
  if (bounds.image === undefined) return text;
  return Math.max(text, textTokens(bounds.image.characters) + imageTokens(bounds.image.width, bounds.image.height));
}

/** Estimated tokens of every observation of the longest episode: the reset and one per turn. */
export function worstEpisodeTokens(bounds: ContextBounds): number {
  return (bounds.turns + 1) * observationTokens(bounds);
}

/** Whether the longest episode's observations leave {@link RESERVED_TOKENS} of the context free. */
export function fitsContext(bounds: ContextBounds): boolean {
  return worstEpisodeTokens(bounds) <= CONTEXT_TOKENS - RESERVED_TOKENS;
}

/** The sentence an env's Options section gives its bounds in. */
export function describeBounds(bounds: ContextBounds): string {
  const image =
    bounds.image === undefined
      ? 'no image'
      : `at most one image, of at most ${bounds.image.width}x${bounds.image.height} px (with at most ${bounds.image.characters} characters beside it)`;
  const worst = worstEpisodeTokens(bounds);
  return (
    `Context bounds (at the largest options): each observation holds at most ${bounds.observationCharacters} characters of text and ${image}; ` +
    `the turn limit is ${bounds.turns}. At 3 characters per token and one image token per 28x28 px, the longest episode's observations ` +
    `come to at most ${worst} tokens, which leaves ${CONTEXT_TOKENS - worst} of a ${CONTEXT_TOKENS}-token context (a 7B VLM such as ` +
    "Qwen2.5-VL-7B) for the system prompt, the tools and the model's turns."
  );
}
