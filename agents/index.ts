/**
 * The agent side of thinkgym: the episode loop, the parser of model output, the prompt builder
 * and its OpenAI rendering, the policies (oracle, random, any OpenAI-compatible server), and the
 * batch runner with its progress bar.
 */
export * from './batch.js';
export * from './episode.js';
export * from './openai-wire.js';
export * from './parse.js';
export * from './policies/openai.js';
export * from './policies/oracle.js';
export * from './policies/random.js';
export { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter, type RetryPolicy, type Sleep, seededJitter } from './policies/retry.js';
export * from './policy.js';
export * from './progress.js';
export * from './prompt.js';
