import type { PilotVerdict, SuccessCriterion } from '@st3/schemas';
import { formatCriterionValue, formatThreshold, type CriterionDelta, type RollupComparison } from '@st3/telemetry';

/** The colours the text report uses (cli-kit's `out.color`). */
export interface Paint {
  green(text: string): string;
  red(text: string): string;
  dim(text: string): string;
}

const mark = (c: { status?: SuccessCriterion['status'] }, paint: Paint): string =>
  c.status === 'met' ? paint.green('✓') : c.status === 'missed' ? paint.red('✗') : paint.dim('–');

/** The pilot verdict and each criterion: value, threshold, detail, source. */
export function criteriaLines(pilot: PilotVerdict, paint: Paint): string[] {
  const head =
    pilot.verdict === 'pass'
      ? paint.green(pilot.summary)
      : pilot.verdict === 'fail'
        ? paint.red(pilot.summary)
        : pilot.summary;
  const lines = [head];
  for (const c of pilot.criteria) {
    lines.push(
      `  ${mark(c, paint)} ${c.id.padEnd(22)} ${formatCriterionValue(c).padEnd(20)} target: ${formatThreshold(c.id)}`,
    );
    if (c.detail) lines.push(`      ${c.detail}`);
    if (c.source) lines.push(paint.dim(`      source: ${c.source}`));
  }
  return lines;
}

function figure(value: number | null, unit: string): string {
  if (value === null) return 'not measured';
  if (unit === 'commands covered' || unit === 'average saving') return `${Math.round(value * 1000) / 10}%`;
  return String(Math.round(value * 100) / 100);
}

function deltaText(d: CriterionDelta): string {
  if (d.figure.delta === null) return '';
  const pts = d.figure.unit === 'commands covered' || d.figure.unit === 'average saving';
  const v = pts ? Math.round(d.figure.delta * 1000) / 10 : Math.round(d.figure.delta * 100) / 100;
  return ` (${v > 0 ? '+' : ''}${v}${pts ? ' pts' : ''})`;
}

/** Per criterion: baseline and current figure and status, and the change. */
export function comparisonLines(cmp: RollupComparison, paint: Paint): string[] {
  const lines = [`baseline ${cmp.baseline_verdict} → current ${cmp.current_verdict}`];
  for (const d of cmp.deltas) {
    const better = d.improved === null ? '' : d.improved ? paint.green(' better') : paint.red(' worse');
    lines.push(
      `  ${d.criterion.padEnd(22)} ${figure(d.figure.baseline, d.figure.unit)} → ${figure(d.figure.current, d.figure.unit)} ${paint.dim(d.figure.unit)}${deltaText(d)}${better}  [${d.baseline_status} → ${d.current_status}]`,
    );
  }
  if (cmp.regressions.length === 0) lines.push(paint.green('no regression'));
  for (const r of cmp.regressions) lines.push(paint.red(`regression: ${r.message}`));
  return lines;
}
