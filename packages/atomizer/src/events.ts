import type { FunctionRecord, StatementNode } from './types.js';
import { lineAt } from './lines.js';

/**
 * What a symbol event says about a name. DEF_* bind a name in a scope (the kind says what was
 * declared); USE/TYPE/WRITE refer to a binding found by scope lookup; CALL carries a dotted callee
 * (its head is also USEd); BRANCH and RETURN feed test hints and postconditions.
 */
export const EV = {
  USE: 0,
  CALL: 1,
  TYPE: 2,
  WRITE: 3,
  BRANCH: 5,
  RETURN: 6,
  DEF_VALUE: 10,
  DEF_FUNCTION: 11,
  DEF_CLASS: 12,
  DEF_TYPE: 13,
  DEF_IMPORT: 14,
  DEF_PARAM: 15,
} as const;

/** First and last DEF_* code: `kind >= DEF_FIRST` is a definition. */
export const DEF_FIRST = EV.DEF_VALUE;

/** Scope kinds: lookups from a function skip enclosing Python class scopes (the language's rule). */
export const SCOPE = { MODULE: 0, FUNCTION: 1, CLASS: 2, BLOCK: 3, COMPREHENSION: 4, TYPE: 5 } as const;

/**
 * The symbol events of a file in walk order (evaluation order inside a statement: a value is read
 * before the name it is assigned to is bound), so the events of any subtree are one contiguous span.
 * Every event carries the scope it happened in; a DEF carries the scope its binding lives in (a
 * `var` goes to the function, a `global` name to the module). Scopes are a tree over event spans.
 */
export class EventLog {
  // Kinds, scopes and lines in typed columns filled a row at a time: a file makes an event per name.
  private kindCol = new Int32Array(1024);
  private scopeCol = new Int32Array(1024);
  private lineCol = new Int32Array(1024);
  private count = 0;
  readonly names: string[] = [];
  /** Declared type of a DEF (`x: number`), by event index. */
  readonly defType = new Map<number, string>();
  readonly scopeParent: number[] = [-1];
  readonly scopeKind: number[] = [SCOPE.MODULE];
  readonly scopeStart: number[] = [0];
  readonly scopeEnd: number[] = [Number.MAX_SAFE_INTEGER];
  /** Nearest function (or module) scope of each scope: where `var` and Python bindings go. */
  readonly scopeFunction: number[] = [0];
  current = 0;

  /** Kind of each event (indices below `size`). */
  get kinds(): Int32Array {
    return this.kindCol;
  }
  /** Scope of each event. */
  get scopes(): Int32Array {
    return this.scopeCol;
  }
  /** Line of each DEF event (0 for other events). */
  get defLine(): Int32Array {
    return this.lineCol;
  }

  push(kind: number, name: string): void {
    this.add(kind, name, this.current, 0);
  }

  /** A definition in `scope` (default: the current one), declared on `line`, optionally typed. */
  def(kind: number, name: string, line: number, type?: string, scope = this.current): void {
    if (type !== undefined) this.defType.set(this.count, type);
    this.add(kind, name, scope, line);
  }

  private add(kind: number, name: string, scope: number, line: number): void {
    // An empty name is one the parser invented to recover from a syntax error (TS `nodeIsMissing`, a
    // tree-sitter MISSING identifier): recorded, it would be an unresolved name and link unrelated atoms.
    if (name === '' && kind !== EV.RETURN && kind !== EV.BRANCH) return;
    if (this.count === this.kindCol.length) this.grow();
    const i = this.count++;
    this.kindCol[i] = kind;
    this.scopeCol[i] = scope;
    this.lineCol[i] = line;
    this.names.push(name);
  }

  private grow(): void {
    const cap = this.kindCol.length * 2;
    const grown = (col: Int32Array) => {
      const next = new Int32Array(cap);
      next.set(col);
      return next;
    };
    this.kindCol = grown(this.kindCol);
    this.scopeCol = grown(this.scopeCol);
    this.lineCol = grown(this.lineCol);
  }

  open(kind: number): number {
    const id = this.scopeParent.length;
    this.scopeParent.push(this.current);
    this.scopeKind.push(kind);
    this.scopeStart.push(this.count);
    this.scopeEnd.push(Number.MAX_SAFE_INTEGER);
    this.scopeFunction.push(kind === SCOPE.FUNCTION || kind === SCOPE.MODULE ? id : this.scopeFunction[this.current]!);
    this.current = id;
    return id;
  }

  close(id: number): void {
    this.scopeEnd[id] = this.count;
    this.current = this.scopeParent[id]!;
  }

  get size(): number {
    return this.count;
  }
}

/** An event log that keeps nothing (when only complexity is wanted). */
export class NullLog extends EventLog {
  override push(): void {}
  override def(): void {}
  override open(): number {
    return 0;
  }
  override close(): void {}
}

/** A statement of a body (or a clause or element of one) with its line span and its span of the event log. */
export class Statement implements StatementNode {
  decisions = 0;
  fn?: FunctionRecord;
  body?: StatementNode[];
  guard?: string;
  assertion?: string;
  name?: string;
  headerEnd?: number;
  longString?: number;
  evEnd = 0;

  constructor(
    readonly kind: string,
    public startLine: number,
    public endLine: number,
    readonly evStart: number,
  ) {}
}

/** Offset → line for offsets that mostly move forward (walk order), falling back to binary search. */
export class LineCursor {
  private cur = 0;
  constructor(private readonly starts: readonly number[]) {}
  line(offset: number): number {
    const s = this.starts;
    let c = this.cur;
    if (offset >= s[c]!) {
      for (let k = 0; k < 16; k++) {
        if (c + 1 >= s.length || offset < s[c + 1]!) {
          this.cur = c;
          return c + 1;
        }
        c++;
      }
    }
    const line = lineAt(s, offset);
    this.cur = line - 1;
    return line;
  }
}
