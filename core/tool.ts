import { type Content, text } from './content.js';
import type { ImageStore } from './image-store.js';
import type { JsonSchema } from './schema.js';

/**
 * What a model is told about a tool. Exported unchanged as OpenAI `tools[].function`, MCP
 * `inputSchema` and the Hermes/Qwen `<tools>` list.
 *
 * Keep `parameters` flat: an object of scalars and enums (a box as `x1, y1, x2, y2`), because
 * verl's tool schema drops `items` and nested objects.
 */
export interface ToolSpec {
  /** snake_case name the model calls, unique within an env. */
  readonly name: string;
  /** One or two sentences for the model: what the tool does, its units and coordinate frame. */
  readonly description: string;
  /** JSON Schema 2020-12 of the arguments object. */
  readonly parameters: JsonSchema;
  /** Hints for clients; `privileged` marks tools that read hidden ground truth (synthetic data only). */
  readonly annotations?: ToolAnnotations;
}

/** Hints about a tool, after MCP's tool annotations. */
export interface ToolAnnotations {
  /** The tool reads state a real deployment would not have (e.g. a chart's scene graph). */
  readonly privileged?: boolean;
  /** The tool does not change the env's state. */
  readonly readOnly?: boolean;
}

/** What a tool gives back: content for the model, optional structured data for programs. */
export interface ToolResult {
  /** Text and images shown to the model as the observation. */
  readonly content: Content;
  /** Structured result for programs (oracles, loggers); never shown to the model. */
  readonly data?: unknown;
  /** The call was well-formed but could not be carried out; `content` says why and what to do. */
  readonly isError?: boolean;
  /** Env reward earned by this call (e.g. a box pushed onto a goal). */
  readonly reward?: number;
  /** The call ended the task (e.g. the maze goal was reached). */
  readonly terminated?: boolean;
  /** Whether the task is solved, when `terminated`. */
  readonly success?: boolean;
}

/** What a tool runs against: the env's per-episode state and the image store. */
export interface ToolContext<State> {
  readonly state: State;
  readonly images: ImageStore;
}

/** A tool an env exposes. Arguments arrive validated against `parameters`, defaults filled in. */
export interface Tool<State = unknown, Args = Record<string, unknown>> extends ToolSpec {
  run(args: Args, context: ToolContext<State>): Promise<ToolResult>;
}

/** Keeps only the spec fields of a tool (what is shown to models and exported). */
export function toToolSpec(tool: ToolSpec): ToolSpec {
  const spec: ToolSpec = { name: tool.name, description: tool.description, parameters: tool.parameters };
  return tool.annotations === undefined ? spec : { ...spec, annotations: tool.annotations };
}

/** A tool error result: the message goes to the model, which should be able to fix its call from it. */
export function toolError(message: string, data?: unknown): ToolResult {
  return { content: [text(`Error: ${message}`)], isError: true, data };
}

/** The built-in `answer` tool every answering env exposes; a call to it ends the episode. */
export const ANSWER_TOOL: ToolSpec = {
  name: 'answer',
  description: 'Give your final answer. This ends the episode; call it once, when you are sure.',
  parameters: {
    type: 'object',
    properties: { answer: { type: 'string', description: 'The final answer, as short as possible.' } },
    required: ['answer'],
    additionalProperties: false,
  },
};
