import type * as TS from 'typescript';
import { Statement } from '../events.js';
import { calleeName, isFunctionValue, skipParens, type TsWalk } from './walk-state.js';

// The statement tree: every statement of a statement list (file, block, case, class body) becomes a
// node with its line span, decisions, defined names and a span of the symbol event log, which is
// what atoms are decomposed from and what their context is computed from.

export function statementKind(K: typeof TS.SyntaxKind, n: TS.Node): string {
  switch (n.kind) {
    case K.FunctionDeclaration:
      return 'function';
    case K.ClassDeclaration:
      return 'class';
    case K.ImportDeclaration:
    case K.ImportEqualsDeclaration:
      return 'import';
    case K.ExportDeclaration:
    case K.ExportAssignment:
      return 'export';
    case K.VariableStatement:
      return 'variable';
    case K.InterfaceDeclaration:
      return 'interface';
    case K.TypeAliasDeclaration:
      return 'type';
    case K.EnumDeclaration:
      return 'enum';
    case K.ModuleDeclaration:
      return 'namespace';
    case K.IfStatement:
      return 'if';
    case K.ForStatement:
    case K.ForInStatement:
    case K.ForOfStatement:
    case K.WhileStatement:
    case K.DoStatement:
      return 'loop';
    case K.SwitchStatement:
      return 'switch';
    case K.TryStatement:
      return 'try';
    case K.ReturnStatement:
      return 'return';
    case K.ThrowStatement:
      return 'throw';
    case K.MethodDeclaration:
      return 'method';
    case K.Constructor:
      return 'constructor';
    case K.GetAccessor:
      return 'getter';
    case K.SetAccessor:
      return 'setter';
    case K.PropertyDeclaration:
      return 'property';
    case K.ClassStaticBlockDeclaration:
      return 'static-block';
    case K.Block:
      return 'block';
    case K.ExpressionStatement: {
      const e = (n as TS.ExpressionStatement).expression.kind;
      return e === K.StringLiteral || e === K.NoSubstitutionTemplateLiteral || e === K.TemplateExpression
        ? 'string'
        : 'statement';
    }
    default:
      return 'statement';
  }
}

const NO_GUARD: { guard?: string; assertion?: string } = Object.freeze({});

/** An early `if (...) return/throw` is a guard; a call to an assert-like function is an assertion. */
function guardOf(w: TsWalk, n: TS.Node): { guard?: string; assertion?: string } {
  const { ts } = w;
  if (ts.isIfStatement(n) && !n.elseStatement) {
    let t: TS.Statement = n.thenStatement;
    if (ts.isBlock(t) && t.statements.length === 1) t = t.statements[0]!;
    if (ts.isThrowStatement(t) || ts.isReturnStatement(t)) return { guard: w.short(n.expression) };
  }
  if (ts.isExpressionStatement(n) && ts.isCallExpression(n.expression)) {
    const callee = calleeName(ts, n.expression.expression);
    if ((callee && /(^|\.)(assert|invariant|ok|strictEqual|equal)$/.test(callee)) || callee === 'console.assert') {
      return { assertion: w.short(n.expression) };
    }
  }
  return NO_GUARD;
}

/** Opens a statement node; its children's statements are collected until closeStatement. */
export function openStatement(w: TsWalk, node: TS.Node, s: number): Statement {
  const stmt = new Statement(statementKind(w.K, node), w.lineOf(s), w.lineOf(Math.max(s, node.end - 1)), w.log.size);
  const g = guardOf(w, node);
  stmt.guard = g.guard;
  stmt.assertion = g.assertion;
  push(w, stmt);
  return stmt;
}

function push(w: TsWalk, stmt: Statement): void {
  const siblings = w.frames.length === 0 ? w.top : w.frames[w.frames.length - 1]!.body;
  // `} else {`: the line closing one clause opens the next, and belongs to the next one's header.
  const prev = siblings[siblings.length - 1];
  if (
    stmt.kind === 'clause' &&
    prev?.kind === 'clause' &&
    prev.endLine >= stmt.startLine &&
    prev.startLine < stmt.startLine
  )
    prev.endLine = stmt.startLine - 1;
  siblings.push(stmt);
  w.frames.push({ stmt, body: [] });
}

/**
 * Closes a statement after its subtree was walked: `decisionsBefore` and `functionsBefore` are the
 * counters when it was opened, so the differences are what the statement contains.
 */
export function closeStatement(
  w: TsWalk,
  node: TS.Node,
  stmt: Statement,
  decisionsBefore: number,
  functionsBefore: number,
): void {
  const { ts } = w;
  const frame = w.frames.pop()!;
  stmt.evEnd = w.log.size;
  stmt.decisions = w.decisions - decisionsBefore;
  if (frame.body.length > 0) stmt.body = frame.body;
  const declared = w.functions[functionsBefore];
  if (declared && declared.startLine >= stmt.startLine && declaresUnit(w, node, stmt, declared.startLine))
    stmt.fn = declared;
  stmt.name =
    stmt.fn?.name ??
    ((node as TS.ClassDeclaration).name && ts.isIdentifier((node as TS.ClassDeclaration).name!)
      ? (node as TS.ClassDeclaration).name!.text
      : undefined);
}

/** Whether the first function inside `node` is what the statement declares (not a callback somewhere in it). */
function declaresUnit(w: TsWalk, node: TS.Node, stmt: Statement, fnLine: number): boolean {
  const { ts, K } = w;
  if (node.kind === K.FunctionDeclaration || ts.isClassElement(node)) return true;
  if (ts.isVariableStatement(node)) {
    const decls = node.declarationList.declarations;
    return decls.length === 1 && isFunctionValue(ts, decls[0]!.initializer && skipParens(ts, decls[0]!.initializer));
  }
  if (stmt.kind !== 'element' || fnLine !== stmt.startLine) return false;
  if (ts.isMethodDeclaration(node) || ts.isAccessor(node)) return true;
  const value = ts.isPropertyAssignment(node) ? node.initializer : (node as TS.Expression);
  return isFunctionValue(ts, skipParens(ts, value));
}

/**
 * A clause of a compound statement (`if` / `else` / `catch` / `finally` / `case`): a node of its own
 * so that a long statement splits between clauses, and a fragment's header chain says which branch
 * it is in. `start` is where the clause's header begins (the `else` keyword, not the nested `if`).
 */
export function openClause(w: TsWalk, name: string, start: number, end: number): Statement {
  const stmt = new Statement('clause', w.lineOf(start), w.lineOf(Math.max(start, end - 1)), w.log.size);
  stmt.name = name;
  push(w, stmt);
  return stmt;
}

export function closeClause(w: TsWalk, stmt: Statement, decisionsBefore: number): void {
  const frame = w.frames.pop()!;
  stmt.evEnd = w.log.size;
  stmt.decisions = w.decisions - decisionsBefore;
  if (frame.body.length > 0) stmt.body = frame.body;
}
