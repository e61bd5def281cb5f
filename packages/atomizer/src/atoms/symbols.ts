import { DEF_FIRST, EV, SCOPE, type EventLog } from '../events.js';
import type { Piece } from './decompose.js';

/** What a binding was declared as (the DEF_* event that introduced it). */
export interface BindingInfo {
  /** Its index in `Resolver.bindings`: bindings are numbered, never keyed by strings (no garbage per event). */
  key: number;
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
  /** The binding, or undefined when nothing in the file binds the name. */
  key?: number;
  usage: number;
}

/** Inputs are keyed by binding number, or by the name itself when nothing binds it. */
export type InputKey = number | string;

/** The symbols of one piece, scope-aware. */
export interface PieceSymbols {
  /** Bindings the piece declares or writes that are visible outside it, in first-event order. */
  defines: Map<number, { name: string; declared: boolean }>;
  /** Names the piece takes from outside: by binding number, or by name when unbound in the file. */
  inputs: Map<InputKey, PieceInput>;
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
  /** Per name: the scopes binding it and the binding number in each. */
  private readonly byName = new Map<string, ScopesOfName>();
  /** Every binding, by number (the first declaration of each). */
  readonly bindings: BindingInfo[] = [];
  /** The binding number of each DEF event (−1 for other events). */
  readonly defBinding: Int32Array;

  constructor(
    readonly log: EventLog,
    private readonly python: boolean,
  ) {
    const { kinds, names, scopes, defLine, defType } = log;
    this.defBinding = new Int32Array(log.size).fill(-1);
    for (let i = 0; i < log.size; i++) {
      if (kinds[i]! < DEF_FIRST) continue;
      const name = names[i]!;
      const scope = scopes[i]!;
      let entry = this.byName.get(name);
      if (!entry) this.byName.set(name, (entry = { scopes: [], ids: [] }));
      const known = bindingIn(entry, scope);
      if (known !== -1) {
        this.defBinding[i] = known;
        continue;
      }
      const key = this.bindings.length;
      addBinding(entry, scope, key);
      this.defBinding[i] = key;
      this.bindings.push({ key, name, scope, kind: kinds[i]!, line: defLine[i]!, type: defType.get(i) });
    }
  }

  /** The binding `name` refers to as seen from `scope`, or −1. */
  resolve(name: string, scope: number): number {
    const entry = this.byName.get(name);
    if (!entry) return -1;
    const { scopeParent, scopeKind } = this.log;
    for (let s = scope; s >= 0; s = scopeParent[s]!) {
      if (this.python && s !== scope && scopeKind[s] === SCOPE.CLASS) continue;
      const key = bindingIn(entry, s);
      if (key !== -1) return key;
    }
    return -1;
  }
}

/**
 * The scopes binding one name and the binding number in each. A short list is searched; a name bound
 * in many scopes (`e`, `t` of minified code: thousands of functions) gets a map, else resolving every
 * use would scan the list once per enclosing scope — quadratic in the file's functions.
 */
interface ScopesOfName {
  scopes: number[];
  ids: number[];
  byScope?: Map<number, number>;
}

/** Past this many scopes a name's bindings are found through a map. */
const LIST_MAX = 8;

function bindingIn(entry: ScopesOfName, scope: number): number {
  if (entry.byScope) return entry.byScope.get(scope) ?? -1;
  const { scopes } = entry;
  for (let k = 0; k < scopes.length; k++) if (scopes[k] === scope) return entry.ids[k]!;
  return -1;
}

function addBinding(entry: ScopesOfName, scope: number, key: number): void {
  entry.scopes.push(scope);
  entry.ids.push(key);
  if (entry.byScope) entry.byScope.set(scope, key);
  else if (entry.scopes.length > LIST_MAX) entry.byScope = new Map(entry.scopes.map((s, k) => [s, entry.ids[k]!]));
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
  const defines = new Map<number, { name: string; declared: boolean; ev: number }>();
  const inputs = new Map<InputKey, PieceInput>();
  const calls = new Set<string>();
  const called = new Set<string>();
  const branches: string[] = [];
  const returnScopes: number[] = [];
  let writesModuleState = false;
  let functionScope = -1;
  const { bindings } = r;
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
      const key = r.defBinding[i]!;
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
    if (b !== -1 && inside(log, bindings[b]!.scope, p.evStart, p.evEnd)) continue;
    const usage = kind === EV.TYPE ? USAGE.TYPE : kind === EV.WRITE ? USAGE.WRITE : USAGE.READ;
    if (b === -1) {
      // Nothing in the file binds it: a global, an unresolved name, or a write creating a global.
      const seen = inputs.get(name);
      if (seen) seen.usage |= usage;
      else inputs.set(name, { name, usage });
      continue;
    }
    const own = defines.get(b);
    if (kind === EV.WRITE) {
      if (bindings[b]!.scope === 0 && scopeFunction[s] !== 0) writesModuleState = true;
      if (!own) defines.set(b, { name, declared: false, ev: i });
    }
    // A name the piece bound before this use is its own; a write also makes the piece a definer.
    if (own && own.ev < i) continue;
    const seen = inputs.get(b);
    if (seen) seen.usage |= usage;
    else inputs.set(b, { name, key: b, usage });
  }
  for (const input of inputs.values()) if (called.has(input.name)) input.usage |= USAGE.CALL;
  const own = functionScope === -1 ? 0 : functionScope;
  const unitScope = unit ? firstFunctionScope(log, p) : -1;
  const returnsValue = returnScopes.some((f) => f === unitScope || (!inside(log, f, p.evStart, p.evEnd) && f === own));
  return {
    defines,
    inputs,
    calls: [...calls],
    branches,
    returnsValue,
    writesModuleState,
    functionScope: own,
  };
}

/**
 * The first function scope opened inside the piece (a whole-function piece's own scope), or -1. Scope ids
 * grow with their start event, so a binary search finds the first scope starting in the piece.
 */
function firstFunctionScope(log: Resolver['log'], p: Piece): number {
  const { scopeStart, scopeKind } = log;
  let lo = 1;
  let hi = scopeStart.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (scopeStart[mid]! < p.evStart) lo = mid + 1;
    else hi = mid;
  }
  for (let s = lo; s < scopeStart.length && scopeStart[s]! < p.evEnd; s++)
    if (scopeKind[s] === SCOPE.FUNCTION) return s;
  return -1;
}

/** `call` > `read` > `write` > `type`: how a name is mainly used. */
export function usageName(usage: number): 'call' | 'read' | 'write' | 'type' {
  if (usage & USAGE.CALL) return 'call';
  if (usage & USAGE.READ) return 'read';
  if (usage & USAGE.WRITE) return 'write';
  return 'type';
}
