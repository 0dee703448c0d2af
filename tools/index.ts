/**
 * Built-in reusable tools, registered in the default registry so `thinkgym list` shows them and
 * third-party envs can find them by name: one line per tool family. Envs do not need this file;
 * they take tools from the factories directly. Importing it loads sharp (the image tools decode
 * pixels), so the light `thinkgym` entry point leaves it out; `thinkgym list` imports it only when
 * it has no catalogue collected at build time.
 */
import { registry } from '../core/registry.js';
import type { Tool } from '../core/tool.js';
import { graphTools } from './graph/index.js';
import type { AnnotationState } from './image/annotations.js';
import { createAdjustWindowTool, createDrawingTools, createImageTools, createMeasureTool } from './image/index.js';
import type { ImageToolState } from './image/state.js';
import type { WindowedImageState } from './image/window.js';

const builtin: readonly Tool<never, never>[] = [
  ...createImageTools<ImageToolState>({ ocr: true, locate: true }),
  ...createDrawingTools<AnnotationState>(),
  createAdjustWindowTool<WindowedImageState>(),
  createMeasureTool<WindowedImageState>(),
  ...graphTools({ render: true }),
];
for (const tool of builtin) {
  if (!registry.listTools().some((registered) => registered.name === tool.name)) registry.registerTool(tool);
}
