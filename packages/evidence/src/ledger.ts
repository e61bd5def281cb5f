import { withFileLock, writeJsonAtomic } from '@st3/fs';
import { St3Error, LedgerExceptionSchema, LedgerSchema, type Ledger, type LedgerException } from '@st3/schemas';
import { withUnknownKeys } from './lossless.js';
import { readRecord, systemClock, type Clock } from './util.js';

/**
 * The exception ledger (default docs/compliance/context-cache-exceptions.json): tasks whose files
 * cannot be used as they are, with an owner, a status and when the entry goes away by itself.
 * Every change reads, edits and writes the file under its lock; fields the schema does not know (a
 * ticket id, a PR link, a team, at the top level or in an entry) are written back as they were.
 */
export type ExceptionType = LedgerException['exception_type'];

export interface AddExceptionInput {
  task_id: string;
  exception_type: ExceptionType;
  parse_error?: string | null;
  owner?: string;
  deadline?: string | null;
  notes?: string;
  auto_remove_on?: LedgerException['auto_remove_on'];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Why `value` is not a calendar date written YYYY-MM-DD (`2026-02-30`, `2026-13-01`, `tomorrow`), or
 * undefined: a deadline no date can meet is refused rather than kept as if it were one.
 */
export function calendarDateProblem(value: string): string | undefined {
  const m = DATE.exec(value);
  if (!m) return 'not written YYYY-MM-DD';
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12) return `there is no month ${m[2]}`;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day >= 1 && day <= days ? undefined : `${m[1]}-${m[2]} has ${days} days`;
}

/** The deadline as given, or E_USAGE when it is not a calendar date (`what` names the input, e.g. `--deadline`). */
export function checkDeadline(value: string, what = 'deadline'): string {
  const problem = calendarDateProblem(value);
  if (problem)
    throw new St3Error('E_USAGE', `${what} "${value}" is not a date: ${problem}`, {
      hint: 'give a calendar date written YYYY-MM-DD, e.g. 2026-12-01',
    });
  return value;
}

const emptyLedger = (clock: Clock): Ledger => ({ version: '1.0', last_updated: clock().toISOString(), exceptions: [] });

/** The ledger as its schema knows it (a missing file is an empty ledger). */
export async function readLedger(path: string, clock: Clock = systemClock): Promise<Ledger> {
  return loadLedger(path, clock, false);
}

/** The ledger; with `keepUnknown`, with the keys the schema does not know too (what `update` writes back). */
async function loadLedger(path: string, clock: Clock, keepUnknown: boolean): Promise<Ledger> {
  const read = await readRecord(path, LedgerSchema, {
    what: 'exception ledger',
    hint: 'restore it from version control, or move it aside (a missing ledger is an empty one)',
  });
  if (read === undefined) return emptyLedger(clock);
  return keepUnknown ? withUnknownKeys(read.raw, read.data) : read.data;
}

async function update<T>(path: string, clock: Clock, fn: (ledger: Ledger) => T): Promise<T> {
  return withFileLock(path, async () => {
    const ledger = await loadLedger(path, clock, true);
    const result = fn(ledger);
    ledger.last_updated = clock().toISOString();
    await writeJsonAtomic(path, ledger);
    return result;
  });
}

/** An entry as its schema knows it (what the functions return; the file keeps the rest). */
const known = (e: LedgerException): LedgerException => LedgerExceptionSchema.parse(e);

/**
 * Adds an exception; adding the same task and type again returns the existing entry (idempotent). A
 * deadline that is not a calendar date is E_USAGE, and nothing is written.
 */
export async function addException(
  path: string,
  input: AddExceptionInput,
  clock: Clock = systemClock,
): Promise<{ exception: LedgerException; created: boolean }> {
  if (input.deadline != null) checkDeadline(input.deadline);
  return update(path, clock, (ledger) => {
    const existing = ledger.exceptions.find(
      (e) =>
        e.task_id === input.task_id && e.exception_type === input.exception_type && e.remediation.status !== 'resolved',
    );
    if (existing) {
      if (input.parse_error && existing.parse_error !== input.parse_error) existing.parse_error = input.parse_error;
      return { exception: known(existing), created: false };
    }
    const exception: LedgerException = {
      task_id: input.task_id,
      exception_type: input.exception_type,
      detected_at: clock().toISOString(),
      remediation: {
        owner: input.owner ?? 'unassigned',
        status: 'open',
        deadline: input.deadline ?? null,
        notes: input.notes ?? '',
        resolved_at: null,
      },
      parse_error: input.parse_error ?? null,
      suppressed_warnings: [],
      auto_remove_on:
        input.auto_remove_on ?? (input.exception_type === 'malformed_yaml' ? 'task_deletion' : 'task_completion'),
    };
    ledger.exceptions.push(exception);
    return { exception: known(exception), created: true };
  });
}

/** What a task is now, for `cleanupExceptions`: `unknown` when that could not be established. */
export type TaskState = 'completed' | 'deleted' | 'active' | 'unknown';

export interface ExceptionQuery {
  task_id?: string;
  exception_type?: ExceptionType;
  status?: LedgerException['remediation']['status'] | 'unresolved';
}

export function queryExceptions(ledger: Ledger, query: ExceptionQuery = {}): LedgerException[] {
  return ledger.exceptions.filter(
    (e) =>
      (query.task_id === undefined || e.task_id === query.task_id) &&
      (query.exception_type === undefined || e.exception_type === query.exception_type) &&
      (query.status === undefined ||
        (query.status === 'unresolved' ? e.remediation.status !== 'resolved' : e.remediation.status === query.status)),
  );
}

/** Marks the task's unresolved exceptions (of one type, or all) resolved with notes. */
export function resolveException(
  path: string,
  taskId: string,
  notes: string,
  type?: ExceptionType,
  clock: Clock = systemClock,
): Promise<LedgerException[]> {
  return update(path, clock, (ledger) => {
    const hits = queryExceptions(ledger, { task_id: taskId, exception_type: type, status: 'unresolved' });
    if (hits.length === 0)
      throw new St3Error(
        'E_EXCEPTION_NOT_FOUND',
        `no unresolved exception for ${taskId}${type ? ` of type ${type}` : ''}`,
        { hint: '`st3 tasks exceptions list` shows them' },
      );
    const now = clock().toISOString();
    for (const e of hits) {
      e.remediation.status = 'resolved';
      e.remediation.resolved_at = now;
      e.remediation.notes = e.remediation.notes ? `${e.remediation.notes}\n${notes}` : notes;
    }
    return hits.map(known);
  });
}

/**
 * Removes entries whose condition came true: `task_completion` when the task is completed,
 * `task_deletion` when its file is gone. `taskState(id)` tells what the task is now; `unknown` (its file
 * could not be checked) removes nothing.
 */
export function cleanupExceptions(
  path: string,
  taskState: (taskId: string) => TaskState,
  clock: Clock = systemClock,
): Promise<LedgerException[]> {
  return update(path, clock, (ledger) => {
    const removed: LedgerException[] = [];
    ledger.exceptions = ledger.exceptions.filter((e) => {
      const state = taskState(e.task_id);
      const gone =
        (e.auto_remove_on === 'task_completion' && (state === 'completed' || state === 'deleted')) ||
        (e.auto_remove_on === 'task_deletion' && state === 'deleted');
      if (gone) removed.push(known(e));
      return !gone;
    });
    return removed;
  });
}

/**
 * The suppression rule: while a task has an unresolved exception, a warning about it is shown
 * once and then recorded in `suppressed_warnings` instead of repeated. Returns whether to show it.
 */
export async function shouldShowWarning(
  path: string,
  taskId: string,
  warning: string,
  clock: Clock = systemClock,
): Promise<boolean> {
  const ledger = await readLedger(path, clock);
  const open = queryExceptions(ledger, { task_id: taskId, status: 'unresolved' });
  if (open.length === 0) return true;
  if (open.every((e) => e.suppressed_warnings.includes(warning))) return false;
  await update(path, clock, (l) => {
    for (const e of queryExceptions(l, { task_id: taskId, status: 'unresolved' }))
      if (!e.suppressed_warnings.includes(warning)) e.suppressed_warnings.push(warning);
  });
  return true;
}
