import {
  createDefinitionFinder,
  createModuleResolver,
  importedName,
  resolvePythonSubmodule,
  type DefinitionFinder,
  type LinkableDefinition,
  type ModuleResolver,
  type ResolveOptions,
} from '@st3/atomizer';
import type {
  Atom,
  AtomizeOutput,
  AtomizedFile,
  Diagnostic,
  GraphEdge,
  GraphInput,
  GraphNode,
  ImportInfo,
} from '@st3/schemas';
import { DEFAULT_EDGE_WEIGHTS } from '../indexed.js';
import { atomFacts, legacyDefinitions } from './facts.js';

export type BuildOptions = ResolveOptions;

/** One local name an import statement binds in a file. */
export interface ImportBinding {
  local: string;
  /** The name in the target module (`*` for a namespace, `default` for a default import). */
  imported: string;
  module: string;
  /** The atomized file the module resolved to, when it is one of them. */
  target?: string;
  typeOnly: boolean;
  line?: number;
}

/** Per file: which atoms define which module-level names, and what its imports bind. */
export interface FileSymbols {
  path: string;
  language: string;
  definitions: Map<string, Atom[]>;
  imports: Map<string, ImportBinding>;
  atoms: Atom[];
  /** Names another file can import from this one: module-level bindings (imported ones too) and exported names. */
  provides: ReadonlySet<string>;
  /** The file has `export * from …`: any name may come from there. */
  reexportsAll: boolean;
  /** Older atomizer output without module-level `definitions`: definitions were inferred from scopes. */
  legacy: boolean;
}

export interface BuiltGraph {
  /** Atom-level graph: one node per atom, one merged edge per ordered pair. */
  graph: GraphInput;
  /** File-level import graph (relative and tsconfig-path imports that resolved to atomized files). */
  files: GraphInput;
  symbols: Map<string, FileSymbols>;
  /** Imports that did not resolve to an atomized file (external packages, missing files). */
  external: ImportBinding[];
  warnings: Diagnostic[];
}

/** Every local name an import binds (default, namespace, named with alias). */
export function importBindings(imp: ImportInfo): Omit<ImportBinding, 'target'>[] {
  const out: Omit<ImportBinding, 'target'>[] = [];
  const base = { module: imp.module, line: imp.line };
  if (imp.default) out.push({ ...base, local: imp.default, imported: 'default', typeOnly: imp.typeOnly === true });
  if (imp.namespace) out.push({ ...base, local: imp.namespace, imported: '*', typeOnly: imp.typeOnly === true });
  for (const named of imp.named ?? []) {
    // The atomizer lists a Python module's own dotted name among the names (`import shop.tax`): a namespace binding.
    const imported = named.name === imp.module && !named.alias ? '*' : named.name;
    out.push({
      ...base,
      local: named.alias ?? named.name,
      imported,
      typeOnly: imp.typeOnly === true || named.typeOnly === true,
    });
  }
  return out;
}

interface Reason {
  type: string;
  symbol: string;
}

class EdgeSet {
  private readonly reasons = new Map<string, Map<string, Reason[]>>();
  add(from: string, to: string, reason: Reason): void {
    if (from === to) return;
    let byTo = this.reasons.get(from);
    if (!byTo) this.reasons.set(from, (byTo = new Map()));
    const list = byTo.get(to);
    if (list) list.push(reason);
    else byTo.set(to, [reason]);
  }
  edges(): GraphEdge[] {
    const out: GraphEdge[] = [];
    for (const [from, byTo] of this.reasons) for (const [to, list] of byTo) out.push(mergeReasons(from, to, list));
    return out.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
  }
}

/** The edge type of a use of something another file defines: how it is used and what it is. */
function crossFileType(usage: string, def: LinkableDefinition, typeOnly: boolean): string {
  if (typeOnly || usage === 'type' || def.kind === 'type' || /interface|types?|enum/.test(def.kind)) return 'type';
  if (/function|class|method|arrow|lambda/.test(def.kind)) return 'function_call';
  return 'variable';
}

/**
 * Builds the dependency graph of atoms from atomizer output. An edge `{from, to}` means `to` uses
 * something `from` defines, so `from` comes first. Inside a file the atomizer's own scope-aware
 * links are used (`context.dependencies`: `function_call`, `variable`, `type`, `data_flow`); across
 * files each name an atom takes from an import is followed (through re-exports) to the atom that
 * declares it: a call or a class is `function_call`, a type `type`, anything else `variable`, and
 * the atom holding the import statement gets an `import` edge from it. Older atomizer output without
 * those fields is linked by names (nearest definition in the file). `dependency` edges carry the
 * atomizer's `dependsOn` when no symbol explains them.
 */
export function buildGraphFromAtoms(output: AtomizeOutput, options: BuildOptions = {}): BuiltGraph {
  const resolve = createModuleResolver(
    output.files.map((f) => f.path),
    options,
  );
  const linkable = output.files.map((f) => ({
    ...f,
    definitions: (f.definitions as LinkableDefinition[] | undefined) ?? legacyDefinitions(f),
  }));
  const finder = createDefinitionFinder(linkable as Parameters<typeof createDefinitionFinder>[0], resolve);
  const ctx: LinkContext = { finder, atomById: new Map(), edges: new EdgeSet(), warnings: [] };
  const symbols = new Map<string, FileSymbols>();
  const external: ImportBinding[] = [];
  const nodes: GraphNode[] = [];
  const fileEdges = new Map<string, FileEdge>();

  for (const [k, file] of output.files.entries())
    symbols.set(file.path, fileSymbols(file, linkable[k]!.definitions, file.definitions === undefined));
  for (const file of output.files) {
    collectImports(file, symbols.get(file.path)!, resolve, finder.submodule, external, fileEdges);
    addAtomNodes(ctx, file, nodes);
  }
  // Every atom is known before any is linked: `dependsOn` may name an atom of a later file.
  for (const file of output.files) {
    const table = symbols.get(file.path)!;
    for (const atom of file.atoms) linkAtom(ctx, file, table, atom);
  }
  const graph = { nodes, edges: ctx.edges.edges() };
  return { graph, files: fileGraph(output, fileEdges), symbols, external, warnings: ctx.warnings };
}

/** What linking the atoms reads (the definition finder, the atoms by id) and what it adds to. */
interface LinkContext {
  finder: DefinitionFinder;
  atomById: Map<string, Atom>;
  edges: EdgeSet;
  warnings: Diagnostic[];
}

/** One node per atom of the file; an id seen before keeps its first atom and gets a warning. */
function addAtomNodes(ctx: LinkContext, file: AtomizedFile, nodes: GraphNode[]): void {
  for (const atom of file.atoms) {
    if (ctx.atomById.has(atom.id))
      ctx.warnings.push({
        code: 'E_GRAPH_DUPLICATE_NODE',
        severity: 'warning',
        file: file.path,
        line: atom.startLine,
        message: `atom id "${atom.id}" appears twice; the first is kept`,
      });
    else ctx.atomById.set(atom.id, atom);
    nodes.push(atomNode(atom));
  }
}

/** The edges into one atom: local links, imported names, its import statements, then leftover `dependsOn`. */
function linkAtom(ctx: LinkContext, file: AtomizedFile, table: FileSymbols, atom: Atom): void {
  const { finder, edges } = ctx;
  const facts = atomFacts(file, atom, table);
  // Atoms linked by a symbol: their `dependsOn` entry adds no `dependency` edge.
  const linked = new Set<string>();
  for (const dep of facts.local) {
    edges.add(dep.id, atom.id, { type: dep.type, symbol: dep.symbol });
    linked.add(dep.id);
  }
  for (const use of facts.imported) {
    const hit = finder.find(file.path, use.name, use.member);
    if (!hit) continue;
    const symbol = use.member ? `${use.name}.${use.member}` : use.name;
    edges.add(hit.definition.atom, atom.id, {
      type: crossFileType(use.usage, hit.definition, hit.typeOnly),
      symbol,
    });
    linked.add(hit.definition.atom);
  }
  // The atom holding an import statement (or a re-export) comes after what it imports.
  for (const name of facts.importDefines) {
    const hit = finder.find(file.path, name);
    if (hit) edges.add(hit.definition.atom, atom.id, { type: hit.typeOnly ? 'type' : 'import', symbol: name });
  }
  for (const e of reexportsIn(file, atom)) {
    const hit = finder.exported(file.path, e.name);
    if (hit) edges.add(hit.definition.atom, atom.id, { type: e.typeOnly ? 'type' : 'import', symbol: e.name });
  }
  addDependsOn(ctx, file, atom, linked);
}

/** `dependency` edges for the atomizer's `dependsOn` that no symbol explains; unknown atoms are warned about. */
function addDependsOn(ctx: LinkContext, file: AtomizedFile, atom: Atom, linked: ReadonlySet<string>): void {
  for (const dep of atom.dependsOn) {
    if (linked.has(dep)) continue;
    if (!ctx.atomById.has(dep)) {
      ctx.warnings.push({
        code: 'E_GRAPH_UNKNOWN_NODE',
        severity: 'warning',
        file: file.path,
        line: atom.startLine,
        message: `atom "${atom.id}" depends on unknown atom "${dep}"; the dependency is ignored`,
      });
      continue;
    }
    ctx.edges.add(dep, atom.id, { type: 'dependency', symbol: '' });
  }
}

/** The file-level import graph: one node per atomized file, one edge per importing pair. */
function fileGraph(output: AtomizeOutput, fileEdges: ReadonlyMap<string, FileEdge>): GraphInput {
  return {
    nodes: output.files
      .map((f) => ({ id: f.path, language: f.language, loc: f.loc, atoms: f.atoms.length }))
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
    edges: [...fileEdges.values()]
      .map((e) => ({
        from: e.from,
        to: e.to,
        type: e.typeOnly ? 'type' : 'import',
        weight: e.typeOnly ? DEFAULT_EDGE_WEIGHTS.type! : DEFAULT_EDGE_WEIGHTS.import!,
        symbols: [...e.symbols].sort(),
        // Only imports inside functions (Python): they run when called, not when the module loads.
        ...(e.lazy ? { lazy: true } : {}),
      }))
      .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : 1)),
  };
}

/** Names an atom re-exports from other modules (`export { a } from './m'`, `export * from`: not followed). */
function reexportsIn(file: AtomizedFile, atom: Atom): { name: string; typeOnly: boolean }[] {
  const exports = (file as { exports?: { name: string; kind?: string; line?: number; from?: string }[] }).exports ?? [];
  return exports
    .filter(
      (e) => e.from && e.name !== '*' && e.line !== undefined && e.line >= atom.startLine && e.line <= atom.endLine,
    )
    .map((e) => ({ name: e.name, typeOnly: e.kind === 'type' }));
}

interface FileEdge {
  from: string;
  to: string;
  typeOnly: boolean;
  lazy: boolean;
  symbols: Set<string>;
}

/** The file's import bindings, where they resolve, and the file-level import edges. */
function collectImports(
  file: AtomizedFile,
  table: FileSymbols,
  resolve: ModuleResolver,
  submodule: (from: string, module: string, name: string) => string | undefined,
  external: ImportBinding[],
  fileEdges: Map<string, FileEdge>,
): void {
  for (const imp of file.imports) {
    const lazy = (imp as { local?: boolean }).local === true;
    for (const binding of importBindings(imp)) {
      // `from pkg import mod` names the submodule when the package does not define `mod` itself.
      const sub = binding.imported !== '*' ? submodule(file.path, imp.module, binding.imported) : undefined;
      let target = sub ?? resolve(file.path, imp.module);
      if (!target && /^\.+$/.test(imp.module))
        target = resolvePythonSubmodule(resolve, file.path, imp.module, binding.imported);
      const full: ImportBinding = { ...binding, ...(sub ? { imported: '*' } : {}), target };
      if (!lazy || !table.imports.has(binding.local)) table.imports.set(binding.local, full);
      if (!target) external.push(full);
      else if (target !== file.path)
        addFileEdge(
          fileEdges,
          target,
          file.path,
          { module: imp.module, typeOnly: full.typeOnly, named: [{ name: binding.imported }] },
          lazy,
        );
    }
    const target = resolve(file.path, imp.module);
    if (target && target !== file.path && importBindings(imp).length === 0)
      addFileEdge(fileEdges, target, file.path, imp, lazy);
  }
}

function fileSymbols(file: AtomizedFile, definitions: readonly LinkableDefinition[], legacy: boolean): FileSymbols {
  const byId = new Map(file.atoms.map((a) => [a.id, a]));
  const table = new Map<string, Atom[]>();
  const exports = (file as { exports?: { name: string; from?: string }[] }).exports ?? [];
  const provides = new Set<string>([...definitions.map((d) => d.name), ...exports.map((e) => e.name)]);
  for (const d of definitions) {
    if (d.kind === 'import') continue;
    const atom = byId.get(d.atom);
    if (!atom) continue;
    const list = table.get(d.name);
    if (list) {
      if (!list.includes(atom)) list.push(atom);
    } else table.set(d.name, [atom]);
  }
  return {
    path: file.path,
    language: file.language,
    definitions: table,
    imports: new Map(),
    atoms: file.atoms,
    provides,
    reexportsAll: exports.some((e) => e.name === '*' && e.from !== undefined),
    legacy,
  };
}

function atomNode(atom: Atom): GraphNode {
  return {
    id: atom.id,
    path: atom.path,
    startLine: atom.startLine,
    endLine: atom.endLine,
    kind: atom.kind,
    ...(atom.name ? { name: atom.name } : {}),
    loc: atom.loc,
    complexity: atom.complexity,
  };
}

function mergeReasons(from: string, to: string, list: Reason[]): GraphEdge {
  let type = list[0]!.type;
  for (const r of list) if ((DEFAULT_EDGE_WEIGHTS[r.type] ?? 0) > (DEFAULT_EDGE_WEIGHTS[type] ?? 0)) type = r.type;
  const symbols = [...new Set(list.map((r) => r.symbol).filter((s) => s !== ''))].sort();
  return { from, to, type, weight: DEFAULT_EDGE_WEIGHTS[type] ?? 2, ...(symbols.length > 0 ? { symbols } : {}) };
}

function addFileEdge(
  map: Map<string, FileEdge>,
  from: string,
  to: string,
  imp: Pick<ImportInfo, 'module' | 'typeOnly' | 'named' | 'default' | 'namespace'>,
  lazy: boolean,
): void {
  const key = `${from}\u0000${to}`;
  const names = importBindings(imp as ImportInfo).map((b) => b.imported);
  const typeOnly =
    imp.typeOnly === true ||
    ((imp.named?.length ?? 0) > 0 && !imp.default && !imp.namespace && imp.named!.every((n) => n.typeOnly === true));
  const seen = map.get(key);
  if (!seen) map.set(key, { from, to, typeOnly, lazy, symbols: new Set(names) });
  else {
    seen.typeOnly &&= typeOnly;
    seen.lazy &&= lazy;
    for (const n of names) seen.symbols.add(n);
  }
}

export { importedName };
