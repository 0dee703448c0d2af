/**
 * ViLaSR's native format (drawing to reason in space). A turn is
 *
 *     <think>…</think> Action: [Object Mapper]
 *     ```json
 *     [{"bbox_2d": [x1, y1, x2, y2], "label": "sofa"}]
 *     ```
 *
 * or `Action: [Path Tracer]` with `start_point_2d` / `end_point_2d`, and the last turn is
 * `Action: Answer <answer>…</answer>`. Coordinates are pixels of the shown image. Every image the
 * model gets is announced with its index and size.
 *
 * Mapping onto the env's tools keeps one action per turn: a native action holding one shape becomes
 * one `draw_box` or `draw_line` call; one holding several shapes (or an Object Mapper and a Path
 * Tracer block in the same turn) becomes one `draw_shapes` call, whose `shapes` argument is the
 * JSON list in ViLaSR's own shape vocabulary, so the env draws them all and returns one image.
 * Any other tool is written `Action: [tool_name]` with its JSON arguments.
 */
import { type Content, contentImages, type ImageRef, text } from '../../core/content.js';
import type { Action, EnvSpec, OracleStep } from '../../core/env.js';
import type { ToolSpec } from '../../core/tool.js';
import { invalid, isPlainObject, parseJson } from '../parse.js';
import type { ModelOutput } from '../policy.js';
import type { ChatMessage, PromptEpisode } from '../prompt.js';
import type { Dialect } from './index.js';

/** A shape in ViLaSR's vocabulary: a box (`bbox_2d`) or a line (`start_point_2d`, `end_point_2d`). */
export type VilasrShape =
  | { readonly bbox_2d: readonly [number, number, number, number]; readonly label?: string; readonly color?: string }
  | {
      readonly start_point_2d: readonly [number, number];
      readonly end_point_2d: readonly [number, number];
      readonly label?: string;
      readonly color?: string;
    };

const OBJECT_MAPPER = 'Object Mapper';
const PATH_TRACER = 'Path Tracer';
const THINK = /<think>[\s\S]*?<\/think>/g;
const ANSWER = /<answer>([\s\S]*?)<\/answer>/g;
const ACTION = /Action:\s*\[([^\]\n]+)\]/g;
const HINT =
  'Reply as: <think>…</think> Action: [Object Mapper] with a ```json [{"bbox_2d": [x1, y1, x2, y2], "label": "…"}]``` block, ' +
  'or Action: [Path Tracer] with [{"start_point_2d": [x, y], "end_point_2d": [x, y], "label": "…"}], ' +
  'or Action: Answer <answer>…</answer>.';

/** The system prompt, in the manner of ViLaSR's: the task, the two drawing operations, the turn format. */
export function vilasrSystemPrompt(spec: EnvSpec, tools: readonly ToolSpec[]): string {
  const names = new Set(tools.map((tool) => tool.name));
  const others = tools.filter((tool) => !NATIVE_TOOLS.has(tool.name) && tool.name !== 'answer');
  const lines = [
    spec.instructions,
    '',
    'You reason about space by drawing on the image. Each round, think first inside <think></think>, then take exactly one action.',
    'You can use the following operations:',
  ];
  if (names.has('draw_box') || names.has('draw_shapes')) {
    lines.push(
      `- [${OBJECT_MAPPER}]: mark objects with bounding boxes. Give a JSON list of {"bbox_2d": [x1, y1, x2, y2], "label": "name"} in pixels of the image.`,
    );
  }
  if (names.has('draw_line') || names.has('draw_shapes')) {
    lines.push(
      `- [${PATH_TRACER}]: draw auxiliary lines. Give a JSON list of {"start_point_2d": [x1, y1], "end_point_2d": [x2, y2], "label": "name"} in pixels of the image.`,
    );
  }
  for (const tool of others)
    lines.push(`- [${tool.name}]: ${tool.description} Arguments: a JSON object matching ${JSON.stringify(tool.parameters)}.`);
  lines.push(
    'Drawing again with a label already used redraws that shape. After each operation you receive the image with everything drawn so far.',
    '',
    'Format of each round:',
    '<think>your reasoning</think> Action: [Object Mapper]',
    '```json',
    '[{"bbox_2d": [x1, y1, x2, y2], "label": "name"}]',
    '```',
    spec.answers
      ? 'When you are sure, finish with: <think>your reasoning</think> Action: Answer <answer>your answer</answer>'
      : 'The episode ends when the task is done.',
  );
  return lines.join('\n');
}

/**
 * The conversation in ViLaSR's shape: system, the task, then each assistant turn and the images it
 * got back, every image announced with its index (counted over the whole conversation, from 1) and
 * its size.
 */
export function vilasrConversation(episode: PromptEpisode): ChatMessage[] {
  let index = 0;
  const announce = (content: Content): Content =>
    content.flatMap((part) => {
      if (part.type !== 'image') return [part];
      index += 1;
      return [text(announcement(index, part.image)), part];
    });
  const messages: ChatMessage[] = [
    { role: 'system', content: [text(vilasrSystemPrompt(episode.spec, episode.tools))] },
    { role: 'user', content: announce(episode.task) },
  ];
  for (const turn of episode.turns) {
    messages.push({ role: 'assistant', content: [text(turn.output.text)] });
    messages.push({ role: 'user', content: announce(turn.observation) });
  }
  return messages;
}

/** How an image is introduced to the model: `The index of the given image is 2 (width: 800, height: 600).` */
export function announcement(index: number, image: ImageRef): string {
  return `The index of the given image is ${index} (width: ${image.width}, height: ${image.height}).`;
}

/**
 * Parses one ViLaSR turn into one action. `<think>` is skipped; then either one `<answer>` or
 * `Action:` blocks of drawing operations must remain (see the module note for how several shapes
 * become one call). Never throws.
 */
export function parseVilasr(output: ModelOutput): Action {
  const visible = visibleText(output.text);
  const answers = [...visible.matchAll(ANSWER)].map((match) => (match[1] ?? '').trim());
  const blocks = actionBlocks(visible);
  if (answers.length > 1) return invalid('multiple-answers', `you gave ${answers.length} <answer> blocks; give one final answer.`);
  if (answers.length === 1) {
    if (blocks.length > 0) return invalid('multiple-actions', `you both drew and answered; do one per round. ${HINT}`);
    const answer = answers[0] as string;
    return answer === '' ? invalid('no-action', `your <answer> is empty. ${HINT}`) : { type: 'answer', answer };
  }
  if (blocks.length === 0) {
    const hint = visible.includes('<answer>') ? 'your <answer> is not closed with </answer>. ' : 'no action found. ';
    return invalid('no-action', `${hint}${HINT}`);
  }
  const shapes: Record<string, unknown>[] = [];
  for (const block of blocks) {
    const parsed = parseJson(stripFence(block.body));
    if (!parsed.ok) return invalid('bad-json', `the JSON after Action: [${block.name}] is not valid (${parsed.error}). ${HINT}`);
    if (block.name !== OBJECT_MAPPER && block.name !== PATH_TRACER) {
      if (blocks.length > 1)
        return invalid('multiple-actions', `you wrote ${blocks.length} actions; [${block.name}] must be alone in its round.`);
      if (!isPlainObject(parsed.value)) return invalid('bad-call', `the arguments of [${block.name}] must be a JSON object.`);
      return { type: 'tool_call', name: block.name, arguments: parsed.value };
    }
    const items = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
    for (const item of items) {
      const problem = shapeProblem(item, block.name);
      if (problem !== null) return invalid('bad-call', `${problem} ${HINT}`);
      shapes.push(item as Record<string, unknown>);
    }
  }
  if (shapes.length === 0) return invalid('bad-call', `the shape list is empty; give at least one shape. ${HINT}`);
  if (shapes.length > 1) return { type: 'tool_call', name: 'draw_shapes', arguments: { shapes: JSON.stringify(shapes) } };
  return shapeCall(shapes[0] as Record<string, unknown>);
}

/** Writes an action as ViLaSR would: thinking, then `Action: …`. */
export function renderVilasr(step: OracleStep): ModelOutput {
  const thought = `<think>${step.thought}</think>`;
  const action = step.action;
  if (action.type === 'answer') return { text: `${thought} Action: Answer <answer>${action.answer}</answer>` };
  const args = action.arguments;
  const shapes = shapesOfCall(action.name, args);
  if (shapes === null) return { text: `${thought} Action: [${action.name}]\n${fence(args)}` };
  const boxes = shapes.filter((shape) => 'bbox_2d' in shape);
  const lines = shapes.filter((shape) => !('bbox_2d' in shape));
  const parts = [thought];
  if (boxes.length > 0) parts.push(`Action: [${OBJECT_MAPPER}]\n${fence(boxes)}`);
  if (lines.length > 0) parts.push(`Action: [${PATH_TRACER}]\n${fence(lines)}`);
  return { text: parts.join(' ') };
}

/** The ViLaSR dialect. */
export const vilasrDialect: Dialect = {
  name: 'vilasr',
  description: 'ViLaSR: <think>…</think> Action: [Object Mapper] / [Path Tracer] + JSON shapes, last Action: Answer <answer>…</answer>.',
  transport: 'text',
  systemPrompt: vilasrSystemPrompt,
  conversation: vilasrConversation,
  parse: parseVilasr,
  render: (step) => renderVilasr(step),
};

const NATIVE_TOOLS: ReadonlySet<string> = new Set(['draw_box', 'draw_line', 'draw_shapes']);

/** The shapes a drawing call stands for, in ViLaSR's vocabulary; `null` for other tools. */
function shapesOfCall(name: string, args: Readonly<Record<string, unknown>>): Record<string, unknown>[] | null {
  const extra = (shape: Record<string, unknown>): Record<string, unknown> => ({
    ...shape,
    ...(args.label === undefined ? {} : { label: args.label }),
    ...(args.color === undefined ? {} : { color: args.color }),
  });
  if (name === 'draw_box') return [extra({ bbox_2d: [args.x1, args.y1, args.x2, args.y2] })];
  if (name === 'draw_line') return [extra({ start_point_2d: [args.x1, args.y1], end_point_2d: [args.x2, args.y2] })];
  if (name === 'draw_shapes' && typeof args.shapes === 'string') {
    const parsed = parseJson(args.shapes);
    if (parsed.ok && Array.isArray(parsed.value) && parsed.value.every(isPlainObject)) return parsed.value;
  }
  return null;
}

/** The `draw_box` or `draw_line` call of one shape. */
function shapeCall(shape: Record<string, unknown>): Action {
  const style = {
    ...(typeof shape.label === 'string' ? { label: shape.label } : {}),
    ...(typeof shape.color === 'string' ? { color: shape.color } : {}),
  };
  if (Array.isArray(shape.bbox_2d)) {
    const [x1, y1, x2, y2] = shape.bbox_2d as number[];
    return { type: 'tool_call', name: 'draw_box', arguments: { x1, y1, x2, y2, ...style } };
  }
  const [x1, y1] = shape.start_point_2d as number[];
  const [x2, y2] = shape.end_point_2d as number[];
  return { type: 'tool_call', name: 'draw_line', arguments: { x1, y1, x2, y2, ...style } };
}

/** What is wrong with a shape of an `[Object Mapper]` or `[Path Tracer]` block, or `null`. */
export function shapeProblem(value: unknown, operation: string): string | null {
  if (!isPlainObject(value)) return `each shape of [${operation}] must be a JSON object.`;
  if (value.label !== undefined && typeof value.label !== 'string') return `"label" must be a string.`;
  if (operation === OBJECT_MAPPER) {
    return isNumbers(value.bbox_2d, 4) ? null : `each [${OBJECT_MAPPER}] shape needs "bbox_2d": [x1, y1, x2, y2] (four numbers).`;
  }
  if (isNumbers(value.start_point_2d, 2) && isNumbers(value.end_point_2d, 2)) return null;
  return `each [${PATH_TRACER}] shape needs "start_point_2d": [x, y] and "end_point_2d": [x, y] (two numbers each).`;
}

function actionBlocks(visible: string): { name: string; body: string }[] {
  const matches = [...visible.matchAll(ACTION)];
  return matches.map((match, position) => {
    const start = (match.index ?? 0) + match[0].length;
    const end = matches[position + 1]?.index ?? visible.length;
    return { name: (match[1] ?? '').trim(), body: visible.slice(start, end) };
  });
}

function visibleText(value: string): string {
  const visible = value.replace(THINK, '');
  const close = visible.lastIndexOf('</think>');
  return close === -1 ? visible : visible.slice(close + '</think>'.length);
}

function stripFence(body: string): string {
  const trimmed = body.trim();
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```/.exec(trimmed);
  return fenced === null ? trimmed : (fenced[1] ?? '');
}

function fence(value: unknown): string {
  return `\`\`\`json\n${JSON.stringify(value)}\n\`\`\``;
}

function isNumbers(value: unknown, length: number): boolean {
  return Array.isArray(value) && value.length === length && value.every((item) => typeof item === 'number' && Number.isFinite(item));
}

/** The images of a conversation's messages, in order (what the announcements count). */
export function conversationImages(messages: readonly ChatMessage[]): ImageRef[] {
  return messages.flatMap((message) => contentImages(message.content));
}
