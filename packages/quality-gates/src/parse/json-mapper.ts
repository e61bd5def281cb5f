import type { Severity, Violation } from '@st3/schemas';
import type { FieldPath } from './json-path.js';

/** Helpers the generated mapper calls (kept monomorphic: one call site each). */
export interface MapperHelpers {
  toFile(raw: unknown): string;
  toPosition(raw: unknown, offset: number): number;
  severity(raw: unknown): Severity;
  fixable(record: unknown, parents: readonly unknown[], gateFixable: boolean): boolean;
}

export type GroupMapper = (
  records: readonly unknown[],
  parents: readonly unknown[],
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

/**
 * Generates the loop that turns one group of tool records into violations, with one property
 * access site per configured path (so V8 keeps each one monomorphic). Field names come from the
 * config and are embedded with JSON.stringify only, never as code. This is what lets a 100,000-
 * record report cost little more than its JSON.parse.
 */
export function compileGroupMapper(
  fields: MapperFields,
  lineOffset: number,
  colOffset: number,
  fixableWhen?: { path: FieldPath; equals?: string } | 'gate',
): GroupMapper {
  const access = (path: FieldPath | undefined, name: string): string => {
    if (!path) return `defaults[${JSON.stringify(name)}]`;
    let expr = path.up === 0 ? 'r' : `parents[parents.length - ${path.up}]`;
    for (const key of path.keys)
      expr = `((t = ${expr}) !== null && typeof t === 'object' ? t[${JSON.stringify(key)}] : undefined)`;
    return `((t = ${expr}) === undefined || t === null ? defaults[${JSON.stringify(name)}] : t)`;
  };
  const raw = (path: FieldPath): string => {
    let expr = path.up === 0 ? 'r' : `parents[parents.length - ${path.up}]`;
    for (const key of path.keys)
      expr = `((t = ${expr}) !== null && typeof t === 'object' ? t[${JSON.stringify(key)}] : undefined)`;
    return expr;
  };
  // Numbers (the usual case) are handled inline; anything else goes through h.toPosition.
  const position = (path: FieldPath | undefined, name: string, offset: number): string =>
    `(typeof (t = ${access(path, name)}) === 'number' && t === t ? ((t = Math.trunc(t) + ${offset | 0}) > 0 ? t : 0) : h.toPosition(t, ${offset | 0}))`;
  const fixable =
    fixableWhen === undefined
      ? 'false'
      : fixableWhen === 'gate'
        ? 'gateFixable'
        : fixableWhen.equals !== undefined
          ? `((t = ${raw(fixableWhen.path)}) !== undefined && t !== null && String(t) === ${JSON.stringify(fixableWhen.equals)})`
          : `((t = ${raw(fixableWhen.path)}) !== undefined && t !== null && t !== false && t !== '')`;
  const fileFromParent = fields.file !== undefined && fields.file.up > 0;
  const body = `
    let t;
    let i = start;
    const groupFile = ${fileFromParent ? `records.length > 0 ? h.toFile((() => { const r = records[0]; return ${access(fields.file, 'file')}; })()) : ''` : 'undefined'};
    for (let k = 0; k < records.length; k++) {
      const r = records[k];
      const rule = ${access(fields.rule, 'rule')};
      const message = ${access(fields.message, 'message')};
      out[i++] = {
        file: ${fileFromParent ? 'groupFile' : `h.toFile(${access(fields.file, 'file')})`},
        line: ${position(fields.line, 'line', lineOffset)},
        col: ${position(fields.col, 'col', colOffset)},
        rule: rule === undefined || rule === null ? '' : String(rule),
        message: message === undefined || message === null ? '' : String(message),
        severity: h.severity(${access(fields.severity, 'severity')}),
        fixable: ${fixable},
      };
    }
    return i;`;
  return new Function('records', 'parents', 'out', 'start', 'h', 'gateFixable', 'defaults', body) as GroupMapper;
}
