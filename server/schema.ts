import { buildSystemPrompt, openAITools } from '../agents/prompt.js';
import type { GuardedEnv } from '../core/wrappers.js';

const IMAGE_SCHEMA = {
  type: 'object',
  properties: {
    sha256: { type: 'string' },
    width: { type: 'integer' },
    height: { type: 'integer' },
    mime_type: { const: 'image/png' },
    data: { type: 'string', contentEncoding: 'base64', description: 'PNG bytes (inline mode).' },
    url: { type: 'string', description: 'GET path of the PNG, relative to the server (url mode).' },
  },
  required: ['sha256', 'width', 'height', 'mime_type'],
};

/** The JSON Schema of an observation on the wire. */
export const OBSERVATION_SCHEMA = {
  type: 'object',
  properties: {
    text: { type: 'string', description: 'Text with an <image> placeholder where each image stands.' },
    images: { type: 'array', items: IMAGE_SCHEMA, description: 'The images, in placeholder order.' },
    terminated: { type: 'boolean' },
    truncated: { type: 'boolean' },
    turn: { type: 'integer' },
    info: { type: 'object', description: 'invalid {reason, message}, success, score, answer, expected, extra.' },
    system_prompt: { type: 'string', description: 'Reset observations only.' },
    tools: { type: 'array', description: 'Reset observations only: the tools in OpenAI shape.' },
  },
  required: ['text', 'images', 'terminated', 'truncated', 'turn', 'info'],
};

/** The JSON Schema of a session's state. */
export const STATE_SCHEMA = {
  type: 'object',
  properties: {
    session_id: { type: 'string' },
    episode_id: { type: ['string', 'null'] },
    step_count: { type: 'integer' },
    env: { type: ['string', 'null'] },
    seed: { type: ['integer', 'null'] },
    options: { type: 'object' },
    done: { type: 'boolean' },
    total_reward: { type: 'number' },
    images: { enum: ['inline', 'url'] },
  },
  required: ['session_id', 'episode_id', 'step_count'],
};

/**
 * The JSON Schema of a step's action. With an env, `tool_call` lists that env's tools (each with
 * its own arguments schema); without one, any tool name is allowed.
 */
export function actionSchema(env?: GuardedEnv): Record<string, unknown> {
  const call =
    env === undefined
      ? { type: 'object', properties: { name: { type: 'string' }, arguments: { type: 'object' } }, required: ['name'] }
      : {
          oneOf: env.tools.map((tool) => ({
            type: 'object',
            properties: { name: { const: tool.name }, arguments: tool.parameters },
            required: ['name', 'arguments'],
          })),
        };
  return {
    oneOf: [
      { type: 'object', properties: { tool_call: call }, required: ['tool_call'], additionalProperties: false },
      { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false },
      {
        type: 'object',
        description: 'A raw model turn, parsed as the episode loop does (Hermes/Qwen tags or OpenAI tool_calls).',
        properties: { text: { type: 'string' }, tool_calls: { type: 'array' } },
        required: ['text'],
        additionalProperties: false,
      },
      {
        type: 'object',
        description: "OpenEnv's MCP action.",
        properties: { type: { const: 'call_tool' }, tool_name: { type: 'string' }, arguments: { type: 'object' } },
        required: ['type', 'tool_name'],
      },
    ],
  };
}

/** What `GET /metadata?env=<id>` says about one env: its spec, tools and system prompts. */
export function envMetadata(env: GuardedEnv): Record<string, unknown> {
  const spec = env.spec;
  return {
    name: spec.id,
    version: spec.version,
    description: spec.doc.description,
    instructions: spec.instructions,
    answers: spec.answers,
    max_turns: env.maxTurns,
    options: spec.options,
    doc: spec.doc,
    tools: openAITools(env.tools),
    system_prompts: { hermes: buildSystemPrompt(spec, env.tools, 'hermes'), openai: buildSystemPrompt(spec, env.tools, 'openai') },
  };
}
