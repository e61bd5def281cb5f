import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Workspace } from '@st3/cli-kit';
import { savedSelection, type AgentRunParams, type AgentRunRequest, type AgentSelection } from '@st3/executor';
import { St3Error, type TelemetryHandle } from '@st3/schemas';

type UsageError = (message: string, hint?: string) => St3Error;

/** The flags of `st3 execute` that say who works on the nodes. */
export interface WhoFlags {
  run?: string;
  agent?: string;
  'agent-url'?: string;
  'agent-model'?: string;
  'dry-run'?: boolean;
  instruction?: string;
  'review-below'?: number;
  task?: string;
  telemetry?: boolean;
}

/** A command per node (`template`), or an agent (`agentMode`, chosen by `selection` or agents.yaml's default). */
export interface Who {
  template?: string;
  selection?: AgentSelection;
  agentMode: boolean;
}

/**
 * Who works on the nodes: --run's command, or an agent (--agent / --agent-url, or the default of
 * .st3/config/agents.yaml); a resumed run keeps what it was started with unless the flags say otherwise.
 * Flags that belong to the other mode are usage errors.
 */
export function whoWorks(
  values: WhoFlags,
  saved: Record<string, unknown>,
  resuming: boolean,
  ws: Workspace,
  usageError: UsageError,
): Who {
  const template = values.run ?? (resuming && typeof saved.command === 'string' ? saved.command : undefined);
  const wantsAgent =
    values.agent !== undefined || values['agent-url'] !== undefined || values['agent-model'] !== undefined;
  if (template !== undefined && wantsAgent) throw usageError('--run and --agent exclude each other');
  const selection = wantsAgent
    ? { name: values.agent, url: values['agent-url'], model: values['agent-model'] }
    : resuming
      ? savedSelection(saved)
      : undefined;
  const agentMode =
    template === undefined && (selection !== undefined || existsSync(join(ws.st3Dir, 'config', 'agents.yaml')));
  if (template === undefined && !agentMode)
    throw new St3Error(
      'E_USAGE',
      'say who works on the nodes: --agent NAME (or --agent-url URL --agent-model M) or --run CMD',
      { hint: 'define agents in .st3/config/agents.yaml; see st3 execute --help' },
    );
  if (!agentMode && (values['dry-run'] || values.instruction || values['review-below'] !== undefined))
    throw usageError('--dry-run, --instruction and --review-below go with an agent, not --run');
  if (!agentMode && values.task && !values.telemetry)
    throw new St3Error('E_USAGE', 'with --run, --task goes with --telemetry', { hint: 'add --telemetry' });
  return { ...(template !== undefined ? { template } : {}), ...(selection ? { selection } : {}), agentMode };
}

/** The flags of an agent run as @st3/executor's `agentRunParams` takes them (the MCP tool's arguments). */
export function agentRequest(values: WhoFlags): AgentRunRequest {
  return {
    ...(values.agent !== undefined ? { agent: values.agent } : {}),
    ...(values['agent-url'] !== undefined ? { agentUrl: values['agent-url'] } : {}),
    ...(values['agent-model'] !== undefined ? { agentModel: values['agent-model'] } : {}),
    ...(values.instruction !== undefined ? { instruction: values.instruction } : {}),
    ...(values['review-below'] !== undefined ? { reviewBelow: values['review-below'] } : {}),
    ...(values['dry-run'] !== undefined ? { dryRun: values['dry-run'] } : {}),
    ...(values.task !== undefined ? { task: values.task } : {}),
  };
}

export interface AgentSettingsInput {
  /** From `agentRunParams` of @st3/executor: flags, then the saved run, then executor.yaml. */
  params: AgentRunParams;
  ws: Workspace;
  env: Record<string, string | undefined>;
  usageError: UsageError;
  telemetry?: TelemetryHandle;
}

/**
 * The agent (`chooseAgent`, as the MCP execute tool chooses it), instruction, task and review threshold
 * of an agent run; with no instruction given or saved, the task's.
 */
export async function agentSettings({ params, ws, env, usageError, telemetry }: AgentSettingsInput) {
  const { chooseAgent } = await import('@st3/executor');
  const choice = await chooseAgent(ws.root, env, params.selection, telemetry ? { telemetry } : {});
  const { taskId, reviewBelow } = params;
  let instruction = params.instruction;
  if (instruction === undefined && taskId)
    instruction = (await (await import('@st3/evidence')).taskInstruction(ws.root, taskId)).instruction;
  if (instruction === undefined)
    throw usageError(
      'say what the agent should do: --instruction TEXT or --task ID',
      'e.g. --instruction "Implement the TODO"',
    );
  return { choice, instruction, reviewBelow, ...(taskId ? { taskId } : {}) };
}
