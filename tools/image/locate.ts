import { text } from '../../core/content.js';
import { type Tool, type ToolResult, toolError } from '../../core/tool.js';
import { describeFrame, formatBox, fromPixelBox } from './frame.js';
import type { SceneElement } from './scene.js';
import type { ImageToolOptions, ImageToolState } from './state.js';

/** Arguments of `locate`. */
export interface LocateArgs {
  readonly name: string;
  readonly series?: string;
  readonly kind?: string;
}

/** Options of {@link createLocateTool}. */
export interface LocateToolOptions extends ImageToolOptions {
  /** Element kinds the model may filter on (an enum in the schema); any string when absent. */
  readonly kinds?: readonly string[];
  /** Most matches listed. Default 8. */
  readonly maxMatches?: number;
}

/** Lower-cases and collapses spaces, for name matching. */
export function normalizeName(value: string): string {
  return value.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** The scene elements a `locate` call matches, in scene order. */
export function findElements(elements: readonly SceneElement[], args: LocateArgs): SceneElement[] {
  const name = normalizeName(args.name);
  const series = args.series === undefined ? undefined : normalizeName(args.series);
  return elements.filter(
    (element) =>
      (normalizeName(element.name) === name || (element.category !== undefined && normalizeName(element.category) === name)) &&
      (series === undefined || (element.series !== undefined && normalizeName(element.series) === series)) &&
      (args.kind === undefined || element.kind === args.kind),
  );
}

/**
 * `locate`: the box of a named element (a bar, point, wedge or label) read from the image's scene
 * graph. PRIVILEGED: it reads ground truth that only synthetic images have, so it is marked
 * `annotations.privileged` for exporters and evaluations to leave out. It gives boxes, never values.
 */
export function createLocateTool<State extends ImageToolState>(options: LocateToolOptions = {}): Tool<State, LocateArgs> {
  const frame = options.frame ?? 'pixel';
  const maxMatches = options.maxMatches ?? 8;
  const kind =
    options.kinds === undefined
      ? { type: 'string', description: 'Only elements of this kind (e.g. bar, point, wedge, tick-label).' }
      : { type: 'string', enum: [...options.kinds], description: 'Only elements of this kind.' };
  return {
    name: 'locate',
    description:
      'Find where a named element is drawn (privileged, synthetic data only): give a category or label text and get the boxes of the ' +
      `matching bars, points, wedges and labels. ${describeFrame(frame)}`,
    parameters: {
      type: 'object',
      properties: {
        name: {
          type: 'string',
          minLength: 1,
          description: 'The category or label text to find, as printed in the image (case-insensitive).',
        },
        series: { type: 'string', description: 'Only marks of this series (as named in the legend), for charts with several series.' },
        kind,
      },
      required: ['name'],
      additionalProperties: false,
    },
    annotations: { privileged: true, readOnly: true },
    async run(args, context): Promise<ToolResult> {
      const state = context.state;
      const scene = state.scene;
      if (scene === undefined)
        return toolError('this image has no scene graph (it is not synthetic), so locate cannot be used; try zoom_in or ocr.');
      const matches = findElements(scene.elements, args);
      if (matches.length === 0) {
        const names = [...new Set(scene.elements.map((element) => element.name).filter((name) => name.trim() !== ''))].slice(0, 30);
        const filter = args.series === undefined ? '' : ` in series "${args.series}"`;
        return toolError(
          `nothing named "${args.name}"${filter} in this image. Names you can use include: ${names.map((name) => `"${name}"`).join(', ')}.`,
        );
      }
      const shown = matches.slice(0, maxMatches).map((element) => ({
        id: element.id,
        kind: element.kind,
        name: element.name,
        ...(element.series === undefined ? {} : { series: element.series }),
        box: fromPixelBox(element.box, state.coordinates, state.image),
      }));
      const lines = shown.map(
        (element) =>
          `- ${element.kind} "${element.name}"${element.series === undefined ? '' : ` (series "${element.series}")`}: ${formatBox(element.box)}`,
      );
      const more = matches.length > shown.length ? `\n(${matches.length - shown.length} more not shown; narrow with series or kind.)` : '';
      return {
        content: [text(`Found ${matches.length} element(s) named "${args.name}":\n${lines.join('\n')}${more}`)],
        data: { matches: shown },
      };
    },
  };
}
