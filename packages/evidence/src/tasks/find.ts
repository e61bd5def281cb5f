import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { St3Error } from '@st3/schemas';
import { displayPath } from '../util.js';
import { taskIdFromFileName, type TaskVerdict } from './load.js';
import { findTaskFiles, skippedOf, validateFoundTaskFile, type NotChecked, type SkippedTaskFile } from './scan.js';

export interface TaskLocation {
  id: string;
  /** Absolute path. */
  path: string;
  /** Workspace-relative path. */
  file: string;
  /** The configured folder it was found in. */
  folder: string;
}

/**
 * The task files whose name carries a task id (what commands find a task by), in the configured folders
 * (recursively), sorted by path; missing folders are skipped. Symlinks to task files inside the
 * workspace are followed. `findTaskFiles` returns every `*.task.yaml`, also those left out here (a name
 * without an id, a link that is not followed), and `listTasks` checks and reports them all.
 */
export async function listTaskFiles(root: string, folders: readonly string[]): Promise<TaskLocation[]> {
  return (await findTaskFiles(root, folders)).flatMap((f) =>
    f.id && !f.notChecked ? [{ id: f.id, path: f.path, file: f.file, folder: f.folder }] : [],
  );
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
      'E_TASK_AMBIGUOUS',
      `${matches.length} task files have the id ${id}: ${matches.map((m) => m.file).join(', ')}`,
      {
        hint: `pass the path of the task file instead of the id, e.g. ${matches[0]!.file}`,
        details: { id, files: matches.map((m) => m.file) },
      },
    );
  }
  return matches[0]!;
}

/** Task ids carried by more than one file, with every file (sorted by id). */
export function findDuplicateIds(tasks: readonly { id?: string; file: string }[]): { id: string; files: string[] }[] {
  const byId = new Map<string, string[]>();
  for (const t of tasks) {
    if (!t.id) continue;
    const list = byId.get(t.id) ?? [];
    list.push(t.file);
    byId.set(t.id, list);
  }
  return [...byId]
    .filter(([, files]) => files.length > 1)
    .map(([id, files]) => ({ id, files }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Marks every verdict whose task id another verdict also carries with an `E_TASK_DUPLICATE_ID`
 * error naming the other file(s). Returns the duplicates.
 */
export function markDuplicateIds(verdicts: TaskVerdict[]): { id: string; files: string[] }[] {
  const duplicates = findDuplicateIds(verdicts);
  const byId = new Map(duplicates.map((d) => [d.id, d.files]));
  for (const v of verdicts) {
    const files = v.id ? byId.get(v.id) : undefined;
    if (!files) continue;
    const others = files.filter((f) => f !== v.file);
    v.errors.push({
      code: 'E_TASK_DUPLICATE_ID',
      severity: 'error',
      file: v.file,
      line: 1,
      column: 1,
      message: `task id ${v.id} is also used by ${others.join(', ')}`,
      hint: 'give each task its own id, or remove the stale copy; commands then need the path instead of the id',
    });
    v.ok = false;
  }
  return duplicates;
}

/**
 * Adds an `E_TASK_NOT_FOUND` error, at the field, to every verdict whose validation command names in
 * `blocker_id` a task that `known` (the ids commands find tasks by: `listTaskFiles`) lacks. Such a
 * command would wait forever, so `run-validation` counts it as not run; the file is wrong, not waiting.
 */
export function markDanglingBlockers(verdicts: TaskVerdict[], known: Iterable<string>): void {
  const ids = new Set([...known].map((id) => id.toUpperCase()));
  for (const v of verdicts) {
    for (const b of v.blockers ?? []) {
      if (ids.has(b.id.toUpperCase())) continue;
      v.errors.push({
        code: 'E_TASK_NOT_FOUND',
        severity: 'error',
        file: v.file,
        ...(b.line !== undefined ? { line: b.line, column: b.column } : {}),
        path: b.path,
        message: `blocker_id ${b.id} names no task: no task file in the task folders has that id, so the command would never run`,
        hint: 'correct the id (`st3 tasks list` shows the tasks found), or remove blocker_id',
      });
      v.ok = false;
    }
  }
}

/**
 * The task files named by `inputs` (files, or folders searched recursively for `*.task.yaml` as
 * `findTaskFiles` does: a file found there that cannot be checked comes with `notChecked`), relative
 * to `base`. A name that does not exist is an error (E_FILE_NOT_FOUND, exit 2). Check each with
 * `validateFoundTaskFile`.
 */
export async function resolveTaskInputs(
  root: string,
  base: string,
  inputs: readonly string[],
): Promise<{ path: string; file: string; notChecked?: NotChecked }[]> {
  const out: { path: string; file: string; notChecked?: NotChecked }[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    const abs = resolve(base, input);
    let info;
    try {
      info = await stat(abs);
    } catch {
      throw new St3Error('E_FILE_NOT_FOUND', `no such file or folder: ${input}`, {
        file: input,
        hint: 'give task files (*.task.yaml) or folders holding them',
      });
    }
    const found = info.isDirectory()
      ? (await findTaskFiles(root, [abs])).map(({ path, file, notChecked }) => ({
          path,
          file,
          ...(notChecked ? { notChecked } : {}),
        }))
      : [{ path: abs, file: input }];
    for (const f of found) {
      if (seen.has(f.path)) continue;
      seen.add(f.path);
      out.push(f);
    }
  }
  return out;
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

/**
 * Lists tasks with their verdict (parsing each file once). `verdicts` covers every `*.task.yaml` found
 * (`findTaskFiles`): a file whose name carries no task id is checked too, and one that cannot be
 * checked (a symlink not followed) has a failing verdict with `notChecked`. `tasks` holds the files
 * whose name carries an id; `skipped` names every file `tasks` leaves out or could not check, with the
 * reason. Task ids carried by several files are returned as `duplicates` and marked on each verdict
 * (E_TASK_DUPLICATE_ID).
 */
export async function listTasks(
  root: string,
  folders: readonly string[],
): Promise<{
  tasks: TaskSummary[];
  verdicts: TaskVerdict[];
  duplicates: { id: string; files: string[] }[];
  skipped: SkippedTaskFile[];
}> {
  const found = await findTaskFiles(root, folders);
  const verdicts = await Promise.all(found.map(validateFoundTaskFile));
  const duplicates = markDuplicateIds(verdicts);
  markDanglingBlockers(
    verdicts,
    found.flatMap((f) => (f.id && !f.notChecked ? [f.id] : [])),
  );
  const tasks = found.flatMap(({ notChecked: _, id: named, ...f }, i): TaskSummary[] => {
    const v = verdicts[i]!;
    if (!named) return [];
    return [
      {
        ...f,
        id: v.id ?? named,
        title: typeof v.task?.title === 'string' ? v.task.title : undefined,
        status: v.status,
        priority: typeof v.task?.priority === 'string' ? v.task.priority : undefined,
        schemaVersion: v.schemaVersion,
        ok: v.ok,
        errors: v.errors.length,
        warnings: v.warnings.length,
      },
    ];
  });
  return { tasks, verdicts, duplicates, skipped: skippedOf(found, verdicts) };
}

/** E_TASK_NO_FILES: what was searched (the given names, or the configured folders and which of them are missing). */
export function noTaskFiles(root: string, taskDirs: readonly string[], positionals: readonly string[]): St3Error {
  if (positionals.length > 0)
    return new St3Error('E_TASK_NO_FILES', `no task files in ${positionals.join(' ')}: nothing was checked`, {
      hint: 'a folder is searched for *.task.yaml files (named TASK-0123-slug.task.yaml); give a file with another name by its path to check it',
    });
  const missing = taskDirs.filter((d) => !existsSync(resolve(root, d)));
  return new St3Error(
    'E_TASK_NO_FILES',
    `no task files in the configured task folders (${taskDirs.join(', ')}${missing.length > 0 ? `; missing: ${missing.join(', ')}` : ''}): nothing was checked`,
    {
      hint: 'set task_dirs in .st3/config/tasks.yaml to the folders holding your *.task.yaml files (TASK-0123-slug.task.yaml), or give the files or folders to check',
    },
  );
}
