import type { JsonViolations, Severity, Violation } from '@st3/schemas';
import { compileField, compileViolationsPath, parseFieldPath, selectRecords, type FieldPath } from './json-path.js';
import { compileGroupMapper, type MapperHelpers } from './json-mapper.js';
import { createPathNormalizer, normalizeSeverity, toPosition, type ParseContext } from './normalize.js';

export interface ParseOutcome {
  violations: Violation[];
  /** Set when the output is not what the strategy expects; violations may still hold what was read. */
  problem?: string;
}

/** A compiled `json_violations` section: compile once, parse many outputs. */
export function createJsonParser(
  spec: JsonViolations,
  severityDefault: Severity = 'error',
): (text: string, ctx: ParseContext) => ParseOutcome {
  const steps = compileViolationsPath(spec.violations_path);
  const pathText = spec.violations_path ?? '';
  const defaults = (spec as { defaults?: Record<string, unknown> }).defaults ?? {};
  const path = (name: string, alt?: string): FieldPath | undefined => {
    const p = spec.field_map[name] ?? (alt ? spec.field_map[alt] : undefined);
    return p === undefined ? undefined : parseFieldPath(p);
  };
  const mapGroup = compileGroupMapper(
    {
      file: path('file'),
      line: path('line'),
      col: path('col', 'column'),
      rule: path('rule'),
      message: path('message'),
      severity: path('severity'),
    },
    spec.line_offset ?? 0,
    spec.col_offset ?? 0,
    inlineFixable(spec.fixable_when),
  );
  const fixable = compileFixableWhen(spec.fixable_when);

  return (text, ctx) => {
    const parsed = parseJsonLenient(text);
    if ('problem' in parsed) return { violations: [], problem: parsed.problem };
    const { groups, count, problem } = selectRecords(parsed.value, steps, pathText);
    if (problem) return { violations: [], problem };
    // Tools use a handful of severity values: map each distinct one once.
    const severities = new Map<unknown, Severity>();
    const helpers: MapperHelpers = {
      toFile: createPathNormalizer(ctx),
      toPosition,
      severity: (raw) => {
        let s = severities.get(raw);
        if (s === undefined) {
          s = normalizeSeverity(raw, spec.severity_map, severityDefault);
          severities.set(raw, s);
        }
        return s;
      },
      fixable,
    };
    const violations: Violation[] = new Array(count);
    let i = 0;
    for (const { records, parents } of groups)
      i = mapGroup(records, parents, violations, i, helpers, ctx.supportsAutofix === true, defaults);
    return { violations };
  };
}

function inlineFixable(when: string | null | undefined): { path: FieldPath; equals?: string } | 'gate' | undefined {
  if (when === null || when === undefined || when === '') return undefined;
  if (when === 'gate') return 'gate';
  const eq = when.indexOf('=');
  return eq === -1
    ? { path: parseFieldPath(when) }
    : { path: parseFieldPath(when.slice(0, eq)), equals: when.slice(eq + 1) };
}

/**
 * `fixable_when`: `gate` (the gate supports autofix), a path whose presence (not null/false/empty)
 * marks a fixable record, or `path=value` for an exact value.
 */
export function compileFixableWhen(
  when: string | null | undefined,
): (record: unknown, parents: readonly unknown[], gateFixable: boolean) => boolean {
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
    return {
      problem: `output is not valid JSON (${(error as Error).message}); it starts with ${JSON.stringify(snippet(trimmed))}`,
    };
  }
}

function snippet(text: string): string {
  const s = text.slice(0, 80);
  // Binary noise is shown escaped so the message stays one readable line.
  return s.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`.slice(0, 4));
}
