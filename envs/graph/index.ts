import { registerEnv } from '../../core/registry.js';

registerEnv({
  id: 'graph-v0',
  summary: 'Classify a node, find a path or predict a link in a text-attributed graph explored through look-up tools.',
  load: async () => (await import('./env.js')).definition,
});
