import type * as TS from 'typescript';
import { Statement } from '../events.js';
import { calleeName, type TsWalk } from './walk-state.js';

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

function namesDefinedBy(w: TsWalk, node: TS.Node): string[] {
  const { ts, imports } = w;
  if (ts.isVariableStatement(node)) {
    const out: string[] = [];
    const add = (b: TS.BindingName) => {
      if (ts.isIdentifier(b)) out.push(b.text);
      else for (const el of b.elements) if (!ts.isOmittedExpression(el)) add(el.name);
    };
    for (const d of node.declarationList.declarations) add(d.name);
    return out;
  }
  if (ts.isImportDeclaration(node))
    return imports.length > 0 && imports[imports.length - 1]!.line === w.lineOf(w.start(node))
      ? [...imports[imports.length - 1]!.bindings]
      : [];
  const nm = (node as TS.DeclarationStatement).name;
  if (
    nm &&
    ts.isIdentifier(nm) &&
    (ts.isFunctionDeclaration(node) ||
      ts.isClassDeclaration(node) ||
      ts.isInterfaceDeclaration(node) ||
      ts.isTypeAliasDeclaration(node) ||
      ts.isEnumDeclaration(node) ||
      ts.isModuleDeclaration(node) ||
      ts.isImportEqualsDeclaration(node))
  )
    return [nm.text];
  if (ts.isClassElement(node) && node.name && (ts.isIdentifier(node.name) || ts.isPrivateIdentifier(node.name)))
    return [ts.idText(node.name)];
  return [];
}

/** Opens a statement node; its children's statements are collected until closeStatement. */
export function openStatement(w: TsWalk, node: TS.Node, s: number): Statement {
  const isTop = w.frames.length === 0;
  const stmt = new Statement(
    statementKind(w.K, node),
    w.lineOf(s),
    w.lineOf(Math.max(s, node.end - 1)),
    w.log,
    w.log.size,
    w.moduleBindings,
  );
  const g = guardOf(w, node);
  stmt.guard = g.guard;
  stmt.assertion = g.assertion;
  (isTop ? w.top : w.frames[w.frames.length - 1]!.body).push(stmt);
  w.frames.push({ stmt, body: [] });
  return stmt;
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
  const { ts, K } = w;
  const k = node.kind;
  const isTop = w.frames.length === 1;
  const frame = w.frames.pop()!;
  stmt.evEnd = w.log.size;
  stmt.decisions = w.decisions - decisionsBefore;
  if (frame.body.length > 0) stmt.body = frame.body;
  const declared = w.functions[functionsBefore];
  if (
    declared &&
    (k === K.FunctionDeclaration ||
      ts.isClassElement(node) ||
      (k === K.VariableStatement && declared.startLine >= stmt.startLine))
  ) {
    if (k !== K.VariableStatement || (node as TS.VariableStatement).declarationList.declarations.length === 1)
      stmt.fn = declared;
  }
  stmt.name =
    stmt.fn?.name ??
    ((node as TS.ClassDeclaration).name && ts.isIdentifier((node as TS.ClassDeclaration).name!)
      ? (node as TS.ClassDeclaration).name!.text
      : undefined);
  stmt.defines = namesDefinedBy(w, node);
  if (isTop) for (const d of stmt.defines) w.moduleBindings.add(d);
}
