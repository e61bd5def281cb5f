import type { SuiteReport } from './suite.js';

const ms = (n: number) => (n >= 100 ? `${n.toFixed(0)}ms` : `${n.toFixed(2)}ms`);

/** The human report of a suite run, as lines (the CLI prints them; the vitest helper throws them). */
export function formatSuiteReport(
  report: SuiteReport,
  options: { onlyProblems?: boolean; diffs?: boolean } = {},
): string[] {
  const lines: string[] = [];
  for (const c of report.cases) {
    const problem = c.category === 'fail' || c.category === 'regression' || c.expectedCategory !== undefined;
    if (options.onlyProblems && !problem) continue;
    const declared = c.expectedCategory ? ` (declared ${c.expectedCategory})` : '';
    lines.push(`${c.category.toUpperCase().padEnd(11)} ${c.id}${declared}: ${c.reason}`);
    if (problem && options.diffs !== false) {
      for (const f of c.files)
        if (f.verdict.kind === 'different')
          lines.push(
            ...f.verdict.diff
              .trimEnd()
              .split('\n')
              .map((l) => `    ${l}`),
          );
    }
  }
  const { counts, timing } = report;
  lines.push(
    `${report.name}: ${report.cases.length} cases, ${counts.pass} pass, ${counts.improvement} improvement, ${counts.regression} regression, ${counts.fail} fail`,
    `render time: ${report.cases[0]?.left.label ?? 'left'} median ${ms(timing.left.median)} p95 ${ms(timing.left.p95)}; ${report.cases[0]?.right.label ?? 'right'} median ${ms(timing.right.median)} p95 ${ms(timing.right.p95)}; ratio median ${timing.ratio.median.toFixed(2)} p95 ${timing.ratio.p95.toFixed(2)}`,
    speedLine(report),
  );
  return lines;
}

/** `speed: PASS (wall time, 1000 renders per side): median 1.040 ≤ 1.200, p95 1.100 ≤ 1.300`, or why it failed or was not measured (which fails the suite). */
export function speedLine(report: SuiteReport): string {
  const s = report.speed;
  const how =
    s.status === 'skipped'
      ? ''
      : ` (${s.clock ?? 'wall'} time, ${s.samples} renders per side${s.attempts.length > 1 ? ', confirmed' : ''})`;
  // A check that ran and measured nothing fails the suite (report.ok): the line says so, as the exit code does.
  const unmet =
    s.status === 'not measured'
      ? ' (not met: a speed requirement with no data is no pass; skip the check on purpose when nothing can be timed)'
      : '';
  return `speed: ${s.status.toUpperCase()}${how}: ${s.reason}${unmet}`;
}
