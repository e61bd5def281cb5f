import type { Node } from 'web-tree-sitter';
import type { Diagnostic } from '@st3/schemas';
import { EV, EventLog } from '../events.js';
import { LineIndex } from '../lines.js';
import type {
  ClassRecord,
  ComplexityVariant,
  ExportRecord,
  FunctionRecord,
  ImportRecord,
  StatementNode,
  TypeDefinition,
} from '../types.js';

/**
 * Everything one Python file's walk reads and writes, shared by the walk's modules. The walk is
 * mutually recursive across modules, so `visit` and `visitNode` are slots filled in by the walker
 * (walk.ts) instead of imports, which keeps the module graph acyclic.
 */
export interface PyWalk {
  readonly index: LineIndex;
  readonly isSource: Uint8Array;
  readonly log: EventLog;
  readonly functions: FunctionRecord[];
  readonly classes: ClassRecord[];
  readonly imports: ImportRecord[];
  readonly exports: ExportRecord[];
  readonly types: TypeDefinition[];
  readonly diagnostics: Diagnostic[];
  /** radon counts decisions itself; mccabe's numbers come from its own graph (mccabe.ts). */
  readonly radon: boolean;
  /** Open function units; the first is the module itself. */
  readonly units: { fn?: FunctionRecord; count: number }[];
  /** Open statements whose body is being collected. */
  readonly frames: { stmt: StatementNode; body: StatementNode[] }[];
  readonly top: StatementNode[];
  /** Names of the enclosing functions and classes, for qualified names. */
  readonly names: string[];
  readonly scopeKinds: string[];
  /** Functions by the line of their `def`, to attach mccabe's results. */
  readonly byDefLine: Map<number, FunctionRecord>;
  /** `global`/`nonlocal` names per open function: assigning one writes an outer binding. */
  readonly globalsStack: Set<string>[];
  decisions: number;
  functionDepth: number;
  /** > 0 inside a type annotation: identifiers there are type references. */
  typeMode: number;
  visit(node: Node): void;
  visitNode(node: Node): void;
}

export function createPyWalk(text: string, variant: ComplexityVariant): PyWalk {
  const index = new LineIndex(text);
  const unset = () => {
    throw new Error('walk not initialized');
  };
  return {
    index,
    isSource: new Uint8Array(index.count),
    log: new EventLog(),
    functions: [],
    classes: [],
    imports: [],
    exports: [],
    types: [],
    diagnostics: [],
    radon: variant === 'radon',
    units: [{ count: 1 }],
    frames: [],
    top: [],
    names: [],
    scopeKinds: [],
    byDefLine: new Map<number, FunctionRecord>(),
    globalsStack: [],
    decisions: 0,
    functionDepth: 0,
    typeMode: 0,
    visit: unset,
    visitNode: unset,
  };
}

export const line = (n: Node) => n.startPosition.row + 1;

/** Last line of a node; a node ending at column 0 ends on the line before. */
export const endLine = (n: Node) => {
  const e = n.endPosition;
  return e.column === 0 && e.row > n.startPosition.row ? e.row : e.row + 1;
};

export const short = (n: Node | null) => {
  if (!n) return '';
  const t = n.text.replace(/\s+/g, ' ');
  return t.length > 80 ? `${t.slice(0, 77)}...` : t;
};

/** Counts `weight` decisions for the innermost open unit and for the enclosing statements. */
export function decide(w: PyWalk, weight = 1): void {
  w.units[w.units.length - 1]!.count += weight;
  w.decisions += weight;
}

/** `a.b.c` for a call's callee, undefined when it is not a plain dotted name. */
export const dotted = (n: Node | null): string | undefined => {
  if (!n) return undefined;
  if (n.type === 'identifier') return n.text;
  if (n.type === 'attribute') {
    const base = dotted(n.childForFieldName('object'));
    const attr = n.childForFieldName('attribute')?.text;
    return base && attr ? `${base}.${attr}` : undefined;
  }
  return undefined;
};

/** The variable an assignment target writes to: `a` for `a.b[c].d`. */
export const baseName = (n: Node | null): string | undefined => {
  while (n && (n.type === 'attribute' || n.type === 'subscript'))
    n = n.childForFieldName(n.type === 'attribute' ? 'object' : 'value');
  return n?.type === 'identifier' ? n.text : undefined;
};

/** Marks every line a node spans as source. */
export function markLeaf(w: PyWalk, n: Node): void {
  if (n.startIndex === n.endIndex) return;
  const a = n.startPosition.row;
  const b = n.endPosition.row;
  for (let r = a; r <= b && r < w.isSource.length; r++) w.isSource[r] = 1;
}

/** Binds the identifier `n` in the current scope, or writes an outer binding when it was declared `global`/`nonlocal`. */
export function bindName(w: PyWalk, kind: number, n: Node, type?: string): void {
  const name = n.text;
  const outer = w.globalsStack[w.globalsStack.length - 1];
  if (outer?.has(name)) w.log.push(EV.WRITE, name);
  else w.log.def(kind, name, line(n), type);
  markLeaf(w, n);
}

/** web-tree-sitter hands out a new wrapper for every access to a node: compare nodes by id. */
export function same(a: Node | null | undefined, b: Node | null | undefined): boolean {
  return !!a && !!b && a.id === b.id;
}
