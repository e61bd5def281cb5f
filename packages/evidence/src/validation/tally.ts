import type { ValidationResult } from '@st3/schemas';

// The verdict over a validation run's results: which commands passed, failed, waited or were not run.

/** The skip reason of a command whose blocker task is not completed (see {@link notRunReason}). */
const BLOCKER_WAIT = /^blocker .+ is .+, not completed$/;

/**
 * Why a selected command did not run because of a pre-flight problem (its cwd is missing, not a folder
 * or outside the workspace; an expected path is missing), or undefined (it ran, was refused, or waits
 * on its blocker task). Such a command is not a pass: nothing was checked. A skip whose reason is not a
 * blocker wait counts as not run, whatever the reason says.
 */
export function notRunReason(result: Pick<ValidationResult, 'status' | 'skip_reason'>): string | undefined {
  if (result.status !== 'skipped') return undefined;
  const reason = result.skip_reason ?? 'skipped without a reason';
  return BLOCKER_WAIT.test(reason) ? undefined : reason;
}

/** The verdict over the results of a validation run: what `run-validation`, `st3 run` and MCP report. */
export interface ValidationTally {
  /**
   * True when at least one command passed and none failed, errored (could not start, timed out, refused)
   * or was not run because of a pre-flight problem. Commands waiting on a blocker task are neutral: they
   * neither pass nor fail, but a run in which nothing passed (every command waiting, or no command at
   * all) checked nothing and is not ok.
   */
  ok: boolean;
  total: number;
  passed: number;
  /** `failed` or `error`. */
  failed: number;
  /** Selected but not run because of a pre-flight problem (see {@link notRunReason}): not a pass. */
  not_run: number;
  /** Skipped while their blocker task is not completed (neutral: not checked, not failed). */
  skipped: number;
  /** Each command not run, with why. */
  notRun: { id: string; reason: string }[];
}

export function tallyValidation(results: readonly ValidationResult[]): ValidationTally {
  const notRun: ValidationTally['notRun'] = [];
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const r of results) {
    const reason = notRunReason(r);
    if (reason !== undefined) notRun.push({ id: r.id, reason });
    else if (r.status === 'passed') passed++;
    else if (r.status === 'skipped') skipped++;
    else failed++;
  }
  return {
    // Nothing ran, nothing checked: no pass (as E_VALIDATION_NO_COMMANDS refuses a run with no command).
    ok: passed > 0 && failed === 0 && notRun.length === 0,
    total: results.length,
    passed,
    failed,
    not_run: notRun.length,
    skipped,
    notRun,
  };
}

/** The result of a command that was not run, with why (`skip_reason`). */
export function skippedResult(id: string, reason: string, startedAt: string): ValidationResult {
  return {
    id,
    status: 'skipped',
    skip_reason: reason,
    exit_code: null,
    expected: false,
    duration_ms: 0,
    attempts: 0,
    timed_out: false,
    stdout_tail: '',
    stderr_tail: '',
    started_at: startedAt,
  };
}
