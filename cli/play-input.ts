/**
 * What a person types in `thinkgym play`: commands (`:reset 3`), tool calls as JSON or model text,
 * and a shorthand (`move up 3`, `answer 42`, `name key=value …`, or a bare enum value such as `up`)
 * turned into the same `<tool_call>` text a model would write, so it goes through the same parser
 * and schema validation. Also the line editor (history, completion) and inline images for
 * terminals that show them (kitty and iTerm2 image protocols), with the file path as fallback.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import type { JsonSchema } from '../core/schema.js';
import type { ToolSpec } from '../core/tool.js';

/** One line of input, classified. */
export type PlayInput =
  | { readonly kind: 'empty' }
  /** A `:command` with its argument text (possibly empty). */
  | { readonly kind: 'command'; readonly name: string; readonly argument: string }
  /** Model text to parse (JSON calls are wrapped in `<tool_call>`; shorthand is written as one). */
  | { readonly kind: 'text'; readonly text: string }
  /** Nothing the env should see: the line says what to type instead; no turn is used. */
  | { readonly kind: 'error'; readonly message: string };

interface Property {
  readonly name: string;
  readonly type: string | undefined;
  readonly values: readonly string[] | undefined;
  readonly required: boolean;
}

/** The flat parameters of a tool in shorthand order: required ones first, then the rest. */
function propertiesOf(tool: ToolSpec): Property[] {
  const schema = tool.parameters as JsonSchema & { properties?: Record<string, { type?: unknown; enum?: unknown }>; required?: unknown };
  const required = Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : [];
  const properties = Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    type: typeof property.type === 'string' ? property.type : undefined,
    values: Array.isArray(property.enum) ? property.enum.map(String) : undefined,
    required: required.includes(name),
  }));
  return [...properties.filter((property) => property.required), ...properties.filter((property) => !property.required)];
}

/** Splits on spaces, keeping "double" or 'single' quoted runs together (quotes removed). */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  for (const match of text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(match[1] ?? match[2] ?? match[3] ?? '');
  return words;
}

/** A word as the JSON value the property's type asks for; the schema check reports anything else. */
function coerce(word: string, property: Property | undefined): unknown {
  const type = property?.type;
  if ((type === 'integer' || type === 'number') && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(word)) return Number(word);
  if (type === 'boolean' && (word === 'true' || word === 'false')) return word === 'true';
  return word;
}

/**
 * Arguments from shorthand words: `key=value` pairs by name, other words fill the parameters in
 * order (required first). When words are left over and the last parameter filled is a string, the
 * rest of the line goes into it (`answer the red one`).
 */
function argumentsOf(tool: ToolSpec, words: readonly string[]): Record<string, unknown> {
  const properties = propertiesOf(tool);
  const byName = new Map(properties.map((property) => [property.name, property]));
  const result: Record<string, unknown> = {};
  const positional: string[] = [];
  for (const word of words) {
    const pair = /^([A-Za-z_][\w-]*)=(.*)$/s.exec(word);
    if (pair !== null && byName.has(pair[1] ?? '')) result[pair[1] ?? ''] = coerce(pair[2] ?? '', byName.get(pair[1] ?? ''));
    else positional.push(word);
  }
  const open = properties.filter((property) => !(property.name in result));
  positional.forEach((word, index) => {
    const property = open[index];
    if (property !== undefined) result[property.name] = coerce(word, property);
    else {
      const last = open[open.length - 1];
      if (last !== undefined && (last.type === 'string' || last.type === undefined) && typeof result[last.name] === 'string') {
        result[last.name] = `${result[last.name]} ${word}`;
      } else result[`argument${index + 1}`] = word; // reported by the schema check as an unknown argument
    }
  });
  return result;
}

function toolCallText(name: string, args: Record<string, unknown>): string {
  return `<tool_call>${JSON.stringify({ name, arguments: args })}</tool_call>`;
}

/**
 * Classifies one typed line. `{…}` is a JSON tool call; text starting with `<` is model text
 * (`<tool_call>`, `<answer>`, `<think>`); `:name arg` is a command; otherwise the first word names
 * a tool (or is an enum value of exactly one tool's first parameter, e.g. `up`) and the rest are
 * its arguments.
 */
export function readPlayInput(line: string, tools: readonly ToolSpec[]): PlayInput {
  const text = line.trim();
  if (text === '') return { kind: 'empty' };
  if (text.startsWith(':')) {
    const [name = '', ...rest] = text.slice(1).split(/\s+/);
    return { kind: 'command', name, argument: rest.join(' ') };
  }
  if (text.startsWith('{')) return { kind: 'text', text: `<tool_call>${text}</tool_call>` };
  if (text.startsWith('<')) return { kind: 'text', text };
  const words = splitWords(text);
  const first = words[0] ?? '';
  const tool = tools.find((candidate) => candidate.name === first);
  if (tool !== undefined) {
    const properties = propertiesOf(tool);
    const onlyString = properties.length === 1 && properties[0]?.type === 'string' && !words.slice(1).some((word) => word.includes('='));
    const rest = text.slice(text.indexOf(first) + first.length).trim();
    const args = onlyString && rest !== '' ? { [properties[0]?.name ?? '']: rest } : argumentsOf(tool, words.slice(1));
    return { kind: 'text', text: toolCallText(tool.name, args) };
  }
  const byValue = tools.filter((candidate) => propertiesOf(candidate)[0]?.values?.includes(first) === true);
  if (byValue.length === 1 && byValue[0] !== undefined)
    return { kind: 'text', text: toolCallText(byValue[0].name, argumentsOf(byValue[0], words)) };
  const names = tools.map((candidate) => candidate.name).join(', ');
  return {
    kind: 'error',
    message: `Unknown tool or command \`${first}\` (no turn used). Tools: ${names}. Type :help for the shorthand, :tools for the schemas.`,
  };
}

/** One line per tool: its shorthand with parameters (`<required>`, `[optional]`, enum values). */
export function shorthandHelp(tools: readonly ToolSpec[]): string {
  return tools
    .map((tool) => {
      const parameters = propertiesOf(tool).map((property) => {
        const label = property.values === undefined ? property.name : property.values.join('|');
        return property.required ? `<${label}>` : `[${property.name}=${property.type ?? 'value'}]`;
      });
      return `  ${[tool.name, ...parameters].join(' ')}`;
    })
    .join('\n');
}

/** Which inline image protocol the terminal speaks. */
export type ImageProtocol = 'kitty' | 'iterm2' | 'none';

/**
 * Picks the image protocol from the environment: `THINKGYM_INLINE_IMAGES` (kitty, iterm2 or none)
 * wins; otherwise kitty when `KITTY_WINDOW_ID` is set, `TERM` is `xterm-kitty` or `TERM_PROGRAM` is
 * ghostty; iTerm2's when `TERM_PROGRAM` is iTerm.app or WezTerm (or `LC_TERMINAL` is iTerm2); and
 * none when output is not a terminal or under tmux/screen, which do not pass the images through.
 */
export function detectImageProtocol(environment: NodeJS.ProcessEnv, isTerminal: boolean): ImageProtocol {
  const chosen = environment.THINKGYM_INLINE_IMAGES;
  if (chosen === 'kitty' || chosen === 'iterm2' || chosen === 'none') return chosen;
  if (!isTerminal || environment.TMUX !== undefined || environment.TERM?.startsWith('screen') === true) return 'none';
  if (environment.KITTY_WINDOW_ID !== undefined || environment.TERM === 'xterm-kitty' || environment.TERM_PROGRAM === 'ghostty')
    return 'kitty';
  if (environment.TERM_PROGRAM === 'iTerm.app' || environment.TERM_PROGRAM === 'WezTerm' || environment.LC_TERMINAL === 'iTerm2')
    return 'iterm2';
  return 'none';
}

/** The largest kitty graphics payload chunk (base64 characters). */
const KITTY_CHUNK = 4096;

/** The escape sequence that draws a PNG inline with `protocol` (empty for `none`). */
export function inlineImageSequence(png: Buffer, protocol: ImageProtocol): string {
  const data = png.toString('base64');
  if (protocol === 'iterm2') return `\u001b]1337;File=size=${png.length};inline=1;preserveAspectRatio=1:${data}\u0007\n`;
  if (protocol === 'kitty') {
    const chunks: string[] = [];
    for (let start = 0; start < data.length; start += KITTY_CHUNK) chunks.push(data.slice(start, start + KITTY_CHUNK));
    return `${chunks
      .map((chunk, index) => {
        const more = index < chunks.length - 1 ? 1 : 0;
        return `\u001b_G${index === 0 ? 'f=100,a=T,' : ''}m=${more};${chunk}\u001b\\`;
      })
      .join('')}\n`;
  }
  return '';
}

/** Options of {@link createPlayReadline}. */
export interface PlayReadlineOptions {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream & { isTTY?: boolean };
  /** Names offered by Tab completion besides the commands (tool names, enum values). */
  readonly tools: readonly ToolSpec[];
  readonly commands: readonly string[];
  /** Where to keep history between sessions (one line each); none when absent. */
  readonly historyFile?: string;
}

/**
 * The line editor of `play`: in a terminal, arrow-key editing, history (Up/Down, Ctrl-R through
 * readline) and Tab completion of commands, tool names and enum values; plain line reading
 * otherwise (pipes, scripts).
 */
export function createPlayReadline(options: PlayReadlineOptions): Interface {
  const terminal = options.output.isTTY === true && (options.input as { isTTY?: boolean }).isTTY === true;
  const words = [
    ...options.commands,
    ...options.tools.map((tool) => tool.name),
    ...new Set(options.tools.flatMap((tool) => propertiesOf(tool).flatMap((property) => property.values ?? []))),
  ];
  let history: string[] = [];
  if (options.historyFile !== undefined) {
    try {
      history = readFileSync(options.historyFile, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .reverse()
        .slice(0, 1000);
    } catch {
      history = []; // no history yet
    }
  }
  const lines = createInterface({
    input: options.input,
    output: options.output,
    terminal,
    prompt: '> ',
    historySize: 1000,
    removeHistoryDuplicates: true,
    history,
    completer: (line: string): [string[], string] => {
      const current = line.split(/\s+/).pop() ?? '';
      const hits = words.filter((word) => word.startsWith(current));
      return [hits, current];
    },
  });
  const file = options.historyFile;
  if (file !== undefined) {
    lines.on('line', (line) => {
      if (line.trim() === '') return;
      try {
        appendFileSync(file, `${line}\n`);
      } catch {
        // history is a convenience; a read-only home must not stop the game
      }
    });
  }
  return lines;
}
