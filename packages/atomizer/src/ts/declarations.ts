import type * as TS from 'typescript';
import { EV, SCOPE } from '../events.js';
import type { ClassRecord } from '../types.js';
import { staticKeyName } from './eslint-names.js';
import { statementKind } from './statements.js';
import { baseIdentifier, markNode, skipParens, type TsWalk } from './walk-state.js';

// Bindings, assignment targets and classes: where names are defined or written, and where ESLint
// counts destructuring defaults (ESTree AssignmentPatterns) as decisions.

/**
 * Binds the names of a declaration (an identifier or a destructuring pattern) in `scope`; `kind` is
 * the EV.DEF_* code and `type` the declared type text of a plain identifier.
 */
export function visitBindingName(w: TsWalk, name: TS.BindingName, kind: number, scope: number, type?: string): void {
  const { ts } = w;
  if (ts.isIdentifier(name)) {
    if (!w.lean) w.log.def(kind, name.text, w.lineOf(w.start(name)), type, scope);
    return;
  }
  for (const el of name.elements) {
    if (ts.isOmittedExpression(el)) continue;
    if (el.propertyName && ts.isComputedPropertyName(el.propertyName)) w.visit(el.propertyName.expression);
    if (el.initializer) {
      if (w.countDefaults) w.decide();
      w.visit(el.initializer);
    }
    visitBindingName(w, el.name, kind === EV.DEF_FUNCTION ? EV.DEF_VALUE : kind, scope);
  }
}

/** Destructuring assignment targets: defaults there are ESTree AssignmentPatterns. */
export function visitTarget(w: TsWalk, e: TS.Expression): void {
  const { ts, K } = w;
  markNode(w, e, w.start(e));
  const inner = skipParens(ts, e);
  if (ts.isArrayLiteralExpression(inner)) {
    for (const el of inner.elements) {
      if (ts.isBinaryExpression(el) && el.operatorToken.kind === K.EqualsToken) {
        if (w.countDefaults) w.decide();
        visitTarget(w, el.left);
        w.visit(el.right);
      } else if (ts.isSpreadElement(el)) visitTarget(w, el.expression);
      else if (!ts.isOmittedExpression(el)) visitTarget(w, el);
    }
    return;
  }
  if (ts.isObjectLiteralExpression(inner)) {
    for (const p of inner.properties) {
      markNode(w, p, w.start(p));
      if (ts.isPropertyAssignment(p)) {
        if (ts.isComputedPropertyName(p.name)) w.visit(p.name.expression);
        const v = p.initializer;
        if (ts.isBinaryExpression(v) && v.operatorToken.kind === K.EqualsToken) {
          if (w.countDefaults) w.decide();
          visitTarget(w, v.left);
          w.visit(v.right);
        } else visitTarget(w, v);
      } else if (ts.isShorthandPropertyAssignment(p)) {
        w.log.push(EV.WRITE, p.name.text);
        if (p.objectAssignmentInitializer) {
          if (w.countDefaults) w.decide();
          w.visit(p.objectAssignmentInitializer);
        }
      } else if (ts.isSpreadAssignment(p)) visitTarget(w, p.expression);
    }
    return;
  }
  const base = baseIdentifier(ts, inner);
  if (base) w.log.push(EV.WRITE, base);
  w.visit(inner);
}

export function visitClass(w: TsWalk, node: TS.ClassLikeDeclaration): void {
  const { ts, K } = w;
  const name = node.name?.text ?? '<anonymous>';
  const line = w.lineOf(w.start(node));
  // A class declaration binds its name where it stands; a class expression only inside itself.
  if (node.name && node.kind === K.ClassDeclaration) w.log.def(EV.DEF_CLASS, name, line);
  ts.getDecorators(node)?.forEach((d) => w.visit(d));
  const bases: string[] = [];
  for (const h of node.heritageClauses ?? []) {
    for (const t of h.types) {
      bases.push(w.textOf(t.expression));
      // `extends` is a runtime expression; `implements` is a type.
      if (h.token === K.ExtendsKeyword) {
        w.visit(t.expression);
        t.typeArguments?.forEach(w.visitType);
      } else w.visitType(t);
    }
  }
  const scope = w.log.open(SCOPE.CLASS);
  if (node.name && node.kind !== K.ClassDeclaration) w.log.def(EV.DEF_CLASS, name, line);
  node.typeParameters?.forEach(w.visitType);
  const record: ClassRecord = {
    name,
    startLine: line,
    endLine: w.lineOf(node.end - 1),
    loc: 0,
    bases,
    members: [],
  };
  w.classes.push(record);
  if (node.name) w.types.push({ name, kind: 'class', startLine: record.startLine, endLine: record.endLine });
  w.names.push(name);
  for (const m of node.members) {
    const isStatic =
      (ts.canHaveModifiers(m) ? ts.getModifiers(m) : undefined)?.some((x) => x.kind === K.StaticKeyword) || undefined;
    const mName =
      m.kind === K.Constructor
        ? 'constructor'
        : m.kind === K.ClassStaticBlockDeclaration
          ? 'static'
          : m.name
            ? ts.isPrivateIdentifier(m.name) || ts.isIdentifier(m.name)
              ? ts.idText(m.name)
              : (staticKeyName(ts, m.name) ?? w.textOf(m.name))
            : '';
    record.members.push({ name: mName, kind: statementKind(K, m), line: w.lineOf(w.start(m)), static: isStatic });
    w.visit(m, node);
  }
  w.names.pop();
  w.log.close(scope);
}
