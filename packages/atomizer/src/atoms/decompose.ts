import type { FunctionRecord, ParsedFile, StatementNode } from '../types.js';
import type { ResolvedAtomOptions } from './options.js';

export type Strategy = 'by_function' | 'by_class' | 'by_block' | 'single_atom';

/** A line range of the file that becomes one atom, with the statements it holds and its span of events. */
export interface Piece {
  startLine: number;
  endLine: number;
  /** `[evStart, evEnd)` of the file's event log: pieces partition the events as they partition the lines. */
  evStart: number;
  evEnd: number;
  nodes: StatementNode[];
  /** Labels of the enclosing functions and classes, outermost first (`["module", "class Store"]`). */
  scope: string[];
  /** The statements that were split to make this piece, outermost first (their headers form the chain). */
  ancestors: StatementNode[];
  strategy: Strategy;
  /** Part of a statement that was split (a block of a function body), not a whole unit. */
  fragment: boolean;
  /** The innermost statement that was split to produce this piece. */
  parent?: StatementNode;
  loc: number;
  complexity: number;
  /** Why a piece longer than the limit could not be split further. */
  indivisible?: string;
}

const UNIT_KINDS = new Set(['function', 'class', 'method', 'constructor', 'getter', 'setter', 'static-block']);

export function isUnit(node: StatementNode): boolean {
  return !!node.fn || UNIT_KINDS.has(node.kind);
}

function scopeLabel(node: StatementNode): string | undefined {
  if (node.kind === 'class') return `class ${node.name ?? '<anonymous>'}`;
  if (!node.fn) return undefined;
  const k = node.fn.kind;
  const method = k === 'method' || k === 'constructor' || k === 'getter' || k === 'setter';
  return `${method ? 'method' : 'function'} ${node.fn.name}`;
}

/** Everything one decomposition reads: the file, the limits and a prefix sum of source lines. */
interface Ctx {
  file: ParsedFile;
  o: ResolvedAtomOptions;
  /** `srcBefore[l]` = source lines among lines 1..l-1. */
  srcBefore: Int32Array;
}

function sourceLines(c: Ctx, a: number, b: number): number {
  return b < a ? 0 : c.srcBefore[b + 1]! - c.srcBefore[a]!;
}

/**
 * Splits a file into pieces that cover every line, and every symbol event, exactly once. A
 * function, method or class within `maxLoc` source lines stays one piece; a longer one is split
 * along its statement structure (body statements, clauses of compound statements, members, elements
 * of long literals), recursively, and the statements of each body are grouped into pieces of about
 * `targetLoc` lines by a minimum-cost partition (never mixing units, imports and code). A statement
 * longer than `maxLoc` with nothing to split at becomes one piece marked `indivisible` with the reason.
 */
export function decompose(file: ParsedFile, options: ResolvedAtomOptions): Piece[] {
  const total = file.isSource.length;
  if (total === 0) return [];
  const srcBefore = new Int32Array(total + 2);
  for (let l = 1; l <= total + 1; l++) srcBefore[l] = srcBefore[l - 1]! + (file.isSource[l - 2] ?? 0);
  const ctx: Ctx = { file, o: options, srcBefore };
  const top = file.statements;
  return splitRange(ctx, 1, total, 0, file.log.size, top, ['module'], [], 0);
}

/** Statements sharing a line stay together: a split only ever falls between lines. */
function groupByLines(items: readonly StatementNode[], from: number, to: number): StatementNode[][] {
  const groups: StatementNode[][] = [];
  let endLine = -1;
  for (const it of items) {
    if (it.endLine < from || it.startLine > to) continue;
    const last = groups[groups.length - 1];
    if (last && it.startLine <= endLine) {
      last.push(it);
      endLine = Math.max(endLine, it.endLine);
    } else {
      groups.push([it]);
      endLine = it.endLine;
    }
  }
  return groups;
}

/** One group of statements with the lines and events it takes (its leading comments and blank lines included). */
interface Slot {
  nodes: StatementNode[];
  a: number;
  b: number;
  evA: number;
  evB: number;
  loc: number;
  expand: boolean;
}

function splitRange(
  c: Ctx,
  from: number,
  to: number,
  evFrom: number,
  evTo: number,
  items: readonly StatementNode[],
  scope: string[],
  ancestors: StatementNode[],
  depth: number,
): Piece[] {
  const parent = ancestors[ancestors.length - 1];
  const fragment = parent !== undefined && parent.kind !== 'class';
  const groups = groupByLines(items, from, to);
  if (groups.length === 0) {
    return [piece(c, from, to, evFrom, evTo, [], scope, ancestors, fragment ? 'by_block' : 'single_atom', fragment)];
  }
  const slots: Slot[] = [];
  let cursor = from;
  groups.forEach((group, gi) => {
    const last = gi === groups.length - 1;
    const a = cursor;
    const b = last
      ? to
      : Math.max(a, Math.min(to, group[group.length - 1]!.endLine, groups[gi + 1]![0]!.startLine - 1));
    cursor = b + 1;
    const node = group[0]!;
    const loc = sourceLines(c, a, b);
    slots.push({
      nodes: group,
      a,
      b,
      evA: gi === 0 ? evFrom : node.evStart,
      evB: last ? evTo : groups[gi + 1]![0]!.evStart,
      loc,
      expand: group.length === 1 && (node.body?.length ?? 0) > 0 && loc > c.o.maxLoc && depth < 64,
    });
  });

  // Segments: runs of slots that stay whole, and slots that are split further.
  type Segment = { run: Slot[] } | { split: Slot; lead: Slot[]; tail: Slot[] };
  const segments: Segment[] = [];
  for (const slot of slots) {
    const last = segments[segments.length - 1];
    if (slot.expand) segments.push({ split: slot, lead: [], tail: [] });
    else if (last && 'run' in last) last.run.push(slot);
    else segments.push({ run: [slot] });
  }
  // A one- or two-line run next to a split statement joins it (as a lead-in or a tail) instead of standing alone.
  for (let k = 0; k < segments.length; k++) {
    const seg = segments[k]!;
    if (!('split' in seg) || seg.split.nodes[0]!.kind === 'class') continue;
    const prev = segments[k - 1];
    if (prev && 'run' in prev && absorbable(c, prev.run, fragment)) {
      seg.lead = prev.run;
      segments.splice(k - 1, 1);
      k--;
    }
    const next = segments[k + 1];
    if (next && 'run' in next && k + 2 === segments.length && absorbable(c, next.run, fragment)) {
      seg.tail = next.run;
      segments.splice(k + 1, 1);
    }
  }
  const out: Piece[] = [];
  for (const seg of segments) {
    if ('run' in seg) {
      for (const p of partitionRun(c, seg.run, scope, ancestors, fragment, depth)) out.push(p);
      continue;
    }
    const { split, lead, tail } = seg;
    const node = split.nodes[0]!;
    const label = scopeLabel(node);
    const first = lead[0] ?? split;
    const last = tail[tail.length - 1] ?? split;
    const sub = splitRange(
      c,
      first.a,
      last.b,
      first.evA,
      last.evB,
      node.body!,
      label ? [...scope, label] : scope,
      [...ancestors, node],
      depth + 1,
    );
    if (node.kind === 'class') for (const p of sub) if (p.strategy === 'single_atom') p.strategy = 'by_class';
    if (lead.length > 0) join(sub[0]!, lead, 'before');
    if (tail.length > 0) join(sub[sub.length - 1]!, tail, 'after');
    for (const p of sub) out.push(p);
  }
  return out;
}

const ABSORB_MAX_LOC = 2;

function absorbable(c: Ctx, run: Slot[], fragment: boolean): boolean {
  let loc = 0;
  for (const s of run) {
    loc += s.loc;
    if (category(s, fragment) !== 'code') return false;
  }
  return loc <= ABSORB_MAX_LOC && loc < c.o.maxLoc;
}

/** Adds the statements of an absorbed run to a piece whose range already covers them. */
function join(target: Piece, run: Slot[], side: 'before' | 'after'): void {
  const nodes = run.flatMap((s) => s.nodes);
  let decisions = 0;
  for (const n of nodes) decisions += n.decisions;
  target.nodes = side === 'before' ? [...nodes, ...target.nodes] : [...target.nodes, ...nodes];
  target.complexity += decisions;
}

function category(slot: Slot, fragment: boolean): 'unit' | 'import' | 'code' {
  if (!fragment && slot.nodes.some(isUnit)) return 'unit';
  return slot.nodes.every((n) => n.kind === 'import') ? 'import' : 'code';
}

/**
 * Groups a run of sibling slots into pieces by dynamic programming: each piece costs 1 plus its
 * squared relative distance from `targetLoc`, a piece under 3 lines costs more, one over `maxLoc`
 * is impossible unless it is a single slot (then it is indivisible), units stand alone, imports mix
 * with code only at a price, and a split just before a blank line (a paragraph break) is a little cheaper.
 */
function partitionRun(
  c: Ctx,
  run: Slot[],
  scope: string[],
  ancestors: StatementNode[],
  fragment: boolean,
  depth: number,
): Piece[] {
  const n = run.length;
  const { targetLoc, maxLoc } = c.o;
  const cats = run.map((slot) => category(slot, fragment));
  const best = new Float64Array(n + 1).fill(Infinity);
  const cut = new Int32Array(n + 1);
  best[0] = 0;
  for (let e = 1; e <= n; e++) {
    let loc = 0;
    let importLoc = 0;
    let codeLoc = 0;
    for (let s = e - 1; s >= 0; s--) {
      loc += run[s]!.loc;
      const single = s === e - 1;
      if (!single && (loc > maxLoc || cats[s] === 'unit' || cats[e - 1] === 'unit')) break;
      if (cats[s] === 'import') importLoc += run[s]!.loc;
      else codeLoc += run[s]!.loc;
      const mixed = importLoc > 0 && codeLoc > 0;
      // Imports and code share an atom only to avoid a one- or two-line atom of either.
      if (!single && mixed && Math.min(importLoc, codeLoc) >= 3) continue;
      let cost = 1 + 2 * ((loc - targetLoc) / targetLoc) ** 2;
      if (loc < 3) cost += 1.5;
      if (loc > maxLoc) cost += loc - maxLoc;
      // Imports and code in one atom is allowed but dearer: only worth it to avoid one- and two-line atoms.
      if (mixed) cost += 0.8;
      if (s > 0 && paragraphBreak(c, run[s]!.a)) cost -= 0.15;
      if (best[s]! + cost < best[e]!) {
        best[e] = best[s]! + cost;
        cut[e] = s;
      }
    }
  }
  const bounds: [number, number][] = [];
  for (let e = n; e > 0; e = cut[e]!) bounds.push([cut[e]!, e]);
  bounds.reverse();
  return bounds.map(([s, e]) => {
    const slots = run.slice(s, e);
    const nodes = slots.flatMap((x) => x.nodes);
    const first = slots[0]!;
    const last = slots[slots.length - 1]!;
    const single = nodes.length === 1 ? nodes[0]! : undefined;
    const strategy: Strategy =
      single?.kind === 'class'
        ? 'by_class'
        : fragment
          ? 'by_block'
          : single && isUnit(single) && depth === 0
            ? 'by_function'
            : 'single_atom';
    const p = piece(c, first.a, last.b, first.evA, last.evB, nodes, scope, ancestors, strategy, fragment);
    if (p.loc > maxLoc) p.indivisible = whyIndivisible(slots, p.loc, depth);
    return p;
  });
}

function paragraphBreak(c: Ctx, line: number): boolean {
  // The slot's range starts right after the previous statement; a blank line there is a paragraph break.
  const text = c.file.isSource[line - 1] === 0;
  return text;
}

function whyIndivisible(slots: Slot[], loc: number, depth: number): string {
  const nodes = slots.flatMap((s) => s.nodes);
  if (depth >= 64) return `${loc} lines nested deeper than 64 levels`;
  if (nodes.length > 1) return `${nodes.length} statements share lines, so no split falls between them`;
  const node = nodes[0]!;
  if (node.kind === 'string') return `a ${loc}-line string (a docstring or text block) cannot be split`;
  if (node.longString) return `it holds a ${node.longString}-line string or template, which cannot be split`;
  return `a ${loc}-line ${node.kind === 'statement' ? 'expression' : node.kind} with no statement or element boundary inside`;
}

function complexityOf(nodes: StatementNode[], whole: boolean): number {
  if (whole && nodes.length === 1 && nodes[0]!.fn) return nodes[0]!.fn.complexity;
  let d = 0;
  for (const n of nodes) d += n.decisions;
  return 1 + d;
}

function piece(
  c: Ctx,
  a: number,
  b: number,
  evA: number,
  evB: number,
  nodes: StatementNode[],
  scope: string[],
  ancestors: StatementNode[],
  strategy: Strategy,
  fragment: boolean,
): Piece {
  return {
    startLine: a,
    endLine: b,
    evStart: evA,
    evEnd: evB,
    nodes,
    scope,
    ancestors,
    strategy,
    fragment,
    parent: ancestors[ancestors.length - 1],
    loc: sourceLines(c, a, b),
    complexity: complexityOf(nodes, !fragment),
  };
}

export function unitOf(piece: Piece): FunctionRecord | undefined {
  return !piece.fragment && piece.nodes.length === 1 ? piece.nodes[0]!.fn : undefined;
}
