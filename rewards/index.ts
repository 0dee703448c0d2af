/** Reward terms of episodes and group-relative (GRPO) advantages. */
export * from './grpo.js';
export * from './terms.js';
