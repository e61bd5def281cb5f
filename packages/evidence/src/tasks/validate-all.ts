// `st3 tasks validate` and the MCP task_validate tool: one run, one verdict.
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { isSt3Error } from '@st3/schemas';
import type { EvidenceWorkspace } from '../config.js';
import { addException, queryExceptions, readLedger, shouldShowWarning } from '../ledger.js';
import { quarantineTask } from '../quarantine.js';
import {
  listTaskFiles,
  listTasks,
  markDanglingBlockers,
  markDuplicateIds,
  noTaskFiles,
  resolveTaskInputs,
} from './find.js';
import type { TaskVerdict } from './load.js';
import { validateFoundTaskFile, type SkippedTaskFile } from './scan.js';

export interface ValidateTasksOptions {
  /** Task files or folders to check, relative to `base` (default: every task in the configured folders). */
  inputs?: readonly string[];
  /** The folder `inputs` are relative to (default: the workspace root). */
  base?: string;
  /** Quarantine the files that do not parse and record them in the exception ledger. */
  quarantine?: boolean;
  /** Who found them, in the ledger notes (e.g. `st3 tasks validate --quarantine`). */
  by?: string;
}

export interface ValidateTasksResult {
  ok: boolean;
  checked: number;
  failed: number;
  duplicates: { id: string; files: string[] }[];
  quarantined: string[];
  /**
   * Files that do not parse and could not be quarantined: they carry no task id, or their id is quarantined
   * for another file (an E_TASK_DUPLICATE_ID error on their verdict says which).
   */
  notQuarantined: string[];
  suppressed_warnings: number;
  skipped: SkippedTaskFile[];
  verdicts: TaskVerdict[];
}

/**
 * Checks task files as `st3 tasks validate` does: a name that does not exist is E_FILE_NOT_FOUND and
 * no file at all E_TASK_NO_FILES (both before anything is written); duplicate ids are marked; with
 * `quarantine` the files that do not parse are quarantined; warnings of tasks with an open exception are
 * suppressed after the first time; a file that could not be checked fails the run (`skipped`).
 */
export async function validateTasks(
  ws: EvidenceWorkspace,
  options: ValidateTasksOptions = {},
): Promise<ValidateTasksResult> {
  const inputs = options.inputs ?? [];
  const base = options.base ?? ws.root;
  const verdicts =
    inputs.length === 0
      ? (await listTasks(ws.root, ws.config.task_dirs)).verdicts
      : await Promise.all((await resolveTaskInputs(ws.root, base, inputs)).map(validateFoundTaskFile));
  // Checking no file establishes nothing: no verdict, never a pass.
  if (verdicts.length === 0) throw noTaskFiles(ws.root, ws.config.task_dirs, inputs);
  const duplicates = inputs.length > 0 ? markDuplicateIds(verdicts) : duplicatesOf(verdicts);
  // listTasks checks blockers against the files it found; named files are checked against the task folders.
  if (inputs.length > 0)
    markDanglingBlockers(
      verdicts,
      (await listTaskFiles(ws.root, ws.config.task_dirs)).map((t) => t.id),
    );
  const quarantine = options.quarantine
    ? await quarantineBroken(ws, verdicts, base, options.by ?? 'st3 tasks validate --quarantine')
    : { done: [], notQuarantined: [] };
  const suppressed = await suppressKnownWarnings(ws, verdicts);
  const skipped: SkippedTaskFile[] = verdicts.flatMap((v) =>
    v.notChecked
      ? [{ file: v.file, code: v.errors[0]!.code, reason: v.notChecked, hint: v.errors[0]!.hint ?? '' }]
      : [],
  );
  const failed = verdicts.filter((v) => !v.ok && !v.notChecked).length;
  return {
    ok: failed === 0 && skipped.length === 0,
    checked: verdicts.length - skipped.length,
    failed,
    duplicates,
    quarantined: quarantine.done,
    notQuarantined: quarantine.notQuarantined,
    suppressed_warnings: suppressed,
    skipped,
    verdicts,
  };
}

/** The duplicates `listTasks` already marked on its verdicts. */
function duplicatesOf(verdicts: TaskVerdict[]): { id: string; files: string[] }[] {
  const byId = new Map<string, string[]>();
  for (const v of verdicts)
    if (v.id && v.errors.some((e) => e.code === 'E_TASK_DUPLICATE_ID'))
      byId.set(v.id, [...(byId.get(v.id) ?? []), v.file]);
  return [...byId].map(([id, files]) => ({ id, files })).sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * The ledger's suppression rule: a warning about a task with an open exception is shown once, then
 * recorded in `suppressed_warnings` and hidden. Without a ledger file nothing is suppressed (or written).
 */
async function suppressKnownWarnings(ws: EvidenceWorkspace, verdicts: TaskVerdict[]): Promise<number> {
  const ledgerPath = resolve(ws.root, ws.config.ledger);
  if (!existsSync(ledgerPath)) return 0;
  const open = new Set(queryExceptions(await readLedger(ledgerPath), { status: 'unresolved' }).map((e) => e.task_id));
  let suppressed = 0;
  for (const v of verdicts) {
    if (!v.id || !open.has(v.id)) continue;
    const kept = [];
    for (const w of v.warnings) {
      if (await shouldShowWarning(ledgerPath, v.id, `${w.code}${w.path ? `@${w.path.join('.')}` : ''}`)) kept.push(w);
      else suppressed++;
    }
    v.warnings = kept;
  }
  return suppressed;
}

/**
 * Every file that does not parse gets a quarantine entry and a ledger exception (both keyed by task
 * id: a file without one, or whose id is quarantined for another file, is listed in `notQuarantined`).
 */
async function quarantineBroken(
  ws: EvidenceWorkspace,
  verdicts: TaskVerdict[],
  base: string,
  by: string,
): Promise<{ done: string[]; notQuarantined: string[] }> {
  const done: string[] = [];
  const notQuarantined: string[] = [];
  for (const v of verdicts) {
    if (!v.parseFailed) continue;
    if (!v.id) {
      notQuarantined.push(v.file);
      continue;
    }
    const first = v.errors[0]!;
    const file = relative(ws.root, resolve(base, v.file)).split('\\').join('/');
    try {
      await quarantineTask({ root: ws.root, dir: resolve(ws.root, ws.config.quarantine_dir) }, v.id, file, first);
    } catch (error) {
      // Its id is quarantined for another file (duplicate ids): said on its verdict, which fails anyway.
      if (!isSt3Error(error, 'E_TASK_DUPLICATE_ID')) throw error;
      v.errors.push({
        code: error.code,
        severity: 'error',
        file: v.file,
        line: 1,
        column: 1,
        message: error.message,
        hint: error.hint,
      });
      notQuarantined.push(v.file);
      continue;
    }
    await addException(resolve(ws.root, ws.config.ledger), {
      task_id: v.id,
      exception_type: 'malformed_yaml',
      parse_error: `${first.line ?? '?'}:${first.column ?? '?'} ${first.message}`,
      notes: `found by ${by}`,
    });
    done.push(v.id);
  }
  return { done, notQuarantined };
}
