import { lstat, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { walkFiles } from '@st3/fs';
import type { Diagnostic } from '@st3/schemas';
import { displayPath, isInside } from '../util.js';
import { taskIdFromFileName, validateTaskFile, type TaskVerdict } from './load.js';

/** Why a task file found in a folder was not checked (a symlink that is not followed), as a located error. */
export interface NotChecked {
  /** E_FILE_NOT_FOUND (target missing), E_PATH_ESCAPE (target outside the workspace), E_FILE_READ (a folder, a loop). */
  code: string;
  reason: string;
  hint: string;
}

/** A `*.task.yaml` file found in a task folder. */
export interface FoundTaskFile {
  /** Absolute path. */
  path: string;
  /** Workspace-relative path. */
  file: string;
  /** The folder it was found in, as given. */
  folder: string;
  /** The task id its name carries; absent when it carries none (the id then comes from the content). */
  id?: string;
  /** Set when the file cannot be checked: why. Such a file is reported, never dropped. */
  notChecked?: NotChecked;
}

/** A task file a listing does not cover, with the reason. */
export interface SkippedTaskFile {
  /** Workspace-relative path. */
  file: string;
  code: string;
  reason: string;
  hint: string;
}

const TASK_SUFFIX = '.task.yaml';
const NAME_HINT = 'name task files TASK-0123-slug.task.yaml: the task id, then any words';

/**
 * Every `*.task.yaml` under the folders (recursively; dot folders and node_modules are not entered),
 * sorted by path; missing folders are skipped. Nothing found is dropped: a file whose name carries no
 * task id is returned without `id`; a symlink is followed when its target is a regular file inside the
 * workspace (or the folder), else returned with `notChecked`; a symlink to a folder holding task files
 * (links to folders are not followed) is returned with `notChecked` too.
 */
export async function findTaskFiles(root: string, folders: readonly string[]): Promise<FoundTaskFile[]> {
  const out: FoundTaskFile[] = [];
  const seen = new Set<string>();
  const scanned = (await Promise.all(folders.map((f) => realpath(resolve(root, f)).catch(() => undefined)))).filter(
    (f): f is string => f !== undefined,
  );
  const realRoot = await realpath(root).catch(() => resolve(root));
  for (const folder of folders) {
    const base = resolve(root, folder);
    try {
      await readdir(base);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') continue;
      throw error; // a task folder that cannot be read is no empty one
    }
    const where: Where = { insideOf: [realRoot, await realpath(base)], scanned };
    // The one folder walk (@st3/fs): task folders are read whatever .gitignore says; links are judged here.
    const found = await walkFiles(base, {
      gitignore: false,
      enter: (rel) => !rel.split('/').pop()!.startsWith('.'),
      symlinks: 'all',
    });
    for (const rel of found) {
      const path = join(base, rel);
      if (seen.has(path)) continue;
      const entry = await judgeEntry(path, where);
      if (entry === undefined) continue;
      seen.add(path);
      const id = taskIdFromFileName(rel);
      out.push({
        path,
        file: displayPath(root, path),
        folder,
        ...(id ? { id } : {}),
        ...(entry ? { notChecked: entry } : {}),
      });
    }
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** Where links may lead: inside the workspace (or the folder walked), and the folders walked anyway. */
interface Where {
  insideOf: readonly string[];
  scanned: readonly string[];
}

/**
 * What to make of a walked entry: `null` a task file to check, a `NotChecked` one that cannot be, or
 * undefined when it is no task file (another file, a link to a folder without task files).
 */
async function judgeEntry(path: string, where: Where): Promise<NotChecked | null | undefined> {
  const isTaskName = path.endsWith(TASK_SUFFIX);
  const link = await lstat(path).catch(() => undefined);
  if (!link?.isSymbolicLink()) return isTaskName ? null : undefined;
  const target = await readlink(path).catch(() => '?');
  let real: string;
  try {
    real = await realpath(path);
  } catch (error) {
    if (!isTaskName) return undefined;
    const loop = (error as NodeJS.ErrnoException).code === 'ELOOP';
    return {
      code: loop ? 'E_FILE_READ' : 'E_FILE_NOT_FOUND',
      reason: loop ? `a symlink loop (→ ${target})` : `a symlink to ${target}, which does not exist`,
      hint: 'point the link at the task file, or remove it',
    };
  }
  const info = await stat(real);
  if (info.isDirectory()) return linkedFolder(real, target, where);
  if (!isTaskName) return undefined;
  if (!info.isFile())
    return {
      code: 'E_FILE_READ',
      reason: `a symlink to ${target}, which is not a regular file`,
      hint: 'point the link at the task file, or remove it',
    };
  if (!where.insideOf.some((dir) => isInside(dir, real)))
    return {
      code: 'E_PATH_ESCAPE',
      reason: `a symlink to ${target}, outside the workspace`,
      hint: 'copy the task file into the task folder, or add its folder to task_dirs in .st3/config/tasks.yaml',
    };
  return null;
}

/**
 * A symlink to a folder: not followed (as every folder walk), so reported when the folder holds task
 * files, unless they are checked anyway (the folder is, or is in, a folder walked) or it loops back.
 */
async function linkedFolder(real: string, target: string, where: Where): Promise<NotChecked | undefined> {
  if (where.scanned.some((dir) => isInside(dir, real) || isInside(real, dir))) return undefined;
  const inside = (
    await walkFiles(real, {
      gitignore: false,
      enter: (rel) => !rel.split('/').pop()!.startsWith('.'),
      filter: (rel) => rel.endsWith(TASK_SUFFIX),
    })
  ).length;
  if (inside === 0) return undefined;
  return {
    code: 'E_FILE_READ',
    reason: `a symlink to the folder ${target}, holding ${inside} task file(s): links to folders are not followed`,
    hint: where.insideOf.some((dir) => isInside(dir, real))
      ? `add ${target} to task_dirs in .st3/config/tasks.yaml, or give it to st3 tasks validate`
      : 'copy the task files into the task folder, or add their folder to task_dirs in .st3/config/tasks.yaml',
  };
}

/**
 * The verdict of a found task file: a file that cannot be checked gets a failing verdict carrying its
 * reason (never a pass); one whose name carries no task id is checked, with a `W_TASK_FILE_NAME`
 * warning (commands find tasks by the id in the file name).
 */
export async function validateFoundTaskFile(found: {
  path: string;
  file: string;
  notChecked?: NotChecked;
}): Promise<TaskVerdict> {
  if (found.notChecked) {
    const { code, reason, hint } = found.notChecked;
    return {
      file: found.file,
      id: taskIdFromFileName(found.file),
      ok: false,
      parseFailed: false,
      notChecked: reason,
      errors: [{ code, severity: 'error', file: found.file, message: `not checked: ${reason}`, hint }],
      warnings: [],
    };
  }
  const verdict = await validateTaskFile(found.path, found.file);
  if (!taskIdFromFileName(found.file) && found.file.endsWith(TASK_SUFFIX))
    verdict.warnings.unshift(nameWarning(verdict));
  return verdict;
}

function nameWarning(verdict: TaskVerdict): Diagnostic {
  return {
    code: 'W_TASK_FILE_NAME',
    severity: 'warning',
    file: verdict.file,
    line: 1,
    column: 1,
    message: `the file name carries no task id${verdict.id ? ` (the content says ${verdict.id})` : ''}: the file is checked, but no command finds it by id and \`st3 tasks list\` leaves it out`,
    hint: verdict.id ? `rename it ${verdict.id}-<slug>.task.yaml` : NAME_HINT,
  };
}

/** The files a listing of tasks leaves out, with why: those not checked, and those whose name carries no id. */
export function skippedOf(found: readonly FoundTaskFile[], verdicts: readonly TaskVerdict[]): SkippedTaskFile[] {
  return found.flatMap((f, i): SkippedTaskFile[] => {
    if (f.notChecked) return [{ file: f.file, ...f.notChecked }];
    if (f.id) return [];
    const id = verdicts[i]?.id;
    return [
      {
        file: f.file,
        code: 'W_TASK_FILE_NAME',
        reason: `the file name carries no task id${id ? ` (the content says ${id})` : ''}: not listed (\`st3 tasks validate\` checks it)`,
        hint: id ? `rename it ${id}-<slug>.task.yaml` : NAME_HINT,
      },
    ];
  });
}
