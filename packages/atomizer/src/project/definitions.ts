import { resolvePythonSubmodule, type ModuleResolver } from './resolve.js';

/** The parts of an atomized file record that cross-file lookups read (JSON from `st3 atomize --json` fits). */
export interface LinkableFile {
  path: string;
  language?: string;
  imports?: readonly {
    module: string;
    line?: number;
    default?: string;
    namespace?: string;
    named?: readonly { name: string; alias?: string; typeOnly?: boolean }[];
    typeOnly?: boolean;
  }[];
  exports?: readonly { name: string; kind?: string; line?: number; from?: string; local?: string }[];
  definitions?: readonly LinkableDefinition[];
  atoms?: readonly { id: string; startLine: number; endLine: number }[];
}

export interface LinkableDefinition {
  name: string;
  kind: string;
  atom: string;
  line: number;
  signature?: string;
}

/** What a local name bound by an import turned out to be in the file it came from. */
export interface ImportedDefinition {
  /** The file that declares it (after following re-exports). */
  path: string;
  definition: LinkableDefinition;
  /** The import binding was type-only (`import type`). */
  typeOnly: boolean;
}

/** How a file binds a local name by an import: the module, the name imported there, type-only or not. */
export interface ImportedName {
  module: string;
  imported: string;
  typeOnly: boolean;
  line?: number;
}

export function importedName(file: LinkableFile, local: string): ImportedName | undefined {
  for (const imp of file.imports ?? []) {
    const base = { module: imp.module, line: imp.line };
    if (imp.default === local) return { ...base, imported: 'default', typeOnly: imp.typeOnly === true };
    if (imp.namespace === local) return { ...base, imported: '*', typeOnly: imp.typeOnly === true };
    for (const n of imp.named ?? []) {
      if ((n.alias ?? n.name) !== local) continue;
      // The atomizer lists a Python module's own dotted name among the names (`import shop.tax`): a namespace.
      const imported = n.name === imp.module && !n.alias ? '*' : n.name;
      return { ...base, imported, typeOnly: imp.typeOnly === true || n.typeOnly === true };
    }
  }
  return undefined;
}

const MAX_HOPS = 8;

/**
 * Finds what an imported name is, across the project's files: the module is resolved with
 * `resolve`, then the name is looked up in the target's module-level definitions, following
 * re-exports (`export { a as b } from`, `export *`, a name imported and exported again, a Python
 * package `__init__` importing from its modules) up to 8 hops.
 */
export function createDefinitionFinder(files: Iterable<LinkableFile>, resolve: ModuleResolver) {
  const byPath = new Map<string, LinkableFile>();
  for (const f of files) byPath.set(f.path, f);

  const target = (from: string, module: string, name: string): string | undefined => {
    let t = resolve(from, module);
    if (!t && /^\.+$/.test(module)) t = resolvePythonSubmodule(resolve, from, module, name);
    return t;
  };

  function exported(path: string, name: string, hops: number, seen: Set<string>): ImportedDefinition | undefined {
    const key = `${path}\u0000${name}`;
    if (hops > MAX_HOPS || seen.has(key)) return undefined;
    seen.add(key);
    const file = byPath.get(path);
    if (!file) return undefined;
    const def = file.definitions?.find((d) => d.name === name);
    if (def && def.kind !== 'import') return { path, definition: def, typeOnly: false };
    if (def) {
      const via = importedName(file, name);
      const next = via && target(path, via.module, via.imported);
      if (via && next) return exported(next, via.imported === '*' ? name : via.imported, hops + 1, seen);
    }
    for (const e of file.exports ?? []) {
      if (e.name === name && e.from) {
        const next = target(path, e.from, e.local ?? name);
        if (next) return exported(next, e.local ?? name, hops + 1, seen);
      } else if (e.name === name && e.local) return exported(path, e.local, hops + 1, seen);
      else if (e.name === name && name === 'default' && e.line !== undefined) {
        const byLine = file.definitions?.find((d) => d.line >= e.line! && d.line <= e.line! + 2);
        if (byLine) return { path, definition: byLine, typeOnly: false };
        const atom = file.atoms?.find((a) => a.startLine <= e.line! && a.endLine >= e.line!);
        if (atom)
          return {
            path,
            definition: { name, kind: e.kind ?? 'variable', atom: atom.id, line: e.line },
            typeOnly: false,
          };
      }
    }
    for (const e of file.exports ?? []) {
      if (e.name !== '*' || !e.from) continue;
      const next = target(path, e.from, name);
      const hit = next && exported(next, name, hops + 1, seen);
      if (hit) return hit;
    }
    return undefined;
  }

  /** The file of `from module import name` when `name` is a submodule (Python) the package does not shadow. */
  function submodule(from: string, module: string, name: string): string | undefined {
    if (!/\.pyi?$/.test(from)) return undefined;
    const sub = resolve(from, module.endsWith('.') ? `${module}${name}` : `${module}.${name}`);
    if (!sub) return undefined;
    const pkg = resolve(from, module);
    const pkgFile = pkg ? byPath.get(pkg) : undefined;
    return pkgFile?.definitions?.some((d) => d.name === name) ? undefined : sub;
  }

  return {
    /** `from module import name` in `fromPath` names this submodule file (Python), if it does. */
    submodule,
    /** The definition behind `local` in `fromPath` (`member` for a namespace import: `ns.member`). */
    find(fromPath: string, local: string, member?: string): ImportedDefinition | undefined {
      const file = byPath.get(fromPath);
      const via = file && importedName(file, local);
      if (!via) return undefined;
      // `from pkg import mod` (Python) names the submodule pkg/mod.py when pkg itself does not define `mod`.
      const sub = via.imported !== '*' ? submodule(fromPath, via.module, via.imported) : undefined;
      if (sub) return member === undefined ? undefined : exported(sub, member, 0, new Set());
      const wanted = via.imported === '*' ? member : via.imported;
      if (wanted === undefined) return undefined;
      const t = target(fromPath, via.module, wanted);
      const hit = t ? exported(t, wanted, 0, new Set()) : undefined;
      return hit ? { ...hit, typeOnly: hit.typeOnly || via.typeOnly } : undefined;
    },
    /** What `path` exports as `name` (following its re-exports), as another file importing it would see. */
    exported(path: string, name: string): ImportedDefinition | undefined {
      return exported(path, name, 0, new Set());
    },
    /** The file an import of `local` in `fromPath` names, if it is one of the files. */
    fileOf(fromPath: string, local: string): string | undefined {
      const file = byPath.get(fromPath);
      const via = file && importedName(file, local);
      return via ? target(fromPath, via.module, via.imported) : undefined;
    },
    file(path: string): LinkableFile | undefined {
      return byPath.get(path);
    },
  };
}

export type DefinitionFinder = ReturnType<typeof createDefinitionFinder>;
