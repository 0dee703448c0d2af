/**
 * FrameThinker's native format (multi-turn frame spotlighting in long videos). A turn is
 *
 *     <think>…</think><action>choose frames between 120 and 480</action>
 *
 * with the actions `choose frames between A and B` (A and B frame numbers; clock times such as
 * `2:00` are read as seconds), `get frame number at time MM:SS`, and the last turn
 * `<action>output answer: X</action>` (`output answer: X` after the thinking is read too). Frames
 * come back as lines of `frame i: <image>`. Any other tool is written `<action>name {JSON}</action>`.
 *
 * The mapping keeps one action per turn: `choose frames between A and B` becomes
 * `choose_frames {start: A, end: B, unit: "frames"}`, `get frame number at time T` becomes
 * `get_frame {time: T}` (its reply shows the frame and its number), and `output answer: X` the answer.
 */
import { type Content, text } from '../../core/content.js';
import type { Action, EnvSpec, OracleStep } from '../../core/env.js';
import type { ToolSpec } from '../../core/tool.js';
import { invalid } from '../parse.js';
import type { ModelOutput } from '../policy.js';
import type { ChatMessage, PromptEpisode } from '../prompt.js';
import type { Dialect } from './index.js';

const THINK = /<think>[\s\S]*?<\/think>/g;
const ACTION = /<action>([\s\S]*?)<\/action>/g;
const CHOOSE = /^choose\s+frames?\s+between\s+(\S+)\s+and\s+(\S+?)\.?$/i;
const GET = /^get\s+frame\s+number\s+at\s+time\s+(\S+?)\.?$/i;
const ANSWER = /^output\s+answer\s*:\s*([\s\S]*)$/i;
const OTHER = /^([A-Za-z_][\w-]*)\s*(\{[\s\S]*\})?\s*$/;
const LABEL = /^frame (\d+) at [^\n]*:$/;
const HINT =
  'Reply as <think>…</think><action>choose frames between A and B</action> (frame numbers), ' +
  '<action>get frame number at time MM:SS</action>, or <action>output answer: X</action>.';

/** The system prompt, in the manner of FrameThinker's: the task, the actions, the turn format. */
export function framethinkerSystemPrompt(spec: EnvSpec, tools: readonly ToolSpec[]): string {
  const names = new Set(tools.map((tool) => tool.name));
  const lines = [
    spec.instructions,
    '',
    'You reason over a long video by spotlighting frames. Each round, think first inside <think></think>, then take exactly one action inside <action></action>:',
  ];
  if (names.has('choose_frames')) {
    lines.push('- choose frames between A and B: see frames spread evenly between frame number A and frame number B.');
  }
  if (names.has('get_frame')) lines.push('- get frame number at time MM:SS: see the frame at that time, with its frame number.');
  for (const tool of tools) {
    if (tool.name === 'choose_frames' || tool.name === 'get_frame' || tool.name === 'answer') continue;
    lines.push(`- ${tool.name} {JSON arguments}: ${tool.description} Arguments match ${JSON.stringify(tool.parameters)}.`);
  }
  lines.push(
    '- output answer: X: give the final answer X and stop.',
    'Frames are shown as "frame i: <image>"; frame i is at i / fps seconds.',
    '',
    'Format of each round: <think>your reasoning</think><action>choose frames between 120 and 480</action>',
  );
  return lines.join('\n');
}

/** Rewrites the env's frame labels (`frame 67 at 0:33 (33.5 s):`) to FrameThinker's `frame 67:`. */
export function framethinkerContent(content: Content): Content {
  return content.map((part) => {
    if (part.type !== 'text') return part;
    const label = LABEL.exec(part.text);
    return label === null ? part : text(`frame ${label[1]}:`);
  });
}

/** The conversation: system, the task, then each assistant turn and the user turn with its frames. */
export function framethinkerConversation(episode: PromptEpisode): ChatMessage[] {
  const messages: ChatMessage[] = [
    { role: 'system', content: [text(framethinkerSystemPrompt(episode.spec, episode.tools))] },
    { role: 'user', content: framethinkerContent(episode.task) },
  ];
  for (const turn of episode.turns) {
    messages.push({ role: 'assistant', content: [text(turn.output.text)] });
    messages.push({ role: 'user', content: framethinkerContent(turn.observation) });
  }
  return messages;
}

/** Parses one FrameThinker turn into one action; never throws. */
export function parseFramethinker(output: ModelOutput): Action {
  const visible = visibleText(output.text);
  const blocks = [...visible.matchAll(ACTION)].map((match) => (match[1] ?? '').trim());
  if (blocks.length > 1)
    return invalid('multiple-actions', `you wrote ${blocks.length} <action> blocks; take one action per round. ${HINT}`);
  let body = blocks[0];
  if (body === undefined) {
    const bare = /output\s+answer\s*:[\s\S]*$/i.exec(visible);
    if (bare === null) {
      const hint = visible.includes('<action>') ? 'your <action> is not closed with </action>. ' : 'no action found. ';
      return invalid('no-action', `${hint}${HINT}`);
    }
    body = bare[0].trim();
  }
  const answer = ANSWER.exec(body);
  if (answer !== null) {
    const value = (answer[1] ?? '').trim();
    return value === '' ? invalid('no-action', `the answer after "output answer:" is empty. ${HINT}`) : { type: 'answer', answer: value };
  }
  const choose = CHOOSE.exec(body);
  if (choose !== null) {
    const [start, end] = [point(choose[1] ?? ''), point(choose[2] ?? '')];
    if (start === undefined || end === undefined || start.unit !== end.unit) {
      return invalid('bad-call', `"choose frames between A and B" needs two frame numbers (or two times as MM:SS). ${HINT}`);
    }
    const args = start.unit === 'frames' ? { start: start.value, end: end.value, unit: 'frames' } : { start: start.value, end: end.value };
    return { type: 'tool_call', name: 'choose_frames', arguments: args };
  }
  const get = GET.exec(body);
  if (get !== null) {
    const time = clockSeconds(get[1] ?? '');
    if (time === undefined) return invalid('bad-call', `"get frame number at time" needs a time as MM:SS (or seconds). ${HINT}`);
    return { type: 'tool_call', name: 'get_frame', arguments: { time } };
  }
  const other = OTHER.exec(body);
  if (other !== null) {
    let args: unknown = {};
    try {
      args = other[2] === undefined ? {} : JSON.parse(other[2]);
    } catch (error) {
      return invalid('bad-json', `the JSON after ${other[1]} is not valid (${(error as Error).message}). ${HINT}`);
    }
    if (args === null || typeof args !== 'object' || Array.isArray(args))
      return invalid('bad-call', `the arguments of ${other[1]} must be a JSON object.`);
    return { type: 'tool_call', name: other[1] as string, arguments: args as Record<string, unknown> };
  }
  return invalid('bad-call', `"${body.slice(0, 80)}" is not an action. ${HINT}`);
}

/** Writes an action as FrameThinker would: thinking, then one `<action>`. */
export function renderFramethinker(step: OracleStep): ModelOutput {
  const thought = `<think>${step.thought}</think>`;
  const action = step.action;
  if (action.type === 'answer') return { text: `${thought}<action>output answer: ${action.answer}</action>` };
  const args = action.arguments;
  if (action.name === 'choose_frames' && typeof args.start === 'number' && typeof args.end === 'number') {
    const frames = args.unit === 'frames';
    const [start, end] = frames ? [String(args.start), String(args.end)] : [clock(args.start), clock(args.end)];
    return { text: `${thought}<action>choose frames between ${start} and ${end}</action>` };
  }
  if (action.name === 'get_frame' && typeof args.time === 'number' && Object.keys(args).length === 1) {
    return { text: `${thought}<action>get frame number at time ${clock(args.time)}</action>` };
  }
  return { text: `${thought}<action>${action.name} ${JSON.stringify(args)}</action>` };
}

/** The FrameThinker dialect. */
export const framethinkerDialect: Dialect = {
  name: 'framethinker',
  description:
    'FrameThinker: <think>…</think><action>choose frames between A and B</action>, get frame number at time MM:SS, output answer: X; frames as "frame i: <image>".',
  transport: 'text',
  systemPrompt: framethinkerSystemPrompt,
  conversation: framethinkerConversation,
  parse: parseFramethinker,
  render: (step) => renderFramethinker(step),
};

/** `M:SS`, `MM:SS` or `H:MM:SS` (seconds may have a fraction) as seconds; plain numbers as seconds. */
export function clockSeconds(value: string): number | undefined {
  const clockMatch = /^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(value.trim());
  if (clockMatch !== null) return Number(clockMatch[1] ?? 0) * 3600 + Number(clockMatch[2]) * 60 + Number(clockMatch[3]);
  return /^\d+(?:\.\d+)?$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

/** Seconds as `M:SS` (or `H:MM:SS`), keeping a fraction of a second when there is one: 83.5 → `1:23.5`. */
export function clock(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = Math.round((seconds % 60) * 1000) / 1000;
  const secondsText = rest < 10 ? `0${rest}` : String(rest);
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${secondsText}` : `${minutes}:${secondsText}`;
}

function point(value: string): { value: number; unit: 'frames' | 'seconds' } | undefined {
  if (/^\d+$/.test(value)) return { value: Number(value), unit: 'frames' };
  const seconds = value.includes(':') ? clockSeconds(value) : undefined;
  return seconds === undefined ? undefined : { value: seconds, unit: 'seconds' };
}

function visibleText(value: string): string {
  const visible = value.replace(THINK, '');
  const close = visible.lastIndexOf('</think>');
  return close === -1 ? visible : visible.slice(close + '</think>'.length);
}
