import type { QaSummary } from '@st3/schemas';

export type QaDriftKind = 'exit_code' | 'new_issue' | 'new_failing_test' | 'coverage_drop' | 'kind_mismatch';

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
 * by (file, name).
 */
export function compareQa(baseline: QaSummary, current: QaSummary, options: QaDriftOptions = {}): QaDriftReport {
  const threshold = options.threshold ?? 0.5;
  const findings: QaDriftFinding[] = [];
  const improvements: string[] = [];
  if (baseline.kind !== current.kind) {
    findings.push({
      kind: 'kind_mismatch',
      regression: false,
      message: `baseline is a ${baseline.kind} run, current is a ${current.kind} run: only exit codes are compared`,
    });
  }
  if (baseline.exit_code !== current.exit_code) {
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
  if (baseline.kind === current.kind) {
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
  for (const [key, was] of before)
    if ((after.get(key)?.n ?? 0) < was.n)
      improvements.push(`${was.rule} in ${was.file}: ${was.n} → ${after.get(key)?.n ?? 0}`);
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
  if (current.total < baseline.total)
    findings.push({
      kind: 'new_failing_test',
      regression: false,
      baseline: baseline.total,
      current: current.total,
      message: `fewer tests ran: ${baseline.total} → ${current.total}`,
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
    if (was == null || now == null) continue;
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
