import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { decodeUtf8, St3Error, type Diagnostic, type TaskContext } from '@st3/schemas';
import { contextDirFor, type EvidenceWorkspace } from '../config.js';
import { findTask } from '../tasks/find.js';
import { validateTaskText } from '../tasks/load.js';
import { displayPath, sha256 } from '../util.js';
import { immutableFields, readContext } from './store.js';

/** Where the task file stands against the snapshot taken at `context init`. */
export interface TaskFileDrift {
  task_id: string;
  /** The task file now (workspace-relative): the recorded path, or where the task moved to. */
  task_file: string | null;
  /** The path recorded at init, when the task file is no longer there. */
  moved_from?: string;
  /** The stored snapshot still has the SHA-256 recorded at init. */
  snapshot_intact: boolean;
  /** The task file's bytes differ from the snapshot; true also when it is gone (`task_file` null). */
  task_file_changed: boolean;
  snapshot_sha256: string;
  current_sha256: string | null;
}

const FIELDS = ['title', 'acceptance_criteria', 'plan', 'scope', 'deliverables'] as const;

/** The change of a task since its context was created: the task file's diff and the immutable fields that changed. */
export interface ContextDiff extends TaskFileDrift {
  /** Unified diff from the snapshot to the task file now (empty when unchanged). */
  patch: string;
  /** Immutable fields whose value in the task file now differs from the context's. */
  immutable: { field: (typeof FIELDS)[number]; before: unknown; after: unknown }[];
  /** The task file does not parse now: the immutable section cannot be compared. */
  errors: Diagnostic[];
}

/**
 * The file's bytes, or null when it is not there (ENOENT, ENOTDIR). Any other failure (permissions, a
 * folder, a file too big to read) is E_FILE_READ naming it: a file that could not be read is never
 * taken as unchanged, nor as gone.
 */
async function readOrNull(path: string, file: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new St3Error('E_FILE_READ', `cannot read ${file}: ${(error as Error).message}`, {
      file,
      cause: error,
      hint: 'check that it is a readable regular file',
    });
  }
}

/** Finds the task file of a context: its recorded path, else the task found by id (moved on completion). */
async function currentTaskFile(
  ws: EvidenceWorkspace,
  context: TaskContext,
): Promise<{ file: string | null; bytes: Buffer | null }> {
  const recorded = context.manifest.task_file;
  const bytes = await readOrNull(resolve(ws.root, recorded), recorded);
  if (bytes) return { file: recorded, bytes };
  let found: Awaited<ReturnType<typeof findTask>>;
  try {
    found = await findTask(ws.root, ws.config.task_dirs, context.manifest.task_id);
  } catch (error) {
    if ((error as { code?: string }).code === 'E_TASK_NOT_FOUND') return { file: null, bytes: null };
    throw error;
  }
  const moved = await readOrNull(found.path, found.file);
  return moved ? { file: found.file, bytes: moved } : { file: null, bytes: null };
}

async function drift(
  ws: EvidenceWorkspace,
  context: TaskContext,
): Promise<{ drift: TaskFileDrift; snapshot: Buffer | null; current: Buffer | null }> {
  const snap = context.immutable.snapshot;
  const snapshotPath = join(contextDirFor(ws, context.manifest.task_id), snap.path);
  const snapshot = await readOrNull(snapshotPath, displayPath(ws.root, snapshotPath));
  const { file, bytes } = await currentTaskFile(ws, context);
  const current = bytes === null ? null : sha256(bytes);
  return {
    drift: {
      task_id: context.manifest.task_id,
      task_file: file === null ? null : displayPath(ws.root, resolve(ws.root, file)),
      ...(file !== context.manifest.task_file ? { moved_from: context.manifest.task_file } : {}),
      snapshot_intact: snapshot !== null && sha256(snapshot) === snap.sha256,
      // Gone is a change: the task file recorded at init is no longer there to say "unchanged".
      task_file_changed: current === null || current !== snap.sha256,
      snapshot_sha256: snap.sha256,
      current_sha256: current,
    },
    snapshot,
    current: bytes,
  };
}

/** Whether the task file changed since the snapshot (and whether the stored snapshot itself is intact). */
export async function taskFileDrift(ws: EvidenceWorkspace, context: TaskContext): Promise<TaskFileDrift> {
  return (await drift(ws, context)).drift;
}

const stable = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );

/** The task file as text, or its E_FILE_ENCODING finding: a lossy decoding could hide the change of an immutable field. */
function strictText(bytes: Buffer, file: string): { ok: string } | { error: Diagnostic } {
  try {
    return { ok: decodeUtf8(bytes, file) };
  } catch (error) {
    if (!(error instanceof St3Error)) throw error;
    return {
      error: {
        code: error.code,
        severity: 'error',
        file,
        line: error.line,
        column: error.column,
        message: error.message,
      },
    };
  }
}

/**
 * `context diff`: the unified diff of the task file since `context init` (snapshot → now) and the
 * immutable fields (title, acceptance criteria, plan, scope, deliverables) whose value changed.
 */
export async function diffContext(ws: EvidenceWorkspace, taskId: string): Promise<ContextDiff> {
  const context = await readContext(ws, taskId);
  const { drift: d, snapshot, current } = await drift(ws, context);
  const before = snapshot?.toString('utf8') ?? '';
  const after = current?.toString('utf8') ?? '';
  const name = d.task_file ?? context.manifest.task_file;
  const patch =
    current !== null && before !== after
      ? createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after, 'snapshot at context init', 'now', { context: 3 })
      : '';
  const immutable: ContextDiff['immutable'] = [];
  let errors: Diagnostic[] = [];
  const text = current !== null && d.task_file_changed ? strictText(current, name) : undefined;
  if (text && 'error' in text) errors = [text.error];
  else if (text) {
    const verdict = validateTaskText(text.ok.replace(/^\uFEFF/, ''), name);
    if (!verdict.task) errors = verdict.errors;
    else {
      const now = immutableFields(verdict.task);
      for (const field of FIELDS)
        if (stable(now[field]) !== stable(context.immutable[field]))
          immutable.push({ field, before: context.immutable[field], after: now[field] });
    }
  }
  return { ...d, patch, immutable, errors };
}
