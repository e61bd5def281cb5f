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
  private cache: Partial<Record<'uses' | 'calls' | 'typeRefs' | 'branches', string[]>> = {};
  private writes?: boolean;

  constructor(
    readonly kind: string,
    public startLine: number,
    public endLine: number,
    private readonly log: EventLog,
    readonly evStart: number,
    private readonly moduleBindings: ReadonlySet<string>,
  ) {}

  private lazy(key: 'uses' | 'calls' | 'typeRefs' | 'branches', kind: number): string[] {
    let v = this.cache[key];
    if (!v) {
      v = this.log.collect(this.evStart, this.evEnd, kind);
      if (key === 'uses') {
        const local = new Set(this.log.collect(this.evStart, this.evEnd, EV.DEF));
        v = v.filter((n) => !local.has(n));
      }
      this.cache[key] = v;
    }
    return v;
  }
  get uses(): string[] { return this.lazy('uses', EV.USE); }
  get calls(): string[] { return this.lazy('calls', EV.CALL); }
  get typeRefs(): string[] { return this.lazy('typeRefs', EV.TYPE); }
  get branches(): string[] {
    return (this.cache.branches ??= this.log.collect(this.evStart, this.evEnd, EV.BRANCH).map((t) => {
      const one = t.replace(/\s+/g, ' ');
      return one.length > 80 ? `${one.slice(0, 77)}...` : one;
    }));
  }
  get returnsValue(): boolean { return this.log.has(this.evStart, this.evEnd, EV.RETURN); }
  get writesModuleState(): boolean {
    if (this.writes === undefined) {
      const local = new Set(this.log.collect(this.evStart, this.evEnd, EV.DEF));
      this.writes = this.log.collect(this.evStart, this.evEnd, EV.WRITE).some((n) => this.moduleBindings.has(n) && !local.has(n));
    }
    return this.writes;
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
