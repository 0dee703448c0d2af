import { createHash } from 'node:crypto';
import type { Content } from './content.js';
import type { Env } from './env.js';
import { stableJson } from './stable-json.js';

/** A task's identity by content: what the model is shown and what counts as right. */
export interface TaskFingerprint {
  /** Hex sha256 of the task's content (see {@link contentFingerprint}). */
  readonly fingerprint: string;
  /** The expected answer the env revealed, or `null` for envs that take no answers. */
  readonly expected: string | null;
}

/**
 * The fingerprint of a task from its content alone: the reset observation's text parts, its
 * images by their sha256 (images are content-addressed, so the hash is of the PNG bytes) and
 * size, and the expected answer. The seed is not part of it, so two seeds that draw the same
 * task have the same fingerprint.
 */
export function contentFingerprint(observation: Content, expected: string | null): string {
  const parts = observation.map((part) =>
    part.type === 'text' ? { text: part.text } : { image: part.image.sha256, width: part.image.width, height: part.image.height },
  );
  return createHash('sha256')
    .update(stableJson({ observation: parts, expected }))
    .digest('hex');
}

/**
 * Generates the task of `seed` and fingerprints it, through the Env API only (no per-env code):
 * `reset`, then, for answering envs, one throwaway answer whose terminal `info.expected` reveals
 * the expected answer. The env is left after a finished episode; reset it before reuse.
 */
export async function fingerprintTask(env: Env, seed: number): Promise<TaskFingerprint> {
  const reset = await env.reset({ seed });
  let expected: string | null = null;
  if (env.spec.answers) {
    const result = await env.step({ type: 'answer', answer: '\u0000fingerprint' });
    expected = result.info.expected ?? null;
  }
  return { fingerprint: contentFingerprint(reset.observation, expected), expected };
}
