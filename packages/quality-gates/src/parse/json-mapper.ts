import type { Severity, Violation } from '@st3/schemas';
import { EACH, type FieldPath } from './json-path.js';

/**
 * Helpers the generated mapper calls for values off the fast path (kept monomorphic: one call site
 * each). Each returns the field's value, or null after recording the first problem (where, what).
 */
export interface MapperHelpers {
  toFile(raw: string): string;
  file(raw: unknown, where: string, k: number): string | null;
  position(raw: unknown, offset: number, where: string, k: number, field: string): number | null;
  text(raw: unknown, where: string, k: number, field: string): string | null;
  severity(raw: unknown, where: string, k: number): Severity;
  fixable(record: unknown, parents: readonly unknown[], gateFixable: boolean): boolean;
}

export type GroupMapper = (
  records: readonly unknown[],
  parents: readonly unknown[],
  where: string,
  out: Violation[],
  start: number,
  h: MapperHelpers,
  gateFixable: boolean,
  defaults: Record<string, unknown>,
) => number;

export interface MapperFields {
  file?: FieldPath;
  line?: FieldPath;
  col?: FieldPath;
  rule?: FieldPath;
  message?: FieldPath;
  severity?: FieldPath;
}

/** Positions past this are not positions (a hostile 1e300 must not become a line number). */
const MAX_POSITION = 1e9;

/**
 * Generates the loop that turns one group of tool records into violations, with one property
 * access site per configured path (so V8 keeps each one monomorphic). Field names come from the
 * config and are embedded with JSON.stringify only, never as code. This is what lets a 100,000-
 * record report cost little more than its JSON.parse. Every value is type-checked: a wrong type is
 * handed to a helper that records where it was, never a TypeError.
 */
export function compileGroupMapper(
  fields: MapperFields,
  lineOffset: number,
  colOffset: number,
  inlineFixable?: { path: FieldPath; equals?: string } | 'gate' | 'helper',
): GroupMapper {
  const walk = (path: FieldPath): string | undefined => {
    let expr = path.up === 0 ? 'r' : `parents[parents.length - ${path.up | 0}]`;
    for (const key of path.keys) {
      if (key === EACH) return undefined; // `[]` in a scalar field: never a value (the config check says so)
      expr = `((t = ${expr}) !== null && typeof t === 'object' ? t[${JSON.stringify(key)}] : undefined)`;
    }
    return expr;
  };
  const access = (path: FieldPath | undefined, name: string): string => {
    const fallback = `defaults[${JSON.stringify(name)}]`;
    const expr = path ? walk(path) : undefined;
    return expr === undefined ? fallback : `((t = ${expr}) === undefined || t === null ? ${fallback} : t)`;
  };
  const name = (s: string): string => JSON.stringify(s);
  const position = (path: FieldPath | undefined, field: string, offset: number): string =>
    `(typeof (t = ${access(path, field)}) === 'number' && t - t === 0 && t < ${MAX_POSITION} ? ((t = Math.trunc(t) + ${offset | 0}) > 0 ? t : null) : h.position(t, ${offset | 0}, where, k, ${name(field)}))`;
  const text = (path: FieldPath | undefined, field: string): string =>
    `(typeof (t = ${access(path, field)}) === 'string' && t !== '' ? t : h.text(t, where, k, ${name(field)}))`;
  const fixable = fixableExpr(inlineFixable, walk);
  const fileFromParent = fields.file !== undefined && fields.file.up > 0;
  const fileExpr = `(typeof (t = ${access(fields.file, 'file')}) === 'string' && t !== '' ? h.toFile(t) : h.file(t, where, k))`;
  const body = `
    let t;
    let i = start;
    let k = 0;
    const groupFile = ${fileFromParent ? `records.length > 0 ? (() => { const r = records[0]; return ${fileExpr}; })() : null` : 'null'};
    for (k = 0; k < records.length; k++) {
      const r = records[k];
      const rule = ${text(fields.rule, 'rule')};
      const message = ${text(fields.message, 'message')};
      out[i++] = {
        file: ${fileFromParent ? 'groupFile' : fileExpr},
        line: ${position(fields.line, 'line', lineOffset)},
        col: ${position(fields.col, 'col', colOffset)},
        rule: rule,
        message: message === null ? '(no message)' : message,
        severity: h.severity(${access(fields.severity, 'severity')}, where, k),
        fixable: ${fixable},
      };
    }
    return i;`;
  return new Function(
    'records',
    'parents',
    'where',
    'out',
    'start',
    'h',
    'gateFixable',
    'defaults',
    body,
  ) as GroupMapper;
}

function fixableExpr(
  inline: { path: FieldPath; equals?: string } | 'gate' | 'helper' | undefined,
  walk: (path: FieldPath) => string | undefined,
): string {
  if (inline === undefined) return 'false';
  if (inline === 'gate') return 'gateFixable';
  if (inline === 'helper') return 'h.fixable(r, parents, gateFixable)';
  const expr = walk(inline.path);
  if (expr === undefined) return 'h.fixable(r, parents, gateFixable)';
  return inline.equals !== undefined
    ? `((t = ${expr}) !== undefined && t !== null && typeof t !== 'object' && String(t) === ${JSON.stringify(inline.equals)})`
    : `((t = ${expr}) !== undefined && t !== null && t !== false && t !== '')`;
}
