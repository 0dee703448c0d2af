import { registerEnv } from '../../core/registry.js';

registerEnv({
  id: 'drawing-v0',
  summary:
    'Spatial questions on seeded top-down scenes, answered by drawing labelled boxes and lines (ViLaSR style); spatial-benchmark JSONL loader.',
  load: async () => (await import('./env.js')).definition,
});
