import { registerEnv } from '../../core/registry.js';

/** Registers sokoban-v0; the env module (and sharp) loads on first use. */
registerEnv({
  id: 'sokoban-v0',
  summary: 'Push boxes onto goals (generated or Boxoban/XSB levels); image and ASCII observations, move tool, A* oracle.',
  load: async () => (await import('./env.js')).definition,
});
