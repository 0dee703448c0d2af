/** Registers `search-v0`; its module loads only when the env is made. */
import { registerEnv } from '../../core/registry.js';

registerEnv({
  id: 'search-v0',
  summary:
    'Find the striped square hidden in a large seeded image and tell its stripe orientation; only zoom_in shows the stripes (V* style).',
  load: async () => (await import('./env.js')).definition,
});
