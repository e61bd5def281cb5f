import type * as TS from 'typescript';
import { EV } from '../events.js';
import { visitBindingName, visitTarget } from './declarations.js';
import { staticKeyName } from './eslint-names.js';
import { beginUnit, endUnit, visitFunction } from './function-units.js';
import { requireImport } from './module-syntax.js';
import { baseIdentifier, isFunctionValue, markNode, skipParens, type TsWalk } from './walk-state.js';

// Where a value is bound to a name or a property: assignments, parameters, variable declarations,
// object properties and class fields. A function value is bound to the name it is given (its unit's
// name), and a class field initializer or static block is a function unit of its own (ESLint).

/** `a = v` or `a op= v`: the target is written, and a function value takes the target's name. */
export function visitAssignment(w: TsWalk, b: TS.BinaryExpression, op: TS.SyntaxKind): void {
  const { ts, K } = w;
  if (op === K.EqualsToken) visitTarget(w, b.left);
  else {
    const base = baseIdentifier(ts, b.left);
    if (base) w.log.push(EV.WRITE, base);
    w.visit(b.left);
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
  } else w.visit(b.right);
}

/** A parameter: decorators, type, default value (a decision when defaults count), then its bound names. */
export function visitParameter(w: TsWalk, p: TS.ParameterDeclaration): void {
  const { ts, log } = w;
  ts.getDecorators(p)?.forEach((d) => w.visit(d));
  if (p.type) w.visitType(p.type);
  if (p.initializer) {
    if (w.countDefaults) w.decide();
    w.visit(p.initializer);
  }
  visitBindingName(w, p.name, EV.DEF_PARAM, log.current, p.type && !w.lean ? w.textOf(p.type) : undefined);
}

/** `const x = …`: binds x as a value, a function, a class or (top-level `require`) an import. */
export function visitVariableDeclaration(w: TsWalk, d: TS.VariableDeclaration): void {
  const { ts, K, log } = w;
  let kind: number = EV.DEF_VALUE;
  if (w.functionDepth === 0 && w.frames.length === 1 && requireImport(w, d)) kind = EV.DEF_IMPORT;
  if (d.type) w.visitType(d.type);
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
    w.visit(d.initializer);
  }
  // `var` lives in the function; `let`/`const`/`using` and catch parameters in the block.
  const scope = w.blockScoped ? log.current : log.scopeFunction[log.current]!;
  visitBindingName(w, d.name, kind, scope, d.type && !w.lean ? w.textOf(d.type) : undefined);
}

/** `key: value` in an object literal: a function value is named by its static key. */
export function visitPropertyAssignment(w: TsWalk, p: TS.PropertyAssignment): void {
  const { ts } = w;
  if (ts.isComputedPropertyName(p.name)) w.visit(p.name.expression);
  else markNode(w, p.name, w.start(p.name));
  const v = skipParens(ts, p.initializer);
  if (isFunctionValue(ts, v)) visitFunction(w, v, p, 'property', staticKeyName(ts, p.name) ?? undefined);
  else w.visit(p.initializer);
}

/** `{ x }` uses x; `{ x = d }` (a destructuring default) is a decision when defaults count. */
export function visitShorthandProperty(w: TsWalk, p: TS.ShorthandPropertyAssignment): void {
  w.log.push(EV.USE, p.name.text);
  if (p.objectAssignmentInitializer) {
    if (w.countDefaults) w.decide();
    w.visit(p.objectAssignmentInitializer);
  }
}

/** A property declaration; in a class, its initializer is a `class-field` unit of its own. */
export function visitPropertyDeclaration(w: TsWalk, p: TS.PropertyDeclaration, parent: TS.Node | undefined): void {
  const { ts, K } = w;
  ts.getDecorators(p)?.forEach((d) => w.visit(d));
  if (ts.isComputedPropertyName(p.name)) w.visit(p.name.expression);
  if (p.type) w.visitType(p.type);
  if (!p.initializer) return;
  const inClass = parent && (parent.kind === K.ClassDeclaration || parent.kind === K.ClassExpression);
  if (!inClass) {
    w.visit(p.initializer);
    return;
  }
  const v = skipParens(ts, p.initializer);
  const keyName = staticKeyName(ts, p.name) ?? '<computed>';
  const unit = beginUnit(w, p.initializer, 'class-field', keyName, w.start(v), 'Class field initializer');
  w.functionDepth++;
  if (isFunctionValue(ts, v)) visitFunction(w, v, p, 'property-definition', keyName);
  else w.visit(p.initializer);
  w.functionDepth--;
  endUnit(w, unit);
}

/** `static { … }` in a class: a `static-block` unit of its own. */
export function visitStaticBlock(w: TsWalk, node: TS.ClassStaticBlockDeclaration): void {
  const unit = beginUnit(w, node, 'static-block', 'static', w.start(node), 'Class static block');
  w.functionDepth++;
  w.visit(node.body);
  w.functionDepth--;
  endUnit(w, unit);
}
