import type * as TS from 'typescript';
import { EV, SCOPE } from '../events.js';
import { visitCaseClause, visitCatch, visitIf, visitLongLiteral, visitTry } from './compound.js';
import { visitClass, visitTarget } from './declarations.js';
import { visitFunction } from './function-units.js';
import {
  exportModifiers,
  hasModifiers,
  visitExportDeclaration,
  visitImport,
  visitImportEquals,
} from './module-syntax.js';
import { C, kindTables } from './node-kinds.js';
import { closeStatement, openStatement } from './statements.js';
import { visitTypeDeclaration } from './type-declarations.js';
import {
  visitAssignment,
  visitParameter,
  visitPropertyAssignment,
  visitPropertyDeclaration,
  visitShorthandProperty,
  visitStaticBlock,
  visitVariableDeclaration,
} from './value-bindings.js';
import { baseIdentifier, calleeName, markNode, markSpan, type TsWalk } from './walk-state.js';

/**
 * Walks the whole file once: complexity per function unit, source lines, symbol events, the
 * statement tree, imports, exports and type definitions. The visitors are closures over the walk's
 * state (locals are cheaper than property loads on this hot path) and are published on `w` for the
 * modules the walk calls into.
 */
export function walkSourceFile(w: TsWalk): void {
  const {
    ts,
    K,
    sf,
    isSource,
    startCursor,
    endCursor,
    log,
    lean,
    countOptional,
    modified,
    functions,
    exports,
    start,
    raw,
    decide,
    lineOf,
  } = w;
  const { category, statementList } = kindTables(ts);
  const firstTypeNode = K.FirstTypeNode;
  const lastTypeNode = K.LastTypeNode;

  function visitType(n: TS.Node): void {
    if (lean) return;
    const s = start(n);
    const hasText = s < n.end;
    if (hasText) isSource[startCursor.line(s) - 1] = 1;
    visitTypeInner(n);
    if (hasText) isSource[endCursor.line(n.end - 1) - 1] = 1;
  }

  function visitTypeInner(n: TS.Node): void {
    if (n.kind === K.TypeReference) {
      let t = (n as TS.TypeReferenceNode).typeName;
      while (ts.isQualifiedName(t)) t = t.left;
      // `x as const` is a type reference to the keyword, not to a name.
      if (t.text !== 'const') log.push(EV.TYPE, t.text);
    } else if (n.kind === K.ExpressionWithTypeArguments) {
      const b = baseIdentifier(ts, (n as TS.ExpressionWithTypeArguments).expression);
      if (b) log.push(EV.TYPE, b);
    } else if (n.kind === K.TypeQuery) {
      let t = (n as TS.TypeQueryNode).exprName;
      while (ts.isQualifiedName(t)) t = t.left;
      if (ts.isIdentifier(t)) log.push(EV.USE, t.text);
    } else if (n.kind === K.TypeParameter) {
      const name = (n as TS.TypeParameterDeclaration).name;
      log.def(EV.DEF_TYPE, name.text, w.lineOf(start(name)));
    } else if (n.kind === K.StringLiteral || n.kind === K.NoSubstitutionTemplateLiteral) markSpan(w, n);
    // Generic signatures, mapped and conditional types bind type names of their own (`<T>`, `K in`, `infer U`).
    if (
      (n as { typeParameters?: unknown }).typeParameters !== undefined ||
      n.kind === K.MappedType ||
      n.kind === K.ConditionalType
    ) {
      const scope = log.open(SCOPE.TYPE);
      ts.forEachChild(n, visitType);
      log.close(scope);
      return;
    }
    ts.forEachChild(n, visitType);
  }

  // Starts are marked in pre-order and ends in post-order: both move forward, so the line cursors
  // advance instead of searching.
  function visit(node: TS.Node, parent?: TS.Node): void {
    const s = start(node);
    const hasText = !lean && s < node.end;
    if (hasText) isSource[startCursor.line(s) - 1] = 1;
    visitInner(node, parent, s);
    if (hasText) isSource[endCursor.line(node.end - 1) - 1] = 1;
  }

  function visitInner(node: TS.Node, parent: TS.Node | undefined, s: number): void {
    const k = node.kind;
    if (k >= firstTypeNode && k <= lastTypeNode) return visitType(node);

    if (
      !lean &&
      parent !== undefined &&
      statementList[parent.kind] === 1 &&
      (ts.isStatement(node) || ts.isClassElement(node))
    ) {
      const stmt = openStatement(w, node, s);
      const before = w.decisions;
      const fnCount = functions.length;
      visitNode(node, parent);
      closeStatement(w, node, stmt, before, fnCount);
      return;
    }
    visitNode(node, parent);
  }

  function visitNode(node: TS.Node, parent: TS.Node | undefined): void {
    switch (category[node.kind]) {
      case C.IDENTIFIER:
        log.push(EV.USE, (node as TS.Identifier).text);
        return;
      case C.LITERAL:
        markSpan(w, node);
        return;
      case C.JSX_TEXT:
        if (!(node as TS.JsxText).containsOnlyTriviaWhiteSpaces) markSpan(w, node);
        return;
      case C.IF:
        if (!lean) return visitIf(w, node as TS.IfStatement);
        decide();
        break;
      case C.TRY:
        if (!lean) return visitTry(w, node as TS.TryStatement);
        break;
      case C.CATCH:
        return visitCatch(w, node as TS.CatchClause);
      case C.BLOCK: {
        // A function body shares the function's scope; any other block opens one.
        if (node === w.functionBody) {
          w.functionBody = undefined;
          break;
        }
        const scope = log.open(SCOPE.BLOCK);
        visitChildren(node);
        log.close(scope);
        return;
      }
      case C.FOR: {
        decide();
        const scope = log.open(SCOPE.BLOCK);
        visitChildren(node);
        log.close(scope);
        return;
      }
      case C.VARIABLE_LIST: {
        const saved = w.blockScoped;
        w.blockScoped = (node.flags & ts.NodeFlags.BlockScoped) !== 0;
        visitChildren(node);
        w.blockScoped = saved;
        return;
      }
      case C.OBJECT_LITERAL:
        if (
          !lean &&
          visitLongLiteral(w, node as TS.ObjectLiteralExpression, (node as TS.ObjectLiteralExpression).properties)
        )
          return;
        break;
      case C.ARRAY_LITERAL:
        if (
          !lean &&
          visitLongLiteral(w, node as TS.ArrayLiteralExpression, (node as TS.ArrayLiteralExpression).elements)
        )
          return;
        break;
      case C.DEFAULT_CLAUSE:
        if (!lean) return visitCaseClause(w, node as TS.DefaultClause);
        break;
      case C.CONDITIONAL:
        decide();
        log.push(EV.BRANCH, raw((node as TS.ConditionalExpression).condition));
        break;
      case C.LOOP_OR_CATCH:
        decide();
        break;
      case C.FOR_IN_OF: {
        decide();
        const f = node as TS.ForOfStatement;
        const scope = log.open(SCOPE.BLOCK);
        if (ts.isVariableDeclarationList(f.initializer)) visit(f.initializer);
        else visitTarget(w, f.initializer);
        visit(f.expression);
        visit(f.statement, node);
        log.close(scope);
        return;
      }
      case C.CASE:
        if (!lean) return visitCaseClause(w, node as TS.CaseClause);
        if (!modified) decide();
        break;
      case C.SWITCH:
        if (modified) decide();
        break;
      case C.BINARY: {
        const b = node as TS.BinaryExpression;
        const op = b.operatorToken.kind;
        if (
          op === K.AmpersandAmpersandToken ||
          op === K.BarBarToken ||
          op === K.QuestionQuestionToken ||
          op === K.AmpersandAmpersandEqualsToken ||
          op === K.BarBarEqualsToken ||
          op === K.QuestionQuestionEqualsToken
        )
          decide();
        if (op === K.EqualsToken || (op >= K.FirstCompoundAssignment && op <= K.LastCompoundAssignment))
          return visitAssignment(w, b, op);
        break;
      }
      case C.UNARY: {
        const op = (node as TS.PrefixUnaryExpression).operator;
        if (op === K.PlusPlusToken || op === K.MinusMinusToken) {
          const base = baseIdentifier(ts, (node as TS.PrefixUnaryExpression).operand);
          if (base) log.push(EV.WRITE, base);
        }
        break;
      }
      case C.PROPERTY_ACCESS: {
        const p = node as TS.PropertyAccessExpression;
        if (p.questionDotToken && countOptional) decide();
        visit(p.expression);
        markNode(w, p.name, start(p.name));
        return;
      }
      case C.ELEMENT_ACCESS:
        if ((node as TS.ElementAccessExpression).questionDotToken && countOptional) decide();
        break;
      case C.CALL: {
        const c = node as TS.CallExpression;
        if (c.questionDotToken && countOptional) decide();
        const callee = calleeName(ts, c.expression);
        if (callee) log.push(EV.CALL, callee);
        break;
      }
      case C.NEW: {
        const callee = calleeName(ts, (node as TS.NewExpression).expression);
        if (callee) log.push(EV.CALL, `new ${callee}`);
        break;
      }
      case C.RETURN_OR_YIELD:
        if ((node as TS.ReturnStatement).expression) log.push(EV.RETURN, '');
        break;
      case C.PARAMETER:
        return visitParameter(w, node as TS.ParameterDeclaration);
      case C.VARIABLE_DECLARATION:
        return visitVariableDeclaration(w, node as TS.VariableDeclaration);
      case C.FUNCTION:
        visitFunction(w, node as TS.FunctionLikeDeclaration, undefined, 'none', undefined);
        if (node.kind === K.FunctionDeclaration && hasModifiers(node))
          exportModifiers(w, node, [(node as TS.FunctionDeclaration).name?.text ?? 'default'], 'function');
        return;
      case C.METHOD: {
        const inClass = parent && (parent.kind === K.ClassDeclaration || parent.kind === K.ClassExpression);
        visitFunction(
          w,
          node as TS.FunctionLikeDeclaration,
          node,
          inClass ? 'method-definition' : 'property',
          undefined,
        );
        return;
      }
      case C.PROPERTY_ASSIGNMENT:
        return visitPropertyAssignment(w, node as TS.PropertyAssignment);
      case C.SHORTHAND_PROPERTY:
        return visitShorthandProperty(w, node as TS.ShorthandPropertyAssignment);
      case C.PROPERTY_DECLARATION:
        return visitPropertyDeclaration(w, node as TS.PropertyDeclaration, parent);
      case C.STATIC_BLOCK:
        return visitStaticBlock(w, node as TS.ClassStaticBlockDeclaration);
      case C.CLASS:
        visitClass(w, node as TS.ClassLikeDeclaration);
        if (node.kind === K.ClassDeclaration && hasModifiers(node))
          exportModifiers(w, node, [(node as TS.ClassDeclaration).name?.text ?? 'default'], 'class');
        return;
      case C.IMPORT:
        visitImport(w, node as TS.ImportDeclaration);
        return;
      case C.IMPORT_EQUALS:
        visitImportEquals(w, node as TS.ImportEqualsDeclaration);
        return;
      case C.EXPORT_DECLARATION:
        visitExportDeclaration(w, node as TS.ExportDeclaration);
        return;
      case C.EXPORT_ASSIGNMENT:
        exports.push({
          name: (node as TS.ExportAssignment).isExportEquals ? 'export=' : 'default',
          kind: 'expression',
          line: lineOf(start(node)),
        });
        break;
      case C.VARIABLE_STATEMENT: {
        const v = node as TS.VariableStatement;
        if (hasModifiers(node))
          exportModifiers(
            w,
            node,
            v.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : [])),
            'variable',
          );
        visit(v.declarationList);
        return;
      }
      case C.TYPE_DECLARATION:
        return visitTypeDeclaration(w, node as TS.InterfaceDeclaration);
      case C.LABELED:
        markNode(w, (node as TS.LabeledStatement).label, start((node as TS.LabeledStatement).label));
        visit((node as TS.LabeledStatement).statement, node);
        return;
      case C.BREAK_OR_CONTINUE:
        return;
      case C.JSX_ATTRIBUTE: {
        const a = node as TS.JsxAttribute;
        if (a.initializer) visit(a.initializer);
        return;
      }
      case C.JSX_TAG: {
        const tag = (node as TS.JsxOpeningElement).tagName;
        if (ts.isIdentifier(tag) && /^[A-Z]/.test(tag.text) && node.kind !== K.JsxClosingElement)
          log.push(EV.USE, tag.text);
        else if (!ts.isIdentifier(tag)) visit(tag);
        markNode(w, tag, start(tag));
        (node as TS.JsxOpeningElement).typeArguments?.forEach(visitType);
        if (node.kind !== K.JsxClosingElement) visit((node as TS.JsxOpeningElement).attributes);
        return;
      }
      case C.SKIPPED:
        return;
      case C.TYPE_PARAMETER:
        visitType(node);
        return;
      case C.TYPE_ASSERTION:
        visit((node as TS.AsExpression).expression);
        visitType((node as TS.AsExpression).type);
        return;
      case C.NAMESPACE: {
        const m = node as TS.ModuleDeclaration;
        if (ts.isIdentifier(m.name)) log.def(EV.DEF_VALUE, m.name.text, lineOf(start(m.name)));
        if (m.body) {
          const scope = log.open(SCOPE.BLOCK);
          visit(m.body, node);
          log.close(scope);
        }
        return;
      }
      default:
        break;
    }
    visitChildren(node);
  }
  function visitChildren(node: TS.Node): void {
    const saved = currentParent;
    currentParent = node;
    ts.forEachChild(node, visitChild);
    currentParent = saved;
  }
  // One callback for every forEachChild call (a closure per node would feed the GC).
  let currentParent: TS.Node | undefined;
  function visitChild(c: TS.Node): void {
    visit(c, currentParent);
  }

  w.visit = visit;
  w.visitType = visitType;
  for (const st of sf.statements) visit(st, sf);
}
