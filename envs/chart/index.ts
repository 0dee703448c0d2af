import { registerEnv } from '../../core/registry.js';

registerEnv({
  id: 'chart-v0',
  summary: 'Answer ChartQA-style questions about bar, line and pie charts with zoom, crop, guide-line and OCR tools.',
  load: async () => (await import('./env.js')).definition,
});
