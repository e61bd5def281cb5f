import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Workspace } from '@st3/cli-kit';
import { savedSelection, type AgentSelection } from '@st3/executor';
import { St3Error, type ExecutorConfig } from '@st3/schemas';
import type { TelemetryHandle } from '@st3/schemas';

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

export interface AgentSettingsInput {
  values: WhoFlags;
  saved: Record<string, unknown>;
  ws: Workspace;
  env: Record<string, string | undefined>;
  config: ExecutorConfig | undefined;
  usageError: UsageError;
  telemetry?: TelemetryHandle;
}

/** The agent, instruction, task and review threshold of an agent run (flags first, then the saved run). */
export async function agentSettings(
  { values, saved, ws, env, config, usageError, telemetry }: AgentSettingsInput,
  who: Who,
) {
  const { chooseAgent } = await import('../agent-setup.js');
  const choice = await chooseAgent(ws.root, env, who.selection ?? {}, telemetry ? { telemetry } : {});
  const taskId = values.task ?? (typeof saved.task === 'string' ? saved.task : undefined);
  let instruction = values.instruction ?? (typeof saved.instruction === 'string' ? saved.instruction : undefined);
  if (instruction === undefined && taskId)
    instruction = (await (await import('../task-instruction.js')).instructionFromTask(ws.root, taskId)).instruction;
  if (instruction === undefined)
    throw usageError(
      'say what the agent should do: --instruction TEXT or --task ID',
      'e.g. --instruction "Implement the TODO"',
    );
  const reviewBelow =
    values['review-below'] ??
    (typeof saved.reviewBelow === 'number' ? saved.reviewBelow : undefined) ??
    config?.review_below ??
    0.7;
  return { choice, instruction, reviewBelow, ...(taskId ? { taskId } : {}) };
}
