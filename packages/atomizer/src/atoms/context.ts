import { isSyntaxDiagnostic } from '../complexity-report.js';
import { EV } from '../events.js';
import type { LineIndex } from '../lines.js';
import type { FunctionRecord, ParameterInfo, ParsedFile, StatementNode } from '../types.js';
import type {
  AtomContext,
  ContextComponent,
  ContextDependency,
  ContextImport,
  ContextInput,
  ContextOutput,
  ContextType,
} from '../context/types.js';
import { unitOf, type Piece } from './decompose.js';
import type { Links } from './links.js';
import { dedent, headerChain, signatureOf, type DeclarationIndex } from './signatures.js';
import { USAGE, usageName, type PieceSymbols, type Resolver } from './symbols.js';

export type { AtomContext, ContextComponent } from '../context/types.js';

/** Everything the context of any atom of one file is computed from. */
export interface FileAnalysis {
  file: ParsedFile;
  index: LineIndex;
  resolver: Resolver;
  decls: DeclarationIndex;
  pieces: Piece[];
  syms: PieceSymbols[];
  links: Links;
  ids: string[];
  /** Names the language (and its runtime) provides. */
  globals: ReadonlySet<string>;
  /** Built-in type names (TypeScript's lib, Python's typing). */
  typeGlobals: ReadonlySet<string>;
  /** A `from m import *` (or `export *` style) makes any name possibly defined. */
  wildcard: boolean;
  /** Last line of each import statement, by its first line. */
  importEnd: Map<number, number>;
}

const TYPE_CODE_LINES = 30;

function hintsForParam(p: ParameterInfo): string | undefined {
  const t = (p.type ?? '').replace(/\s+/g, ' ');
  const extra: string[] = [];
  if (/\[\]|Array<|\blist\b|\bList\b|\bSequence\b|\btuple\b|\bSet<|\bset\b/.test(t))
    extra.push('an empty list', 'one item', 'many items');
  else if (/\bdict\b|\bDict\b|Record<|Map<|\bMapping\b/.test(t)) extra.push('an empty mapping', 'a missing key');
  else if (/\bnumber\b|\bint\b|\bfloat\b/.test(t))
    extra.push('0', 'a negative value', t.includes('int') ? 'a large value' : 'NaN');
  else if (/\bstring\b|\bstr\b/.test(t)) extra.push('an empty string', 'a very long string');
  else if (/\bboolean\b|\bbool\b/.test(t)) extra.push('true', 'false');
  if (/\bnull\b|\bundefined\b|\bNone\b|Optional\[|\| None/.test(t) || p.optional)
    extra.push(p.defaultValue ? `the default (${p.defaultValue})` : 'absent/null');
  return extra.length > 0 ? `${p.name}: ${extra.join(', ')}` : undefined;
}

/** Guards and asserts at the head of a body, asserts at its tail. */
function headAndTail(node: StatementNode): { pre: string[]; post: string[] } {
  const body = node.body ?? [];
  const pre: string[] = [];
  for (const st of body) {
    if (st.guard) pre.push(`not (${st.guard}) is required`.replace(/^not \(!(.*)\) is required$/, '$1 is required'));
    else if (st.assertion) pre.push(st.assertion);
    else if (st.kind !== 'string') break;
  }
  const post: string[] = [];
  for (let i = body.length - 1; i >= 0 && i >= pre.length; i--) {
    const st = body[i]!;
    if (st.assertion) post.unshift(st.assertion);
    else if (st.kind !== 'return') break;
  }
  return { pre, post };
}

/** The innermost enclosing function of a fragment (its statement node), if any. */
function enclosingFunction(piece: Piece): StatementNode | undefined {
  for (let k = piece.ancestors.length - 1; k >= 0; k--) if (piece.ancestors[k]!.fn) return piece.ancestors[k];
  return undefined;
}

function importsOf(a: FileAnalysis, imported: Map<string, string[]>): ContextImport[] {
  const out: ContextImport[] = [];
  for (const rec of a.file.imports) {
    const names = imported.get(`${rec.line}`)?.filter((n) => rec.bindings.includes(n));
    if (!names || names.length === 0) continue;
    const end = a.importEnd.get(rec.line) ?? rec.line;
    out.push({
      module: rec.module,
      names: [...new Set(names)],
      line: rec.line,
      ...(rec.typeOnly ? { typeOnly: true } : {}),
      text: dedent(a.index, rec.line, end, 3),
    });
  }
  return out;
}

const typeLinesByFile = new WeakMap<FileAnalysis, Map<string, number>>();

/** The first line of each type the file declares, by name (the first declaration of a name), made once per file. */
function typeLinesOf(a: FileAnalysis): Map<string, number> {
  let lines = typeLinesByFile.get(a);
  if (!lines) {
    lines = new Map();
    for (const t of a.file.types) if (!lines.has(t.name)) lines.set(t.name, t.startLine);
    typeLinesByFile.set(a, lines);
  }
  return lines;
}

function typesOf(a: FileAnalysis, p: Piece, typeNames: Map<string, number>): ContextType[] {
  const out: ContextType[] = [];
  for (const t of a.file.types) {
    const line = typeNames.get(t.name);
    if (line === undefined || line < t.startLine || line > t.endLine) continue;
    if (t.startLine >= p.startLine && t.endLine <= p.endLine) continue;
    const truncated = t.endLine - t.startLine + 1 > TYPE_CODE_LINES;
    out.push({
      name: t.name,
      kind: t.kind,
      path: a.file.path,
      startLine: t.startLine,
      endLine: t.endLine,
      code: dedent(a.index, t.startLine, t.endLine, TYPE_CODE_LINES),
      ...(truncated ? { truncated: true } : {}),
    });
  }
  return out;
}

/** What the atom reads, where each name comes from, and which of them are not bound anywhere. */
function inputsOf(a: FileAnalysis, i: number) {
  const sym = a.syms[i]!;
  const origins = a.links.origins[i]!;
  const inputs: ContextInput[] = [];
  const imported = new Map<string, string[]>();
  const typeNames = new Map<string, number>();
  const unresolved: string[] = [];
  const unresolvedTypes: string[] = [];
  for (const input of sym.inputs.values()) {
    const usage = usageName(input.usage);
    const key = input.key;
    if (key === undefined) {
      const onlyType = input.usage === USAGE.TYPE;
      const known = onlyType
        ? a.typeGlobals.has(input.name) || a.globals.has(input.name)
        : a.globals.has(input.name) || a.typeGlobals.has(input.name);
      if (!known && !a.wildcard) (onlyType ? unresolvedTypes : unresolved).push(input.name);
      continue;
    }
    const b = a.resolver.bindings[key]!;
    const origin = origins.get(key)!;
    if (b.kind === EV.DEF_IMPORT) {
      const list = imported.get(`${b.line}`);
      if (list) list.push(b.name);
      else imported.set(`${b.line}`, [b.name]);
    }
    if ((input.usage & USAGE.TYPE) !== 0 && (b.kind === EV.DEF_TYPE || b.kind === EV.DEF_CLASS))
      typeNames.set(b.name, b.line);
    inputs.push({
      name: input.name,
      source: origin.source,
      usage,
      ...(b.type ? { type: b.type } : {}),
      ...(b.line > 0 ? { line: b.line } : {}),
      ...(origin.piece !== undefined ? { atom: a.ids[origin.piece] } : {}),
    });
  }
  return { inputs, imported, typeNames, unresolved, unresolvedTypes };
}

function dependenciesOf(a: FileAnalysis, i: number): ContextDependency[] {
  return a.links.deps[i]!.map((link) => {
    const names: string[] = [];
    const sigs: string[] = [];
    for (const key of link.keys) {
      const b = a.resolver.bindings[key]!;
      names.push(b.name);
      sigs.push(signatureOf(a.file, a.index, a.decls, b));
    }
    return { id: a.ids[link.to]!, type: link.type, symbols: names, signature: [...new Set(sigs)].join('\n') };
  });
}

function outputsOf(a: FileAnalysis, i: number): ContextOutput[] {
  const out: ContextOutput[] = [];
  for (const [key, readers] of a.links.readers[i]!) {
    const b = a.resolver.bindings[key]!;
    out.push({ name: b.name, ...(b.type ? { type: b.type } : {}), readBy: readers.map((r) => a.ids[r]!) });
  }
  return out;
}

/** Pre/postconditions, what the atom returns, and test hints, from its function's signature and body. */
function contractsOf(a: FileAnalysis, i: number, inputNames: Set<string>) {
  const p = a.pieces[i]!;
  const sym = a.syms[i]!;
  const unit = unitOf(p);
  const fnNode = unit ? p.nodes[0]! : p.fragment ? enclosingFunction(p) : undefined;
  const fn: FunctionRecord | undefined = fnNode?.fn;
  const preconditions: string[] = [];
  const postconditions: string[] = [];
  const params = fn ? (unit ? fn.params : fn.params.filter((q) => inputNames.has(q.name))) : [];
  if (fnNode && fn) {
    const { pre, post } = headAndTail(fnNode);
    const first = fnNode.body?.[0];
    if (unit || (first && p.startLine <= first.startLine)) preconditions.push(...pre);
    for (const q of params) if (q.type) preconditions.push(`${q.name}: ${q.type}`);
    if (fn.returnType && (unit || sym.returnsValue)) postconditions.push(`returns ${fn.returnType}`);
    if (unit || p.endLine >= fnNode.endLine) postconditions.push(...post);
  } else {
    for (const n of p.nodes) {
      if (n.guard) preconditions.push(n.guard);
      if (n.assertion) postconditions.push(n.assertion);
    }
  }
  const testHints: string[] = [];
  for (const q of params) {
    const h = hintsForParam(q);
    if (h) testHints.push(h);
  }
  for (const b of sym.branches) if (testHints.length < 12) testHints.push(`cover ${b} both ways`);
  const returns = sym.returnsValue ? (fn?.returnType ?? 'a value') : undefined;
  return { fn, unit, params, preconditions, postconditions, testHints, returns };
}

/** Share of the applicable parts that are complete, two decimals (1 when none applies). */
export function completenessOf(applicable: number, missing: number): number {
  return applicable === 0 ? 1 : Math.round(((applicable - missing) / applicable) * 100) / 100;
}

/** The context of piece `i` (see `AtomContext`), with its completeness over the parts that apply to it. */
export function buildContext(a: FileAnalysis, i: number): AtomContext {
  const p = a.pieces[i]!;
  const chain = headerChain(a.file, a.index, p.ancestors, p.startLine);
  const { inputs, imported, typeNames, unresolved, unresolvedTypes } = inputsOf(a, i);
  const imports = importsOf(a, imported);
  // Types named by the enclosing signatures and by the declared types of the inputs are used too.
  const typeLines = typeLinesOf(a);
  for (const text of [...chain.map((h) => h.text), ...inputs.map((x) => x.type ?? '')])
    for (const word of text.match(/[A-Za-z_$][\w$]*/g) ?? []) {
      const line = typeNames.has(word) ? undefined : typeLines.get(word);
      if (line !== undefined) typeNames.set(word, line);
    }
  const types = typesOf(a, p, typeNames);
  const dependencies = dependenciesOf(a, i);
  const outputs = outputsOf(a, i);
  const c = contractsOf(a, i, new Set(inputs.map((x) => x.name)));
  const missing: ContextComponent[] = [];
  const applicable: ContextComponent['component'][] = [];
  const part = (applies: boolean, name: ContextComponent['component'], ok: boolean, reason: () => string) => {
    if (!applies) return;
    applicable.push(name);
    if (!ok) missing.push({ component: name, reason: reason() });
  };
  part(
    p.ancestors.length > 0,
    'chain',
    chain.length > 0 || p.ancestors.every((n) => n.startLine >= p.startLine),
    () => 'the enclosing headers could not be read',
  );
  part(
    inputs.length > 0 || unresolved.length > 0,
    'inputs',
    unresolved.length === 0,
    () => `unresolved names: ${unresolved.slice(0, 8).join(', ')}`,
  );
  part(imports.length > 0, 'imports', true, () => '');
  part(
    typeNames.size > 0 || unresolvedTypes.length > 0,
    'types',
    unresolvedTypes.length === 0,
    () => `types not found in the file or its imports: ${unresolvedTypes.slice(0, 8).join(', ')}`,
  );
  part(outputs.length > 0, 'outputs', true, () => '');
  part(
    dependencies.length > 0,
    'dependencies',
    dependencies.every((d) => d.signature !== ''),
    () => 'a dependency has no readable signature',
  );
  const callable = !!c.unit || (!!c.fn && c.params.length > 0);
  part(
    callable && c.params.length > 0,
    'preconditions',
    c.preconditions.length > 0,
    () => `parameters ${c.params.map((q) => q.name).join(', ')} have no declared type, guard or assert`,
  );
  part(
    !!c.fn && a.syms[i]!.returnsValue,
    'postconditions',
    c.postconditions.length > 0,
    () => 'returns a value without a declared return type or final assert',
  );
  const needsTests = callable || p.nodes.some((n) => n.decisions > 0);
  part(
    needsTests,
    'testHints',
    c.testHints.length > 0,
    () => 'no typed parameters or branches to derive test cases from',
  );
  // Code that does not parse is no complete picture of what to regenerate, whatever else was found.
  const broken = a.file.diagnostics.filter(
    (d) => isSyntaxDiagnostic(d) && d.line !== undefined && d.line >= p.startLine && d.line <= p.endLine,
  );
  part(broken.length > 0, 'code', false, () =>
    broken
      .slice(0, 3)
      .map((d) => `syntax error at line ${d.line}:${d.column ?? 1}: ${d.message}`)
      .join('; '),
  );
  return {
    chain,
    imports,
    types,
    inputs,
    outputs,
    ...(c.returns ? { returns: c.returns } : {}),
    dependencies,
    preconditions: c.preconditions,
    postconditions: c.postconditions,
    testHints: c.testHints,
    completeness: completenessOf(applicable.length, missing.length),
    missing,
    applicable,
    unresolved: [...unresolved, ...unresolvedTypes],
  };
}
