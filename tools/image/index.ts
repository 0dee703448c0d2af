/**
 * Image tools any env whose state holds an image can list ({@link ImageToolState}): `zoom_in`,
 * `crop`, `draw_horizontal_line`, `draw_vertical_line`, `ocr` and the privileged `locate`.
 * Coordinates are in the original image's frame, absolute pixels or Qwen2-VL's 0..1000
 * ({@link CoordinateFrame}). `tools/index.ts` registers the pixel-frame versions in the default tool
 * registry.
 */
import type { Tool } from '../../core/tool.js';
import type { AnnotationState } from './annotations.js';
import { createClearDrawingsTool } from './clear-drawings.js';
import { createCropTool } from './crop.js';
import { createDrawBoxTool } from './draw-box.js';
import { createHorizontalLineTool, createVerticalLineTool } from './draw-line.js';
import { createDrawLineShapeTool } from './draw-line-shape.js';
import { createDrawShapesTool } from './draw-shapes.js';
import { createLocateTool } from './locate.js';
import { createOcrTool, type OcrEngine } from './ocr.js';
import type { ImageToolOptions, ImageToolState } from './state.js';
import { createZoomInTool } from './zoom-in.js';

export * from './adjust-window.js';
export * from './annotations.js';
export * from './clear-drawings.js';
export * from './crop.js';
export * from './decode-cache.js';
export * from './draw-box.js';
export * from './draw-line.js';
export * from './draw-line-shape.js';
export * from './draw-path.js';
export * from './draw-shapes.js';
export * from './frame.js';
export * from './locate.js';
export * from './measure.js';
export * from './ocr.js';
export * from './pixels.js';
export * from './resample.js';
export * from './samples.js';
export * from './scene.js';
export * from './state.js';
export * from './window.js';
export * from './zoom-in.js';

/** Which image tools {@link createImageTools} makes. */
export interface ImageToolsetOptions extends ImageToolOptions {
  /** Include `ocr` (default true). */
  readonly ocr?: boolean;
  /** The OCR engine; the shared tesseract engine by default. */
  readonly ocrEngine?: OcrEngine;
  /** Include the privileged `locate` (default false); it needs states with a scene graph. */
  readonly locate?: boolean;
  /** Element kinds `locate` may filter on. */
  readonly locateKinds?: readonly string[];
}

/** The image tools in one frame, in the order models see them. */
export function createImageTools<State extends ImageToolState>(options: ImageToolsetOptions = {}): Tool<State, never>[] {
  const tools: Tool<State, never>[] = [
    createZoomInTool<State>(options) as Tool<State, never>,
    createCropTool<State>(options) as Tool<State, never>,
    createHorizontalLineTool<State>(options) as Tool<State, never>,
    createVerticalLineTool<State>(options) as Tool<State, never>,
  ];
  if (options.ocr !== false) {
    tools.push(
      createOcrTool<State>(options.ocrEngine === undefined ? options : { ...options, engine: options.ocrEngine }) as Tool<State, never>,
    );
  }
  if (options.locate === true) {
    tools.push(
      createLocateTool<State>(options.locateKinds === undefined ? options : { ...options, kinds: options.locateKinds }) as Tool<
        State,
        never
      >,
    );
  }
  return tools;
}

/** The drawing tools over the annotation layer, in the order models see them: `draw_box`, `draw_line`, `draw_shapes`, `clear_drawings`. */
export function createDrawingTools<State extends AnnotationState>(options: ImageToolOptions = {}): Tool<State, never>[] {
  return [
    createDrawBoxTool<State>(options) as Tool<State, never>,
    createDrawLineShapeTool<State>(options) as Tool<State, never>,
    createDrawShapesTool<State>(options) as Tool<State, never>,
    createClearDrawingsTool<State>() as Tool<State, never>,
  ];
}
