import type { Violation } from '@st3/schemas';
import type { GateRunResult } from '../run/types.js';

/** Colour functions (identity when colours are off); the CLI passes its own. */
export interface TextColors {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const plain: TextColors = { red: (s) => s, yellow: (s) => s, green: (s) => s, dim: (s) => s, bold: (s) => s };

/**
 * The human report: violations grouped by file (sorted by line), then one line per gate, then the
 * summary. Deterministic for the same result.
 */
export function toText(result: GateRunResult, colors: TextColors = plain): string {
  const byFile = new Map<string, (Violation & { gate: string })[]>();
  for (const gate of result.gates) {
    for (const v of gate.violations) {
      const key = v.file || '(no file)';
      let list = byFile.get(key);
      if (!list) byFile.set(key, (list = []));
      list.push({ ...v, gate: gate.id });
    }
  }
  const out: string[] = [];
  for (const file of [...byFile.keys()].sort()) {
    out.push(colors.bold(file));
    const list = byFile
      .get(file)!
      .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0) || a.gate.localeCompare(b.gate));
    for (const v of list) {
      const sev =
        v.severity === 'error'
          ? colors.red('error')
          : v.severity === 'warning'
            ? colors.yellow('warning')
            : colors.dim('info');
      const where = (v.line === null ? '-' : v.col === null ? `${v.line}` : `${v.line}:${v.col}`).padEnd(8);
      const [first, ...rest] = v.message.split('\n');
      out.push(
        `  ${where} ${sev.padEnd(7)}  ${first}  ${colors.dim(`${v.rule ?? ''}${v.rule ? ' ' : ''}(${v.gate})`)}${v.fixable ? colors.dim(' [fixable]') : ''}`,
      );
      for (const line of rest) out.push(`  ${' '.repeat(8)} ${line}`);
    }
    out.push('');
  }
  for (const gate of result.gates) {
    const mark =
      gate.status === 'passed' ? colors.green('✓') : gate.status === 'skipped' ? colors.dim('○') : colors.red('✗');
    const count = gate.skipped
      ? colors.dim('skipped')
      : `${gate.status}, ${gate.violations.length} violation${gate.violations.length === 1 ? '' : 's'}, ${(gate.duration_ms / 1000).toFixed(1)}s`;
    out.push(`${mark} ${gate.name} (${gate.id}): ${count}`);
    if (gate.reason && gate.status !== 'passed')
      for (const line of gate.reason.split('\n')) out.push(`    ${colors.dim(line)}`);
    const unseen = gate.status === 'skipped' || gate.status === 'error' ? [] : (gate.not_checked ?? []);
    if (unseen.length > 0) {
      out.push(
        `    ${colors.yellow(`${unseen.length} file${unseen.length === 1 ? '' : 's'} not checked (the tool's own config leaves them out, or the tool does not say it checked them; not cleared):`)} ${unseen
          .slice(0, 5)
          .map((n) => n.file)
          .join(', ')}${unseen.length > 5 ? ', …' : ''}`,
      );
      // One reason for all (pyright's count, ruff's listing): say it once; per-file reasons are in the JSON.
      const reasons = new Set(unseen.map((n) => n.reason));
      if (reasons.size === 1) out.push(`      ${colors.dim([...reasons][0]!)}`);
    }
  }
  out.push('', result.overall_pass ? colors.green(result.summary) : colors.red(result.summary));
  return `${out.join('\n')}\n`;
}
