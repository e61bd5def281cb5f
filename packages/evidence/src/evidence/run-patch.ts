import { isSt3Error } from '@st3/schemas';
import { loadTasksConfig } from '../config.js';
import { initContext } from '../context/init.js';
import { readContext } from '../context/store.js';
import { attachEvidence } from './attach.js';

/**
 * Attaches an agent run's patch to a task as `diff` evidence (creating the task's context when it has
 * none), so the task records exactly what the agents changed (`st3 execute --task`, the MCP execute
 * tool's `task`). Returns the evidence entry's id.
 */
export async function attachRunPatch(
  root: string,
  taskId: string,
  patchFile: string,
  runId: string,
  options: { signal?: AbortSignal; tool?: string } = {},
): Promise<{ id: string; created: boolean }> {
  const ws = await loadTasksConfig(root);
  try {
    await readContext(ws, taskId);
  } catch (error) {
    if (!isSt3Error(error, 'E_CONTEXT_NOT_FOUND')) throw error;
    await initContext(ws, taskId, { tool: options.tool ?? 'st3 execute' });
  }
  const r = await attachEvidence(ws, taskId, {
    type: 'diff',
    source: patchFile,
    description: `changes made by the agents in run ${runId}`,
    metadata: { run_id: runId },
    allowOutside: true,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { id: r.entry.id, created: r.created };
}
