import type { JsonViolations, Severity, Violation } from '@st3/schemas';
import { compileFixableWhen, fixableSpec } from './fixable.js';
import { compileGroupMapper, type MapperHelpers } from './json-mapper.js';
import {
  compileViolationsPath,
  describe,
  hasEach,
  parseFieldPath,
  selectRecords,
  type FieldPath,
} from './json-path.js';
import { createPathNormalizer, normalizeSeverity, toPosition, toText, type ParseContext } from './normalize.js';

export interface ParseOutcome {
  violations: Violation[];
  /** Set when the output is not what the strategy expects (located); violations may still hold what was read. */
  problem?: string;
  /** Parsing passed `ctx.deadline`: the gate's timeout ran out while its output was read. */
  timedOut?: boolean;
}

/** A compiled `json_violations` section: compile once, parse many outputs. Never throws on any output. */
export function createJsonParser(
  spec: JsonViolations,
  severityDefault: Severity = 'error',
): (text: string, ctx: ParseContext) => ParseOutcome {
  const steps = compileViolationsPath(spec.violations_path);
  const pathText = spec.violations_path ?? '';
  const defaults = Object.assign(Object.create(null) as Record<string, unknown>, spec.defaults ?? {});
  const path = (name: string, alt?: string): FieldPath | undefined => {
    const map = spec.field_map;
    const p = Object.hasOwn(map, name) ? map[name] : alt && Object.hasOwn(map, alt) ? map[alt] : undefined;
    return typeof p === 'string' ? parseFieldPath(p) : undefined;
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
    const state = { problem: undefined as string | undefined };
    const helpers = createHelpers(ctx, spec, severityDefault, fixable, state);
    const violations: Violation[] = new Array(count);
    let i = 0;
    for (const { records, parents, where } of groups) {
      if (ctx.deadline !== undefined && performance.now() > ctx.deadline)
        return { violations: violations.slice(0, i), problem: 'parsing ran past the gate timeout', timedOut: true };
      i = mapGroup(records, parents, where, violations, i, helpers, ctx.supportsAutofix === true, defaults);
    }
    return state.problem ? { violations, problem: state.problem } : { violations };
  };
}

function createHelpers(
  ctx: ParseContext,
  spec: JsonViolations,
  severityDefault: Severity,
  fixable: MapperHelpers['fixable'],
  state: { problem: string | undefined },
): MapperHelpers {
  const normalize = createPathNormalizer(ctx);
  const bad = (where: string, k: number, field: string, expected: string, raw: unknown): null => {
    state.problem ??= `${where}[${k}] ${field}: expected ${expected}, found ${describe(raw)}`;
    return null;
  };
  // Tools use a handful of severity values: map each distinct one once.
  const severities = new Map<unknown, Severity>();
  return {
    toFile: (raw) => normalize(raw) ?? raw,
    file: (raw, where, k) => {
      const f = normalize(raw);
      return f === undefined ? bad(where, k, 'file', 'a path', raw) : f;
    },
    position: (raw, offset, where, k, field) => {
      const p = toPosition(raw, offset);
      return p === undefined || (p !== null && p >= 1e9) ? bad(where, k, field, 'a line or column number', raw) : p;
    },
    text: (raw, where, k, field) => {
      const t = toText(raw);
      return t === undefined ? bad(where, k, field, 'a string', raw) : t;
    },
    severity: (raw, where, k) => {
      if (raw !== null && typeof raw === 'object') {
        bad(where, k, 'severity', 'a severity word or number', raw);
        return severityDefault;
      }
      let s = severities.get(raw);
      if (s === undefined) {
        s = normalizeSeverity(raw, spec.severity_map, severityDefault);
        severities.set(raw, s);
      }
      return s;
    },
    fixable,
  };
}

/** The forms of `fixable_when` the generated mapper tests inline; the rest go through the compiled predicate. */
function inlineFixable(
  when: JsonViolations['fixable_when'],
): { path: FieldPath; equals?: string } | 'gate' | 'helper' | undefined {
  const spec = fixableSpec(when);
  if (spec.kind === 'never') return undefined;
  if (spec.kind === 'gate') return 'gate';
  const path = parseFieldPath(spec.path!);
  if (hasEach(path)) return 'helper';
  if (spec.kind === 'present') return { path };
  if (spec.kind === 'equals' && typeof spec.equals === 'string') return { path, equals: spec.equals };
  return 'helper';
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
      problem: `output is not valid JSON (${(error as Error).message.slice(0, 200)}); it starts with ${JSON.stringify(snippet(trimmed))}`,
    };
  }
}

function snippet(text: string): string {
  const s = text.slice(0, 80);
  // Binary noise is shown escaped so the message stays one readable line.
  return s.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`.slice(0, 4));
}
