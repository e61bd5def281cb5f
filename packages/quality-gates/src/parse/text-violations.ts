import type { Severity, TextViolations, Violation } from '@st3/schemas';
import { compileConfigRegex, interpolate } from '../config/regex.js';
import { compileTextFixable } from './fixable.js';
import type { ParseOutcome } from './json-violations.js';
import {
  capLine,
  createPathNormalizer,
  normalizeSeverity,
  stripAnsi,
  toPosition,
  type ParseContext,
} from './normalize.js';

/** How many lines are parsed between two looks at the deadline. */
const DEADLINE_EVERY = 256;

/**
 * A compiled `text_violations` section: one regex with named groups applied line by line. Lines are cut
 * at `MAX_LINE_CHARS` before matching (no catastrophic backtracking on a runaway line) and the deadline
 * is checked as lines go, so parsing counts against the gate's timeout. Never throws on any output.
 */
export function createTextParser(spec: TextViolations): (text: string, ctx: ParseContext) => ParseOutcome {
  const pattern = compileConfigRegex(spec.pattern);
  const continuation = spec.continuation_pattern ? compileConfigRegex(spec.continuation_pattern) : undefined;
  const severityDefault = normalizeSeverity(spec.severity_default, undefined, 'error');
  const defaults = Object.entries(spec.defaults ?? {}).map(([k, v]) => [k, String(v)] as const);
  const lineOffset = spec.line_offset ?? 0;
  const fixable = compileTextFixable(spec.fixable_when);

  return (text, ctx) => {
    const toFile = createPathNormalizer(ctx);
    const violations: Violation[] = [];
    let last: Violation | undefined;
    const lines = stripAnsi(text).split(/\r?\n/);
    for (let n = 0; n < lines.length; n++) {
      const line = capLine(lines[n]!);
      // Long lines are where a regex spends its time: look at the clock before each of them.
      const check = n % DEADLINE_EVERY === 0 || line.length > DEADLINE_EVERY;
      if (check && ctx.deadline !== undefined && performance.now() > ctx.deadline)
        return { violations, problem: `parsing ran past the gate timeout (at output line ${n + 1})`, timedOut: true };
      const m = pattern.exec(line);
      if (m) {
        const g: Record<string, string | undefined> = Object.assign(Object.create(null), m.groups);
        for (const [k, v] of defaults) if (g[k] === undefined || g[k] === '') g[k] = interpolate(v, m.groups ?? {});
        const message = g.message?.trim() || line.trim();
        last = {
          file: toFile(g.file) ?? null,
          line: toPosition(g.line, lineOffset) ?? null,
          col: toPosition(g.col ?? g.column, 0) ?? null,
          rule: g.rule || g.code || null,
          message: message === '' ? '(no message)' : message,
          severity: normalizeSeverity(g.severity, spec.severity_map, severityDefault as Severity),
          fixable: fixable(g, ctx.supportsAutofix === true),
        };
        violations.push(last);
        continue;
      }
      if (last && continuation) {
        const c = continuation.exec(line);
        if (c) {
          last.message += `\n${(c.groups?.message ?? line).trim()}`;
          continue;
        }
      }
      last = undefined;
    }
    return { violations };
  };
}
