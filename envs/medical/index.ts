import { registerEnv } from '../../core/registry.js';

registerEnv({
  id: 'medical-v0',
  summary: 'Find and describe small findings in large 16-bit scans (chest radiograph, CT, histology) with zoom and windowing tools.',
  load: async () => (await import('./env.js')).definition,
});
