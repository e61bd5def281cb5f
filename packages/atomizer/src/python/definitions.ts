import type { Node } from 'web-tree-sitter';
import { EV } from '../events.js';
import type { ClassRecord, FunctionRecord, ParameterInfo } from '../types.js';
import { McCabeVisitor, statementsOf } from './mccabe.js';
import { baseName, endLine, line, markLeaf, short, type PyWalk } from './walk-state.js';

// Definitions: assignment targets, functions (with their parameters) and classes. Function
// complexity comes from mccabe's own graph unless the radon variant counts decisions itself.

export function defineTarget(w: PyWalk, n: Node | null): void {
  if (!n) return;
  if (n.type === 'identifier') {
    const name = n.text;
    const globals = w.globalsStack[w.globalsStack.length - 1];
    if (globals?.has(name)) w.log.push(EV.WRITE, name);
    else w.log.push(EV.DEF, name);
    if (w.functionDepth === 0 && w.frames.length <= 1) w.moduleBindings.add(name);
    markLeaf(w, n);
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

function paramsOf(w: PyWalk, params: Node | null): ParameterInfo[] {
  const out: ParameterInfo[] = [];
  for (const p of params?.namedChildren ?? []) {
    if (!p) continue;
    const nameNode =
      p.type === 'identifier'
        ? p
        : (p.childForFieldName('name') ??
          p.namedChildren.find(
            (c) =>
              c?.type === 'identifier' || c?.type === 'list_splat_pattern' || c?.type === 'dictionary_splat_pattern',
          ) ??
          null);
    if (!nameNode) continue;
    const rest =
      nameNode.type === 'list_splat_pattern' ||
      nameNode.type === 'dictionary_splat_pattern' ||
      p.type === 'list_splat_pattern' ||
      p.type === 'dictionary_splat_pattern';
    const name = nameNode.text.replace(/^\*+/, '');
    if (name === '' || name === '/') continue;
    const type = p.childForFieldName('type');
    const value = p.childForFieldName('value');
    out.push({
      name,
      type: type ? type.text : undefined,
      optional: value ? true : undefined,
      defaultValue: value ? short(value) : undefined,
      rest: rest || undefined,
    });
  }
  return out;
}

export function visitFunction(w: PyWalk, node: Node, kind: string, statementNode: Node): void {
  const nameNode = node.childForFieldName('name');
  const name = kind === 'lambda' ? '<lambda>' : (nameNode?.text ?? '<anonymous>');
  if (nameNode) {
    w.log.push(EV.DEF, name);
    markLeaf(w, nameNode);
  }
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
    params: paramsOf(w, params),
    returnType: ret ? ret.text : undefined,
    async: node.children.some((c) => c?.type === 'async'),
    generator: false,
    reportLine: line(node),
    reportColumn: node.startPosition.column + 1,
    reportName: `'${[...w.names.slice(0, w.functionDepth === 0 ? w.names.length : 0), name].join('.')}'`,
    reported: false,
  };
  w.functions.push(fn);
  if (kind !== 'lambda') w.byDefLine.set(line(node), fn);
  const unit = { fn, count: 1 };
  w.units.push(unit);
  w.names.push(name);
  w.scopeKinds.push('function');
  w.functionDepth++;
  w.globalsStack.push(new Set());
  for (const c of node.children) {
    if (!c || c === nameNode) continue;
    if (c === params) visitParams(w, c);
    else w.visit(c);
  }
  w.globalsStack.pop();
  w.functionDepth--;
  w.names.pop();
  w.scopeKinds.pop();
  w.units.pop();
  if (w.radon || kind === 'lambda') fn.complexity = unit.count;
  else fn.complexity = McCabeVisitor.functionComplexity(node);
}

function visitParams(w: PyWalk, params: Node): void {
  markLeaf(w, params);
  for (const p of params.namedChildren) {
    if (!p) continue;
    const type = p.childForFieldName('type');
    const value = p.childForFieldName('value');
    if (type) w.visit(type);
    if (value) w.visit(value);
    const nameNode =
      p.type === 'identifier'
        ? p
        : (p.childForFieldName('name') ??
          p.namedChildren.find(
            (c) =>
              c?.type === 'identifier' || c?.type === 'list_splat_pattern' || c?.type === 'dictionary_splat_pattern',
          ) ??
          null);
    if (nameNode) {
      const n = nameNode.text.replace(/^\*+/, '');
      if (n) w.log.push(EV.DEF, n);
    }
    markLeaf(w, p);
  }
}

export function visitClass(w: PyWalk, node: Node, statementNode: Node): void {
  const nameNode = node.childForFieldName('name');
  const name = nameNode?.text ?? '<anonymous>';
  w.log.push(EV.DEF, name);
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
  if (supers) w.visit(supers);
  if (nameNode) markLeaf(w, nameNode);
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
  if (body) w.visit(body);
  w.names.pop();
  w.scopeKinds.pop();
}
