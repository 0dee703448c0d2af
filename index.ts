/**
 * thinkgym: seeded environments for agents that think with images, videos and graphs.
 *
 * Importing this module registers the built-in envs lazily (no sharp loads until an env is
 * made) and exposes the core contracts, the agent loop, the trajectory dataset layer and the
 * reward terms. Reusable tools are in `thinkgym/tools` (importing it registers them).
 */
import './envs/index.js';

export * from './agents/index.js';
export * from './core/index.js';
export * from './rewards/index.js';
export * from './trajectories/index.js';
export { renderEpisodesHtml, type WriteViewerOptions, writeViewer } from './trajectories/render-html.js';
