import { hash as digest } from 'node:crypto';
import type { Diagnostic } from '@st3/schemas';
import { LineIndex } from './lines.js';
import type { ParsedFile } from './types.js';
import { EV } from './events.js';
import { decompose, unitOf, type Piece, type Strategy } from './atoms/decompose.js';
import { buildContext, type AtomContext, type FileAnalysis } from './atoms/context.js';
import { validateAtomicity, type Atomicity } from './atoms/atomicity.js';
import { resolveAtomOptions, type AtomOptions } from './atoms/options.js';
import { jsGlobals, pyBuiltins, tsTypes } from './atoms/globals.js';
import { linkPieces } from './atoms/links.js';
import { declarationIndex, signatureOf } from './atoms/signatures.js';
import { pieceSymbols, Resolver, USAGE, type PieceSymbols } from './atoms/symbols.js';

export type AtomRecord = {
  id: string;
  path: string;
  startLine: number;
  endLine: number;
  /** Source lines; `physicalLoc` counts every line. */
  loc: number;
  physicalLoc: number;
  complexity: number;
  kind: string;
  name?: string;
  strategy: Strategy;
  scope: string[];
  code: string;
  /**
   * `defined`: names the atom binds for the code after it; `used`: free names it reads, calls or
   * writes; `types`: free names it uses only as types; `calls`: the free names it calls;
   * `members`: `ns.member` calls on names bound by imports (what a namespace import is used for).
   */
  symbols: { defined: string[]; used: string[]; types: string[]; calls: string[]; members: string[] };
  /** Atoms of the same file it depends on (the ids of `context.dependencies`). */
  dependsOn: string[];
  context: AtomContext;
  atomicity: Atomicity;
};

/**
 * One file's atomization. Records (and their parts) are type aliases, not interfaces: plain data that fits the
 * `atoms` JSON contract of `@st3/schemas` (loose objects) as it is, so adapters need no cast.
 */
export type AtomizedFileRecord = {
  path: string;
  language: string;
  /** Source lines of the file. */
  loc: number;
  lines: ParsedFile['lines'];
  functions: {
    name: string;
    kind: string;
    qualifiedName: string;
    startLine: number;
    endLine: number;
    loc: number;
    physicalLoc: number;
    complexity: number;
    params: ParsedFile['functions'][number]['params'];
    returnType?: string;
    async: boolean;
    generator: boolean;
  }[];
  classes: ParsedFile['classes'];
  imports: {
    module: string;
    line: number;
    default?: string;
    namespace?: string;
    named?: { name: string; alias?: string; typeOnly?: boolean }[];
    typeOnly?: boolean;
    local?: boolean;
  }[];
  exports: ParsedFile['exports'];
  /** Module-level names and the atom declaring each: what other files can import from this one. */
  definitions: ModuleDefinition[];
  atoms: AtomRecord[];
  diagnostics: Diagnostic[];
};

/** A module-level binding of a file. */
export interface ModuleDefinition {
  name: string;
  /** `function`, `class`, `type`, `variable` or `import` (a re-exportable imported name). */
  kind: 'function' | 'class' | 'type' | 'variable' | 'import';
  /** Id of the atom holding the declaration. */
  atom: string;
  line: number;
  signature: string;
}

function atomKind(p: Piece): string {
  const unit = unitOf(p);
  if (unit) return unit.kind;
  if (p.nodes.length === 0) return p.fragment ? 'block' : 'comment';
  if (p.fragment) return 'block';
  if (p.nodes.length === 1 && p.nodes[0]!.kind === 'class') return 'class';
  if (p.nodes.every((n) => n.kind === 'import')) return 'imports';
  if (p.nodes.every((n) => n.kind === 'interface' || n.kind === 'type' || n.kind === 'enum')) return 'types';
  return p.nodes.length === 1 ? p.nodes[0]!.kind : 'statements';
}

const DEF_KIND: Record<number, ModuleDefinition['kind']> = {
  [EV.DEF_FUNCTION]: 'function',
  [EV.DEF_CLASS]: 'class',
  [EV.DEF_TYPE]: 'type',
  [EV.DEF_IMPORT]: 'import',
};

/** The per-file facts every atom's context is computed from: symbols per piece, links, ids. */
function analyzeFile(file: ParsedFile, text: string, pieces: Piece[], index: LineIndex): FileAnalysis {
  const py = file.language === 'python';
  const resolver = new Resolver(file.log, py);
  const syms: PieceSymbols[] = pieces.map((p) => pieceSymbols(resolver, p, !!unitOf(p)));
  const ids = pieces.map((p) => {
    // One-shot digest: a Hash object per atom costs more than hashing its few lines.
    const code = index.slice(p.startLine, p.endLine);
    return `${file.path}#L${p.startLine}-L${p.endLine}@${digest('sha1', code, 'hex').slice(0, 10)}`;
  });
  const importEnd = new Map<number, number>();
  for (const st of file.statements) if (st.kind === 'import') importEnd.set(st.startLine, st.endLine);
  void text;
  return {
    file,
    index,
    resolver,
    decls: declarationIndex(file),
    pieces,
    syms,
    links: linkPieces(resolver, syms),
    ids,
    globals: py ? pyBuiltins() : jsGlobals(),
    typeGlobals: py ? pyBuiltins() : tsTypes(),
    wildcard: file.imports.some((i) => i.namespace === '*'),
    importEnd,
  };
}

/** Module-level bindings and the atoms declaring them (the first declaration wins). */
function moduleDefinitions(a: FileAnalysis): ModuleDefinition[] {
  const out: ModuleDefinition[] = [];
  const seen = new Set<number>();
  a.syms.forEach((s, i) => {
    for (const [key, d] of s.defines) {
      const b = a.resolver.bindings[key]!;
      if (!d.declared || b.scope !== 0 || seen.has(key)) continue;
      seen.add(key);
      out.push({
        name: b.name,
        kind: DEF_KIND[b.kind] ?? 'variable',
        atom: a.ids[i]!,
        line: b.line,
        signature: signatureOf(a.file, a.index, a.decls, b),
      });
    }
  });
  return out;
}

function symbolsJson(a: FileAnalysis, s: PieceSymbols): AtomRecord['symbols'] {
  const defined: string[] = [];
  for (const d of s.defines.values()) if (d.declared) defined.push(d.name);
  const used: string[] = [];
  const types: string[] = [];
  const calls: string[] = [];
  const imported = new Set<string>();
  for (const input of s.inputs.values()) {
    if (input.usage === USAGE.TYPE) types.push(input.name);
    else used.push(input.name);
    if (input.usage & USAGE.CALL) calls.push(input.name);
    if (input.key !== undefined && a.resolver.bindings[input.key]!.kind === EV.DEF_IMPORT) imported.add(input.name);
  }
  const members = s.calls.filter((c) => {
    const dot = c.indexOf('.');
    return dot > 0 && imported.has(c.slice(0, dot)) && c.indexOf('.', dot + 1) === -1;
  });
  return { defined: [...new Set(defined)], used: [...new Set(used)], types, calls, members };
}

/** Parsed file → the atomizer's output record (the `--json` contract of DESIGN.md). */
export function atomizeParsed(file: ParsedFile, text: string, options: AtomOptions = {}): AtomizedFileRecord {
  const o = resolveAtomOptions(options);
  const index = new LineIndex(text);
  const pieces = decompose(file, o);
  const a = analyzeFile(file, text, pieces, index);
  const atoms: AtomRecord[] = pieces.map((p, i) => {
    const sym = a.syms[i]!;
    const context = buildContext(a, i);
    const deps = a.links.deps[i]!;
    const atomicity = validateAtomicity(
      file,
      p,
      context,
      {
        calls: sym.calls,
        writesModuleState: sym.writesModuleState,
        returnsValue: sym.returnsValue,
        dependsOn: deps.length,
        dependsOnFragments: deps.filter((d) => pieces[d.to]!.fragment).length,
      },
      o,
    );
    const unit = unitOf(p);
    return {
      id: a.ids[i]!,
      path: file.path,
      startLine: p.startLine,
      endLine: p.endLine,
      loc: p.loc,
      physicalLoc: p.endLine - p.startLine + 1,
      complexity: p.complexity,
      kind: atomKind(p),
      name: unit?.name ?? (p.nodes.length === 1 ? p.nodes[0]!.name : undefined),
      strategy: p.strategy,
      scope: p.scope,
      code: index.slice(p.startLine, p.endLine),
      symbols: symbolsJson(a, sym),
      dependsOn: deps.map((d) => a.ids[d.to]!),
      context,
      atomicity,
    };
  });
  return {
    path: file.path,
    language: file.language,
    loc: file.lines.source,
    lines: file.lines,
    functions: file.functions
      .filter((f) => f.kind !== 'block')
      .map((f) => ({
        name: f.name,
        kind: f.kind,
        qualifiedName: f.qualifiedName,
        startLine: f.startLine,
        endLine: f.endLine,
        loc: f.loc,
        physicalLoc: f.physicalLoc,
        complexity: f.complexity,
        params: f.params,
        returnType: f.returnType,
        async: f.async,
        generator: f.generator,
      })),
    classes: file.classes,
    imports: file.imports.map(({ bindings: _b, ...rest }) => rest),
    exports: file.exports,
    definitions: moduleDefinitions(a),
    atoms,
    diagnostics: file.diagnostics,
  };
}
