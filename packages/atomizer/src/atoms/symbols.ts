import { DEF_FIRST, EV, SCOPE, type EventLog } from '../events.js';
import type { Piece } from './decompose.js';

/** What a binding was declared as (the DEF_* event that introduced it). */
export interface BindingInfo {
  key: string;
  name: string;
  scope: number;
  kind: number;
  line: number;
  type?: string;
}

/** How a piece uses a name it takes from outside itself. */
export const USAGE = { READ: 1, CALL: 2, TYPE: 4, WRITE: 8 } as const;

export interface PieceInput {
  name: string;
  /** The binding (`scope:name`), or undefined when nothing in the file binds the name. */
  key?: string;
  usage: number;
}

/** The symbols of one piece, scope-aware. */
export interface PieceSymbols {
  /** Bindings the piece declares or writes that are visible outside it, in first-event order. */
  defines: Map<string, { name: string; declared: boolean }>;
  /** Names the piece takes from outside: by binding key, or `?name` when unbound in the file. */
  inputs: Map<string, PieceInput>;
  /** Dotted callees (`fs.readFileSync`, `new Date`), for the atomicity checks. */
  calls: string[];
  branches: string[];
  returnsValue: boolean;
  /** Writes a module-level binding from inside a function. */
  writesModuleState: boolean;
  /** The nearest function (or module) scope the piece's own code runs in. */
  functionScope: number;
}

/**
 * Name resolution over a file's event log: every use finds the nearest enclosing scope that binds
 * the name anywhere in it (a JS `function` or `var` is hoisted, a Python name assigned anywhere in a
 * function is local to all of it), skipping Python class scopes from inside their methods.
 */
export class Resolver {
  /** Scopes binding each name. */
  private readonly scopesOf = new Map<string, number[]>();
  /** First declaration of each binding. */
  readonly bindings = new Map<string, BindingInfo>();

  constructor(
    readonly log: EventLog,
    private readonly python: boolean,
  ) {
    const { kinds, names, scopes, defLine, defType } = log;
    for (let i = 0; i < kinds.length; i++) {
      if (kinds[i]! < DEF_FIRST) continue;
      const name = names[i]!;
      const scope = scopes[i]!;
      const key = `${scope}:${name}`;
      if (this.bindings.has(key)) continue;
      this.bindings.set(key, { key, name, scope, kind: kinds[i]!, line: defLine[i] ?? 0, type: defType.get(i) });
      const list = this.scopesOf.get(name);
      if (list) list.push(scope);
      else this.scopesOf.set(name, [scope]);
    }
  }

  /** The scope binding `name` as seen from `scope`, or −1. */
  resolve(name: string, scope: number): number {
    const list = this.scopesOf.get(name);
    if (!list) return -1;
    const { scopeParent, scopeKind } = this.log;
    for (let s = scope; s >= 0; s = scopeParent[s]!) {
      if (this.python && s !== scope && scopeKind[s] === SCOPE.CLASS) continue;
      if (list.length === 1 ? list[0] === s : list.includes(s)) return s;
    }
    return -1;
  }
}

/** Whether scope `s` lies entirely inside the events `[from, to)` (a nested function, block or comprehension). */
function inside(log: EventLog, s: number, from: number, to: number): boolean {
  return s !== 0 && log.scopeStart[s]! >= from && log.scopeEnd[s]! <= to;
}

/** The name a call calls directly (`f()`, `new C()`), or undefined for a method call (`a.f()`). */
function directCallee(callee: string): string | undefined {
  const name = callee.startsWith('new ') ? callee.slice(4) : callee;
  return name.includes('.') ? undefined : name;
}

/**
 * One pass over a piece's span of events: what it binds for others and what it takes from outside.
 * `unit` says the piece is one whole function: its own returns count, not those of callbacks in it.
 */
export function pieceSymbols(r: Resolver, p: Piece, unit = false): PieceSymbols {
  const { log } = r;
  const { kinds, names, scopes, scopeFunction } = log;
  const defines = new Map<string, { name: string; declared: boolean; ev: number }>();
  const inputs = new Map<string, PieceInput>();
  const calls = new Set<string>();
  const called = new Set<string>();
  const branches: string[] = [];
  const returnScopes: number[] = [];
  let writesModuleState = false;
  let functionScope = -1;
  for (let i = p.evStart; i < p.evEnd; i++) {
    const kind = kinds[i]!;
    const s = scopes[i]!;
    if (functionScope === -1) {
      // The scope the piece's own code runs in: the first event's, above any scope opened inside the piece.
      let own = s;
      while (inside(log, own, p.evStart, p.evEnd)) own = log.scopeParent[own]!;
      functionScope = scopeFunction[own]!;
    }
    if (kind >= DEF_FIRST) {
      if (inside(log, s, p.evStart, p.evEnd)) continue;
      const key = `${s}:${names[i]!}`;
      const seen = defines.get(key);
      if (!seen) defines.set(key, { name: names[i]!, declared: true, ev: i });
      else seen.declared = true;
      continue;
    }
    switch (kind) {
      case EV.CALL:
        calls.add(names[i]!);
        {
          const direct = directCallee(names[i]!);
          if (direct) called.add(direct);
        }
        continue;
      case EV.BRANCH: {
        const one = names[i]!.replace(/\s+/g, ' ');
        branches.push(one.length > 80 ? `${one.slice(0, 77)}...` : one);
        continue;
      }
      case EV.RETURN:
        returnScopes.push(scopeFunction[s]!);
        continue;
    }
    const name = names[i]!;
    const b = r.resolve(name, s);
    if (b !== -1 && inside(log, b, p.evStart, p.evEnd)) continue;
    const key = b === -1 ? `?${name}` : `${b}:${name}`;
    const own = defines.get(key);
    const usage = kind === EV.TYPE ? USAGE.TYPE : kind === EV.WRITE ? USAGE.WRITE : USAGE.READ;
    if (kind === EV.WRITE) {
      if (b === 0 && scopeFunction[s] !== 0) writesModuleState = true;
      if (!own) defines.set(key, { name, declared: false, ev: i });
    }
    // A name the piece bound before this use is its own; a write also makes the piece a definer.
    if (own && own.ev < i) continue;
    const seen = inputs.get(key);
    if (seen) seen.usage |= usage;
    else inputs.set(key, { name, key: b === -1 ? undefined : key, usage });
  }
  for (const input of inputs.values()) if (called.has(input.name)) input.usage |= USAGE.CALL;
  const own = functionScope === -1 ? 0 : functionScope;
  let unitScope = -1;
  if (unit) {
    // Scope ids grow with their start event: the first function scope opened inside the piece is the unit's.
    const { scopeStart, scopeKind } = log;
    let lo = 1;
    let hi = scopeStart.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (scopeStart[mid]! < p.evStart) lo = mid + 1;
      else hi = mid;
    }
    for (let s = lo; s < scopeStart.length && scopeStart[s]! < p.evEnd; s++)
      if (scopeKind[s] === SCOPE.FUNCTION) {
        unitScope = s;
        break;
      }
  }
  const returnsValue = returnScopes.some((f) => f === unitScope || (!inside(log, f, p.evStart, p.evEnd) && f === own));
  const publicDefines = new Map<string, { name: string; declared: boolean }>();
  for (const [key, d] of defines)
    if (!key.startsWith('?')) publicDefines.set(key, { name: d.name, declared: d.declared });
  return {
    defines: publicDefines,
    inputs,
    calls: [...calls],
    branches,
    returnsValue,
    writesModuleState,
    functionScope: own,
  };
}

/** `call` > `read` > `write` > `type`: how a name is mainly used. */
export function usageName(usage: number): 'call' | 'read' | 'write' | 'type' {
  if (usage & USAGE.CALL) return 'call';
  if (usage & USAGE.READ) return 'read';
  if (usage & USAGE.WRITE) return 'write';
  return 'type';
}
