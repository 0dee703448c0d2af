import type { Action, AnswerAction, ToolCallAction } from '../core/env.js';
import type { JsonSchema } from '../core/schema.js';
import type { ToolSpec } from '../core/tool.js';

/** A box as fractions of the image (0..1), left/top/right/bottom. */
export interface FractionBox {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

/** One discrete action the policy can choose: a tool call with fixed arguments (and maybe a box), or an answer. */
export interface Candidate {
  /** `answer` for final answers, else the tool's name. */
  readonly tool: string;
  /** Arguments other than the box, fixed (scalars from enums, ranges, booleans, defaults). */
  readonly fixed: Readonly<Record<string, unknown>>;
  /** The box arguments (`x1, y1, x2, y2`) as fractions of the image, resolved per image at act time. */
  readonly box?: FractionBox;
  /** The answer text, for `answer` candidates. */
  readonly answer?: string;
  /** Short readable name, e.g. `move(direction=up,steps=3)`. */
  readonly label: string;
}

/** A tool left out of the action space, and why. */
export interface Exclusion {
  readonly tool: string;
  readonly reason: string;
}

/** The discrete action space of an env: candidates in a fixed order, plus what was left out. */
export interface ActionSpace {
  readonly candidates: readonly Candidate[];
  readonly excluded: readonly Exclusion[];
  /** Arguments whose range was cut to fit (e.g. `move.steps: 1..100 kept 1..16`). */
  readonly notes: readonly string[];
  /** Box frame per tool: `1000` for a 0..1000 frame, `pixel` for the image's pixels. */
  readonly frames: Readonly<Record<string, number | 'pixel'>>;
}

/** Options of {@link deriveActionSpace}. */
export interface ActionSpaceOptions {
  /** The env's finite answer set (yes/no, class names, letters); without it `answer` is left out unless its schema has an enum. */
  readonly answers?: readonly string[];
  /** Most values an integer range keeps (from its minimum up); default 16. */
  readonly maxIntegerValues?: number;
  /** Box grids: each n gives n × n regions (1 is the whole image); default [1, 2, 3]. */
  readonly boxScales?: readonly number[];
  /** Most candidates one tool may give before it is left out; default 512. */
  readonly maxPerTool?: number;
  /** Tools to leave out by name (reported as excluded). */
  readonly exclude?: readonly string[];
}

const BOX_KEYS = ['x1', 'y1', 'x2', 'y2'] as const;

/**
 * The candidate calls of a set of tools, derived from their JSON schemas alone (no per-env code):
 * enums, booleans and small integer ranges become categories (large ranges keep their first
 * `maxIntegerValues` values), optional arguments that cannot be enumerated keep their default or
 * are left unset, a box `x1, y1, x2, y2` becomes a grid of regions at a few scales, and `answer`
 * takes the env's finite answer set. A tool with a required argument that cannot be discretized
 * (free text, an unbounded number without a default) is left out and listed in `excluded`.
 */
export function deriveActionSpace(tools: readonly ToolSpec[], options: ActionSpaceOptions = {}): ActionSpace {
  const candidates: Candidate[] = [];
  const excluded: Exclusion[] = [];
  const notes: string[] = [];
  const frames: Record<string, number | 'pixel'> = {};
  const maxPerTool = options.maxPerTool ?? 512;
  for (const tool of tools) {
    if (options.exclude?.includes(tool.name) === true) {
      excluded.push({ tool: tool.name, reason: 'excluded by the recipe' });
      continue;
    }
    const properties = asRecord(tool.parameters.properties);
    const required = new Set(Array.isArray(tool.parameters.required) ? (tool.parameters.required as string[]) : []);
    if (tool.name === 'answer') {
      const schemaEnum = asRecord(properties.answer).enum;
      const answers = options.answers ?? (Array.isArray(schemaEnum) ? schemaEnum.map(String) : undefined);
      if (answers === undefined || answers.length === 0) {
        excluded.push({ tool: 'answer', reason: 'no finite answer set (give `answers` in the recipe)' });
        continue;
      }
      for (const answer of answers) candidates.push({ tool: 'answer', fixed: {}, answer, label: `answer(${answer})` });
      continue;
    }
    const hasBox = BOX_KEYS.every((key) => key in properties);
    const axes: { name: string; values: unknown[] }[] = [];
    let problem: string | undefined;
    for (const [name, raw] of Object.entries(properties)) {
      if (hasBox && (BOX_KEYS as readonly string[]).includes(name)) continue;
      const schema = asRecord(raw);
      const values = discreteValues(schema, options.maxIntegerValues ?? 16);
      if (values.kind === 'values') {
        if (values.note !== undefined) notes.push(`${tool.name}.${name}: ${values.note}`);
        axes.push({ name, values: values.values });
      } else if ('default' in schema) {
        axes.push({ name, values: [schema.default] });
      } else if (required.has(name)) {
        problem = `required argument \`${name}\` (${describeSchema(schema)}) cannot be discretized`;
        break;
      }
    }
    if (problem !== undefined) {
      excluded.push({ tool: tool.name, reason: problem });
      continue;
    }
    const boxes = hasBox ? gridBoxes(options.boxScales ?? [1, 2, 3]) : [undefined];
    if (hasBox) frames[tool.name] = boxFrame(properties);
    const combinations = product(axes);
    if (combinations.length * boxes.length > maxPerTool) {
      excluded.push({ tool: tool.name, reason: `${combinations.length * boxes.length} candidates, more than ${maxPerTool}` });
      continue;
    }
    for (const box of boxes) {
      for (const fixed of combinations) {
        const parts = Object.entries(fixed).map(([key, value]) => `${key}=${String(value)}`);
        if (box !== undefined) parts.unshift(`box=${[box.x1, box.y1, box.x2, box.y2].map((value) => value.toFixed(2)).join(',')}`);
        candidates.push({ tool: tool.name, fixed, ...(box === undefined ? {} : { box }), label: `${tool.name}(${parts.join(',')})` });
      }
    }
  }
  return { candidates, excluded, notes, frames };
}

/** The size a box is resolved against: the original image of the episode. */
export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

/** The env action a candidate stands for, with its box resolved against the image (0..1000 frames need no image). */
export function candidateAction(space: ActionSpace, index: number, image: ImageSize | undefined): ToolCallAction | AnswerAction {
  const candidate = space.candidates[index];
  if (candidate === undefined) throw new RangeError(`candidate ${index} is outside the action space of ${space.candidates.length}`);
  if (candidate.tool === 'answer') return { type: 'answer', answer: candidate.answer ?? '' };
  const args: Record<string, unknown> = { ...candidate.fixed };
  if (candidate.box !== undefined) {
    const scale = frameScale(space.frames[candidate.tool] ?? 'pixel', image);
    args.x1 = Math.round(candidate.box.x1 * scale.width);
    args.y1 = Math.round(candidate.box.y1 * scale.height);
    args.x2 = Math.round(candidate.box.x2 * scale.width);
    args.y2 = Math.round(candidate.box.y2 * scale.height);
  }
  return { type: 'tool_call', name: candidate.tool, arguments: args };
}

/**
 * The candidate closest to a recorded action, or `undefined` when none stands for it (a tool left
 * out, an answer outside the set). Enumerated arguments must match (integers beyond the kept range
 * match the nearest kept value); a box matches the grid region of highest IoU.
 */
export function candidateIndex(space: ActionSpace, action: Action, image: ImageSize | undefined): number | undefined {
  if (action.type === 'answer') {
    const wanted = normalise(action.answer);
    const index = space.candidates.findIndex((candidate) => candidate.tool === 'answer' && normalise(candidate.answer ?? '') === wanted);
    return index < 0 ? undefined : index;
  }
  if (action.type !== 'tool_call') return undefined;
  let best: { index: number; score: number } | undefined;
  space.candidates.forEach((candidate, index) => {
    if (candidate.tool !== action.name) return;
    let score = 1;
    for (const [key, value] of Object.entries(candidate.fixed)) {
      const given = action.arguments[key];
      if (given === undefined || given === value) continue;
      if (typeof given === 'number' && typeof value === 'number') score *= 1 / (1 + Math.abs(given - value));
      else score = 0;
    }
    if (candidate.box !== undefined) {
      const scale = frameScale(space.frames[candidate.tool] ?? 'pixel', image);
      const box = {
        x1: Number(action.arguments.x1) / scale.width,
        y1: Number(action.arguments.y1) / scale.height,
        x2: Number(action.arguments.x2) / scale.width,
        y2: Number(action.arguments.y2) / scale.height,
      };
      score *= intersectionOverUnion(box, candidate.box);
    }
    if (score > 0 && (best === undefined || score > best.score)) best = { index, score };
  });
  return (best as { index: number } | undefined)?.index;
}

/** One line on the space: its size, the tools left out and the ranges cut. */
export function describeActionSpace(space: ActionSpace): string {
  const byTool = new Map<string, number>();
  for (const candidate of space.candidates) byTool.set(candidate.tool, (byTool.get(candidate.tool) ?? 0) + 1);
  const kept = [...byTool].map(([tool, count]) => `${tool} ×${count}`).join(', ');
  const left = space.excluded.map((exclusion) => `${exclusion.tool} (${exclusion.reason})`).join('; ');
  return `${space.candidates.length} candidates: ${kept}${left === '' ? '' : `; left out: ${left}`}${space.notes.length > 0 ? `; cut: ${space.notes.join('; ')}` : ''}`;
}

/** Intersection over union of two boxes in the same frame. */
export function intersectionOverUnion(a: FractionBox, b: FractionBox): number {
  const width = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
  const height = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const intersection = width * height;
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - intersection;
  return union <= 0 ? 0 : intersection / union;
}

function discreteValues(
  schema: JsonSchema,
  maxIntegerValues: number,
): { kind: 'values'; values: unknown[]; note?: string } | { kind: 'none' } {
  if ('const' in schema) return { kind: 'values', values: [schema.const] };
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return { kind: 'values', values: [...schema.enum] };
  const type = Array.isArray(schema.type) ? schema.type.find((entry) => entry !== 'null') : schema.type;
  if (type === 'boolean') return { kind: 'values', values: [false, true] };
  if (type === 'integer' && typeof schema.minimum === 'number' && typeof schema.maximum === 'number') {
    const low = Math.ceil(schema.minimum);
    const high = Math.floor(schema.maximum);
    const count = high - low + 1;
    const kept = Math.min(count, maxIntegerValues);
    const values = Array.from({ length: kept }, (_, offset) => low + offset);
    return count > kept ? { kind: 'values', values, note: `${low}..${high} kept ${low}..${low + kept - 1}` } : { kind: 'values', values };
  }
  return { kind: 'none' };
}

function gridBoxes(scales: readonly number[]): FractionBox[] {
  const boxes: FractionBox[] = [];
  for (const scale of scales) {
    for (let row = 0; row < scale; row += 1) {
      for (let col = 0; col < scale; col += 1) {
        boxes.push({ x1: col / scale, y1: row / scale, x2: (col + 1) / scale, y2: (row + 1) / scale });
      }
    }
  }
  return boxes;
}

/** A box frame from the schema: an explicit `maximum`, a `0..1000` range in the description, else pixels. */
function boxFrame(properties: Record<string, unknown>): number | 'pixel' {
  const x2 = asRecord(properties.x2);
  if (typeof x2.maximum === 'number') return x2.maximum;
  const description = typeof x2.description === 'string' ? x2.description : '';
  const range = /\b0\s*(?:\.\.|–|-|to)\s*(\d+)\b/.exec(description);
  return range !== null && range[1] !== undefined ? Number(range[1]) : 'pixel';
}

function frameScale(frame: number | 'pixel', image: ImageSize | undefined): ImageSize {
  if (frame !== 'pixel') return { width: frame, height: frame };
  if (image === undefined) throw new RangeError('a pixel-frame box needs the image size');
  return image;
}

function product(axes: readonly { name: string; values: unknown[] }[]): Record<string, unknown>[] {
  let result: Record<string, unknown>[] = [{}];
  for (const axis of axes) result = result.flatMap((partial) => axis.values.map((value) => ({ ...partial, [axis.name]: value })));
  return result;
}

function describeSchema(schema: JsonSchema): string {
  const type = Array.isArray(schema.type) ? schema.type.join('|') : String(schema.type ?? 'any');
  return typeof schema.minimum === 'number' || typeof schema.maximum === 'number'
    ? `${type} ${String(schema.minimum ?? '-∞')}..${String(schema.maximum ?? '∞')}`
    : type;
}

function normalise(answer: string): string {
  return answer.trim().toLowerCase();
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
