import { EV, SCOPE } from '../events.js';
import type { InputSource, LocalEdgeType } from '../context/types.js';
import { USAGE, type PieceSymbols, type Resolver } from './symbols.js';

/** A dependency of one piece on another piece of the same file. */
export interface PieceLink {
  /** Index of the piece that defines (or last wrote) what this one uses. */
  to: number;
  type: LocalEdgeType;
  /** The bindings that caused it. */
  keys: number[];
}

/** Where each resolved input of a piece comes from. */
export interface InputOrigin {
  source: InputSource;
  /** The piece holding the binding, when it is another piece. */
  piece?: number;
}

export interface Links {
  deps: PieceLink[][];
  origins: Map<number, InputOrigin>[];
  /** Per piece: binding → indices of the pieces that read it from this one. */
  readers: Map<number, number[]>[];
}

const TYPE_RANK: Record<LocalEdgeType, number> = { function_call: 4, variable: 3, data_flow: 3, type: 1 };

/**
 * Links pieces through their bindings: a piece that takes a name from outside depends on the last
 * piece before it that declared or wrote that binding (else the first one after it: a hoisted
 * function, a module name read at call time). Imported names are left to the cross-file graph.
 * Edge types: `type` (only used as a type, or a type declaration), `function_call` (a function or
 * class), `variable` (a module-level or class-level binding), `data_flow` (a local of the same
 * function or an enclosing one, parameters included).
 */
export function linkPieces(r: Resolver, syms: readonly PieceSymbols[]): Links {
  const definers = new Map<number, number[]>();
  syms.forEach((s, i) => {
    for (const key of s.defines.keys()) {
      const list = definers.get(key);
      if (list) list.push(i);
      else definers.set(key, [i]);
    }
  });
  const { scopeKind, scopeFunction } = r.log;
  const deps: PieceLink[][] = [];
  const origins: Map<number, InputOrigin>[] = [];
  const readers: Map<number, number[]>[] = syms.map(() => new Map());
  syms.forEach((s, i) => {
    const byTarget = new Map<number, PieceLink>();
    const origin = new Map<number, InputOrigin>();
    for (const input of s.inputs.values()) {
      const key = input.key;
      if (key === undefined) continue;
      const b = r.bindings[key]!;
      const pick = pickDefiner(definers.get(key), i);
      const source: InputSource =
        b.kind === EV.DEF_IMPORT
          ? 'import'
          : b.kind === EV.DEF_PARAM
            ? 'parameter'
            : b.scope === 0
              ? 'module'
              : scopeKind[b.scope] === SCOPE.CLASS
                ? 'class'
                : scopeFunction[b.scope] === s.functionScope
                  ? 'local'
                  : 'enclosing';
      origin.set(key, pick === undefined ? { source } : { source, piece: pick });
      if (pick === undefined || b.kind === EV.DEF_IMPORT) continue;
      const type: LocalEdgeType =
        input.usage === USAGE.TYPE || b.kind === EV.DEF_TYPE
          ? 'type'
          : b.kind === EV.DEF_FUNCTION || b.kind === EV.DEF_CLASS
            ? 'function_call'
            : b.scope === 0 || scopeKind[b.scope] === SCOPE.CLASS
              ? 'variable'
              : 'data_flow';
      const link = byTarget.get(pick);
      if (!link) byTarget.set(pick, { to: pick, type, keys: [key] });
      else {
        link.keys.push(key);
        if (TYPE_RANK[type] > TYPE_RANK[link.type]) link.type = type;
      }
      const list = readers[pick]!.get(key);
      if (list) list.push(i);
      else readers[pick]!.set(key, [i]);
    }
    deps.push([...byTarget.values()].sort((a, b) => a.to - b.to));
    origins.push(origin);
  });
  return { deps, origins, readers };
}

/** The last definer before `i`, else the first after it; never `i` itself. */
function pickDefiner(list: number[] | undefined, i: number): number | undefined {
  if (!list) return undefined;
  let before: number | undefined;
  let after: number | undefined;
  for (const j of list) {
    if (j < i) before = j;
    else if (j > i && after === undefined) after = j;
  }
  return before ?? after;
}
