import { resolve } from 'node:path';
import type { TaskContext, ValidationCommand, ValidationResult } from '@st3/schemas';
import type { EvidenceWorkspace } from '../config.js';
import { taskFileDrift } from '../context/diff.js';
import { validateTaskFile } from '../tasks/load.js';
import { systemClock, type Clock } from '../util.js';
import { skippedResult } from './tally.js';
import { commandsFromTask, parseCommands } from './task-commands.js';

/**
 * A validation command on which the context and the task file now disagree: `added` to the file since
 * `context init`, `changed` in it (same id, another command, cwd, env, …), `removed` from it, or
 * `unreadable` (the file no longer parses, so no command of the context can be vouched for), or `missing`
 * (the file is gone: deleted, or moved out of the task folders, so none of its commands can be either).
 */
export interface CommandDrift {
  id: string;
  change: 'added' | 'changed' | 'removed' | 'unreadable' | 'missing';
  /** Why the command is not run, as its `skip_reason`. */
  reason: string;
}

/** A command's definition as text, keys sorted; its description is left out (it changes nothing that runs). */
function definition(command: ValidationCommand): string {
  const { description: _description, ...rest } = command;
  return JSON.stringify(rest, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/**
 * How the task file's validation commands now differ from those its context recorded at `context init`.
 * Empty when the file is unchanged since the snapshot. When it is gone, every command of the context is
 * `missing`: the context's list came from a file that no longer exists, so running it would vouch for a
 * task nobody has any more. The context's list is not updated here: its snapshot is what the task was started with.
 */
export async function validationCommandDrift(ws: EvidenceWorkspace, context: TaskContext): Promise<CommandDrift[]> {
  const drift = await taskFileDrift(ws, context);
  if (!drift.task_file_changed) return [];
  const recorded = parseCommands(context.validation_commands);
  const id = context.manifest.task_id;
  if (drift.task_file === null)
    return recorded.map((c) => ({
      id: c.id,
      change: 'missing',
      reason: `the task file ${context.manifest.task_file} is gone (no task file of ${id} in the task folders) since context init: the context's commands came from it; restore the file, or purge the context (st3 tasks context purge ${id}) if the task was dropped`,
    }));
  const file = drift.task_file;
  const redo = `re-init the context (st3 tasks context purge ${id}, then context init) so that it holds the file's commands`;
  const verdict = await validateTaskFile(resolve(ws.root, file), file);
  if (!verdict.task) {
    const first = verdict.errors[0];
    const why = first ? `${first.line ?? '?'}:${first.column ?? '?'} ${first.code} ${first.message}` : 'unreadable';
    return recorded.map((c) => ({
      id: c.id,
      change: 'unreadable',
      reason: `the task file ${file} cannot be read now (${why}): whether this is still one of its commands is unknown; fix the file, or ${redo}`,
    }));
  }
  const now = new Map(commandsFromTask(verdict.task).commands.map((c) => [c.id, c]));
  const out: CommandDrift[] = [];
  for (const c of recorded) {
    const current = now.get(c.id);
    if (!current) out.push({ id: c.id, change: 'removed', reason: `removed from ${file} since context init; ${redo}` });
    else if (definition(current) !== definition(c))
      out.push({
        id: c.id,
        change: 'changed',
        reason: `changed in ${file} since context init (the context holds the old command); ${redo}`,
      });
  }
  const known = new Set(recorded.map((c) => c.id));
  for (const id of now.keys())
    if (!known.has(id)) out.push({ id, change: 'added', reason: `added to ${file} since context init; ${redo}` });
  return out;
}

/** The result of a command not run because of its drift: `skipped` with the drift as its reason, so it counts as not run. */
export function driftResult(drift: CommandDrift, clock: Clock = systemClock): ValidationResult {
  return skippedResult(drift.id, drift.reason, clock().toISOString());
}
