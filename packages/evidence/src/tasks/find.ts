import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { St3Error } from '@st3/schemas';
import { displayPath } from '../util.js';
import { taskIdFromFileName, validateTaskFile, type TaskVerdict } from './load.js';

export interface TaskLocation {
  id: string;
  /** Absolute path. */
  path: string;
  /** Workspace-relative path. */
  file: string;
  /** The configured folder it was found in. */
  folder: string;
}

/** Every `*.task.yaml` under the configured folders (recursively), sorted by path; missing folders are skipped. */
export async function listTaskFiles(root: string, folders: readonly string[]): Promise<TaskLocation[]> {
  const out: TaskLocation[] = [];
  const seen = new Set<string>();
  const walk = async (dir: string, folder: string): Promise<void> => {
    let names;
    try {
      names = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR')
        return;
      throw error;
    }
    for (const entry of names) {
      const abs = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) await walk(abs, folder);
      } else if (entry.isFile() && entry.name.endsWith('.task.yaml') && !seen.has(abs)) {
        seen.add(abs);
        const id = taskIdFromFileName(entry.name);
        if (id) out.push({ id, path: abs, file: displayPath(root, abs), folder });
      }
    }
  };
  for (const folder of folders) await walk(resolve(root, folder), folder);
  out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return out;
}

/**
 * Finds a task by id across the folders (active and completed), so a task moved on completion is
 * still found. `ref` may also be a path to the task file. Two files with one id is an error that
 * names both (pass the path instead).
 */
export async function findTask(root: string, folders: readonly string[], ref: string): Promise<TaskLocation> {
  if (ref.endsWith('.yaml') || ref.includes('/')) {
    const abs = resolve(root, ref);
    const id = taskIdFromFileName(abs);
    if (!id)
      throw new St3Error('E_USAGE', `cannot tell the task id from the file name ${ref}`, {
        hint: 'task files are named TASK-0123-slug.task.yaml',
      });
    return { id, path: abs, file: displayPath(root, abs), folder: '' };
  }
  const id = ref.toUpperCase();
  const all = await listTaskFiles(root, folders);
  const matches = all.filter((t) => t.id === id);
  if (matches.length === 0) {
    throw new St3Error('E_TASK_NOT_FOUND', `no task ${id} in ${folders.join(', ')}`, {
      hint: '`st3 tasks list` shows the tasks found; task folders are set by task_dirs in .st3/config/tasks.yaml',
    });
  }
  if (matches.length > 1) {
    throw new St3Error(
      'E_USAGE',
      `${matches.length} task files have the id ${id}: ${matches.map((m) => m.file).join(', ')}`,
      { hint: 'pass the path of the task file instead of the id' },
    );
  }
  return matches[0]!;
}

export interface TaskSummary extends TaskLocation {
  title?: string;
  status?: string;
  priority?: string;
  schemaVersion?: string;
  ok: boolean;
  errors: number;
  warnings: number;
}

/** Lists tasks with their verdict (parsing each file once). */
export async function listTasks(
  root: string,
  folders: readonly string[],
): Promise<{ tasks: TaskSummary[]; verdicts: TaskVerdict[] }> {
  const files = await listTaskFiles(root, folders);
  const verdicts = await Promise.all(files.map((f) => validateTaskFile(f.path, f.file)));
  const tasks = files.map((f, i) => {
    const v = verdicts[i]!;
    return {
      ...f,
      id: v.id ?? f.id,
      title: typeof v.task?.title === 'string' ? v.task.title : undefined,
      status: v.status,
      priority: typeof v.task?.priority === 'string' ? v.task.priority : undefined,
      schemaVersion: v.schemaVersion,
      ok: v.ok,
      errors: v.errors.length,
      warnings: v.warnings.length,
    };
  });
  return { tasks, verdicts };
}
