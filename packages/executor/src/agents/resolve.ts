import { join } from 'node:path';
import {
  AgentsConfigSchema,
  checkAgentsConfig,
  loadFile,
  St3Error,
  type AgentConfig,
  type AgentsConfig,
  type TelemetryHandle,
} from '@st3/schemas';
import { createCommandAgent } from './command.js';
import { createOpenAiAgent } from './openai.js';
import type { Agent } from './types.js';
import type { ProcessResult, RunProcessOptions } from '../process.js';

export const AGENTS_CONFIG_PATH = join('.st3', 'config', 'agents.yaml');

/** `.st3/config/agents.yaml` of a workspace; undefined when the file does not exist. Invalid files throw E_AGENT_CONFIG with every diagnostic. */
export async function loadAgentsConfig(
  root: string,
  file = join(root, AGENTS_CONFIG_PATH),
): Promise<AgentsConfig | undefined> {
  const r = await loadFile(file, { schema: AgentsConfigSchema, check: checkAgentsConfig });
  if (r.errors.some((d) => d.code === 'E_FILE_NOT_FOUND')) return undefined;
  if (!r.value || r.errors.length > 0) {
    const d = r.errors[0];
    throw new St3Error('E_AGENT_CONFIG', `${file} is invalid: ${d?.message ?? 'unreadable'}`, {
      file,
      line: d?.line,
      column: d?.column,
      hint: d?.hint ?? 'st3 validate .st3/config/agents.yaml lists every problem',
      diagnostics: r.errors,
    });
  }
  return r.value;
}

export interface AgentSelection {
  /** `--agent NAME` (else the file's `default`). */
  name?: string;
  /** `--agent-url`: an ad-hoc openai agent (with `model`). */
  url?: string;
  model?: string;
}

export interface CreateAgentOptions {
  /** Workspace root: command agents run here. */
  root: string;
  /** The environment keys are read from and commands get (libraries never read process.env themselves). */
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
  runProcess?: (options: RunProcessOptions) => Promise<ProcessResult>;
  /** Where an HTTP agent counts the JSON parses of its answers. */
  telemetry?: TelemetryHandle;
}

/**
 * The agent a run uses: an ad-hoc openai agent from `url` + `model` (a named agent's settings, such
 * as its key variable, apply when `name` is given too), else the named agent, else the file's default.
 */
export function selectAgent(
  config: AgentsConfig | undefined,
  selection: AgentSelection,
): { name: string; config: AgentConfig } {
  const named = selection.name ?? (selection.url ? undefined : config?.default);
  let base: AgentConfig | undefined;
  if (named !== undefined) {
    base = config?.agents[named];
    if (!base) {
      const names = Object.keys(config?.agents ?? {});
      throw new St3Error(
        config ? 'E_AGENT_UNKNOWN' : 'E_AGENT_CONFIG',
        config
          ? `no agent named "${named}" in ${AGENTS_CONFIG_PATH}`
          : `no ${AGENTS_CONFIG_PATH} to find agent "${named}" in`,
        {
          hint:
            names.length > 0
              ? `defined agents: ${names.join(', ')}`
              : 'define agents in .st3/config/agents.yaml, or pass --agent-url URL --agent-model M',
        },
      );
    }
  }
  if (selection.url || selection.model) {
    const model = selection.model ?? (base?.kind === 'openai' ? base.model : undefined);
    const url = selection.url ?? (base?.kind === 'openai' ? base.base_url : undefined);
    if (!url || !model)
      throw new St3Error('E_USAGE', 'an ad-hoc agent needs both --agent-url and --agent-model', {
        hint: 'e.g. --agent-url http://127.0.0.1:8080/v1 --agent-model qwen2.5-coder',
      });
    if (!/^https?:\/\/\S+$/.test(url))
      throw new St3Error('E_USAGE', `--agent-url must be an http(s) URL, got "${url}"`);
    const inherited = base?.kind === 'openai' ? base : undefined;
    return { name: named ?? 'ad-hoc', config: { ...inherited, kind: 'openai', base_url: url, model } };
  }
  if (!base)
    throw new St3Error('E_AGENT_CONFIG', 'no agent chosen', {
      hint: config
        ? `pass --agent NAME (one of: ${Object.keys(config.agents).join(', ')}) or set default: in ${AGENTS_CONFIG_PATH}`
        : `create ${AGENTS_CONFIG_PATH}, or pass --agent-url URL --agent-model M`,
    });
  return { name: named!, config: base };
}

/** Builds the agent a configuration entry describes. Throws E_AGENT_KEY_MISSING when its key variable is unset. */
export function createAgent(name: string, config: AgentConfig, options: CreateAgentOptions): Agent {
  if (config.kind === 'command') {
    return createCommandAgent({
      name,
      command: config.command,
      cwd: options.root,
      env: { ...options.env, ...config.env },
      ...(config.timeout_seconds ? { timeoutMs: config.timeout_seconds * 1000 } : {}),
      ...(options.runProcess ? { runProcess: options.runProcess } : {}),
    });
  }
  let apiKey: string | undefined;
  if (config.api_key_env) {
    apiKey = options.env[config.api_key_env];
    if (!apiKey)
      throw new St3Error(
        'E_AGENT_KEY_MISSING',
        `agent "${name}" reads its key from $${config.api_key_env}, which is not set`,
        {
          hint: `export ${config.api_key_env}=… (or remove api_key_env for a local server)`,
        },
      );
  }
  return createOpenAiAgent({
    name,
    baseUrl: config.base_url,
    model: config.model,
    ...(apiKey ? { apiKey } : {}),
    ...(config.timeout_seconds ? { timeoutMs: config.timeout_seconds * 1000 } : {}),
    ...(config.max_tokens ? { maxTokens: config.max_tokens } : {}),
    ...(config.extra_body ? { extraBody: config.extra_body } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.telemetry ? { telemetry: options.telemetry } : {}),
  });
}
