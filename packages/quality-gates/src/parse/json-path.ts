/**
 * Paths into a tool's JSON output, as written in quality.yaml: segments separated by `/` (when the
 * path contains one) or `.`; `../` climbs to the record a nested array was reached from; a segment
 * `[]` or a `name[]` suffix iterates an array (used in `violations_path`).
 */
export interface FieldPath {
  /** How many parents up the value is read from (0 = the record itself). */
  up: number;
  keys: string[];
}

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
  const keys = rest === '' ? [] : rest.split(sepChar).filter((k) => k !== '');
  return { up, keys };
}

/** Reads a field path from a record with its parent chain (nearest parent last). */
export function readField(record: unknown, parents: readonly unknown[], path: FieldPath): unknown {
  let value: unknown = path.up === 0 ? record : parents[parents.length - path.up];
  for (const key of path.keys) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A fast reader for one field path (compiled once per gate; called once per record). */
export function compileField(path: FieldPath): (record: unknown, parents: readonly unknown[]) => unknown {
  const { up, keys } = path;
  if (up === 0 && keys.length === 1) {
    const [k0] = keys as [string];
    return (r) => (r as Record<string, unknown>)[k0];
  }
  if (up === 0 && keys.length === 2) {
    const [k0, k1] = keys as [string, string];
    return (r) => {
      const a = (r as Record<string, unknown>)[k0];
      return a !== null && typeof a === 'object' ? (a as Record<string, unknown>)[k1] : undefined;
    };
  }
  return (r, parents) => readField(r, parents, path);
}

export interface Located {
  value: unknown;
  parents: unknown[];
}

type Step = { kind: 'key'; key: string } | { kind: 'each' };

/** Compiles a violations_path into steps; the final value, when an array, is iterated too. */
export function compileViolationsPath(path: string | null | undefined): Step[] {
  if (path === null || path === undefined || path.trim() === '') return [];
  const sepChar = path.includes('/') ? '/' : '.';
  const steps: Step[] = [];
  for (const raw of path.split(sepChar)) {
    if (raw === '') continue;
    if (raw === '[]') {
      steps.push({ kind: 'each' });
      continue;
    }
    if (raw.endsWith('[]')) {
      steps.push({ kind: 'key', key: raw.slice(0, -2) }, { kind: 'each' });
      continue;
    }
    steps.push({ kind: 'key', key: raw });
  }
  return steps;
}

/**
 * Walks the steps and returns every record with its parents, or a description of where the
 * document did not have the expected shape.
 */
export interface RecordGroup {
  records: readonly unknown[];
  parents: unknown[];
}

export function selectRecords(
  root: unknown,
  steps: readonly Step[],
  pathText: string,
): { groups: RecordGroup[]; count: number; problem?: string } {
  let current: Located[] = [{ value: root, parents: [] }];
  for (const step of steps) {
    const next: Located[] = [];
    for (const item of current) {
      if (step.kind === 'each') {
        if (!Array.isArray(item.value))
          return { groups: [], count: 0, problem: `expected an array at "${pathText}", found ${describe(item.value)}` };
        for (const el of item.value) next.push({ value: el, parents: item.parents });
      } else {
        if (item.value === null || typeof item.value !== 'object' || Array.isArray(item.value))
          return {
            groups: [],
            count: 0,
            problem: `expected an object with "${step.key}" at "${pathText}", found ${describe(item.value)}`,
          };
        const v = (item.value as Record<string, unknown>)[step.key];
        if (v === undefined || v === null) continue;
        next.push({ value: v, parents: [...item.parents, item.value] });
      }
    }
    current = next;
  }
  // The final arrays are not copied: each group shares its parents (100,000 records, 2,000 groups).
  const groups: RecordGroup[] = [];
  let count = 0;
  for (const item of current) {
    if (Array.isArray(item.value)) {
      for (const el of item.value) {
        if (el === null || typeof el !== 'object')
          return {
            groups: [],
            count: 0,
            problem: `expected records (objects) in the array at "${pathText || '(root)'}", found ${describe(el)}`,
          };
      }
      groups.push({ records: item.value, parents: item.parents });
      count += item.value.length;
    } else if (item.value !== null && typeof item.value === 'object') {
      groups.push({ records: [item.value], parents: item.parents });
      count++;
    } else
      return {
        groups: [],
        count: 0,
        problem: `expected an array of records at "${pathText || '(root)'}", found ${describe(item.value)}`,
      };
  }
  return { groups, count };
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
