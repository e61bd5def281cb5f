import { join, resolve } from 'node:path';
import { St3Error } from '@st3/schemas';
import { contextDirFor, type EvidenceWorkspace } from '../config.js';
import { listTaskFiles, type TaskLocation } from '../tasks/find.js';
import { taskIdFromFileName } from '../tasks/load.js';
import { displayPath, exists } from '../util.js';
import { CONTEXT_FILE, readContext } from './store.js';

const looksLikePath = (ref: string): boolean => ref.endsWith('.yaml') || ref.includes('/') || ref.includes('\\');

/**
 * The task a verb acts on, from an id or the path of its task file. An id two task files carry is
 * refused (E_TASK_AMBIGUOUS, exit 2: give the path); a path whose task already has a context made
 * from another file is refused too (the two files share one context folder). An id with no task file
 * is accepted when its context exists (the task file was deleted or moved out of the task folders).
 */
export async function resolveTaskRef(
  ws: EvidenceWorkspace,
  ref: string,
): Promise<{ id: string; location?: TaskLocation }> {
  if (looksLikePath(ref)) {
    const abs = resolve(ws.root, ref);
    const id = taskIdFromFileName(abs);
    if (!id)
      throw new St3Error('E_USAGE', `cannot tell the task id from the file name ${ref}`, {
        hint: 'task files are named TASK-0123-slug.task.yaml',
      });
    const file = displayPath(ws.root, abs);
    if (await exists(join(contextDirFor(ws, id), CONTEXT_FILE))) {
      const context = await readContext(ws, id);
      if (context.manifest.task_file !== file)
        throw new St3Error(
          'E_TASK_AMBIGUOUS',
          `the context of ${id} was made from ${context.manifest.task_file}, not ${file}`,
          {
            hint: `two task files carry ${id}: rename one of them (its id and file name), or purge the context first`,
            details: { id, files: [context.manifest.task_file, file] },
          },
        );
    }
    return { id, location: { id, path: abs, file, folder: '' } };
  }
  const id = ref.toUpperCase();
  const matches = (await listTaskFiles(ws.root, ws.config.task_dirs)).filter((t) => t.id === id);
  if (matches.length > 1)
    throw new St3Error(
      'E_TASK_AMBIGUOUS',
      `${matches.length} task files have the id ${id}: ${matches.map((m) => m.file).join(', ')}`,
      {
        hint: `pass the path of the task file instead of the id, e.g. ${matches[0]!.file}`,
        details: { id, files: matches.map((m) => m.file) },
      },
    );
  return matches.length === 1 ? { id, location: matches[0]! } : { id };
}
