/** Registers `maze-v0`; its module (and sharp) loads only when the env is made. */
import { registerEnv } from '../../core/registry.js';

registerEnv({
  id: 'maze-v0',
  summary: 'Reach the goal of a seeded grid maze with move, planning with draw_path (image and ASCII views).',
  load: async () => (await import('./env.js')).definition,
});
