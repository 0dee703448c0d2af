/** Registers `video-v0`; its module (sharp, ffmpeg lookup) loads only when the env is made. */
import { registerEnv } from '../../core/registry.js';

registerEnv({
  id: 'video-v0',
  summary: 'Questions about events in long generated (or real) videos, answered by choosing frames to look at (FrameThinker style).',
  load: async () => (await import('./env.js')).definition,
});
