import type * as TS from 'typescript';
import { EV, SCOPE } from '../events.js';
import { visitCaseClause, visitCatch, visitIf, visitLongLiteral, visitTry, visitTypeMembers } from './compound.js';
import { visitBindingName, visitClass, visitTarget } from './declarations.js';
import { staticKeyName } from './eslint-names.js';
import { beginUnit, endUnit, visitFunction } from './function-units.js';
import {
  exportModifiers,
  requireImport,
  visitExportDeclaration,
  visitImport,
  visitImportEquals,
} from './module-syntax.js';
import { C, kindTables } from './node-kinds.js';
import { closeStatement, openStatement } from './statements.js';
import {
  baseIdentifier,
  calleeName,
  isFunctionValue,
  markNode,
  markSpan,
  skipParens,
  type TsWalk,
} from './walk-state.js';

/**
 * Walks the whole file once: complexity per function unit, source lines, symbol events, the
 * statement tree, imports, exports and type definitions. The visitors are closures over the walk's
 * state (locals are cheaper than property loads on this hot path) and are published on `w` for the
 * modules the walk calls into.
 */
// Most declarations carry no modifiers: checking the node's own list first spares building the
// list of exported names (and the compiler's modifier-flag lookup) for every one of them.
function hasModifiers(node: TS.Node): boolean {
  return (node as { modifiers?: TS.NodeArray<TS.ModifierLike> }).modifiers !== undefined;
}

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
    countDefaults,
    modified,
    functions,
    exports,
    types,
    frames,
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
        if (op === K.EqualsToken || (op >= K.FirstCompoundAssignment && op <= K.LastCompoundAssignment)) {
          if (op === K.EqualsToken) visitTarget(w, b.left);
          else {
            const base = baseIdentifier(ts, b.left);
            if (base) log.push(EV.WRITE, base);
            visit(b.left);
          }
          // A function assigned to a name is bound to it.
          const right = skipParens(ts, b.right);
          if (isFunctionValue(ts, right)) {
            const nm = ts.isPropertyAccessExpression(b.left)
              ? b.left.name.text
              : ts.isIdentifier(b.left)
                ? b.left.text
                : undefined;
            visitFunction(
              w,
              right,
              undefined,
              'none',
              right.kind === K.FunctionExpression && right.name ? right.name.text : nm,
            );
          } else visit(b.right);
          return;
        }
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
      case C.PARAMETER: {
        const p = node as TS.ParameterDeclaration;
        ts.getDecorators(p)?.forEach((d) => visit(d));
        if (p.type) visitType(p.type);
        if (p.initializer) {
          if (countDefaults) decide();
          visit(p.initializer);
        }
        visitBindingName(w, p.name, EV.DEF_PARAM, log.current, p.type && !lean ? w.textOf(p.type) : undefined);
        return;
      }
      case C.VARIABLE_DECLARATION: {
        const d = node as TS.VariableDeclaration;
        let kind: number = EV.DEF_VALUE;
        if (w.functionDepth === 0 && frames.length === 1 && requireImport(w, d)) kind = EV.DEF_IMPORT;
        if (d.type) visitType(d.type);
        const init = d.initializer && skipParens(ts, d.initializer);
        if (isFunctionValue(ts, init) && ts.isIdentifier(d.name)) {
          kind = EV.DEF_FUNCTION;
          visitFunction(
            w,
            init,
            undefined,
            'none',
            init.kind === K.FunctionExpression && init.name ? init.name.text : d.name.text,
          );
        } else if (d.initializer) {
          if (init!.kind === K.ClassExpression) kind = EV.DEF_CLASS;
          visit(d.initializer);
        }
        // `var` lives in the function; `let`/`const`/`using` and catch parameters in the block.
        const scope = w.blockScoped ? log.current : log.scopeFunction[log.current]!;
        visitBindingName(w, d.name, kind, scope, d.type && !lean ? w.textOf(d.type) : undefined);
        return;
      }
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
      case C.PROPERTY_ASSIGNMENT: {
        const p = node as TS.PropertyAssignment;
        if (ts.isComputedPropertyName(p.name)) visit(p.name.expression);
        else markNode(w, p.name, start(p.name));
        const v = skipParens(ts, p.initializer);
        if (isFunctionValue(ts, v)) visitFunction(w, v, p, 'property', staticKeyName(ts, p.name) ?? undefined);
        else visit(p.initializer);
        return;
      }
      case C.SHORTHAND_PROPERTY: {
        const p = node as TS.ShorthandPropertyAssignment;
        log.push(EV.USE, p.name.text);
        if (p.objectAssignmentInitializer) {
          if (countDefaults) decide();
          visit(p.objectAssignmentInitializer);
        }
        return;
      }
      case C.PROPERTY_DECLARATION: {
        const p = node as TS.PropertyDeclaration;
        ts.getDecorators(p)?.forEach((d) => visit(d));
        if (ts.isComputedPropertyName(p.name)) visit(p.name.expression);
        if (p.type) visitType(p.type);
        if (!p.initializer) return;
        const inClass = parent && (parent.kind === K.ClassDeclaration || parent.kind === K.ClassExpression);
        if (!inClass) {
          visit(p.initializer);
          return;
        }
        const v = skipParens(ts, p.initializer);
        const keyName = staticKeyName(ts, p.name) ?? '<computed>';
        const unit = beginUnit(w, p.initializer, 'class-field', keyName, start(v), 'Class field initializer');
        w.functionDepth++;
        if (isFunctionValue(ts, v)) visitFunction(w, v, p, 'property-definition', keyName);
        else visit(p.initializer);
        w.functionDepth--;
        endUnit(w, unit);
        return;
      }
      case C.STATIC_BLOCK: {
        const unit = beginUnit(w, node, 'static-block', 'static', start(node), 'Class static block');
        w.functionDepth++;
        visit((node as TS.ClassStaticBlockDeclaration).body);
        w.functionDepth--;
        endUnit(w, unit);
        return;
      }
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
      case C.TYPE_DECLARATION: {
        const d = node as TS.InterfaceDeclaration;
        const kind =
          node.kind === K.InterfaceDeclaration ? 'interface' : node.kind === K.TypeAliasDeclaration ? 'type' : 'enum';
        const line = lineOf(start(node));
        types.push({ name: d.name.text, kind, startLine: line, endLine: lineOf(node.end - 1) });
        if (hasModifiers(node)) exportModifiers(w, node, [d.name.text], kind);
        log.def(EV.DEF_TYPE, d.name.text, line);
        if (kind === 'enum') {
          // Members are names inside the enum: an initializer may use an earlier member bare.
          const scope = log.open(SCOPE.BLOCK);
          for (const m of (node as TS.EnumDeclaration).members) {
            markNode(w, m, start(m));
            if (ts.isIdentifier(m.name)) log.def(EV.DEF_VALUE, m.name.text, lineOf(start(m)));
            if (m.initializer) visit(m.initializer);
          }
          log.close(scope);
          return;
        }
        const scope = log.open(SCOPE.TYPE);
        // A long interface or object type splits between its members, like a long literal.
        const literal = (node as TS.TypeAliasDeclaration).type;
        const members =
          node.kind === K.InterfaceDeclaration
            ? d.members
            : literal && ts.isTypeLiteralNode(literal)
              ? literal.members
              : undefined;
        const long = !lean && members !== undefined && visitTypeMembers(w, members, true);
        ts.forEachChild(node, (c) => {
          if (c === d.name) markNode(w, c, start(c));
          else if (long && node.kind === K.InterfaceDeclaration && members!.includes(c as TS.TypeElement)) return;
          else if (long && c === literal) markNode(w, c, start(c));
          else visitType(c);
        });
        if (long) visitTypeMembers(w, members, false);
        log.close(scope);
        return;
      }
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
