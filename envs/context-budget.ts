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
  /** Longest side, in pixels, of an image in an observation (0 when there are none). */
  readonly imageSide: number;
  /** Most images in one observation. */
  readonly imagesPerObservation: number;
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

/** Estimated tokens of the largest observation the bounds allow. */
export function observationTokens(bounds: ContextBounds): number {
  return textTokens(bounds.observationCharacters) + bounds.imagesPerObservation * imageTokens(bounds.imageSide, bounds.imageSide);
}

/** Estimated tokens of every observation of the longest episode: the reset and one per turn. */
export function worstEpisodeTokens(bounds: ContextBounds): number {
  return (bounds.turns + 1) * observationTokens(bounds);
}

/** The sentence an env's Options section gives its bounds in. */
export function describeBounds(bounds: ContextBounds): string {
  const image =
    bounds.imagesPerObservation === 0
      ? 'no image'
      : `${bounds.imagesPerObservation === 1 ? 'one image' : `at most ${bounds.imagesPerObservation} images`} of at most ${bounds.imageSide} px a side`;
  return (
    `Context bounds (at the largest options): each observation holds at most ${bounds.observationCharacters} characters of text and ${image}; ` +
    `the turn limit is ${bounds.turns}. At 3 characters per token and one image token per 28x28 px, the longest episode's observations ` +
    `come to at most ${worstEpisodeTokens(bounds)} tokens, which leaves ${CONTEXT_TOKENS - worstEpisodeTokens(bounds)} of a ` +
    `${CONTEXT_TOKENS}-token context (a 7B VLM such as Qwen2.5-VL-7B) for the system prompt, the tools and the model's turns.`
  );
}
