import type { Node } from 'web-tree-sitter';
import { EV, SCOPE } from '../events.js';
import type { ClassRecord, FunctionRecord, ParameterInfo } from '../types.js';
import { McCabeVisitor, statementsOf } from './mccabe.js';
import { baseName, bindName, endLine, line, markLeaf, same, short, type PyWalk } from './walk-state.js';

// Definitions: assignment targets, functions (with their parameters) and classes. Function
// complexity comes from mccabe's own graph unless the radon variant counts decisions itself.

/** Binds every name of an assignment target (`a`, `a, (b, *c)`); attributes and subscripts write their base. */
export function defineTarget(w: PyWalk, n: Node | null, type?: string): void {
  if (!n) return;
  if (n.type === 'identifier') {
    bindName(w, EV.DEF_VALUE, n, type);
    return;
  }
  if (n.type === 'attribute' || n.type === 'subscript') {
    const b = baseName(n);
    if (b) w.log.push(EV.WRITE, b);
    w.visit(n);
    return;
  }
  for (const c of n.namedChildren) if (c) defineTarget(w, c);
}

/** The identifier naming a parameter node (`x`, `x: int`, `x=1`, `*args`, `**kw`). */
function paramName(p: Node): Node | null {
  if (p.type === 'identifier') return p;
  const byField = p.childForFieldName('name');
  if (byField) return byField;
  const inner = p.namedChildren.find(
    (c) => c?.type === 'identifier' || c?.type === 'list_splat_pattern' || c?.type === 'dictionary_splat_pattern',
  );
  if (!inner) return null;
  if (inner.type === 'identifier') return inner;
  return inner.namedChildren.find((c) => c?.type === 'identifier') ?? null;
}

function paramsOf(params: Node | null): ParameterInfo[] {
  const out: ParameterInfo[] = [];
  for (const p of params?.namedChildren ?? []) {
    if (!p) continue;
    const nameNode = paramName(p);
    if (!nameNode) continue;
    const rest =
      p.type === 'list_splat_pattern' ||
      p.type === 'dictionary_splat_pattern' ||
      p.namedChildren.some((c) => c?.type === 'list_splat_pattern' || c?.type === 'dictionary_splat_pattern');
    const type = p.childForFieldName('type');
    const value = p.childForFieldName('value');
    out.push({
      name: nameNode.text,
      type: type ? type.text : undefined,
      optional: value ? true : undefined,
      defaultValue: value ? short(value) : undefined,
      rest: rest || undefined,
    });
  }
  return out;
}

/** The line of the `:` that ends a def/class/lambda header. */
function headerEndOf(node: Node): number | undefined {
  for (const c of node.children) if (c && c.type === ':') return line(c);
  return undefined;
}

export function visitFunction(w: PyWalk, node: Node, kind: string, statementNode: Node): void {
  const nameNode = node.childForFieldName('name');
  const name = kind === 'lambda' ? '<lambda>' : (nameNode?.text ?? '<anonymous>');
  if (nameNode) bindName(w, EV.DEF_FUNCTION, nameNode);
  const params = node.childForFieldName('parameters');
  const ret = node.childForFieldName('return_type');
  const inClass = w.scopeKinds[w.scopeKinds.length - 1] === 'class';
  const fn: FunctionRecord = {
    name,
    kind: kind === 'lambda' ? 'lambda' : inClass ? (name === '__init__' ? 'constructor' : 'method') : 'function',
    qualifiedName: [...w.names, name].join('.'),
    startLine: line(statementNode),
    endLine: endLine(statementNode),
    loc: 0,
    physicalLoc: 0,
    complexity: 1,
    params: paramsOf(params),
    returnType: ret ? ret.text : undefined,
    headerEnd: headerEndOf(node),
    async: node.children.some((c) => c?.type === 'async'),
    generator: false,
    reportLine: line(node),
    reportColumn: node.startPosition.column + 1,
    reportName: `'${[...w.names.slice(0, w.functionDepth === 0 ? w.names.length : 0), name].join('.')}'`,
    reported: false,
  };
  w.functions.push(fn);
  if (kind !== 'lambda') w.byDefLine.set(line(node), fn);
  const typeParams = node.childForFieldName('type_parameters');
  const typeScope = openTypeParams(w, typeParams);
  // Annotations and default values are evaluated where the function is defined, not inside it.
  if (params) visitParamParts(w, params);
  if (ret) w.visit(ret);
  const unit = { fn, count: 1 };
  w.units.push(unit);
  w.names.push(name);
  w.scopeKinds.push('function');
  w.functionDepth++;
  w.globalsStack.push(new Set());
  const scope = w.log.open(SCOPE.FUNCTION);
  if (params) bindParams(w, params);
  for (const c of node.children) {
    if (!c || same(c, nameNode) || same(c, params) || same(c, ret) || same(c, typeParams)) continue;
    w.visit(c);
  }
  w.log.close(scope);
  if (typeScope !== undefined) w.log.close(typeScope);
  w.globalsStack.pop();
  w.functionDepth--;
  w.names.pop();
  w.scopeKinds.pop();
  w.units.pop();
  if (w.radon || kind === 'lambda') fn.complexity = unit.count;
  else fn.complexity = McCabeVisitor.functionComplexity(node);
}

function visitParamParts(w: PyWalk, params: Node): void {
  for (const p of params.namedChildren) {
    if (!p) continue;
    const type = p.childForFieldName('type');
    const value = p.childForFieldName('value');
    if (type) w.visit(type);
    if (value) w.visit(value);
  }
}

function bindParams(w: PyWalk, params: Node): void {
  markLeaf(w, params);
  for (const p of params.namedChildren) {
    if (!p) continue;
    const nameNode = paramName(p);
    const type = p.childForFieldName('type');
    if (nameNode) w.log.def(EV.DEF_PARAM, nameNode.text, line(nameNode), type ? type.text : undefined);
    markLeaf(w, p);
  }
}

export function visitClass(w: PyWalk, node: Node, statementNode: Node): void {
  const nameNode = node.childForFieldName('name');
  const name = nameNode?.text ?? '<anonymous>';
  if (nameNode) bindName(w, EV.DEF_CLASS, nameNode);
  const supers = node.childForFieldName('superclasses');
  const record: ClassRecord = {
    name,
    startLine: line(statementNode),
    endLine: endLine(statementNode),
    loc: 0,
    bases: supers ? supers.namedChildren.filter((c) => c?.type !== 'keyword_argument').map((c) => c!.text) : [],
    members: [],
  };
  w.classes.push(record);
  w.types.push({ name, kind: 'class', startLine: record.startLine, endLine: record.endLine });
  // `class Box[T](Base[T])`: the type parameters are seen by the bases, the body and its methods.
  const typeScope = openTypeParams(w, node.childForFieldName('type_parameters'));
  if (supers) w.visit(supers);
  markLeaf(w, node.children[0]!);
  w.names.push(name);
  w.scopeKinds.push('class');
  const body = node.childForFieldName('body');
  for (const m of statementsOf(body)) {
    const def = m.type === 'decorated_definition' ? m.childForFieldName('definition') : m;
    if (def?.type === 'function_definition')
      record.members.push({ name: def.childForFieldName('name')?.text ?? '', kind: 'method', line: line(def) });
    else if (def?.type === 'class_definition')
      record.members.push({ name: def.childForFieldName('name')?.text ?? '', kind: 'class', line: line(def) });
    else if (m.type === 'expression_statement' && m.firstNamedChild?.type === 'assignment') {
      const left = m.firstNamedChild.childForFieldName('left');
      if (left?.type === 'identifier') record.members.push({ name: left.text, kind: 'property', line: line(m) });
    }
  }
  const scope = w.log.open(SCOPE.CLASS);
  if (body) w.visit(body);
  w.log.close(scope);
  if (typeScope !== undefined) w.log.close(typeScope);
  w.names.pop();
  w.scopeKinds.pop();
}

/**
 * PEP 695 type parameters (`[T: Bound, *Ts, **P]` of a def, class or `type` statement): bound in a
 * scope of their own, opened here (the caller closes it); bounds and constraints are type references.
 */
function openTypeParams(w: PyWalk, params: Node | null): number | undefined {
  if (!params) return undefined;
  const scope = w.log.open(SCOPE.TYPE);
  markLeaf(w, params);
  for (const p of params.namedChildren) {
    const param = p?.type === 'type' ? p.firstNamedChild : p;
    if (!param) continue;
    // `T`, `T: Bound` (constrained_type: the name's type node, then the bound), `*Ts` / `**P` (splat_type).
    const head = param.type === 'constrained_type' ? param.firstNamedChild?.firstNamedChild : param;
    const name = head?.type === 'splat_type' ? head.namedChildren.find((c) => c?.type === 'identifier') : head;
    if (name?.type === 'identifier') bindName(w, EV.DEF_TYPE, name);
    if (param.type === 'constrained_type') {
      for (const c of param.namedChildren.slice(1)) if (c) w.visit(c);
    } else if (name?.type !== 'identifier') w.visit(param); // what the grammar did not read as a parameter
  }
  return scope;
}

/** The name a `type` statement defines and its type parameters (`Point`, `[T]` of `type Point[T] = ...`). */
export function typeAliasTarget(node: Node): { name: Node | null; params: Node | null } {
  const target = node.childForFieldName('left')?.firstNamedChild;
  if (target?.type !== 'generic_type') return { name: target ?? null, params: null };
  return {
    name: target.firstNamedChild,
    params: target.namedChildren.find((c) => c?.type === 'type_parameter') ?? null,
  };
}

/** `type Name[T] = value` (PEP 695): a type the module defines, its parameters and lazily evaluated value. */
export function visitTypeAlias(w: PyWalk, node: Node): void {
  markLeaf(w, node.children[0]!);
  const { name, params } = typeAliasTarget(node);
  if (name?.type === 'identifier') {
    bindName(w, EV.DEF_TYPE, name);
    w.types.push({ name: name.text, kind: 'type', startLine: line(node), endLine: endLine(node) });
  }
  const typeScope = openTypeParams(w, params);
  const value = node.childForFieldName('right');
  if (value) w.visit(value);
  if (typeScope !== undefined) w.log.close(typeScope);
}

/** `expr as target` (with items, except clauses, case patterns): the expression, then the binding. */
export function visitAsPattern(w: PyWalk, node: Node): void {
  const named = node.namedChildren.filter((c): c is Node => c !== null);
  if (named.length === 0) return;
  const target = named.length > 1 ? named[named.length - 1]! : undefined;
  for (const c of named) if (!same(c, target)) w.visit(c);
  if (!target) return;
  const inner = target.type === 'as_pattern_target' ? (target.firstNamedChild ?? target) : target;
  defineTarget(w, inner);
  markLeaf(w, node);
}

/** `case` patterns: bare names capture (bind), dotted names and class names are read. */
export function visitPattern(w: PyWalk, n: Node): void {
  switch (n.type) {
    case 'dotted_name': {
      const parts = n.namedChildren;
      if (parts.length === 1 && n.parent?.type === 'case_pattern') {
        if (n.text !== '_') bindName(w, EV.DEF_VALUE, parts[0]!);
      } else w.visit(n);
      return;
    }
    case 'class_pattern': {
      const [cls, ...rest] = n.namedChildren;
      if (cls) w.visit(cls);
      for (const c of rest) if (c) visitPattern(w, c);
      return;
    }
    case 'keyword_pattern': {
      const [, ...rest] = n.namedChildren;
      for (const c of rest) if (c) visitPattern(w, c);
      return;
    }
    case 'splat_pattern':
    case 'as_pattern': {
      const named = n.namedChildren.filter((c): c is Node => c !== null);
      const last = named[named.length - 1];
      for (const c of named) {
        if (c === last && c.type === 'identifier') bindName(w, EV.DEF_VALUE, c);
        else visitPattern(w, c);
      }
      return;
    }
    case 'case_pattern':
    case 'list_pattern':
    case 'tuple_pattern':
    case 'dict_pattern':
    case 'union_pattern':
      for (const c of n.namedChildren) if (c) visitPattern(w, c);
      return;
    default:
      w.visit(n);
  }
}
