import type { FixableWhen } from '@st3/schemas';
import { compileConfigRegex } from '../config/regex.js';
import { capLine } from './normalize.js';
import { parseFieldPath, readValues, type FieldPath } from './json-path.js';

/** A compiled `fixable_when`: is this record (with its parents) fixable? */
export type FixablePredicate = (record: unknown, parents: readonly unknown[], gateFixable: boolean) => boolean;

/** The normalized form of the string and object spellings of `fixable_when`. */
export interface FixableSpec {
  kind: 'never' | 'gate' | 'present' | 'equals' | 'matches';
  path?: string;
  equals?: string | number | boolean;
  matches?: string;
}

/**
 * `fixable_when` in any of its spellings: `gate`, `path` (presence: not null, false or empty), `path=value`
 * (legacy string form of equals), `{path, equals}`, `{path, matches}`.
 */
export function fixableSpec(when: FixableWhen | null | undefined): FixableSpec {
  if (when === null || when === undefined || when === '') return { kind: 'never' };
  if (typeof when === 'string') {
    if (when === 'gate') return { kind: 'gate' };
    const eq = when.indexOf('=');
    return eq === -1
      ? { kind: 'present', path: when }
      : { kind: 'equals', path: when.slice(0, eq), equals: when.slice(eq + 1) };
  }
  if (when.matches !== undefined) return { kind: 'matches', path: when.path, matches: when.matches };
  if (when.equals !== undefined) return { kind: 'equals', path: when.path, equals: when.equals };
  return { kind: 'present', path: when.path };
}

/** A test of one value (a scalar: objects never equal or match). */
export function valueTest(spec: FixableSpec): (value: unknown) => boolean {
  switch (spec.kind) {
    case 'present':
      return (v) => v !== undefined && v !== null && v !== false && v !== '';
    case 'equals': {
      const expected = spec.equals!;
      return (v) => v === expected || (isScalar(v) && String(v) === String(expected));
    }
    case 'matches': {
      const re = compileConfigRegex(spec.matches!);
      return (v) => isScalar(v) && re.test(capLine(String(v)));
    }
    default:
      return () => false;
  }
}

/** Compiles `fixable_when` for JSON records; paths may iterate arrays with `[]` (any element). */
export function compileFixableWhen(when: FixableWhen | null | undefined): FixablePredicate {
  const spec = fixableSpec(when);
  if (spec.kind === 'never') return () => false;
  if (spec.kind === 'gate') return (_r, _p, gate) => gate;
  const path: FieldPath = parseFieldPath(spec.path!);
  const test = valueTest(spec);
  return (record, parents) => readValues(record, parents, path).some(test);
}

/** Compiles `fixable_when` for text matches: the path names a capture group. */
export function compileTextFixable(
  when: FixableWhen | null | undefined,
): (groups: Record<string, string | undefined>, gateFixable: boolean) => boolean {
  const spec = fixableSpec(when);
  if (spec.kind === 'never') return () => false;
  if (spec.kind === 'gate') return (_g, gate) => gate;
  const test = valueTest(spec);
  const name = spec.path!;
  return (groups) => test(Object.hasOwn(groups, name) ? groups[name] : undefined);
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}
