import { image, text } from '../../core/content.js';
import type { Tool, ToolResult } from '../../core/tool.js';
import { type AnnotationState, clearAnnotations } from './annotations.js';

/** `clear_drawings`: removes every box and line and returns the image without them. */
export function createClearDrawingsTool<State extends AnnotationState>(): Tool<State, Record<string, never>> {
  return {
    name: 'clear_drawings',
    description: 'Remove every box and line drawn so far; returns the image as it was before the first drawing.',
    parameters: { type: 'object', properties: {}, additionalProperties: false },
    async run(_args, context): Promise<ToolResult> {
      const removed = clearAnnotations(context.state);
      return {
        content: [text(`Removed ${removed} shape${removed === 1 ? '' : 's'}; the image has no drawings.`), image(context.state.current)],
        data: { removed, image: context.state.current },
      };
    },
  };
}
