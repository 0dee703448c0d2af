/**
 * thinkgym: seeded environments for agents that think with images, videos and graphs.
 *
 * Importing this module registers the built-in envs and tools lazily (no sharp or ffmpeg loads
 * until an env is made) and exposes the core contracts, the agent loop, the trajectory dataset
 * layer and the reward terms.
 */
import './envs/index.js';
import './tools/index.js';

export * from './agents/index.js';
export * from './core/index.js';
export * from './rewards/index.js';
export * from './trajectories/index.js';
export { renderEpisodesHtml } from './trajectories/render-html.js';
