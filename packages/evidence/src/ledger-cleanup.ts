import type { LedgerException } from '@st3/schemas';
import { resolve } from 'node:path';
import type { EvidenceWorkspace } from './config.js';
import { cleanupExceptions, readLedger, type TaskState } from './ledger.js';
import { noTaskFiles } from './tasks/find.js';
import { findTaskFiles, validateFoundTaskFile } from './tasks/scan.js';
import type { Clock } from './util.js';

export interface TaskExceptionCleanup {
  removed: LedgerException[];
  /** Exceptions kept because their task's state could not be established (a task file not checked). */
  notChecked: { task_id: string; exception_type: LedgerException['exception_type']; reason: string }[];
}

/**
 * `st3 tasks exceptions cleanup` and MCP `exceptions_cleanup`: removes the ledger entries whose task was
 * completed or deleted, judged from every task file in the configured folders. A task is "deleted" only
 * when its file was seen to be gone: no task file at all is E_TASK_NO_FILES (a wrong `task_dirs` would
 * delete every entry), and while a task file could not be checked (a dangling or escaping symlink, a file
 * with no task id in its name or content) an exception whose task was not found is kept and reported.
 */
export async function cleanupTaskExceptions(ws: EvidenceWorkspace, clock?: Clock): Promise<TaskExceptionCleanup> {
  const found = await findTaskFiles(ws.root, ws.config.task_dirs);
  if (found.length === 0) throw noTaskFiles(ws.root, ws.config.task_dirs, []);
  const verdicts = await Promise.all(found.map(validateFoundTaskFile));
  const states = new Map<string, TaskState>();
  const unseen: string[] = [];
  found.forEach((f, i) => {
    const v = verdicts[i]!;
    const id = (f.id ?? v.id)?.toUpperCase();
    if (!id) unseen.push(`${f.file} (${f.notChecked?.reason ?? 'it carries no task id'})`);
    else if (f.notChecked) states.set(id, 'unknown');
    else if (states.get(id) !== 'unknown')
      states.set(id, v.status === 'completed' ? 'completed' : (states.get(id) ?? 'active'));
  });
  const path = resolve(ws.root, ws.config.ledger);
  const stateOf = (id: string): TaskState => states.get(id) ?? (unseen.length > 0 ? 'unknown' : 'deleted');
  const notChecked = (await readLedger(path, clock)).exceptions.flatMap((e) =>
    stateOf(e.task_id) === 'unknown' && e.auto_remove_on !== 'manual'
      ? [
          {
            task_id: e.task_id,
            exception_type: e.exception_type,
            reason: states.has(e.task_id)
              ? `the task file of ${e.task_id} could not be checked`
              : `${e.task_id} was not found, but not every task file could be read: ${unseen.join(', ')}`,
          },
        ]
      : [],
  );
  return { removed: await cleanupExceptions(path, stateOf, clock), notChecked };
}
