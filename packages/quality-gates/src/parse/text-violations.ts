import type { Severity, TextViolations, Violation } from '@st3/schemas';
import { compileConfigRegex, interpolate } from '../config/regex.js';
import type { ParseOutcome } from './json-violations.js';
import { createPathNormalizer, normalizeSeverity, stripAnsi, toPosition, type ParseContext } from './normalize.js';

/** A compiled `text_violations` section: one regex with named groups applied line by line. */
export function createTextParser(spec: TextViolations): (text: string, ctx: ParseContext) => ParseOutcome {
  const pattern = compileConfigRegex(spec.pattern);
  const continuation = spec.continuation_pattern ? compileConfigRegex(spec.continuation_pattern) : undefined;
  const severityDefault = normalizeSeverity(spec.severity_default, undefined, 'error');
  const defaults = Object.entries(spec.defaults ?? {}).map(([k, v]) => [k, String(v)] as const);
  const lineOffset = spec.line_offset ?? 0;
  const fixableWhen = spec.fixable_when ?? undefined;

  return (text, ctx) => {
    const toFile = createPathNormalizer(ctx);
    const violations: Violation[] = [];
    let last: Violation | undefined;
    for (const rawLine of stripAnsi(text).split(/\r?\n/)) {
      const m = pattern.exec(rawLine);
      if (m) {
        const g: Record<string, string | undefined> = { ...m.groups };
        for (const [k, v] of defaults) if (g[k] === undefined || g[k] === '') g[k] = interpolate(v, m.groups ?? {});
        last = {
          file: toFile(g.file),
          line: toPosition(g.line, lineOffset),
          col: toPosition(g.col ?? g.column, 0),
          rule: g.rule ?? g.code ?? '',
          message: g.message ?? rawLine.trim(),
          severity: normalizeSeverity(g.severity, spec.severity_map, severityDefault as Severity),
          fixable:
            fixableWhen === 'gate'
              ? ctx.supportsAutofix === true
              : fixableWhen
                ? g[fixableWhen] !== undefined && g[fixableWhen] !== ''
                : false,
        };
        violations.push(last);
        continue;
      }
      if (last && continuation) {
        const c = continuation.exec(rawLine);
        if (c) {
          last.message += `\n${(c.groups?.message ?? rawLine).trim()}`;
          continue;
        }
      }
      last = undefined;
    }
    return { violations };
  };
}
