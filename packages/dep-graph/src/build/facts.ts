import type { LinkableDefinition } from '@st3/atomizer';
import type { Atom, AtomizedFile } from '@st3/schemas';
import type { FileSymbols } from './atoms.js';

/** What the graph needs of one atom: its same-file links and the names it takes from imports. */
export interface AtomFacts {
  local: { id: string; type: string; symbol: string }[];
  imported: { name: string; member?: string; usage: string }[];
  /** Import bindings declared by the atom's own import statements. */
  importDefines: string[];
}

const TYPE_KIND = /interface|types?|enum/i;
const CALLABLE_KIND = /function|method|class|arrow|lambda|constructor|getter|setter|def/i;

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The facts of an atom as the atomizer writes them today (`context.inputs` and `context.dependencies`), else read from names. */
export function atomFacts(file: AtomizedFile, atom: Atom, table: FileSymbols): AtomFacts {
  const importDefines = atom.symbols.defined.filter((n) => table.imports.has(n));
  const ctx = atom.context as { inputs?: unknown; dependencies?: unknown };
  if (!Array.isArray(ctx.inputs) || !Array.isArray(ctx.dependencies))
    return legacyFacts(file, atom, table, importDefines);
  const local: AtomFacts['local'] = [];
  for (const d of ctx.dependencies as { id?: unknown; type?: unknown; symbols?: unknown }[]) {
    if (typeof d?.id !== 'string') continue;
    const type = typeof d.type === 'string' ? d.type : 'dependency';
    const names = strings(d.symbols);
    if (names.length === 0) local.push({ id: d.id, type, symbol: '' });
    for (const symbol of names) local.push({ id: d.id, type, symbol });
  }
  const imported: AtomFacts['imported'] = [];
  for (const i of ctx.inputs as { name?: unknown; source?: unknown; usage?: unknown }[])
    if (i?.source === 'import' && typeof i.name === 'string')
      imported.push({ name: i.name, usage: typeof i.usage === 'string' ? i.usage : 'read' });
  // `ns.member()` on a namespace import names what is used from the other file.
  for (const m of strings((atom.symbols as { members?: unknown }).members)) {
    const dot = m.indexOf('.');
    if (dot > 0) imported.push({ name: m.slice(0, dot), member: m.slice(dot + 1), usage: 'call' });
  }
  return { local, imported, importDefines };
}

/** Atomizer output without scope facts: links by name (the nearest definition in the file) and typed by what defines it. */
function legacyFacts(file: AtomizedFile, atom: Atom, table: FileSymbols, importDefines: string[]): AtomFacts {
  const byName = new Map<string, Atom[]>();
  for (const a of file.atoms)
    for (const name of a.symbols.defined) {
      const list = byName.get(name);
      if (list) list.push(a);
      else byName.set(name, [a]);
    }
  const calls = new Set(strings((atom.symbols as { calls?: unknown }).calls));
  const typeNames = new Set([...strings((atom.symbols as { types?: unknown }).types), ...contextTypes(atom)]);
  const typeOnlyImports = new Set(contextImports(atom).flatMap((i) => (i.typeOnly ? i.names : [])));
  const local: AtomFacts['local'] = [];
  const imported: AtomFacts['imported'] = [];
  const seen = new Set<string>();
  for (const name of [...atom.symbols.used, ...typeNames, ...contextImports(atom).flatMap((i) => i.names)]) {
    const head = name.split('.')[0]!;
    if (seen.has(head)) continue;
    seen.add(head);
    const definer = nearestDefinition(byName.get(head), atom);
    const isImport = table.imports.has(head);
    if (definer && !(isImport && /^imports?$/i.test(definer.kind))) {
      local.push({ id: definer.id, type: typeNames.has(head) ? 'type' : localEdgeType(definer, atom), symbol: head });
    } else if (isImport) {
      const usage = typeNames.has(head) || typeOnlyImports.has(head) ? 'type' : calls.has(head) ? 'call' : 'read';
      const member = name.includes('.') ? name.split('.')[1] : undefined;
      imported.push({ name: head, ...(member ? { member } : {}), usage });
    }
  }
  return { local, imported, importDefines };
}

/** The definition a use sees: the nearest one before it, else the first after it (hoisting); never itself. */
function nearestDefinition(definers: Atom[] | undefined, user: Atom): Atom | undefined {
  if (!definers) return undefined;
  let before: Atom | undefined;
  let after: Atom | undefined;
  for (const d of definers) {
    if (d.id === user.id) continue;
    if (d.startLine < user.startLine) before = d;
    else if (!after) after = d;
  }
  return before ?? after;
}

function localEdgeType(definer: Atom, user: Atom): string {
  if (TYPE_KIND.test(definer.kind)) return 'type';
  if (CALLABLE_KIND.test(definer.kind)) return 'function_call';
  const sameScope = (definer.scope ?? []).join('\u0000') === (user.scope ?? []).join('\u0000');
  // A module-level binding is a variable; a local written by an earlier atom of the same function is data flow.
  return (definer.scope ?? []).length > 1 && sameScope ? 'data_flow' : 'variable';
}

/** Module-level definitions of a file from older atomizer output (no `definitions`): by the atoms' scopes. */
export function legacyDefinitions(file: AtomizedFile): LinkableDefinition[] {
  const out: LinkableDefinition[] = [];
  const seen = new Set<string>();
  const add = (name: string, atom: Atom, kind: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    out.push({ name, kind, atom: atom.id, line: atom.startLine });
  };
  for (const atom of file.atoms) {
    if ((atom.scope ?? []).length > 1) continue;
    const kind = /^imports?$/i.test(atom.kind)
      ? 'import'
      : TYPE_KIND.test(atom.kind)
        ? 'type'
        : /class/i.test(atom.kind)
          ? 'class'
          : CALLABLE_KIND.test(atom.kind)
            ? 'function'
            : 'variable';
    for (const name of atom.symbols.defined) add(name, atom, kind);
  }
  // A class or function split into several atoms: its first atom defines its name.
  for (const atom of [...file.atoms].sort((a, b) => a.startLine - b.startLine)) {
    const match = /^(class|function) (.+)$/.exec(atom.scope?.[1] ?? '');
    if (match) add(match[2]!, atom, match[1]!);
  }
  return out;
}

/** `context.imports` as the atomizer writes it: `[{module, names, typeOnly?}]`. */
function contextImports(atom: Atom): { names: string[]; typeOnly: boolean }[] {
  const raw = atom.context.imports;
  if (!Array.isArray(raw)) return [];
  return raw
    .filter(
      (i): i is { names: unknown[]; typeOnly?: unknown } =>
        typeof i === 'object' && i !== null && Array.isArray((i as { names?: unknown }).names),
    )
    .map((i) => ({ names: strings(i.names), typeOnly: i.typeOnly === true }));
}

/** `context.types` names: local type definitions the atom refers to. */
function contextTypes(atom: Atom): string[] {
  const raw = atom.context.types;
  if (!Array.isArray(raw)) return [];
  return raw
    .map((t) => (typeof t === 'object' && t !== null ? (t as { name?: unknown }).name : undefined))
    .filter((n): n is string => typeof n === 'string');
}
