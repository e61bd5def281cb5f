import type { JsonViolations, Severity, Violation } from '@st3/schemas';
import { compileField, compileViolationsPath, parseFieldPath, selectRecords } from './json-path.js';
import { createPathNormalizer, normalizeSeverity, toPosition, type ParseContext } from './normalize.js';

export interface ParseOutcome {
  violations: Violation[];
  /** Set when the output is not what the strategy expects; violations may still hold what was read. */
  problem?: string;
}

/** A compiled `json_violations` section: compile once, parse many outputs. */
export function createJsonParser(spec: JsonViolations, severityDefault: Severity = 'error'): (text: string, ctx: ParseContext) => ParseOutcome {
  const steps = compileViolationsPath(spec.violations_path);
  const pathText = spec.violations_path ?? '';
  const defaults = (spec as { defaults?: Record<string, unknown> }).defaults ?? {};
  type Reader = (record: unknown, parents: readonly unknown[]) => unknown;
  const field = (name: string, alt?: string): Reader => {
    const p = spec.field_map[name] ?? (alt ? spec.field_map[alt] : undefined);
    const fallback = defaults[name];
    if (p === undefined) return () => fallback;
    const read = compileField(parseFieldPath(p));
    return fallback === undefined ? read : (r, ps) => read(r, ps) ?? fallback;
  };
  const fFile = field('file');
  const filePath = spec.field_map.file === undefined ? undefined : parseFieldPath(spec.field_map.file);
  // A file read from a parent record (ESLint's results[].filePath) is the same for a whole group.
  const fileFromParent = filePath !== undefined && filePath.up > 0;
  const fLine = field('line');
  const fCol = field('col', 'column');
  const fRule = field('rule');
  const fMessage = field('message');
  const fSeverity = field('severity');
  const lineOffset = spec.line_offset ?? 0;
  const colOffset = spec.col_offset ?? 0;
  const fixable = compileFixableWhen(spec.fixable_when);

  return (text, ctx) => {
    const parsed = parseJsonLenient(text);
    if ('problem' in parsed) return { violations: [], problem: parsed.problem };
    const { groups, count, problem } = selectRecords(parsed.value, steps, pathText);
    if (problem) return { violations: [], problem };
    const toFile = createPathNormalizer(ctx);
    const gateFixable = ctx.supportsAutofix === true;
    // Tools use a handful of severity values: map each distinct one once.
    const severities = new Map<unknown, Severity>();
    const violations: Violation[] = new Array(count);
    let i = 0;
    for (const { records, parents } of groups) {
      const groupFile = fileFromParent && records.length > 0 ? toFile(fFile(records[0], parents)) : undefined;
      for (const value of records) {
        const rule = fRule(value, parents);
        const message = fMessage(value, parents);
        const rawSeverity = fSeverity(value, parents);
        let severity = severities.get(rawSeverity);
        if (severity === undefined) {
          severity = normalizeSeverity(rawSeverity, spec.severity_map, severityDefault);
          severities.set(rawSeverity, severity);
        }
        violations[i++] = {
          file: groupFile ?? toFile(fFile(value, parents)),
          line: toPosition(fLine(value, parents), lineOffset),
          col: toPosition(fCol(value, parents), colOffset),
          rule: rule === undefined || rule === null ? '' : String(rule),
          message: message === undefined || message === null ? '' : String(message),
          severity,
          fixable: fixable(value, parents, gateFixable),
        };
      }
    }
    return { violations };
  };
}

/**
 * `fixable_when`: `gate` (the gate supports autofix), a path whose presence (not null/false/empty)
 * marks a fixable record, or `path=value` for an exact value.
 */
export function compileFixableWhen(when: string | null | undefined): (record: unknown, parents: readonly unknown[], gateFixable: boolean) => boolean {
  if (when === null || when === undefined || when === '') return () => false;
  if (when === 'gate') return (_r, _p, gate) => gate;
  const eq = when.indexOf('=');
  const read = compileField(parseFieldPath(eq === -1 ? when : when.slice(0, eq)));
  const expected = eq === -1 ? undefined : when.slice(eq + 1);
  return (record, parents) => {
    const v = read(record, parents);
    if (expected !== undefined) return v !== undefined && v !== null && String(v) === expected;
    return v !== undefined && v !== null && v !== false && v !== '';
  };
}

/**
 * JSON.parse, tolerating text a tool printed before its JSON (npm notices, a banner): when the whole
 * text is not JSON, the first line starting with `[` or `{` is tried.
 */
export function parseJsonLenient(text: string): { value: unknown } | { problem: string } {
  // No trim() up front: on a 100 MB output that copy costs as much as parsing.
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    const trimmed = text.trim();
    if (trimmed === '') return { value: [] };
    const start = /^[[{]/m.exec(trimmed);
    if (start && start.index > 0) {
      try {
        return { value: JSON.parse(trimmed.slice(start.index)) };
      } catch {
        // report the first error
      }
    }
    return { problem: `output is not valid JSON (${(error as Error).message}); it starts with ${JSON.stringify(snippet(trimmed))}` };
  }
}

function snippet(text: string): string {
  const s = text.slice(0, 80);
  // Binary noise is shown escaped so the message stays one readable line.
  return s.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`.slice(0, 4));
}
