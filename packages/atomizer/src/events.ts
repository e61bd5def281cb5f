import type { FunctionRecord, StatementNode } from './types.js';

/** What a symbol event says about a name. */
export const EV = { USE: 0, CALL: 1, TYPE: 2, WRITE: 3, DEF: 4, BRANCH: 5, RETURN: 6 } as const;

/**
 * The symbol events of a file in walk order (pre-order), so the events of any subtree are one
 * contiguous span: a statement keeps only its span and materializes its sets when asked.
 */
export class EventLog {
  readonly kinds: number[] = [];
  readonly names: string[] = [];
  push(kind: number, name: string): void {
    this.kinds.push(kind);
    this.names.push(name);
  }
  get size(): number {
    return this.kinds.length;
  }
  collect(from: number, to: number, kind: number): string[] {
    const out = new Set<string>();
    for (let i = from; i < to; i++) if (this.kinds[i] === kind) out.add(this.names[i]!);
    return [...out];
  }
  has(from: number, to: number, kind: number): boolean {
    for (let i = from; i < to; i++) if (this.kinds[i] === kind) return true;
    return false;
  }
}

/** An event log that keeps nothing (when only complexity is wanted). */
export class NullLog extends EventLog {
  override push(): void {}
}

/** A statement whose symbol sets are computed from the event log on first use. */
export class Statement implements StatementNode {
  decisions = 0;
  defines: string[] = [];
  fn?: FunctionRecord;
  body?: StatementNode[];
  guard?: string;
  assertion?: string;
  name?: string;
  evEnd = 0;
  private sets?: {
    uses: string[];
    calls: string[];
    typeRefs: string[];
    branches: string[];
    returns: boolean;
    writes: boolean;
  };

  constructor(
    readonly kind: string,
    public startLine: number,
    public endLine: number,
    private readonly log: EventLog,
    readonly evStart: number,
    private readonly moduleBindings: ReadonlySet<string>,
  ) {}

  /** One pass over the statement's span of the log fills every set. */
  private materialize() {
    if (this.sets) return this.sets;
    const { kinds, names } = this.log;
    const uses = new Set<string>();
    const calls = new Set<string>();
    const typeRefs = new Set<string>();
    const defs = new Set<string>();
    const writes: string[] = [];
    const branches: string[] = [];
    let returns = false;
    for (let i = this.evStart; i < this.evEnd; i++) {
      const name = names[i]!;
      switch (kinds[i]) {
        case EV.USE:
          uses.add(name);
          break;
        case EV.CALL:
          calls.add(name);
          break;
        case EV.TYPE:
          typeRefs.add(name);
          break;
        case EV.DEF:
          defs.add(name);
          break;
        case EV.WRITE:
          writes.push(name);
          break;
        case EV.BRANCH: {
          const one = name.replace(/\s+/g, ' ');
          branches.push(one.length > 80 ? `${one.slice(0, 77)}...` : one);
          break;
        }
        case EV.RETURN:
          returns = true;
          break;
      }
    }
    for (const d of defs) uses.delete(d);
    this.sets = {
      uses: [...uses],
      calls: [...calls],
      typeRefs: [...typeRefs],
      branches,
      returns,
      writes: writes.some((n) => this.moduleBindings.has(n) && !defs.has(n)),
    };
    return this.sets;
  }
  get uses(): string[] {
    return this.materialize().uses;
  }
  get calls(): string[] {
    return this.materialize().calls;
  }
  get typeRefs(): string[] {
    return this.materialize().typeRefs;
  }
  get branches(): string[] {
    return this.materialize().branches;
  }
  get returnsValue(): boolean {
    return this.materialize().returns;
  }
  get writesModuleState(): boolean {
    return this.materialize().writes;
  }
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
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    this.cur = lo;
    return lo + 1;
  }
}
