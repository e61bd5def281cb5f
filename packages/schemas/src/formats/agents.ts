import { z } from 'zod';
import type { Diagnostic } from '../errors/diagnostic.js';
import type { CheckContext } from '../load/load-document.js';

/**
 * `.st3/config/agents.yaml`: the named agents `st3 execute --agent NAME` can hand atoms to.
 * `openai` speaks the OpenAI-compatible Chat Completions API (`POST {base_url}/chat/completions`,
 * also served by llama.cpp, vLLM, Ollama and LM Studio); `command` gets the prompt on stdin and in
 * `$ST3_PROMPT_FILE` and answers on stdout. Secrets never live in this file: `api_key_env` names the
 * environment variable that holds the key.
 */

const AgentName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-"');

const Common = {
  description: z.string().optional(),
  /** Time limit of one request or one command run (default 120 s for openai, 300 s for command). */
  timeout_seconds: z.number().positive().optional(),
};

export const OpenAiAgentSchema = z.strictObject({
  kind: z.literal('openai'),
  /** e.g. `http://127.0.0.1:8080/v1` (llama.cpp), `http://127.0.0.1:11434/v1` (Ollama), `https://api.openai.com/v1`. */
  base_url: z.string().regex(/^https?:\/\/[^\s/?#]+[^\s]*$/, 'an http(s) URL such as http://127.0.0.1:8080/v1'),
  model: z.string().min(1),
  /** Name of the environment variable holding the API key (sent as `Authorization: Bearer …`); none for local servers. */
  api_key_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
    .optional(),
  max_tokens: z.number().int().positive().optional(),
  /** Extra fields merged into every request body (e.g. `top_p`, `seed`, a server's own options). */
  extra_body: z.record(z.string(), z.unknown()).optional(),
  ...Common,
});
export type OpenAiAgent = z.infer<typeof OpenAiAgentSchema>;

export const CommandAgentSchema = z.strictObject({
  kind: z.literal('command'),
  /** argv, run without a shell from the workspace root; relative programs resolve against the root. */
  command: z.array(z.string().min(1)).min(1),
  /** Added to the environment of the command. */
  env: z.record(z.string(), z.string()).optional(),
  ...Common,
});
export type CommandAgent = z.infer<typeof CommandAgentSchema>;

export const AgentSchema = z.discriminatedUnion('kind', [OpenAiAgentSchema, CommandAgentSchema]);
export type AgentConfig = z.infer<typeof AgentSchema>;

export const AgentsConfigSchema = z.strictObject({
  version: z.literal(1),
  /** The agent used when `--agent` is not given. */
  default: AgentName.optional(),
  agents: z.record(AgentName, AgentSchema),
});
export type AgentsConfig = z.infer<typeof AgentsConfigSchema>;

/** `default` must name a defined agent. */
export function checkAgentsConfig(value: AgentsConfig, ctx: CheckContext): Diagnostic[] {
  if (value.default === undefined || value.default in value.agents) return [];
  const pos = ctx.locate(['default']);
  const names = Object.keys(value.agents);
  return [
    {
      code: 'E_SCHEMA',
      severity: 'error',
      file: ctx.file,
      line: pos?.line,
      column: pos?.column,
      path: ['default'],
      message: `default agent "${value.default}" is not defined under agents`,
      hint: names.length > 0 ? `defined: ${names.join(', ')}` : 'define it under agents:',
    },
  ];
}
