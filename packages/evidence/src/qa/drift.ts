import { St3Error, type QaSummary } from '@st3/schemas';
import { notCheckedFiles, qaNotMeasured } from './measured.js';

/**
 * `not_measured`: the current run (or the baseline, or one metric or file of it) measured nothing, so
 * no verdict can be given for it — a regression, never a pass. `kind_mismatch` is no longer reported
 * (runs of different kinds or commands are refused with E_USAGE) and stays in the type for readers of
 * old reports.
 */
export type QaDriftKind =
  | 'exit_code'
  | 'new_issue'
  | 'new_failing_test'
  | 'coverage_drop'
  | 'kind_mismatch'
  | 'not_measured'
  | 'fewer_passing_tests';

export interface QaDriftFinding {
  kind: QaDriftKind;
  /** Regressions make `st3 qa drift` exit 1; improvements and notes do not. */
  regression: boolean;
  message: string;
  file?: string;
  rule?: string;
  test?: string;
  metric?: string;
  baseline?: number | null;
  current?: number | null;
}

export interface QaDriftReport {
  key: string;
  baseline: { recorded_at: string; exit_code: number | null; headline: string };
  current: { recorded_at: string; exit_code: number | null; headline: string };
  /** Coverage drop (percentage points) tolerated before it counts as a regression. */
  threshold: number;
  regression: boolean;
  findings: QaDriftFinding[];
  /** Issues/tests/coverage that got better (fixed rules, tests now passing, coverage up). */
  improvements: string[];
}

export interface QaDriftOptions {
  /** Coverage percentage points a metric may drop before it is a regression (default 0.5). */
  threshold?: number;
}

/**
 * Compares a baseline QA summary with the current run of the same command. Issues are compared by
 * (rule, file) counts rather than by line, so code moving around is not a new error; failing tests
 * by (file, name). Runs of different keys (kind or command) are not comparable: E_USAGE naming both.
 * A side that measured nothing (see `qaNotMeasured`) is a `not_measured` regression, not a comparison
 * of zeros.
 */
export function compareQa(baseline: QaSummary, current: QaSummary, options: QaDriftOptions = {}): QaDriftReport {
  assertComparable(baseline, current);
  const threshold = options.threshold ?? 0.5;
  const findings: QaDriftFinding[] = [];
  const improvements: string[] = [];
  compareExitCodes(baseline, current, findings, improvements);
  const unmeasured = notMeasuredFindings(baseline, current);
  findings.push(...unmeasured);
  if (unmeasured.length === 0) {
    if (baseline.issues && current.issues) compareIssues(baseline.issues, current.issues, findings, improvements);
    if (baseline.tests && current.tests) compareTests(baseline.tests, current.tests, findings, improvements);
    if (baseline.coverage && current.coverage)
      compareCoverage(baseline.coverage, current.coverage, threshold, findings, improvements);
  }
  const side = (s: QaSummary) => ({ recorded_at: s.recorded_at, exit_code: s.exit_code, headline: s.headline });
  return {
    key: current.key,
    baseline: side(baseline),
    current: side(current),
    threshold,
    regression: findings.some((f) => f.regression),
    findings,
    improvements,
  };
}

/**
 * A baseline of another kind or command says nothing about this run: comparing only exit codes
 * would pass a test run against a lint baseline. `where` names the baseline's source (a file).
 */
export function assertComparable(baseline: QaSummary, current: QaSummary, where?: string): void {
  if (baseline.key === current.key && baseline.kind === current.kind) return;
  const from = where ? ` (${where})` : '';
  throw new St3Error(
    'E_USAGE',
    `the baseline${from} is "${baseline.key}" and the current run is "${current.key}": runs of a different kind or command are not comparable`,
    {
      ...(where ? { file: where } : {}),
      hint: `pass a baseline recorded by the same command (\`st3 qa record … --json\` of "${current.command}"), or --key "${baseline.key}"`,
    },
  );
}

function compareExitCodes(
  baseline: QaSummary,
  current: QaSummary,
  findings: QaDriftFinding[],
  improvements: string[],
): void {
  if (baseline.exit_code === current.exit_code) return;
  const worse = baseline.exit_code === 0 && current.exit_code !== 0;
  const better = current.exit_code === 0 && baseline.exit_code !== 0;
  if (better) improvements.push(`exit code ${baseline.exit_code} → 0`);
  else
    findings.push({
      kind: 'exit_code',
      regression: worse || current.exit_code === null,
      message: `exit code changed: ${baseline.exit_code} → ${current.exit_code}`,
      baseline: baseline.exit_code,
      current: current.exit_code,
    });
}

/** A side that measured nothing: its figures are not compared (zeros would read as "all fixed"). */
function notMeasuredFindings(baseline: QaSummary, current: QaSummary): QaDriftFinding[] {
  const out: QaDriftFinding[] = [];
  const now = qaNotMeasured(current);
  const was = qaNotMeasured(baseline);
  // What the baseline's tests did, so "none ran" reads against it.
  const had = !was && baseline.tests ? `; ${baseline.tests.passed} passed in the baseline` : '';
  if (now)
    out.push({
      kind: 'not_measured',
      regression: true,
      message: `not measured: the current run measured nothing: ${now}${current.tests ? had : ''}`,
    });
  if (was)
    out.push({
      kind: 'not_measured',
      regression: true,
      message: `not measured: the baseline measured nothing (${was}); record a measured run with --set-baseline`,
    });
  return out;
}

type Issues = NonNullable<QaSummary['issues']>;

function issueCounts(issues: Issues): Map<string, { rule: string; file: string; n: number }> {
  const out = new Map<string, { rule: string; file: string; n: number }>();
  for (const i of issues.list) {
    if (i.severity !== 'error') continue;
    const key = `${i.rule}\u0000${i.file}`;
    const e = out.get(key) ?? { rule: i.rule, file: i.file, n: 0 };
    e.n++;
    out.set(key, e);
  }
  return out;
}

function compareIssues(baseline: Issues, current: Issues, findings: QaDriftFinding[], improvements: string[]): void {
  const before = issueCounts(baseline);
  const after = issueCounts(current);
  for (const [key, now] of [...after].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const was = before.get(key)?.n ?? 0;
    if (now.n > was) {
      const added = now.n - was;
      findings.push({
        kind: 'new_issue',
        regression: true,
        rule: now.rule,
        file: now.file,
        baseline: was,
        current: now.n,
        message: `${added} new ${now.rule} error${added === 1 ? '' : 's'} in ${now.file} (${was} → ${now.n})`,
      });
    }
  }
  // A file the tool did not check now has no errors in this run: not fixed, not measured.
  const unchecked = notCheckedFiles(current);
  for (const [key, was] of before)
    if ((after.get(key)?.n ?? 0) < was.n && !unchecked.has(was.file))
      improvements.push(`${was.rule} in ${was.file}: ${was.n} → ${after.get(key)?.n ?? 0}`);
  uncheckedFindings(before, unchecked, notCheckedFiles(baseline), current, findings);
  // A list cut at its cap cannot show every file: fall back to the totals by rule.
  if (current.truncated || baseline.truncated) {
    for (const [rule, c] of Object.entries(current.by_rule)) {
      const was = baseline.by_rule[rule]?.errors ?? 0;
      if (c.errors > was && !findings.some((f) => f.rule === rule))
        findings.push({
          kind: 'new_issue',
          regression: true,
          rule,
          baseline: was,
          current: c.errors,
          message: `${rule}: ${was} → ${c.errors} errors`,
        });
    }
  }
  if (current.warnings > baseline.warnings)
    findings.push({
      kind: 'new_issue',
      regression: false,
      baseline: baseline.warnings,
      current: current.warnings,
      message: `warnings ${baseline.warnings} → ${current.warnings}`,
    });
}

/**
 * Files the tool reported as not checked in the current run (ESLint's "File ignored …"): one with
 * baseline errors is a `not_measured` regression (its errors are unknown now, not fixed); one newly
 * not checked is a note.
 */
function uncheckedFindings(
  before: Map<string, { rule: string; file: string; n: number }>,
  unchecked: Set<string>,
  uncheckedBefore: Set<string>,
  current: Issues,
  findings: QaDriftFinding[],
): void {
  for (const file of [...unchecked].sort()) {
    const said = current.list.find((i) => i.file === file)?.message.split('\n')[0] ?? 'not checked';
    const was = [...before.values()].filter((e) => e.file === file);
    const errors = was.reduce((n, e) => n + e.n, 0);
    if (errors > 0)
      findings.push({
        kind: 'not_measured',
        regression: true,
        file,
        baseline: errors,
        current: null,
        message: `${file} was not checked (${said}): its ${errors} baseline error${errors === 1 ? '' : 's'} (${was.map((e) => e.rule).join(', ')}) are not measured, not fixed`,
      });
    else if (!uncheckedBefore.has(file))
      findings.push({ kind: 'not_measured', regression: false, file, message: `${file} was not checked (${said})` });
  }
}

type Tests = NonNullable<QaSummary['tests']>;

function compareTests(baseline: Tests, current: Tests, findings: QaDriftFinding[], improvements: string[]): void {
  const id = (f: Tests['failures'][number]) => `${f.file ?? ''}\u0000${f.name}`;
  const failedBefore = new Set(baseline.failures.map(id));
  const failedNow = new Set(current.failures.map(id));
  for (const f of current.failures) {
    if (failedBefore.has(id(f))) continue;
    findings.push({
      kind: 'new_failing_test',
      regression: true,
      test: f.name,
      ...(f.file ? { file: f.file } : {}),
      message: `new failing test: ${f.name}${f.file ? ` (${f.file}${f.line ? `:${f.line}` : ''})` : ''}${f.message ? ` — ${f.message.split('\n')[0]}` : ''}`,
    });
  }
  for (const f of baseline.failures)
    if (!failedNow.has(id(f))) improvements.push(`test now passing or gone: ${f.name}`);
  // Failures without names (a crashed run) still show in the counts.
  if (current.failures.length === 0 && current.failed > baseline.failed) {
    findings.push({
      kind: 'new_failing_test',
      regression: true,
      baseline: baseline.failed,
      current: current.failed,
      message: `failed tests ${baseline.failed} → ${current.failed}`,
    });
  }
  passedCounts(baseline, current, current.failures.filter((f) => !failedBefore.has(id(f))).length, findings);
  if (current.total < baseline.total)
    findings.push({
      kind: 'new_failing_test',
      regression: false,
      baseline: baseline.total,
      current: current.total,
      message: `fewer tests ran: ${baseline.total} → ${current.total}`,
    });
}

/**
 * Tests that stopped passing without failing — skipped, filtered out (`-t nomatch`), or gone — are a
 * regression too: only a passing test shows the code works. A drop the new named failures explain is
 * already reported by them.
 */
function passedCounts(baseline: Tests, current: Tests, newFailures: number, findings: QaDriftFinding[]): void {
  const how = `${current.total} ran: ${current.failed} failed, ${current.skipped} skipped`;
  if (current.passed === 0)
    findings.push({
      kind: 'fewer_passing_tests',
      regression: true,
      baseline: baseline.passed,
      current: 0,
      message: `no test passed (${how}; ${baseline.passed} passed in the baseline)`,
    });
  else if (baseline.passed - current.passed > newFailures)
    findings.push({
      kind: 'fewer_passing_tests',
      regression: true,
      baseline: baseline.passed,
      current: current.passed,
      message: `fewer tests passed: ${baseline.passed} → ${current.passed} (${how})`,
    });
}

type Coverage = NonNullable<QaSummary['coverage']>;

function compareCoverage(
  baseline: Coverage,
  current: Coverage,
  threshold: number,
  findings: QaDriftFinding[],
  improvements: string[],
): void {
  for (const metric of ['lines', 'statements', 'functions', 'branches'] as const) {
    const was = baseline.total[metric]?.pct;
    const now = current.total[metric]?.pct;
    if (was == null && now == null) continue;
    if (now == null) {
      // 0/0 ("Unknown" in istanbul's summary) or absent: the metric was not measured, which is no pass.
      findings.push({
        kind: 'not_measured',
        regression: true,
        metric,
        baseline: was,
        current: null,
        message: `${metric} coverage not measured: ${was}% in the baseline, nothing measured now (0/0 or missing)`,
      });
      continue;
    }
    if (was == null) {
      improvements.push(`${metric} coverage now measured: ${now}%`);
      continue;
    }
    const drop = Math.round((was - now) * 100) / 100;
    if (drop > threshold)
      findings.push({
        kind: 'coverage_drop',
        regression: true,
        metric,
        baseline: was,
        current: now,
        message: `${metric} coverage dropped ${drop} points: ${was}% → ${now}% (threshold ${threshold})`,
      });
    else if (drop > 0)
      findings.push({
        kind: 'coverage_drop',
        regression: false,
        metric,
        baseline: was,
        current: now,
        message: `${metric} coverage ${was}% → ${now}% (within threshold ${threshold})`,
      });
    else if (drop < 0) improvements.push(`${metric} coverage ${was}% → ${now}%`);
  }
}
