import { isSt3Error } from '@st3/schemas';

/**
 * Attaches a run's patch to a task as `diff` evidence (creating the task's context when it has
 * none), so the task records exactly what the agents changed. Returns the evidence entry's id.
 */
export async function attachRunPatch(
  root: string,
  taskId: string,
  patchFile: string,
  runId: string,
  signal?: AbortSignal,
): Promise<{ id: string; created: boolean }> {
  const ev = await import('@st3/evidence');
  const ws = await ev.loadTasksConfig(root);
  try {
    await ev.readContext(ws, taskId);
  } catch (error) {
    if (!isSt3Error(error, 'E_CONTEXT_NOT_FOUND')) throw error;
    await ev.initContext(ws, taskId, { tool: 'st3 execute' });
  }
  const r = await ev.attachEvidence(ws, taskId, {
    type: 'diff',
    source: patchFile,
    description: `changes made by the agents in run ${runId}`,
    metadata: { run_id: runId },
    allowOutside: true,
    ...(signal ? { signal } : {}),
  });
  return { id: r.entry.id, created: r.created };
}
