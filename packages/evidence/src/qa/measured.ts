// What makes a QA run "not measured": a run whose figures cannot be trusted never passes as clean,
// never becomes a baseline, and drift says so instead of comparing zeros.
import { compileConfigRegex, findPreset } from '@st3/quality-gates';
import type { QaSummary } from '@st3/schemas';

/** The headline prefix of a summary recorded without figures. */
export const NOT_MEASURED = 'not measured';

/**
 * Why a QA summary measured nothing, or undefined when its figures stand. Judged from the summary
 * alone (the schema has no field for it, and records written before this check must be judged too):
 * a killed run (no exit code); a lint or type-check run without figures, or one that exited non-zero
 * with nothing read (the tool failed, not "0 errors"); a test run in which no test ran (none at all, or
 * every one skipped or pending); a coverage
 * report in which no metric was measured (every total 0/0).
 */
export function qaNotMeasured(summary: QaSummary): string | undefined {
  if (summary.exit_code === null) return 'the run was killed or timed out (no exit code)';
  if (summary.kind === 'lint' || summary.kind === 'typecheck') {
    const issues = summary.issues;
    if (!issues) return reasonIn(summary.headline) ?? 'no figures were recorded';
    // Files listed as not checked are no figures either: counts only.
    if (summary.exit_code !== 0 && issues.errors === 0 && issues.warnings === 0)
      return `it exited with code ${summary.exit_code} and nothing was read from its output: the tool failed or its output was not understood`;
    return undefined;
  }
  if (summary.kind === 'test') {
    if (!summary.tests) return reasonIn(summary.headline) ?? 'no figures were recorded';
    const { total, passed, failed } = summary.tests;
    if (total === 0) return 'no test ran';
    // Every test skipped or pending (`-t nomatch`, `.skip`, `--testNamePattern` matching none): none ran either.
    if (passed === 0 && failed === 0)
      return `no test ran: all ${total} were skipped or pending (none passed or failed)`;
    return undefined;
  }
  const total = summary.coverage?.total;
  if (!total) return reasonIn(summary.headline) ?? 'no figures were recorded';
  const measured = Object.values(total).some((m) => m?.pct != null);
  return measured ? undefined : 'no coverage metric was measured (every total is 0/0 or missing)';
}

function reasonIn(headline: string): string | undefined {
  return headline.startsWith(`${NOT_MEASURED}: `) ? headline.slice(NOT_MEASURED.length + 2) : undefined;
}

let notCheckedRes: RegExp[] | undefined;

/**
 * ESLint's "File ignored because …" message: the tool did not check that file. The patterns are the
 * eslint gate preset's `not_checked_patterns` (the gate engine's source of truth), not a copy.
 */
export function saysNotChecked(message: string): boolean {
  notCheckedRes ??= (findPreset('eslint')?.gate.capabilities.not_checked_patterns ?? []).map(compileConfigRegex);
  return notCheckedRes.some((re) => re.test(message));
}

/** The rule name a summary lists a file the tool did not check under (not counted as an error or warning). */
export const NOT_CHECKED_RULE = '(not checked)';

/** The files a lint summary lists as not checked by the tool. */
export function notCheckedFiles(issues: NonNullable<QaSummary['issues']>): Set<string> {
  return new Set(
    issues.list.filter((i) => i.rule === NOT_CHECKED_RULE || saysNotChecked(i.message)).map((i) => i.file),
  );
}
