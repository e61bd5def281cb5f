/**
 * Paths into a tool's JSON output, as written in quality.yaml: segments separated by `/` (when the
 * path contains one) or `.`; `../` climbs to the record a nested array was reached from; a segment
 * `[]` or a `name[]` suffix iterates an array (in `violations_path`, and in `fixable_when` where any
 * element may satisfy the test).
 */
export interface FieldPath {
  /** How many parents up the value is read from (0 = the record itself). */
  up: number;
  /** Keys; `EACH` iterates an array. */
  keys: (string | typeof EACH)[];
}

/** The `[]` segment of a path. */
export const EACH: unique symbol = Symbol('each');

export function parseFieldPath(path: string): FieldPath {
  let rest = path.trim();
  let up = 0;
  while (rest.startsWith('../')) {
    up++;
    rest = rest.slice(3);
  }
  while (rest.startsWith('^')) {
    up++;
    rest = rest.slice(1);
  }
  const sepChar = rest.includes('/') ? '/' : '.';
  const keys: FieldPath['keys'] = [];
  for (const raw of rest === '' ? [] : rest.split(sepChar)) {
    if (raw === '') continue;
    if (raw === '[]') keys.push(EACH);
    else if (raw.endsWith('[]')) keys.push(raw.slice(0, -2), EACH);
    else keys.push(raw);
  }
  return { up, keys };
}

/** Does the path iterate an array anywhere? */
export function hasEach(path: FieldPath): boolean {
  return path.keys.includes(EACH);
}

/** Reads a field path without `[]` from a record with its parent chain (nearest parent last). */
export function readField(record: unknown, parents: readonly unknown[], path: FieldPath): unknown {
  let value: unknown = path.up === 0 ? record : parents[parents.length - path.up];
  for (const key of path.keys) {
    if (value === null || typeof value !== 'object' || key === EACH) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Every value a path reaches, iterating `[]` segments (at most `limit` values). */
export function readValues(record: unknown, parents: readonly unknown[], path: FieldPath, limit = 10_000): unknown[] {
  let current: unknown[] = [path.up === 0 ? record : parents[parents.length - path.up]];
  for (const key of path.keys) {
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null || typeof value !== 'object') continue;
      if (key === EACH) {
        if (Array.isArray(value)) for (const el of value.slice(0, limit)) next.push(el);
      } else next.push((value as Record<string, unknown>)[key]);
    }
    current = next.length > limit ? next.slice(0, limit) : next;
  }
  return current;
}

type Step = { kind: 'key'; key: string } | { kind: 'each' };

/** Compiles a violations_path into steps; the final value, when an array, is iterated too. */
export function compileViolationsPath(path: string | null | undefined): Step[] {
  if (path === null || path === undefined || path.trim() === '') return [];
  return parseFieldPath(path).keys.map((k) => (k === EACH ? { kind: 'each' } : { kind: 'key', key: k }));
}

/** Records reached by a violations_path, sharing their parents; `where` locates the array (`$.results[3].messages`). */
export interface RecordGroup {
  records: readonly unknown[];
  parents: unknown[];
  where: string;
}

interface Located {
  value: unknown;
  parents: unknown[];
  where: string;
}

/**
 * Walks the steps and returns every record with its parents, or a description of where the
 * document did not have the expected shape.
 */
export function selectRecords(
  root: unknown,
  steps: readonly Step[],
  pathText: string,
): { groups: RecordGroup[]; count: number; problem?: string } {
  let current: Located[] = [{ value: root, parents: [], where: '$' }];
  const fail = (problem: string) => ({ groups: [], count: 0, problem });
  for (const step of steps) {
    const next: Located[] = [];
    for (const item of current) {
      if (step.kind === 'each') {
        if (!Array.isArray(item.value))
          return fail(`expected an array at ${item.where} ("${pathText}"), found ${describe(item.value)}`);
        item.value.forEach((el, i) => next.push({ value: el, parents: item.parents, where: `${item.where}[${i}]` }));
      } else {
        if (item.value === null || typeof item.value !== 'object' || Array.isArray(item.value))
          return fail(
            `expected an object with "${step.key}" at ${item.where} ("${pathText}"), found ${describe(item.value)}`,
          );
        if (!Object.hasOwn(item.value, step.key)) continue;
        const v = (item.value as Record<string, unknown>)[step.key];
        if (v === undefined || v === null) continue;
        next.push({ value: v, parents: [...item.parents, item.value], where: `${item.where}.${step.key}` });
      }
    }
    current = next;
  }
  // The final arrays are not copied: each group shares its parents (100,000 records, 2,000 groups).
  const groups: RecordGroup[] = [];
  let count = 0;
  for (const item of current) {
    if (Array.isArray(item.value)) {
      for (let i = 0; i < item.value.length; i++) {
        const el: unknown = item.value[i];
        if (el === null || typeof el !== 'object' || Array.isArray(el))
          return fail(`expected records (objects) at ${item.where}[${i}], found ${describe(el)}`);
      }
      groups.push({ records: item.value, parents: item.parents, where: item.where });
      count += item.value.length;
    } else if (item.value !== null && typeof item.value === 'object') {
      groups.push({ records: [item.value], parents: item.parents, where: `${item.where}` });
      count++;
    } else
      return fail(
        `expected an array of records at ${item.where} ("${pathText || '(root)'}"), found ${describe(item.value)}`,
      );
  }
  return { groups, count };
}

export function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
