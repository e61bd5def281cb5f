import type * as TS from 'typescript';
import { EV, SCOPE, Statement } from '../events.js';
import { staticKeyName } from './eslint-names.js';
import { closeClause, closeStatement, openClause } from './statements.js';
import type { TsWalk } from './walk-state.js';

// Compound statements as the decomposer needs them: every branch of an `if` chain, of a `try` and
// of a `switch` is a clause node (a long statement splits between branches, and a fragment's
// header chain says which branch it is in), and blocks, loops and catch clauses open the scopes
// their `let`/`const` bindings live in. Decisions are counted exactly as before (ESLint's rule).

/** `if` / `else if` / `else` as clauses of one statement (an else-if chain stays flat). */
export function visitIf(w: TsWalk, node: TS.IfStatement): void {
  const own = w.start(node);
  const from = w.clauseStart >= 0 ? w.clauseStart : own;
  w.clauseStart = -1;
  const clause = openClause(w, from === own ? 'if' : 'else if', from, node.thenStatement.end);
  const before = w.decisions;
  w.decide();
  w.log.push(EV.BRANCH, w.raw(node.expression));
  w.visit(node.expression);
  w.visit(node.thenStatement, node);
  closeClause(w, clause, before);
  const other = node.elseStatement;
  if (!other) return;
  const at = w.skip(node.thenStatement.end);
  if (other.kind === w.K.IfStatement) {
    w.clauseStart = at;
    w.visit(other, node);
    return;
  }
  const clauseElse = openClause(w, 'else', at, other.end);
  const d = w.decisions;
  w.visit(other, node);
  closeClause(w, clauseElse, d);
}

/** `try` / `catch` / `finally` as clauses. */
export function visitTry(w: TsWalk, node: TS.TryStatement): void {
  const tried = openClause(w, 'try', w.start(node), node.tryBlock.end);
  let d = w.decisions;
  w.visit(node.tryBlock, node);
  closeClause(w, tried, d);
  const c = node.catchClause;
  if (c) {
    const caught = openClause(w, 'catch', w.start(c), c.end);
    d = w.decisions;
    visitCatch(w, c);
    closeClause(w, caught, d);
  }
  const f = node.finallyBlock;
  if (f) {
    const finished = openClause(w, 'finally', w.skip((c ?? node.tryBlock).end), f.end);
    d = w.decisions;
    w.visit(f, node);
    closeClause(w, finished, d);
  }
}

/** A catch clause counts one decision (ESLint) and binds its parameter in its own scope. */
export function visitCatch(w: TsWalk, c: TS.CatchClause): void {
  w.decide();
  const scope = w.log.open(SCOPE.BLOCK);
  if (c.variableDeclaration) {
    const saved = w.blockScoped;
    w.blockScoped = true;
    w.visit(c.variableDeclaration, c);
    w.blockScoped = saved;
  }
  w.visit(c.block, c);
  w.log.close(scope);
}

/** A `case`/`default` clause: its statements are the clause's body. */
export function visitCaseClause(w: TsWalk, node: TS.CaseOrDefaultClause): void {
  const isCase = node.kind === w.K.CaseClause;
  const clause = openClause(w, isCase ? 'case' : 'default', w.start(node), node.end);
  const d = w.decisions;
  if (isCase) {
    if (!w.modified) w.decide();
    w.log.push(EV.BRANCH, w.raw((node as TS.CaseClause).expression));
    w.visit((node as TS.CaseClause).expression);
  }
  for (const st of node.statements) w.visit(st, node);
  closeClause(w, clause, d);
}

/** Literals spanning at least this many lines get element nodes, so a long literal can be split. */
const ELEMENT_MIN_LINES = 8;

/**
 * The members of a long interface or object type as element nodes. With `check` it only says whether
 * the members are long enough to be worth it; without, it walks them (each inside its element).
 */
export function visitTypeMembers(w: TsWalk, members: readonly TS.TypeElement[], check: boolean): boolean {
  if (check) {
    if (members.length < 2) return false;
    const first = members[0]!;
    const last = members[members.length - 1]!;
    return w.lineOf(last.end - 1) - w.lineOf(w.start(first)) + 1 >= ELEMENT_MIN_LINES;
  }
  for (const m of members) {
    const s = w.start(m);
    const stmt = new Statement('element', w.lineOf(s), w.lineOf(Math.max(s, m.end - 1)), w.log.size);
    const key = m.name;
    if (key && !w.ts.isComputedPropertyName(key)) stmt.name = staticKeyName(w.ts, key) ?? undefined;
    const siblings = w.frames.length === 0 ? w.top : w.frames[w.frames.length - 1]!.body;
    siblings.push(stmt);
    w.frames.push({ stmt, body: [] });
    const d = w.decisions;
    w.visitType(m);
    w.frames.pop();
    stmt.evEnd = w.log.size;
    stmt.decisions = w.decisions - d;
  }
  return true;
}

/**
 * A long object or array literal: each property or element becomes a node (a method or a function
 * value is a unit of its own), so the decomposer can split the literal between elements. Returns
 * false when the literal is too short to be worth it (the caller walks it as usual).
 */
export function visitLongLiteral(
  w: TsWalk,
  node: TS.ObjectLiteralExpression | TS.ArrayLiteralExpression,
  elements: readonly TS.Node[],
): boolean {
  // A cheap character-span test first: most literals are short.
  if (elements.length < 2 || node.end - node.pos < 160) return false;
  const first = w.lineOf(w.start(node));
  if (w.lineOf(node.end - 1) - first + 1 < ELEMENT_MIN_LINES) return false;
  const { ts } = w;
  for (const el of elements) {
    const s = w.start(el);
    const stmt = new Statement('element', w.lineOf(s), w.lineOf(Math.max(s, el.end - 1)), w.log.size);
    const key = (el as TS.PropertyAssignment).name;
    if (key && !ts.isComputedPropertyName(key)) stmt.name = staticKeyName(ts, key) ?? undefined;
    const siblings = w.frames.length === 0 ? w.top : w.frames[w.frames.length - 1]!.body;
    siblings.push(stmt);
    w.frames.push({ stmt, body: [] });
    const d = w.decisions;
    const fc = w.functions.length;
    w.visit(el, node);
    closeStatement(w, el, stmt, d, fc);
  }
  return true;
}
