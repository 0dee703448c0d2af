import type { GuardedEnv } from '../core/wrappers.js';
import { ServerError, toServerError } from './errors.js';
import type { Session, StepReply } from './session.js';
import { isObject } from './wire.js';

/** An MCP tool description. */
export interface McpTool {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Record<string, unknown>;
  readonly annotations?: Record<string, unknown>;
}

/** An MCP tool result: text and base64 image parts, the step's numbers as structured content. */
export interface McpToolResult {
  [key: string]: unknown;
  readonly content: ({ type: 'text'; text: string } | { type: 'image'; data: string; mimeType: string })[];
  readonly structuredContent?: Record<string, unknown>;
  readonly isError?: boolean;
}

/** The tool every MCP surface adds before the env's own: starts an episode. */
export const RESET_TOOL: McpTool = {
  name: 'reset',
  description:
    'Start a new episode. The seed alone decides the task; the result is the task with its images. Call it before any other tool.',
  inputSchema: {
    type: 'object',
    properties: {
      seed: { type: 'integer', description: 'Task seed; the same seed gives the same task.' },
      options: { type: 'object', description: 'Env options (see GET /metadata); a change makes a fresh env.' },
    },
    required: ['seed'],
    additionalProperties: false,
  },
};

/** The MCP tool list of an env: `reset`, then the env's tools with their JSON Schemas unchanged. */
export function mcpTools(env: GuardedEnv): McpTool[] {
  return [
    RESET_TOOL,
    ...env.tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      inputSchema: tool.parameters as Record<string, unknown>,
      ...(tool.annotations === undefined ? {} : { annotations: { ...tool.annotations } }),
    })),
  ];
}

/**
 * Runs an MCP `tools/call` on a session: `reset` starts an episode (images always inline, as MCP
 * carries base64), any other name is a step with that tool call. Model mistakes (bad arguments,
 * unknown tools, blocked moves) come back as results with `isError: true`; session faults throw.
 */
export async function callMcpTool(session: Session, name: unknown, args: unknown): Promise<McpToolResult> {
  if (typeof name !== 'string') throw new ServerError('VALIDATION_ERROR', 'tools/call needs params.name, the tool to call.');
  const parameters = args === undefined ? {} : args;
  if (!isObject(parameters)) throw new ServerError('VALIDATION_ERROR', 'tools/call params.arguments must be an object.');
  try {
    if (name === 'reset') {
      const options = parameters.options;
      if (options !== undefined && !isObject(options)) return errorResult('"options" must be an object.');
      const reply = await session.reset({
        seed: Number(parameters.seed ?? 0),
        images: 'inline',
        ...(options === undefined ? {} : { options }),
      });
      return toMcpResult(reply);
    }
    return toMcpResult(await session.step({ tool_call: { name, arguments: parameters } }));
  } catch (error) {
    const failure = toServerError(error);
    if (failure.wireCode === 'SESSION_ERROR' || failure.wireCode === 'CAPACITY_REACHED') throw failure;
    return errorResult(failure.message);
  }
}

/** Converts a step reply into MCP content: the text around each `<image>` and the images in their places. */
export function toMcpResult(reply: StepReply): McpToolResult {
  const observation = reply.observation;
  const pieces = observation.text.split('<image>');
  const content: McpToolResult['content'] = [];
  pieces.forEach((piece, index) => {
    if (piece.trim() !== '') content.push({ type: 'text', text: piece.replace(/^\n|\n$/g, '') });
    const image = observation.images[index];
    if (index < pieces.length - 1 && image?.data !== undefined)
      content.push({ type: 'image', data: image.data, mimeType: image.mime_type });
  });
  const structuredContent = {
    reward: reply.reward,
    done: reply.done,
    terminated: observation.terminated,
    truncated: observation.truncated,
    turn: observation.turn,
    info: observation.info,
  };
  return { content, structuredContent, isError: observation.info.invalid !== undefined };
}

function errorResult(message: string): McpToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}
