import { sourceLinesIn } from '../lines.js';
import type { FunctionRecord, ParsedFile, StatementNode } from '../types.js';
import type { ResolvedAtomOptions } from './options.js';

export type Strategy = 'by_function' | 'by_class' | 'by_block' | 'single_atom';

/** A line range of the file that becomes one atom, with the statements it holds. */
export interface Piece {
  startLine: number;
  endLine: number;
  nodes: StatementNode[];
  scope: string[];
  strategy: Strategy;
  /** Part of a statement that was split (a block of a function body), not a whole unit. */
  fragment: boolean;
  /** The statement that was split to produce this fragment. */
  parent?: StatementNode;
  loc: number;
  complexity: number;
}

const UNIT_KINDS = new Set(['function', 'class', 'method', 'constructor', 'getter', 'setter', 'static-block']);

function isUnit(node: StatementNode): boolean {
  return !!node.fn || UNIT_KINDS.has(node.kind);
}

function scopeLabel(node: StatementNode): string | undefined {
  if (node.kind === 'class') return `class ${node.name ?? '<anonymous>'}`;
  if (node.fn)
    return `${node.fn.kind === 'method' || node.fn.kind === 'constructor' || node.fn.kind === 'getter' || node.fn.kind === 'setter' ? 'method' : 'function'} ${node.fn.name}`;
  return undefined;
}

function complexityOf(nodes: StatementNode[], whole: boolean): number {
  if (whole && nodes.length === 1 && nodes[0]!.fn) return nodes[0]!.fn.complexity;
  let d = 0;
  for (const n of nodes) d += n.decisions;
  return 1 + d;
}

/**
 * Splits lines from..to holding `items` into pieces: each item's range grows back over the blank
 * and comment lines before it, the first piece starts at `from` and the last ends at `to`, so the
 * pieces cover every line exactly once. Items sharing a line stay together (a split is only ever
 * between statements on different lines).
 */
export function decompose(file: ParsedFile, options: ResolvedAtomOptions): Piece[] {
  const total = file.isSource.length;
  if (total === 0) return [];
  return splitRange(file, options, 1, total, file.statements, ['module'], undefined, 0);
}

function groupByLines(items: StatementNode[]): StatementNode[][] {
  const groups: StatementNode[][] = [];
  let endLine = -1;
  for (const it of items) {
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

function splitRange(
  file: ParsedFile,
  o: ResolvedAtomOptions,
  from: number,
  to: number,
  items: StatementNode[],
  scope: string[],
  parent: StatementNode | undefined,
  depth: number,
): Piece[] {
  const inside = items.filter((i) => i.endLine >= from && i.startLine <= to);
  const make = (a: number, b: number, nodes: StatementNode[], strategy: Strategy, fragment: boolean): Piece => ({
    startLine: a,
    endLine: b,
    nodes,
    scope,
    strategy,
    fragment,
    parent,
    loc: sourceLinesIn(file.isSource, a, b),
    complexity: complexityOf(nodes, !fragment),
  });
  if (inside.length === 0) return [make(from, to, [], 'single_atom', parent !== undefined)];
  const groups = groupByLines(inside);
  const pieces: Piece[] = [];
  let cursor = from;
  groups.forEach((group, gi) => {
    const a = cursor;
    const b =
      gi === groups.length - 1
        ? to
        : Math.max(a, Math.min(to, group[group.length - 1]!.endLine, groups[gi + 1]![0]!.startLine - 1));
    cursor = b + 1;
    const node = group[0]!;
    const loc = sourceLinesIn(file.isSource, a, b);
    const complexity = complexityOf(group, true);
    const splittable = group.length === 1 && (node.body?.length ?? 0) >= 1 && depth < 64;
    // Complexity alone splits only what is longer than the target: cutting a short function into
    // one-line fragments would trade one violation for several.
    const tooBig = loc > o.maxLoc || (complexity >= o.maxComplexity && loc > o.targetLoc);
    if (splittable && tooBig && (node.kind === 'class' || (node.body?.length ?? 0) >= 2 || loc > o.maxLoc)) {
      const label = scopeLabel(node);
      const sub = splitRange(file, o, a, b, node.body!, label ? [...scope, label] : scope, node, depth + 1);
      const strategy: Strategy = node.kind === 'class' ? 'by_class' : 'by_block';
      for (const p of sub)
        if (p.strategy === 'single_atom' && (p.fragment || node.kind === 'class')) p.strategy = strategy;
      pieces.push(...sub);
      return;
    }
    const whole = parent === undefined || parent.kind === 'class';
    const strategy: Strategy =
      node.kind === 'class' && group.length === 1
        ? 'by_class'
        : group.some(isUnit) && depth === 0
          ? 'by_function'
          : 'single_atom';
    pieces.push(make(a, b, group, strategy, !whole));
  });
  return mergeSmall(file, o, pieces);
}

/** Merges adjacent small siblings (statements, imports, fragments) up to targetLoc; whole functions and classes stay alone. */
function mergeSmall(file: ParsedFile, o: ResolvedAtomOptions, pieces: Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const p of pieces) {
    const prev = out[out.length - 1];
    const mergeable = (x: Piece) =>
      !x.nodes.some(isUnit) &&
      x.strategy !== 'by_class' &&
      !(x.nodes.length === 0 && x.fragment === false && x.scope.length > 1);
    const category = (x: Piece) =>
      x.nodes.length > 0 && x.nodes.every((n) => n.kind === 'import') ? 'import' : 'code';
    if (
      prev &&
      prev.scope === p.scope &&
      mergeable(prev) &&
      mergeable(p) &&
      category(prev) === category(p) &&
      prev.fragment === p.fragment &&
      prev.parent === p.parent
    ) {
      const loc = prev.loc + p.loc;
      const complexity = prev.complexity + p.complexity - 1;
      if (loc <= o.targetLoc && complexity < o.maxComplexity) {
        out[out.length - 1] = { ...prev, endLine: p.endLine, nodes: [...prev.nodes, ...p.nodes], loc, complexity };
        continue;
      }
    }
    out.push(p);
  }
  void file;
  return out;
}

export function unitOf(piece: Piece): FunctionRecord | undefined {
  return !piece.fragment && piece.nodes.length === 1 ? piece.nodes[0]!.fn : undefined;
}
