import type * as TS from 'typescript';
import { EventLog, LineCursor, NullLog, type Statement } from '../events.js';
import { LineIndex } from '../lines.js';
import type {
  ClassRecord,
  ComplexityVariant,
  ExportRecord,
  FunctionRecord,
  ImportRecord,
  SourceLanguage,
  StatementNode,
  TypeDefinition,
} from '../types.js';
import { skipTriviaOf } from './eslint-names.js';

/** A function whose complexity is being counted: decisions go to the innermost open unit. */
export interface Unit {
  fn: FunctionRecord;
  count: number;
}

const SCRIPT_KIND: Record<string, number> = { typescript: 3, tsx: 4, javascript: 1, jsx: 2 };

/**
 * Everything one file's walk reads and writes, shared by the walk's modules. The walk is mutually
 * recursive across modules, so `visit` and `visitType` are slots filled in by the walker (walk.ts)
 * instead of imports, which keeps the module graph acyclic.
 */
export interface TsWalk {
  readonly ts: typeof TS;
  readonly K: typeof TS.SyntaxKind;
  readonly sf: TS.SourceFile;
  readonly text: string;
  readonly path: string;
  readonly index: LineIndex;
  readonly isSource: Uint8Array;
  readonly startCursor: LineCursor;
  readonly endCursor: LineCursor;
  readonly log: EventLog;
  readonly lean: boolean;
  readonly countOptional: boolean;
  readonly countDefaults: boolean;
  readonly modified: boolean;
  readonly functions: FunctionRecord[];
  readonly classes: ClassRecord[];
  readonly imports: ImportRecord[];
  readonly exports: ExportRecord[];
  readonly types: TypeDefinition[];
  /** Open function units; the first is the file itself (its count is never reported). */
  readonly units: Unit[];
  /** Open statements whose body is being collected. */
  readonly frames: { stmt: Statement; body: StatementNode[] }[];
  /** Names of the enclosing functions and classes, for qualified names. */
  readonly names: string[];
  readonly top: StatementNode[];
  decisions: number;
  functionDepth: number;
  /** A function body block: its statements live in the function's scope, not a block scope of their own. */
  functionBody: TS.Node | undefined;
  /** Where the next clause starts when it is not the node's own start (`else` before an `if`). */
  clauseStart: number;
  /** The declaration list being walked is `let`/`const`/`using` (block scope), not `var`. */
  blockScoped: boolean;
  lineOf(offset: number): number;
  /** Offset of the first token at or after `pos`. */
  skip(pos: number): number;
  /** Offset of the first token of a node (node.pos includes leading trivia). */
  start(n: TS.Node): number;
  textOf(n: TS.Node): string;
  raw(n: TS.Node): string;
  short(n: TS.Node): string;
  decide(): void;
  visit(node: TS.Node, parent?: TS.Node): void;
  visitType(n: TS.Node): void;
}

/** Parses the file and sets up an empty walk over it (the visit slots are filled by the walker). */
export function createWalk(
  ts: typeof TS,
  text: string,
  path: string,
  language: SourceLanguage,
  variant: ComplexityVariant,
  lean: boolean,
): TsWalk {
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, SCRIPT_KIND[language] as TS.ScriptKind);
  const index = new LineIndex(text);
  const skip = skipTriviaOf(ts);
  // Asked for every node: a token right at `pos` needs no scan, and nested nodes often share their `pos`.
  let lastPos = -1;
  let lastStart = 0;
  const start = (n: TS.Node) => {
    const pos = n.pos;
    if (pos === lastPos) return lastStart;
    lastPos = pos;
    return (lastStart = startsToken(text.charCodeAt(pos)) ? pos : skip(text, pos));
  };
  const textOf = (n: TS.Node) => text.slice(start(n), n.end);
  const w: TsWalk = {
    ts,
    K: ts.SyntaxKind,
    sf,
    text,
    path,
    index,
    isSource: new Uint8Array(index.count),
    startCursor: new LineCursor(index.starts),
    endCursor: new LineCursor(index.starts),
    log: lean ? new NullLog() : new EventLog(),
    lean,
    countOptional: variant !== 'classic',
    countDefaults: variant !== 'classic',
    modified: variant === 'modified',
    functions: [],
    classes: [],
    imports: [],
    exports: [],
    types: [],
    units: [{ fn: undefined as unknown as FunctionRecord, count: 1 }],
    frames: [],
    names: [],
    top: [],
    decisions: 0,
    functionDepth: 0,
    functionBody: undefined,
    clauseStart: -1,
    blockScoped: true,
    lineOf: (offset: number) => index.lineOf(offset),
    skip: (pos: number) => skip(text, pos),
    start,
    textOf,
    raw: (n: TS.Node) => text.slice(start(n), Math.min(n.end, start(n) + 120)),
    short: (n: TS.Node) => {
      const t = textOf(n).replace(/\s+/g, ' ');
      return t.length > 80 ? `${t.slice(0, 77)}...` : t;
    },
    decide: () => {
      w.units[w.units.length - 1]!.count++;
      w.decisions++;
    },
    visit: () => {
      throw new Error('walk not initialized');
    },
    visitType: () => {
      throw new Error('walk not initialized');
    },
  };
  return w;
}

/** Marks the first and last line of a node as source (both cursors only move forward). */
export function markNode(w: TsWalk, n: TS.Node, s: number): void {
  if (!w.lean && s < n.end) {
    w.isSource[w.startCursor.line(s) - 1] = 1;
    w.isSource[w.endCursor.line(n.end - 1) - 1] = 1;
  }
}

/** Marks every line of a node as source: a multi-line string or template is code on each line. */
export function markSpan(w: TsWalk, n: TS.Node): void {
  if (w.lean) return;
  const a = w.lineOf(w.start(n));
  const b = w.lineOf(Math.max(w.start(n), n.end - 1));
  for (let l = a; l <= b; l++) w.isSource[l - 1] = 1;
  // A long string or template is why a statement cannot be split: the decomposer says so.
  if (b - a >= 3 && w.frames.length > 0) {
    const stmt = w.frames[w.frames.length - 1]!.stmt;
    stmt.longString = Math.max(stmt.longString ?? 0, b - a + 1);
  }
}

export function skipParens(ts: typeof TS, e: TS.Expression): TS.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

export function isFunctionValue(ts: typeof TS, e: TS.Node | undefined): e is TS.FunctionExpression | TS.ArrowFunction {
  return !!e && (e.kind === ts.SyntaxKind.FunctionExpression || e.kind === ts.SyntaxKind.ArrowFunction);
}

/** `a.b.c` / `this` for a call's callee, undefined when it is not a plain dotted name. */
export function calleeName(ts: typeof TS, e: TS.Expression): string | undefined {
  e = skipParens(ts, e);
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) {
    const base = calleeName(ts, e.expression);
    return base ? `${base}.${e.name.text}` : undefined;
  }
  if (e.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  return undefined;
}

/** The variable an lvalue writes to: `a` for `a.b[c]!.d`. */
export function baseIdentifier(ts: typeof TS, e: TS.Expression): string | undefined {
  e = skipParens(ts, e);
  while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) || ts.isNonNullExpression(e))
    e = skipParens(ts, e.expression);
  return ts.isIdentifier(e) ? e.text : undefined;
}

/**
 * A character that trivia never starts with: printable ASCII other than `/` (comments), `#` (shebang),
 * and the merge-conflict marker characters `<`, `=`, `>`, `|`. Anything else goes to the real scan.
 */
function startsToken(c: number): boolean {
  return c > 0x20 && c < 0x7f && c !== 0x2f && c !== 0x23 && c !== 0x3c && c !== 0x3d && c !== 0x3e && c !== 0x7c;
}
