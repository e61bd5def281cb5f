import type { AtomizedFileRecord } from '@st3/atomizer';

/** Lines of the atom in the old file, and where its replacement ends in the new one. */
export interface ChangedRange {
  start: number;
  end: number;
  newEnd: number;
}

/**
 * What the code of a range defines, as the atomizer sees it: the module's own definitions (functions,
 * classes, types, top-level assignments — not imports, and not the locals of a function, so a renamed
 * local variable changes nothing), the members of its classes (`Class.member`) and its exported names.
 * Each is keyed by name only: `const f = () => …` for `function f` is the same definition.
 */
function definedIn(record: AtomizedFileRecord | undefined, start: number, end: number): Map<string, string> {
  const found = new Map<string, string>();
  const inRange = (line: number) => line >= start && line <= end;
  for (const d of record?.definitions ?? [])
    if (d.kind !== 'import' && inRange(d.line)) found.set(d.name, `${d.kind} ${d.name} (line ${d.line})`);
  for (const c of record?.classes ?? [])
    for (const m of c.members)
      if (inRange(m.line)) found.set(`${c.name}.${m.name}`, `${m.kind} ${c.name}.${m.name} (line ${m.line})`);
  for (const e of record?.exports ?? [])
    if (inRange(e.line)) found.set(`export ${e.name}`, `export ${e.name} (line ${e.line})`);
  return found;
}

/**
 * The definitions the atom's code had that its replacement no longer has (`function mul (line 5)`):
 * an answer that returns part of its atom — one of a file's two functions — deletes the rest. Empty
 * when either side was not parsed (nothing to compare: the parse check says so).
 */
export function removedDefinitions(
  before: AtomizedFileRecord | undefined,
  after: AtomizedFileRecord | undefined,
  range: ChangedRange,
): string[] {
  if (!before || !after) return [];
  // An empty replacement (newEnd before start) defines nothing.
  const now = definedIn(after, range.start, range.newEnd);
  const had = definedIn(before, range.start, range.end);
  const gone = [...had.keys()].filter((key) => !now.has(key));
  // A removed exported function is one removal: its `export` is named only when the name stays defined.
  return gone.filter((key) => !(key.startsWith('export ') && gone.includes(key.slice(7)))).map((key) => had.get(key)!);
}
