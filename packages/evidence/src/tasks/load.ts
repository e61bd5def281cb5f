import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import {
  checkTaskFile,
  decodeUtf8,
  issueToDiagnostic,
  loadText,
  St3Error,
  TaskFileSchema,
  type CheckContext,
  type Diagnostic,
  type TaskFile,
} from '@st3/schemas';
import { checkCompleteness, pipelineOf, taskSchemaVersion, type TaskRecord } from './completeness.js';
import { pipelinePath, commandSyntaxErrors } from '../validation/task-commands.js';

export interface TaskVerdict {
  file: string;
  /** The task id from the file, or from its name when it does not parse. */
  id?: string;
  schemaVersion?: '1.0' | '1.1';
  status?: string;
  /** The parsed task (absent when the file does not parse). */
  task?: TaskFile & TaskRecord;
  /** True when there is no error at all. */
  ok: boolean;
  /** True when the file is not well-formed YAML (a quarantine case). */
  parseFailed: boolean;
  /** Set when the file could not be checked at all (e.g. a symlink that is not followed): why. Never ok. */
  notChecked?: string;
  /**
   * The `blocker_id` of each validation command, where it is in the file: a reference to another task,
   * checked against the workspace's task files by `listTasks` and `validateTasks` (see `markDanglingBlockers`).
   */
  blockers?: BlockerRef[];
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

/** A validation command's `blocker_id`, located in its task file. */
export interface BlockerRef {
  id: string;
  path: (string | number)[];
  line?: number;
  column?: number;
}

const ID_IN_NAME = /(TASK-\d{4}[A-Z]?)/;

export function taskIdFromFileName(file: string): string | undefined {
  return ID_IN_NAME.exec(basename(file))?.[1];
}

/**
 * The task id a caller means by `ref`: an id (any case), or the path of a task file named with one. A path
 * is never upper-cased into an "id" naming no task — the ledger would record it as such, and a resolve or
 * repair would match nothing while reporting success. A path whose name carries no id is E_USAGE.
 */
export function taskIdOfRef(ref: string): string {
  if (!(ref.endsWith('.yaml') || ref.includes('/') || ref.includes('\\'))) return ref.toUpperCase();
  const id = taskIdFromFileName(ref);
  if (!id)
    throw new St3Error('E_USAGE', `cannot tell the task id from the file name ${ref}`, {
      hint: 'pass the task id (TASK-0123), or the path of a task file named TASK-0123-slug.task.yaml',
    });
  return id;
}

/** Loads a task file's text: YAML errors with line:col, shape errors from TaskFileSchema, then the completeness rules. */
export function validateTaskText(text: string, file: string): TaskVerdict {
  let located: CheckContext | undefined;
  const raw = loadText<unknown>(text, {
    file,
    schema: z.unknown(),
    check: (_value, ctx) => {
      located = ctx;
      return [];
    },
  });
  if (raw.errors.length > 0 || !located) {
    return {
      file,
      id: taskIdFromFileName(file),
      ok: false,
      parseFailed: true,
      errors: raw.errors,
      warnings: raw.warnings,
    };
  }
  const ctx = located;
  if (!raw.value || typeof raw.value !== 'object' || Array.isArray(raw.value)) {
    const error: Diagnostic = {
      code: 'E_SCHEMA',
      severity: 'error',
      file,
      line: 1,
      column: 1,
      message: 'a task file must be a YAML mapping',
      hint: 'start from the task template',
    };
    return {
      file,
      id: taskIdFromFileName(file),
      ok: false,
      parseFailed: false,
      errors: [error],
      warnings: raw.warnings,
    };
  }
  const value = raw.value as TaskRecord;
  const completeness = checkCompleteness(value, ctx);
  const e001Paths = new Set(completeness.filter((d) => d.code === 'E001').map((d) => JSON.stringify(d.path)));
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [...raw.warnings];
  const shape = TaskFileSchema.safeParse(value);
  if (!shape.success) {
    for (const issue of shape.error.issues) {
      const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
      // The completeness rules already report these with E001; one finding per problem.
      if (
        e001Paths.has(JSON.stringify(path)) ||
        (path.length === 1 &&
          (path[0] === 'validation' || path[0] === 'plan') &&
          [...e001Paths].some((p) => p.startsWith(`["${String(path[0])}"`)))
      )
        continue;
      errors.push(issueToDiagnostic(issue, file, ctx.locate));
    }
  } else {
    warnings.push(...checkTaskFile(shape.data, ctx));
  }
  for (const d of completeness) (d.severity === 'error' ? errors : warnings).push(d);
  for (const d of locatedCommandErrors(value, ctx, text, file)) (d.severity === 'error' ? errors : warnings).push(d);
  errors.sort(byPosition);
  warnings.sort(byPosition);
  const blockers = blockerRefs(value, ctx);
  return {
    file,
    id: typeof value.id === 'string' ? value.id : taskIdFromFileName(file),
    schemaVersion: taskSchemaVersion(value),
    status: typeof value.status === 'string' ? value.status : undefined,
    task: value as TaskFile & TaskRecord,
    ok: errors.length === 0,
    parseFailed: false,
    errors,
    warnings,
    ...(blockers.length > 0 ? { blockers } : {}),
  };
}

export async function validateTaskFile(path: string, displayName = path): Promise<TaskVerdict> {
  let text: string;
  try {
    // Exact text: a byte that is not UTF-8 is E_FILE_ENCODING at its line:column (decoded lossily it would
    // read as U+FFFD and the file would pass for valid).
    text = decodeUtf8(await readFile(path), displayName);
  } catch (error) {
    if (error instanceof St3Error)
      return {
        file: displayName,
        id: taskIdFromFileName(path),
        ok: false,
        parseFailed: false,
        errors: [
          {
            code: error.code,
            severity: 'error',
            file: displayName,
            ...(error.line !== undefined ? { line: error.line, column: error.column } : {}),
            message: error.message,
          },
        ],
        warnings: [],
      };
    const code = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'E_FILE_NOT_FOUND' : 'E_FILE_READ';
    return {
      file: displayName,
      id: taskIdFromFileName(path),
      ok: false,
      parseFailed: false,
      errors: [{ code, severity: 'error', file: displayName, message: (error as Error).message }],
      warnings: [],
    };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return validateTaskText(text, displayName);
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}

/**
 * Command-string findings (W_COMMAND_NEEDS_SHELL warnings, E_COMMAND_SYNTAX errors) at file:line:col: the command string's position in the file, moved to the
 * offending character when the string stands on its line as written (plain or simply quoted).
 */
function locatedCommandErrors(task: TaskRecord, ctx: CheckContext, text: string, file: string): Diagnostic[] {
  const lines = text.split(/\r?\n/);
  return commandSyntaxErrors(task).map(({ offset, ...d }) => {
    const pos = ctx.locate(d.path ?? []);
    let column = pos?.column;
    if (pos) {
      const command = String(pipelineCommand(task, d.path ?? []));
      const rest = (lines[pos.line - 1] ?? '').slice(pos.column - 1);
      if (rest.startsWith(command)) column = pos.column + offset;
      else if (/^["']/.test(rest) && rest.slice(1).startsWith(command)) column = pos.column + 1 + offset;
    }
    return { ...d, file, line: pos?.line, column };
  });
}

/** Every string `blocker_id` of the task's validation commands, with its path and position in the file. */
function blockerRefs(task: TaskRecord, ctx: CheckContext): BlockerRef[] {
  const base = pipelinePath(task);
  return (pipelineOf(task) ?? []).flatMap((raw, i): BlockerRef[] => {
    const id = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).blocker_id : undefined;
    if (typeof id !== 'string' || id.trim() === '') return [];
    const path = [...base, i, 'blocker_id'];
    const pos = ctx.locate(path);
    return [{ id, path, ...(pos ? { line: pos.line, column: pos.column } : {}) }];
  });
}

function pipelineCommand(task: TaskRecord, path: (string | number)[]): unknown {
  let node: unknown = task;
  for (const key of path)
    node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined;
  return node;
}
