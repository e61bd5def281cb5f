import type { Node } from 'web-tree-sitter';
import { EV } from '../events.js';
import { defineTarget, visitPattern } from './definitions.js';
import { closeClause, openClause } from './statements.js';
import { decide, endLine, line, same, short, type PyWalk } from './walk-state.js';

// Compound statements: loops, `if`/`elif`/`else`, `try`/`except`/`finally` and `match`/`case`. Each
// branch is a clause of its statement (a long statement splits between branches); where the radon
// variant counts decisions differently (a loop's `else`, a `try`'s handlers, `match` cases), it says so.

/** A `for` loop or comprehension `for`: the iterable first, then the loop variable, then the body. */
export function visitFor(w: PyWalk, node: Node): void {
  if (node.type === 'for_statement') {
    decide(w, w.radon && node.namedChildren.some((c) => c?.type === 'else_clause') ? 2 : 1);
  } else if (w.radon) decide(w);
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  if (right) w.visit(right);
  defineTarget(w, left);
  for (const c of node.children) if (c && !same(c, left) && !same(c, right)) w.visit(c);
}

/** The decisions of a `while` loop (its `else` counts under radon) and its condition as a branch. */
export function countWhile(w: PyWalk, node: Node): void {
  decide(w, w.radon && node.namedChildren.some((c) => c?.type === 'else_clause') ? 2 : 1);
  w.log.push(EV.BRANCH, short(node.childForFieldName('condition')));
}

/** The `if` branch is a clause of its own; `elif`/`else` clauses open theirs. */
export function visitIf(w: PyWalk, node: Node): void {
  const consequence = node.childForFieldName('consequence');
  const clause = openClause(w, 'if', line(node), consequence ? endLine(consequence) : endLine(node));
  const before = w.decisions;
  decide(w);
  w.log.push(EV.BRANCH, short(node.childForFieldName('condition')));
  visitClauseThenRest(w, node, consequence, () => closeClause(w, clause, before));
}

export function visitElif(w: PyWalk, node: Node): void {
  const clause = openClause(w, 'elif', line(node), endLine(node));
  const before = w.decisions;
  decide(w);
  w.log.push(EV.BRANCH, short(node.childForFieldName('condition')));
  for (const c of node.children) if (c) w.visit(c);
  closeClause(w, clause, before);
}

/** `else`, `finally` and `case` clauses (a case's pattern binds its names). */
export function visitBranchClause(w: PyWalk, node: Node): void {
  const clause = openClause(w, node.type.replace('_clause', ''), line(node), endLine(node));
  const before = w.decisions;
  for (const c of node.children) {
    if (!c) continue;
    if (c.type === 'case_pattern') visitPattern(w, c);
    else w.visit(c);
  }
  closeClause(w, clause, before);
}

/** `try`: its body is the `try` clause; each handler (and `else`) is a decision. */
export function visitTry(w: PyWalk, node: Node): void {
  const handlers = node.namedChildren.filter((c) => c?.type === 'except_clause').length;
  const hasElse = node.namedChildren.some((c) => c?.type === 'else_clause');
  const body = node.childForFieldName('body');
  const clause = openClause(w, 'try', line(node), body ? endLine(body) : line(node));
  const before = w.decisions;
  decide(w, w.radon ? handlers + (hasElse ? 1 : 0) : handlers + 1);
  visitClauseThenRest(w, node, body, () => closeClause(w, clause, before));
}

export function visitExcept(w: PyWalk, node: Node): void {
  const clause = openClause(w, 'except', line(node), endLine(node));
  const before = w.decisions;
  for (const c of node.children) if (c) w.visit(c);
  closeClause(w, clause, before);
}

/** Under radon a `match` counts one decision per case, except a wildcard `case _`. */
export function countMatch(w: PyWalk, node: Node): void {
  if (!w.radon) return;
  const cases = node.descendantsOfType('case_clause').filter((c) => c?.parent?.parent === node);
  const wildcard = cases.some((c) => c!.namedChildren.find((x) => x?.type === 'case_pattern')?.text === '_');
  decide(w, Math.max(0, cases.length - (wildcard ? 1 : 0)));
}

/** Visits the children up to and including `last`, closes the clause, then visits the rest. */
function visitClauseThenRest(w: PyWalk, node: Node, last: Node | null, close: () => void): void {
  let i = 0;
  for (; i < node.childCount; i++) {
    const c = node.child(i);
    if (!c) continue;
    w.visit(c);
    if (same(c, last)) break;
  }
  close();
  for (i++; i < node.childCount; i++) {
    const c = node.child(i);
    if (c) w.visit(c);
  }
}
