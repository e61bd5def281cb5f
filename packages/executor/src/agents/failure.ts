import type { NodeState } from '@st3/schemas';

/**
 * Codes of a node's failure that say the agent could not answer — its server unreachable or answering
 * an HTTP error (or no completion), its command failing or missing, no answer in time — not that the
 * code it wrote was wrong.
 */
const AGENT_DOWN: ReadonlySet<string> = new Set([
  'E_AGENT_UNREACHABLE',
  'E_AGENT_HTTP',
  'E_AGENT_COMMAND',
  'E_TOOL_NOT_FOUND',
  'E_TOOL_SPAWN',
  'E_TIMEOUT',
]);

/**
 * Words in the message of every cut-off answer (a server's finish_reason `length` or `content_filter`,
 * a command's answer past its byte limit): an E_AGENT_ANSWER that is no answer at all. The run record
 * keeps a node's code and message only, so the message is what tells it from an answer in a wrong format.
 */
export const CUT_OFF = 'was cut off';

/** Whether a node failed because the agent could not answer (timeout, cut off, unreachable, HTTP error). */
export function agentCouldNotAnswer(error: NodeState['error']): boolean {
  if (!error) return false;
  if (error.code === 'E_AGENT_ANSWER') return error.message.includes(CUT_OFF);
  if (error.code) return AGENT_DOWN.has(error.code);
  return error.category === 'timeout';
}

/**
 * Codes of a node's failure that are this machine's, not the code's: its file could not be read or
 * written (read-only, a full disk), its file or its code was gone before any agent was asked (deleted or
 * changed since the graph was made: no code was judged), a lock could not be had or was lost, the gate config is invalid, ST3
 * itself failed. The change may well have passed every check: its code has no verdict either.
 */
const RUNTIME_FAILURE: ReadonlySet<string> = new Set([
  'E_ATOM_NOT_FOUND',
  'E_WRITE',
  'E_FILE_READ',
  'E_LOCKED',
  'E_LOCK_COMPROMISED',
  'E_CONFIG_INVALID',
  'E_INTERNAL',
]);

/** Whether a node failed for a runtime reason other than the agent (a file it could not write, say). */
export function failedAtRuntime(error: NodeState['error']): boolean {
  return error?.code !== undefined && RUNTIME_FAILURE.has(error.code);
}

/**
 * Why an agent run's nodes failed, for its exit: `agent` when any failed node did because the agent
 * could not answer (a runtime failure: what that node's code would be is not known, so the run's
 * verdict is not complete, whatever the other nodes found), else `runtime` when any failed for another
 * runtime reason (`failedAtRuntime`: its file could not be written, …: no verdict on its code either),
 * `code` when every failed node's generated code (or answer) was judged and refused; undefined when no
 * node failed.
 */
export function agentRunFailure(nodes: Readonly<Record<string, NodeState>>): 'agent' | 'runtime' | 'code' | undefined {
  const failed = Object.values(nodes).filter((s) => s.status === 'failed');
  if (failed.length === 0) return undefined;
  if (failed.some((s) => agentCouldNotAnswer(s.error))) return 'agent';
  return failed.some((s) => failedAtRuntime(s.error)) ? 'runtime' : 'code';
}
