import type { Node } from 'web-tree-sitter';
import { EV, SCOPE } from '../events.js';
import { defineTarget, visitAsPattern, visitClass, visitFunction, visitTypeAlias } from './definitions.js';
import {
  countMatch,
  countWhile,
  visitBranchClause,
  visitElif,
  visitExcept,
  visitFor,
  visitIf,
  visitTry,
} from './compound.js';
import { visitImport } from './imports.js';
import { visitLongLiteral, visitStatement } from './statements.js';
import { baseName, decide, dotted, endLine, line, markLeaf, same, type PyWalk } from './walk-state.js';

/**
 * Walks a tree-sitter Python tree once: decisions, source lines, symbol events, the statement tree,
 * imports and definitions.
 */
export function walkModule(w: PyWalk, root: Node): void {
  function visit(node: Node): void {
    if (node.childCount === 0) {
      if (node.type === 'comment') return;
      markLeaf(w, node);
      if (node.type === 'identifier') w.log.push(w.typeMode > 0 ? EV.TYPE : EV.USE, node.text);
      return;
    }
    visitNode(node);
  }

  function visitNode(node: Node): void {
    switch (node.type) {
      case 'ERROR':
        break;
      case 'function_definition':
        visitFunction(w, node, 'function', node);
        return;
      case 'lambda':
        visitFunction(w, node, 'lambda', node);
        return;
      case 'class_definition':
        visitClass(w, node, node);
        return;
      case 'type_alias_statement':
        visitTypeAlias(w, node);
        return;
      case 'import_statement':
      case 'import_from_statement':
      case 'future_import_statement':
        visitImport(w, node);
        markLeaf(w, node);
        return;
      case 'type':
        w.typeMode++;
        for (const c of node.children) if (c) visit(c);
        w.typeMode--;
        return;
      case 'attribute': {
        visit(node.childForFieldName('object')!);
        for (const c of node.children) if (c && !same(c, node.childForFieldName('object'))) markLeaf(w, c);
        return;
      }
      case 'keyword_argument': {
        const v = node.childForFieldName('value');
        markLeaf(w, node.childForFieldName('name')!);
        if (v) visit(v);
        return;
      }
      case 'call': {
        const callee = dotted(node.childForFieldName('function'));
        if (callee) w.log.push(EV.CALL, callee);
        break;
      }
      case 'assignment': {
        // The value is evaluated before the target is bound (`x = x + 1` reads an earlier x).
        const left = node.childForFieldName('left');
        const type = node.childForFieldName('type');
        for (const c of node.children) if (c && !same(c, left)) visit(c);
        defineTarget(w, left, type ? type.text : undefined);
        return;
      }
      case 'augmented_assignment': {
        const left = node.childForFieldName('left');
        const b = baseName(left);
        if (b) w.log.push(EV.WRITE, b);
        for (const c of node.children) if (c) visit(c);
        return;
      }
      case 'named_expression': {
        // A walrus binds in the enclosing function even inside a comprehension.
        const name = node.childForFieldName('name');
        const value = node.childForFieldName('value');
        if (value) visit(value);
        if (name) {
          let scope = w.log.current;
          while (w.log.scopeKind[scope] === SCOPE.COMPREHENSION) scope = w.log.scopeParent[scope]!;
          w.log.def(EV.DEF_VALUE, name.text, line(name), undefined, scope);
          markLeaf(w, name);
        }
        return;
      }
      case 'list_comprehension':
      case 'dictionary_comprehension':
      case 'set_comprehension':
      case 'generator_expression': {
        const scope = w.log.open(SCOPE.COMPREHENSION);
        for (const c of node.children) if (c) visit(c);
        w.log.close(scope);
        return;
      }
      case 'global_statement':
      case 'nonlocal_statement': {
        for (const c of node.namedChildren) {
          if (!c) continue;
          w.globalsStack[w.globalsStack.length - 1]?.add(c.text);
          w.log.push(EV.WRITE, c.text);
        }
        markLeaf(w, node);
        return;
      }
      case 'for_statement':
      case 'for_in_clause':
        visitFor(w, node);
        return;
      case 'while_statement':
        countWhile(w, node);
        break;
      case 'if_statement':
        visitIf(w, node);
        return;
      case 'elif_clause':
        visitElif(w, node);
        return;
      case 'else_clause':
      case 'finally_clause':
      case 'case_clause':
        visitBranchClause(w, node);
        return;
      case 'string': {
        const lines = endLine(node) - line(node) + 1;
        const stmt = w.frames[w.frames.length - 1]?.stmt;
        if (lines >= 4 && stmt) stmt.longString = Math.max(stmt.longString ?? 0, lines);
        break;
      }
      case 'dictionary':
      case 'list':
      case 'set':
      case 'tuple':
      case 'argument_list':
        if (visitLongLiteral(w, node)) return;
        break;
      case 'conditional_expression':
      case 'if_clause':
        if (w.radon) decide(w);
        break;
      case 'boolean_operator':
        if (w.radon) decide(w);
        break;
      case 'try_statement':
        visitTry(w, node);
        return;
      case 'match_statement':
        countMatch(w, node);
        break;
      case 'as_pattern':
        visitAsPattern(w, node);
        return;
      case 'except_clause':
      case 'except_group_clause':
        visitExcept(w, node);
        return;
      case 'return_statement':
      case 'yield':
        if (node.namedChildCount > 0) w.log.push(EV.RETURN, '');
        if (node.type === 'yield') {
          const fn = w.units[w.units.length - 1]!.fn;
          if (fn) fn.generator = true;
        }
        break;
      case 'block':
      case 'module':
        for (const c of node.children) {
          if (!c) continue;
          if (c.isNamed && c.type !== 'comment' && c.childCount > 0) visitStatement(w, c);
          else visit(c);
        }
        return;
      default:
        break;
    }
    for (const c of node.children) if (c) visit(c);
  }

  w.visit = visit;
  w.visitNode = visitNode;
  visit(root);
}
