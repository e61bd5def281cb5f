import type { ParameterInfo, ParsedFile, StatementNode } from '../types.js';
import { unitOf, type Piece } from './decompose.js';
import { JS_GLOBALS, PY_BUILTINS, TS_TYPES } from './globals.js';
import type { LineIndex } from '../lines.js';

export interface ContextComponent {
  component: 'imports' | 'types' | 'preconditions' | 'postconditions' | 'testHints';
  reason: string;
}

/** What an atom needs around it to be understood or regenerated alone. */
export interface AtomContext {
  imports: { module: string; names: string[]; line: number; typeOnly?: boolean }[];
  types: { name: string; kind: string; startLine: number; endLine: number; code: string }[];
  preconditions: string[];
  postconditions: string[];
  testHints: string[];
  /** Five components of 0.2 each: imports and types resolved, pre/postconditions known, test hints present. */
  completeness: number;
  missing: ContextComponent[];
  /** Free names nothing in the file, its imports or the language's globals defines. */
  unresolved: string[];
}

function hintsForParam(p: ParameterInfo): string | undefined {
  const t = (p.type ?? '').replace(/\s+/g, ' ');
  const extra: string[] = [];
  if (/\bnumber\b|\bint\b|\bfloat\b/.test(t))
    extra.push('0', 'a negative value', t.includes('int') ? 'a large value' : 'NaN');
  else if (/\bstring\b|\bstr\b/.test(t)) extra.push('an empty string', 'a very long string');
  else if (/\bboolean\b|\bbool\b/.test(t)) extra.push('true', 'false');
  else if (/\[\]|Array<|\blist\b|\bList\b|\bSequence\b|\btuple\b/.test(t))
    extra.push('an empty list', 'one item', 'many items');
  else if (/\bdict\b|\bDict\b|Record<|Map<|\bMapping\b/.test(t)) extra.push('an empty mapping', 'a missing key');
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
    else break;
  }
  const post: string[] = [];
  for (let i = body.length - 1; i >= 0 && i >= pre.length; i--) {
    const st = body[i]!;
    if (st.assertion) post.unshift(st.assertion);
    else if (st.kind !== 'return') break;
  }
  return { pre, post };
}

/** Per-file lookups shared by every atom of the file (computed once, not per atom). */
export interface FileFacts {
  imported: Set<string>;
  knownTypes: Set<string>;
  wildcard: boolean;
  definedElsewhere: Set<string>;
}

export function fileFacts(file: ParsedFile, definedElsewhere: Set<string>): FileFacts {
  const imported = new Set(file.imports.flatMap((i) => i.bindings));
  return {
    imported,
    knownTypes: new Set([...file.types.map((t) => t.name), ...imported]),
    wildcard: file.imports.some((i) => i.namespace === '*'),
    definedElsewhere,
  };
}

export function buildContext(
  file: ParsedFile,
  piece: Piece,
  used: string[],
  typeRefs: string[],
  defined: Set<string>,
  facts: FileFacts,
  index: LineIndex,
): AtomContext {
  const py = file.language === 'python';
  const globals = py ? PY_BUILTINS : JS_GLOBALS;
  const { imported, wildcard, definedElsewhere } = facts;
  const usedSet = new Set([...used, ...typeRefs]);
  // Every atom scans the file's imports: allocate only for the imports it actually uses.
  const imports: AtomContext['imports'] = [];
  if (usedSet.size > 0) {
    for (const i of file.imports) {
      let names: string[] | undefined;
      for (const b of i.bindings) if (usedSet.has(b)) (names ??= []).push(b);
      if (names) imports.push({ module: i.module, names, line: i.line, typeOnly: i.typeOnly });
    }
  }
  const params = new Set<string>();
  for (const n of piece.nodes) for (const p of n.fn?.params ?? []) params.add(p.name);
  if (piece.fragment && piece.parent?.fn) for (const p of piece.parent.fn.params) params.add(p.name);
  const unresolved = used.filter(
    (u) =>
      !defined.has(u) && !definedElsewhere.has(u) && !imported.has(u) && !globals.has(u) && !params.has(u) && !wildcard,
  );

  const typeNames = new Set(typeRefs);
  const types =
    typeNames.size === 0
      ? []
      : file.types
          .filter((t) => typeNames.has(t.name) && !defined.has(t.name))
          .map((t) => ({
            name: t.name,
            kind: t.kind,
            startLine: t.startLine,
            endLine: t.endLine,
            code:
              t.endLine - t.startLine < 30
                ? index.slice(t.startLine, t.endLine)
                : index.slice(t.startLine, t.startLine),
          }));
  const unresolvedTypes = typeRefs.filter(
    (t) =>
      !facts.knownTypes.has(t) &&
      !defined.has(t) &&
      !(py
        ? PY_BUILTINS.has(t) ||
          /^(Optional|List|Dict|Set|Tuple|Union|Any|Callable|Iterable|Iterator|Sequence|Mapping|Type|Literal|Final|ClassVar|Generator|Awaited)$/.test(
            t,
          )
        : TS_TYPES.has(t)) &&
      !wildcard,
  );

  const unit = unitOf(piece);
  const fnNode = unit ? piece.nodes[0]! : piece.fragment ? piece.parent : undefined;
  const fn = fnNode?.fn;
  const preconditions: string[] = [];
  const postconditions: string[] = [];
  if (fnNode && fn) {
    const { pre, post } = headAndTail(fnNode);
    if (unit || piece.startLine <= (fnNode.body?.[0]?.startLine ?? 0)) preconditions.push(...pre);
    for (const p of fn.params) if (p.type) preconditions.push(`${p.name}: ${p.type}`);
    if (fn.returnType) postconditions.push(`returns ${fn.returnType}`);
    if (unit || piece.endLine >= fnNode.endLine) postconditions.push(...post);
  } else {
    for (const n of piece.nodes) {
      if (n.guard) preconditions.push(n.guard);
      if (n.assertion) postconditions.push(n.assertion);
    }
  }
  const testHints: string[] = [];
  for (const p of fn && (unit || piece.fragment) ? fn.params : []) {
    const h = hintsForParam(p);
    if (h) testHints.push(h);
  }
  for (const n of piece.nodes)
    for (const b of n.branches ?? []) if (testHints.length < 12) testHints.push(`cover ${b} both ways`);

  const missing: ContextComponent[] = [];
  if (unresolved.length > 0)
    missing.push({ component: 'imports', reason: `unresolved names: ${unresolved.slice(0, 8).join(', ')}` });
  if (unresolvedTypes.length > 0)
    missing.push({
      component: 'types',
      reason: `types not found in the file or its imports: ${unresolvedTypes.slice(0, 8).join(', ')}`,
    });
  const params0 = fn ? fn.params : [];
  if (fn && params0.length > 0 && preconditions.length === 0)
    missing.push({
      component: 'preconditions',
      reason: `parameters ${params0.map((p) => p.name).join(', ')} have no declared type, guard or assert`,
    });
  const returns = piece.nodes.some((n) => n.returnsValue);
  if (fn && returns && postconditions.length === 0)
    missing.push({
      component: 'postconditions',
      reason: 'returns a value without a declared return type or final assert',
    });
  // Straight-line declarations have nothing to vary: only callables and branches need test cases.
  const needsTests = !!fn || piece.nodes.some((n) => n.decisions > 0);
  if (testHints.length === 0 && needsTests)
    missing.push({ component: 'testHints', reason: 'no typed parameters or branches to derive test cases from' });
  return {
    imports,
    types,
    preconditions,
    postconditions,
    testHints,
    completeness: Math.round((5 - missing.length) * 20) / 100,
    missing,
    unresolved,
  };
}
