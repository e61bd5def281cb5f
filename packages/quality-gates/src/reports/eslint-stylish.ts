import { outputLines, relPath } from './text-util.js';

/** One problem of ESLint's default (`stylish`) report. */
export interface StylishProblem {
  /** Relative to the root when inside it, with `/`. */
  file: string;
  /** 1-based; null for a file-level message (`0:0`, e.g. "File ignored"). */
  line: number | null;
  col: number | null;
  /** The rule id; null for a message without one (parsing errors, ignored files). */
  rule: string | null;
  message: string;
  severity: 'error' | 'warning';
}

const PROBLEM = /^\s+(\d+):(\d+)\s+(error|warning)\s+(.*)$/;
const RULE_AT_END = /^(.*?\S)\s{2,}([@a-z0-9][\w@/.-]*)$/i;
const SUMMARY = /^[✖×x]\s+(\d+)\s+problems?\s+\((\d+)\s+errors?,\s+(\d+)\s+warnings?\)/;

/**
 * ESLint's default text report (`eslint .`, formatter `stylish`, colours on or off): a file path line,
 * then one `  line:col  severity  message  rule` line per problem, and the `✖ N problems (E errors,
 * W warnings)` summary. The count of problems read must match the summary, else the report was not
 * understood and this throws (so a half-read report never passes as clean). An empty report is
 * clean (ESLint prints nothing when there is no problem).
 */
export function parseEslintStylish(text: string, root: string): StylishProblem[] {
  const lines = outputLines(text);
  const problems: StylishProblem[] = [];
  let file: string | undefined;
  let summary: RegExpExecArray | undefined;
  for (const raw of lines) {
    const line = raw.replace(/\s+$/, '');
    if (line === '') continue;
    const s = SUMMARY.exec(line.trim());
    if (s) {
      summary = s;
      continue;
    }
    const p = PROBLEM.exec(line);
    if (p) {
      if (file === undefined)
        throw new Error(`not an ESLint stylish report (a problem before any file: "${line.trim()}")`);
      const rest = p[4]!.trim();
      const withRule = RULE_AT_END.exec(rest);
      const lineNo = Number(p[1]);
      problems.push({
        file,
        line: lineNo > 0 ? lineNo : null,
        col: lineNo > 0 && Number(p[2]) > 0 ? Number(p[2]) : null,
        rule: withRule ? withRule[2]! : null,
        message: withRule ? withRule[1]! : rest,
        severity: p[3] as 'error' | 'warning',
      });
      continue;
    }
    if (!/^\s/.test(line)) {
      file = relPath(root, line);
      continue;
    }
    if (summary) continue; // the "potentially fixable with --fix" line after the summary
    throw new Error(`not an ESLint stylish report (line not understood: "${line.trim()}")`);
  }
  if (problems.length === 0 && file === undefined && summary === undefined) {
    if (lines.every((l) => l.trim() === '')) return [];
    throw new Error('not an ESLint stylish report');
  }
  if (!summary) throw new Error('not an ESLint stylish report (no "✖ N problems" summary line)');
  const errors = problems.filter((p) => p.severity === 'error').length;
  if (Number(summary[1]) !== problems.length || Number(summary[2]) !== errors)
    throw new Error(
      `ESLint stylish report not fully understood: its summary says ${summary[1]} problems (${summary[2]} errors), ${problems.length} (${errors}) were read`,
    );
  return problems;
}
