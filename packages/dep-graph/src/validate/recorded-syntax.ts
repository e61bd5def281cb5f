import type { Atom, AtomizedFile } from '@st3/schemas';

/** A syntax error the atomizer's parser recorded in a file, at a line of its code. */
export interface RecordedSyntaxError {
  message: string;
  line: number;
  column?: number;
}

/** The code of the diagnostics the atomizer gives syntax errors (TS/JS parse errors, tree-sitter ERROR/MISSING nodes). */
const SYNTAX = 'E_ATOMIZE_SYNTAX';

/** Per file record: the recorded syntax errors that fall to each of its atoms (computed once per file). */
const byFile = new WeakMap<AtomizedFile, Map<Atom, RecordedSyntaxError[]>>();

/**
 * The syntax errors the atomizer recorded for `file` (the `diagnostics` of its record, as `st3 atomize --json`
 * writes them) that fall to `atom`: each error goes to the first atom whose lines hold it, and an error in no
 * atom's lines to the file's first atom, so that every one fails exactly one atom. Only errors located at a line
 * count: the one about bytes that are not UTF-8 has none (the text around them parsed, or is located here).
 */
export function recordedSyntaxErrors(atom: Atom, file: AtomizedFile): RecordedSyntaxError[] {
  let perAtom = byFile.get(file);
  if (!perAtom) byFile.set(file, (perAtom = assignToAtoms(file)));
  return perAtom.get(atom) ?? [];
}

function assignToAtoms(file: AtomizedFile): Map<Atom, RecordedSyntaxError[]> {
  const perAtom = new Map<Atom, RecordedSyntaxError[]>();
  const first = file.atoms[0];
  if (!first) return perAtom;
  for (const error of syntaxErrorsOf(file)) {
    const owner = file.atoms.find((a) => a.startLine <= error.line && error.line <= a.endLine) ?? first;
    let list = perAtom.get(owner);
    if (!list) perAtom.set(owner, (list = []));
    list.push(error);
  }
  return perAtom;
}

/** The well-formed, located syntax errors among a file record's `diagnostics` (an atoms document may hold anything there). */
function syntaxErrorsOf(file: AtomizedFile): RecordedSyntaxError[] {
  const listed = (file as { diagnostics?: unknown }).diagnostics;
  if (!Array.isArray(listed)) return [];
  return listed.flatMap((d: unknown): RecordedSyntaxError[] => {
    const { code, message, line, column } = (d ?? {}) as Record<string, unknown>;
    if (code !== SYNTAX || typeof message !== 'string' || typeof line !== 'number') return [];
    return [{ message, line, ...(typeof column === 'number' ? { column } : {}) }];
  });
}
