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
import { createModuleResolver, resolvePythonSubmodule, type ResolveOptions } from './resolve.js';

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

/** Per file: which atoms define which names, and what its imports bind. */
export interface FileSymbols {
  path: string;
  language: string;
  definitions: Map<string, Atom[]>;
  imports: Map<string, ImportBinding>;
  atoms: Atom[];
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

const TYPE_KIND = /interface|type|enum/i;
const IMPORT_KIND = /^imports?$/i;
const CALLABLE_KIND = /function|method|class|arrow|lambda|constructor|getter|setter|def/i;

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

/**
 * Builds the dependency graph of atoms from atomizer output. An edge `{from, to}` means `to`
 * uses something `from` defines, so `from` comes first. Inside a file a used name resolves to the
 * nearest preceding definition (else the first later one: hoisted functions); across files through
 * the file's imports. Edge types: `type` (a type, interface or enum, or any type-only import),
 * `function_call` (a function, method or class), `data_flow` (a binding written by an earlier atom
 * of the same scope), `variable` (other bindings), `import` (a value imported from another file),
 * `dependency` (the atomizer's own `dependsOn` with no symbol found).
 */
export function buildGraphFromAtoms(output: AtomizeOutput, options: BuildOptions = {}): BuiltGraph {
  const warnings: Diagnostic[] = [];
  const resolve = createModuleResolver(
    output.files.map((f) => f.path),
    options,
  );
  const symbols = new Map<string, FileSymbols>();
  const external: ImportBinding[] = [];
  const nodes: GraphNode[] = [];
  const atomById = new Map<string, Atom>();
  const fileEdges = new Map<string, { from: string; to: string; typeOnly: boolean; symbols: Set<string> }>();

  for (const file of output.files) {
    const table = fileSymbols(file);
    symbols.set(file.path, table);
    for (const imp of file.imports) {
      for (const binding of importBindings(imp)) {
        let target = resolve(file.path, imp.module);
        if (!target && /^\.+$/.test(imp.module))
          target = resolvePythonSubmodule(resolve, file.path, imp.module, binding.imported);
        const full: ImportBinding = { ...binding, target };
        table.imports.set(binding.local, full);
        if (!target) external.push(full);
      }
      const target = resolve(file.path, imp.module);
      if (target && target !== file.path) addFileEdge(fileEdges, target, file.path, imp);
    }
    for (const binding of table.imports.values()) {
      if (binding.target && binding.target !== file.path && !fileEdges.has(`${binding.target}\u0000${file.path}`)) {
        addFileEdge(fileEdges, binding.target, file.path, {
          module: binding.module,
          typeOnly: binding.typeOnly,
          named: [{ name: binding.imported }],
        });
      }
    }
    for (const atom of file.atoms) {
      if (atomById.has(atom.id))
        warnings.push({
          code: 'E_GRAPH_DUPLICATE_NODE',
          severity: 'warning',
          file: file.path,
          line: atom.startLine,
          message: `atom id "${atom.id}" appears twice; the first is kept`,
        });
      else atomById.set(atom.id, atom);
      nodes.push(atomNode(atom));
    }
  }

  const reasons = new Map<string, Map<string, Reason[]>>();
  const addReason = (from: string, to: string, reason: Reason): void => {
    if (from === to) return;
    let byTo = reasons.get(from);
    if (!byTo) reasons.set(from, (byTo = new Map()));
    let list = byTo.get(to);
    if (!list) byTo.set(to, (list = []));
    list.push(reason);
  };

  for (const file of output.files) {
    const table = symbols.get(file.path)!;
    for (const atom of file.atoms) {
      const linked = new Set<string>();
      const viaImport = (name: string, forceType: boolean): boolean => {
        const head = name.split('.')[0]!;
        const binding = table.imports.get(head);
        if (!binding?.target) return false;
        const targetTable = symbols.get(binding.target);
        if (!targetTable) return false;
        const member = name.includes('.') ? name.split('.')[1]! : undefined;
        const wanted = binding.imported === '*' ? member : binding.imported;
        const definers =
          wanted !== undefined
            ? (targetTable.definitions.get(wanted) ?? [])
            : targetTable.atoms.filter((a) => a.symbols.defined.length > 0);
        for (const definer of definers) {
          addReason(definer.id, atom.id, {
            type: forceType || binding.typeOnly || TYPE_KIND.test(definer.kind) ? 'type' : 'import',
            symbol: name,
          });
          linked.add(definer.id);
        }
        return true;
      };
      for (const used of atom.symbols.used) {
        const head = used.split('.')[0]!;
        const local = nearestDefinition(table.definitions.get(head), atom);
        // A name bound by an import resolves across files, not to the atom holding the import statement.
        if (local && !(IMPORT_KIND.test(local.kind) && table.imports.has(head))) {
          addReason(local.id, atom.id, { type: localEdgeType(local, atom), symbol: head });
          linked.add(local.id);
          continue;
        }
        viaImport(used, false);
      }
      // The atomizer keeps type references apart from `used`: its context lists the imports and local types an atom needs.
      for (const imp of contextImports(atom)) for (const name of imp.names) viaImport(name, imp.typeOnly);
      for (const typeName of contextTypes(atom)) {
        const local = nearestDefinition(table.definitions.get(typeName), atom);
        if (local) {
          addReason(local.id, atom.id, { type: 'type', symbol: typeName });
          linked.add(local.id);
        } else viaImport(typeName, true);
      }
      // An atom holding import statements depends on what it imports.
      for (const name of atom.symbols.defined) if (table.imports.has(name)) viaImport(name, false);
      for (const dep of atom.dependsOn) {
        if (linked.has(dep)) continue;
        if (!atomById.has(dep)) {
          warnings.push({
            code: 'E_GRAPH_UNKNOWN_NODE',
            severity: 'warning',
            file: file.path,
            line: atom.startLine,
            message: `atom "${atom.id}" depends on unknown atom "${dep}"; the dependency is ignored`,
          });
          continue;
        }
        addReason(dep, atom.id, { type: 'dependency', symbol: '' });
      }
    }
  }

  const edges: GraphEdge[] = [];
  for (const [from, byTo] of reasons) {
    for (const [to, list] of byTo) edges.push(mergeReasons(from, to, list));
  }
  edges.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0));

  const files: GraphInput = {
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
      }))
      .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : 1)),
  };
  return { graph: { nodes, edges }, files, symbols, external, warnings };
}

function fileSymbols(file: AtomizedFile): FileSymbols {
  const definitions = new Map<string, Atom[]>();
  for (const atom of file.atoms) {
    for (const name of atom.symbols.defined) {
      let list = definitions.get(name);
      if (!list) definitions.set(name, (list = []));
      list.push(atom);
    }
  }
  // A class or function split into several atoms (per method, per block) has no atom defining its own
  // name: the first atom inside a module-level `class X` / `function X` scope defines X.
  const firstInClass = new Map<string, Atom>();
  for (const atom of file.atoms) {
    const match = /^(?:class|function) (.+)$/.exec(atom.scope?.[1] ?? '');
    if (!match) continue;
    const seen = firstInClass.get(match[1]!);
    if (!seen || atom.startLine < seen.startLine) firstInClass.set(match[1]!, atom);
  }
  for (const [name, atom] of firstInClass) {
    if (definitions.has(name)) continue;
    definitions.set(name, [atom]);
  }
  for (const list of definitions.values()) list.sort((a, b) => a.startLine - b.startLine || (a.id < b.id ? -1 : 1));
  return { path: file.path, language: file.language, definitions, imports: new Map(), atoms: file.atoms };
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

function sameScope(a: Atom, b: Atom): boolean {
  const sa = a.scope ?? [];
  const sb = b.scope ?? [];
  return sa.length === sb.length && sa.every((s, i) => s === sb[i]);
}

function localEdgeType(definer: Atom, user: Atom): string {
  if (TYPE_KIND.test(definer.kind)) return 'type';
  if (/field|property/i.test(definer.kind)) return 'variable';
  if (CALLABLE_KIND.test(definer.kind)) return 'function_call';
  return sameScope(definer, user) && definer.startLine < user.startLine ? 'data_flow' : 'variable';
}

function mergeReasons(from: string, to: string, list: Reason[]): GraphEdge {
  let type = list[0]!.type;
  for (const r of list) if ((DEFAULT_EDGE_WEIGHTS[r.type] ?? 0) > (DEFAULT_EDGE_WEIGHTS[type] ?? 0)) type = r.type;
  const symbols = [...new Set(list.map((r) => r.symbol).filter((s) => s !== ''))].sort();
  return { from, to, type, weight: DEFAULT_EDGE_WEIGHTS[type] ?? 2, ...(symbols.length > 0 ? { symbols } : {}) };
}

function addFileEdge(
  map: Map<string, { from: string; to: string; typeOnly: boolean; symbols: Set<string> }>,
  from: string,
  to: string,
  imp: Pick<ImportInfo, 'module' | 'typeOnly' | 'named' | 'default' | 'namespace'>,
): void {
  const key = `${from}\u0000${to}`;
  const names = importBindings(imp as ImportInfo).map((b) => b.imported);
  const typeOnly =
    imp.typeOnly === true ||
    ((imp.named?.length ?? 0) > 0 && !imp.default && !imp.namespace && imp.named!.every((n) => n.typeOnly === true));
  const seen = map.get(key);
  if (!seen) map.set(key, { from, to, typeOnly, symbols: new Set(names) });
  else {
    seen.typeOnly &&= typeOnly;
    for (const n of names) seen.symbols.add(n);
  }
}

/** `context.imports` as the atomizer writes it: `[{module, names, typeOnly?}]` (ignored when absent or shaped otherwise). */
function contextImports(atom: Atom): { names: string[]; typeOnly: boolean }[] {
  const raw = atom.context.imports;
  if (!Array.isArray(raw)) return [];
  return raw
    .filter(
      (i): i is { names: unknown[]; typeOnly?: unknown } =>
        typeof i === 'object' && i !== null && Array.isArray((i as { names?: unknown }).names),
    )
    .map((i) => ({ names: i.names.filter((n): n is string => typeof n === 'string'), typeOnly: i.typeOnly === true }));
}

/** `context.types` names: local type definitions the atom refers to. */
function contextTypes(atom: Atom): string[] {
  const raw = atom.context.types;
  if (!Array.isArray(raw)) return [];
  return raw
    .map((t) => (typeof t === 'object' && t !== null ? (t as { name?: unknown }).name : undefined))
    .filter((n): n is string => typeof n === 'string');
}
