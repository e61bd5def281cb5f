import { hash as digest } from 'node:crypto';
import type { Diagnostic } from '@st3/schemas';
import { LineIndex } from './lines.js';
import type { ParsedFile } from './types.js';
import { decompose, unitOf, type Piece, type Strategy } from './atoms/decompose.js';
import { buildContext, fileFacts, type AtomContext } from './atoms/context.js';
import { validateAtomicity, type Atomicity } from './atoms/atomicity.js';
import { resolveAtomOptions, type AtomOptions } from './atoms/options.js';

export interface AtomRecord {
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
  symbols: { defined: string[]; used: string[] };
  dependsOn: string[];
  context: AtomContext;
  atomicity: Atomicity;
}

export interface AtomizedFileRecord {
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
  }[];
  exports: ParsedFile['exports'];
  atoms: AtomRecord[];
  diagnostics: Diagnostic[];
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

/** Parsed file → the atomizer's output record (the `--json` contract of DESIGN.md). */
export function atomizeParsed(file: ParsedFile, text: string, options: AtomOptions = {}): AtomizedFileRecord {
  const o = resolveAtomOptions(options);
  const index = new LineIndex(text);
  const pieces = decompose(file, o);
  const infos = pieces.map((p) => {
    const defined = new Set<string>();
    const used = new Set<string>();
    const typeRefs = new Set<string>();
    const calls = new Set<string>();
    let writes = false;
    for (const n of p.nodes) {
      for (const d of n.defines) defined.add(d);
      for (const u of n.uses) used.add(u);
      for (const t of n.typeRefs) typeRefs.add(t);
      for (const c of n.calls) calls.add(c);
      if (n.writesModuleState) writes = true;
    }
    for (const d of defined) used.delete(d);
    const code = index.slice(p.startLine, p.endLine);
    // One-shot digest: a Hash object per atom costs more than hashing its few lines.
    const hash = digest('sha1', code, 'hex').slice(0, 10);
    return {
      p,
      defined,
      used: [...used],
      typeRefs: [...typeRefs],
      calls: [...calls],
      writes,
      code,
      id: `${file.path}#L${p.startLine}-L${p.endLine}@${hash}`,
    };
  });
  // Who defines what, by scope: a user takes the last definer before it in its own scope, else a module-level one.
  const byScope = new Map<string, Map<string, number[]>>();
  const moduleLevel = new Map<string, number>();
  const scopeKeys = infos.map((info) => info.p.scope.join('\u0000'));
  infos.forEach((info, i) => {
    let names = byScope.get(scopeKeys[i]!);
    if (!names) byScope.set(scopeKeys[i]!, (names = new Map()));
    for (const d of info.defined) {
      (names.get(d) ?? names.set(d, []).get(d)!).push(i);
      if (info.p.scope.length === 1) moduleLevel.set(d, i);
    }
  });
  const allDefined = new Set<string>(moduleLevel.keys());
  for (const info of infos) for (const d of info.defined) allDefined.add(d);
  for (const b of file.moduleBindings) allDefined.add(b);
  const facts = fileFacts(file, allDefined);
  const atoms: AtomRecord[] = infos.map((info, i) => {
    const deps = new Set<number>();
    const scopeNames = byScope.get(scopeKeys[i]!);
    for (const list of [info.used, info.typeRefs])
      for (const u of list) {
        const same = scopeNames?.get(u);
        let pick: number | undefined;
        if (same) {
          // Last definer before i (indices are ascending).
          let lo = 0;
          let hi = same.length - 1;
          while (lo <= hi) {
            const mid = (lo + hi) >> 1;
            if (same[mid]! < i) {
              pick = same[mid];
              lo = mid + 1;
            } else hi = mid - 1;
          }
        }
        pick ??= moduleLevel.get(u);
        if (pick !== undefined && pick !== i) deps.add(pick);
      }
    const dependsOn = [...deps].sort((a, b) => a - b);
    const context = buildContext(file, info.p, info.used, info.typeRefs, info.defined, facts, index);
    const atomicity = validateAtomicity(
      file,
      info.p,
      context,
      {
        calls: info.calls,
        writesModuleState: info.writes,
        dependsOn: dependsOn.length,
        dependsOnFragments: dependsOn.filter((j) => infos[j]!.p.fragment).length,
      },
      o,
    );
    const unit = unitOf(info.p);
    return {
      id: info.id,
      path: file.path,
      startLine: info.p.startLine,
      endLine: info.p.endLine,
      loc: info.p.loc,
      physicalLoc: info.p.endLine - info.p.startLine + 1,
      complexity: info.p.complexity,
      kind: atomKind(info.p),
      name: unit?.name ?? (info.p.nodes.length === 1 ? info.p.nodes[0]!.name : undefined),
      strategy: info.p.strategy,
      scope: info.p.scope,
      code: info.code,
      symbols: { defined: [...info.defined], used: info.used },
      dependsOn: dependsOn.map((j) => infos[j]!.id),
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
    atoms,
    diagnostics: file.diagnostics,
  };
}
