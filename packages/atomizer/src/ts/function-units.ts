import type * as TS from 'typescript';
import { EV, SCOPE } from '../events.js';
import type { FunctionRecord, ParameterInfo } from '../types.js';
import { eslintFunctionName, eslintHeadOffset, staticKeyName, type OwnerRole } from './eslint-names.js';
import type { TsWalk, Unit } from './walk-state.js';

// Function units follow ESLint's code paths: every function, class field initializer and static
// block counts its own complexity, and a decision belongs to the innermost open unit.

function paramsOf(w: TsWalk, fn: TS.SignatureDeclarationBase): ParameterInfo[] {
  const { ts } = w;
  return fn.parameters.map((p) => ({
    name: ts.isIdentifier(p.name) ? p.name.text : w.textOf(p.name),
    type: p.type ? w.textOf(p.type) : undefined,
    optional: !!p.questionToken || !!p.initializer || undefined,
    defaultValue: p.initializer ? w.short(p.initializer) : undefined,
    rest: !!p.dotDotDotToken || undefined,
  }));
}

/** Opens a unit: records the function and makes it the target of decisions until endUnit. */
export function beginUnit(
  w: TsWalk,
  node: TS.Node,
  kind: string,
  name: string,
  reportOffset: number,
  reportName: string,
  fnNode?: TS.FunctionLikeDeclaration,
): Unit {
  const { ts } = w;
  const mods = fnNode && ts.canHaveModifiers(fnNode) ? ts.getModifiers(fnNode) : undefined;
  const rl = w.lineOf(reportOffset);
  const fn: FunctionRecord = {
    name,
    kind,
    qualifiedName: [...w.names, name].join('.'),
    startLine: w.lineOf(w.start(node)),
    endLine: w.lineOf(Math.max(w.start(node), node.end - 1)),
    loc: 0,
    physicalLoc: 0,
    complexity: 1,
    params: fnNode && !w.lean ? paramsOf(w, fnNode) : [],
    returnType: fnNode?.type && !w.lean ? w.textOf(fnNode.type) : undefined,
    headerEnd: fnNode?.body && !w.lean ? w.lineOf(w.start(fnNode.body)) : undefined,
    async: mods?.some((m) => m.kind === w.K.AsyncKeyword) ?? false,
    generator: !!(fnNode as TS.FunctionDeclaration | undefined)?.asteriskToken,
    reportLine: rl,
    reportColumn: reportOffset - w.index.starts[rl - 1]! + 1,
    reportName,
    reported: true,
  };
  w.functions.push(fn);
  const unit = { fn, count: 1 };
  w.units.push(unit);
  w.names.push(name);
  return unit;
}

export function endUnit(w: TsWalk, unit: Unit): void {
  unit.fn.complexity = unit.count;
  w.units.pop();
  w.names.pop();
}

function functionKind(K: typeof TS.SyntaxKind, fn: TS.FunctionLikeDeclaration, role: OwnerRole): string {
  switch (fn.kind) {
    case K.Constructor:
      return 'constructor';
    case K.GetAccessor:
      return 'getter';
    case K.SetAccessor:
      return 'setter';
    case K.MethodDeclaration:
      return 'method';
    case K.ArrowFunction:
      return role === 'none' ? 'arrow' : 'method';
    case K.FunctionExpression:
      return role === 'none' ? 'function-expression' : 'method';
    default:
      return 'function';
  }
}

/** A function-like node: its key/decorators belong to the enclosing unit, params and body to its own. */
export function visitFunction(
  w: TsWalk,
  fn: TS.FunctionLikeDeclaration,
  owner: TS.Node | undefined,
  role: OwnerRole,
  boundName: string | undefined,
): void {
  const { ts, K } = w;
  const hasBody = !!fn.body;
  const defLine = () => w.lineOf(w.start(fn.name ?? fn));
  if (!hasBody) {
    // Overloads and abstract members: no code path in ESLint, only types; their parameters bind nothing outside.
    if (fn.kind === K.FunctionDeclaration && fn.name) w.log.def(EV.DEF_FUNCTION, fn.name.text, defLine());
    const decs = ts.canHaveDecorators(fn) ? ts.getDecorators(fn) : undefined;
    decs?.forEach((d) => w.visit(d));
    if (fn.name && ts.isComputedPropertyName(fn.name)) w.visit(fn.name.expression);
    const scope = w.log.open(SCOPE.TYPE);
    fn.typeParameters?.forEach(w.visitType);
    for (const p of fn.parameters) w.visit(p);
    if (fn.type) w.visitType(fn.type);
    w.log.close(scope);
    return;
  }
  const name =
    fn.kind === K.Constructor
      ? 'constructor'
      : (boundName ??
        (fn.name && (ts.isIdentifier(fn.name) || ts.isPrivateIdentifier(fn.name))
          ? ts.idText(fn.name)
          : (staticKeyName(ts, fn.name) ?? '<anonymous>')));
  if (fn.kind === K.FunctionDeclaration && fn.name) w.log.def(EV.DEF_FUNCTION, fn.name.text, defLine());
  // The key and decorators of methods are outside the function's code path.
  if (fn.kind !== K.FunctionExpression && fn.kind !== K.ArrowFunction && fn.kind !== K.FunctionDeclaration) {
    const decs = ts.canHaveDecorators(fn) ? ts.getDecorators(fn) : undefined;
    decs?.forEach((d) => w.visit(d));
    if (fn.name && ts.isComputedPropertyName(fn.name)) w.visit(fn.name.expression);
  }
  const unit = beginUnit(
    w,
    fn,
    functionKind(K, fn, role),
    name,
    eslintHeadOffset(ts, w.sf, fn, owner, role),
    eslintFunctionName(ts, fn, owner, role),
    fn,
  );
  w.functionDepth++;
  const scope = w.log.open(SCOPE.FUNCTION);
  if (fn.kind === K.FunctionExpression && fn.name) w.log.def(EV.DEF_FUNCTION, fn.name.text, defLine());
  fn.typeParameters?.forEach(w.visitType);
  for (const p of fn.parameters) w.visit(p);
  if (fn.type) w.visitType(fn.type);
  // The body block shares the function's scope (parameters and top-level `let` live together).
  w.functionBody = fn.body;
  w.visit(fn.body!);
  w.functionBody = undefined;
  w.log.close(scope);
  w.functionDepth--;
  endUnit(w, unit);
}
