import { St3Error } from '@st3/schemas';
import { savedSelection } from '../review/open.js';
import type { AgentSelection } from '../agents/resolve.js';
import type { ExecutorConfig } from '@st3/schemas';

/** The scheduling settings asked for (`--mode`, `--concurrency`, ...; times in seconds). */
export interface RunSettingsRequest {
  mode?: string;
  concurrency?: number;
  retries?: number;
  /** Seconds per attempt. */
  timeout?: number;
  /** Seconds before the first retry. */
  backoff?: number;
}

/** The scheduling settings of a run: what `execute`/`runAgentExecution` take, and the backoff to save. */
export interface RunSettings {
  execute: {
    mode: 'eager' | 'waves';
    concurrency: number;
    retries: number;
    timeoutMs?: number;
    backoff: { baseMs: number };
  };
  backoffMs: number;
}

/**
 * The scheduling settings of a run: each one asked for, else the saved run's (a resume keeps them),
 * else the default (eager, 100 at once, 2 retries, no time limit, 1 s backoff).
 */
export function runSettings(values: RunSettingsRequest, saved: Record<string, unknown> = {}): RunSettings {
  const mode = (values.mode ?? saved.mode ?? 'eager') as string;
  if (mode !== 'eager' && mode !== 'waves')
    throw new St3Error('E_USAGE', `--mode must be eager or waves, got "${mode}"`);
  const concurrency = values.concurrency ?? (typeof saved.concurrency === 'number' ? saved.concurrency : 100);
  const retries = values.retries ?? (typeof saved.retries === 'number' ? saved.retries : 2);
  const timeoutSec =
    values.timeout !== undefined
      ? values.timeout
      : typeof saved.timeoutMs === 'number'
        ? saved.timeoutMs / 1000
        : undefined;
  if (timeoutSec !== undefined && !(timeoutSec > 0))
    throw new St3Error('E_USAGE', `--timeout expects seconds > 0, got "${values.timeout}"`);
  const backoffSec =
    values.backoff !== undefined ? values.backoff : typeof saved.backoffMs === 'number' ? saved.backoffMs / 1000 : 1;
  if (!(backoffSec >= 0)) throw new St3Error('E_USAGE', `--backoff expects seconds ≥ 0, got "${values.backoff}"`);
  return {
    execute: {
      mode,
      concurrency,
      retries,
      ...(timeoutSec !== undefined ? { timeoutMs: timeoutSec * 1000 } : {}),
      backoff: { baseMs: backoffSec * 1000 },
    },
    backoffMs: backoffSec * 1000,
  };
}

/** What an agent run is asked for (`--agent`, `--instruction`, ...); absent: the saved run's, or the default. */
export interface AgentRunRequest {
  agent?: string;
  agentUrl?: string;
  agentModel?: string;
  instruction?: string;
  reviewBelow?: number;
  dryRun?: boolean;
  task?: string;
}

export interface AgentRunParams {
  /** The agent to choose (`chooseAgent`): the one asked for, else the saved run's, else agents.yaml's default. */
  selection: AgentSelection;
  /** Undefined when neither asked for nor saved (a task's instruction may stand in). */
  instruction?: string;
  reviewBelow: number;
  dryRun: boolean;
  taskId?: string;
}

/**
 * The agent, instruction and review threshold of an agent run: what is asked for, else the saved run's
 * (a resume keeps them), else `review_below` of executor.yaml, else 0.7.
 */
export function agentRunParams(
  given: AgentRunRequest,
  saved: Record<string, unknown> = {},
  config?: ExecutorConfig,
): AgentRunParams {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const asked = given.agent !== undefined || given.agentUrl !== undefined || given.agentModel !== undefined;
  const selection: AgentSelection = asked
    ? {
        ...(given.agent !== undefined ? { name: given.agent } : {}),
        ...(given.agentUrl !== undefined ? { url: given.agentUrl } : {}),
        ...(given.agentModel !== undefined ? { model: given.agentModel } : {}),
      }
    : (savedSelection(saved) ?? {});
  const instruction = given.instruction ?? str(saved.instruction);
  const taskId = given.task ?? str(saved.task);
  const reviewBelow =
    given.reviewBelow ??
    (typeof saved.reviewBelow === 'number' ? saved.reviewBelow : undefined) ??
    config?.review_below ??
    0.7;
  return {
    selection,
    ...(instruction !== undefined ? { instruction } : {}),
    reviewBelow,
    dryRun: given.dryRun ?? saved.dryRun === true,
    ...(taskId !== undefined ? { taskId } : {}),
  };
}
