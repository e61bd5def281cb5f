import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { withFileLock, writeJsonAtomic } from '@st3/fs';
import { St3Error, TaskContextSchema, type TaskContext } from '@st3/schemas';
import { contextDirFor, type EvidenceWorkspace } from '../config.js';
import { withUnknownKeys } from '../lossless.js';
import { exists, readRecord, sha256, systemClock, type Clock } from '../util.js';

export const CONTEXT_FILE = 'context.json';

/** A task's context as its schema knows it (E_CONTEXT_NOT_FOUND without one). */
export function readContext(ws: EvidenceWorkspace, taskId: string): Promise<TaskContext> {
  return loadContext(ws, taskId, false);
}

/** The context; with `keepUnknown`, with the keys the schema does not know too (what `updateContext` writes back). */
async function loadContext(ws: EvidenceWorkspace, taskId: string, keepUnknown: boolean): Promise<TaskContext> {
  const file = join(contextDirFor(ws, taskId), CONTEXT_FILE);
  const read = await readRecord(file, TaskContextSchema, { what: `context of ${taskId}` });
  if (read === undefined)
    throw new St3Error('E_CONTEXT_NOT_FOUND', `no context for ${taskId}`, {
      hint: `run \`st3 tasks context init ${taskId}\``,
    });
  return keepUnknown ? withUnknownKeys(read.raw, read.data) : read.data;
}

/**
 * Reads, changes and writes a task's context under its lock (atomic write). The immutable
 * section is compared before and after: a change to it is a bug and is refused. Fields the schema
 * does not know (another tool's) are written back as they were.
 */
export async function updateContext<T>(
  ws: EvidenceWorkspace,
  taskId: string,
  fn: (context: TaskContext, dir: string) => Promise<T> | T,
  clock: Clock = systemClock,
): Promise<T> {
  const dir = contextDirFor(ws, taskId);
  const file = join(dir, CONTEXT_FILE);
  return withFileLock(file, async () => {
    const context = await loadContext(ws, taskId, true);
    const before = JSON.stringify(context.immutable);
    const result = await fn(context, dir);
    if (JSON.stringify(context.immutable) !== before)
      throw new St3Error('E_INTERNAL', 'the immutable section of a context cannot change');
    context.manifest.updated_at = clock().toISOString();
    await writeJsonAtomic(file, context);
    return result;
  });
}

/** The fields of a task its context keeps immutable (compared by `context diff`). */
export function immutableFields(task: Record<string, unknown>): {
  title: string;
  acceptance_criteria: unknown;
  plan: unknown;
  scope: unknown;
  deliverables: unknown;
} {
  return {
    title: String(task.title ?? ''),
    acceptance_criteria: task.acceptance_criteria ?? null,
    plan: task.plan ?? task.implementation_plan ?? null,
    scope: task.scope ?? null,
    deliverables: task.deliverables ?? null,
  };
}

/** Deletes a task's context folder (evidence, excerpts and snapshots). */
export async function purgeContext(ws: EvidenceWorkspace, taskId: string): Promise<{ removed: boolean; dir: string }> {
  const dir = contextDirFor(ws, taskId);
  const file = join(dir, CONTEXT_FILE);
  if (!(await exists(dir))) return { removed: false, dir };
  await withFileLock(file, async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return { removed: true, dir };
}

/** Checks the snapshot still matches its recorded SHA-256. */
export async function verifySnapshot(ws: EvidenceWorkspace, context: TaskContext): Promise<boolean> {
  try {
    const text = await readFile(join(contextDirFor(ws, context.manifest.task_id), context.immutable.snapshot.path));
    return sha256(text) === context.immutable.snapshot.sha256;
  } catch {
    return false;
  }
}
