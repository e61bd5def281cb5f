import type { Node } from 'web-tree-sitter';
import { EV } from '../events.js';
import { defineTarget, visitClass, visitFunction } from './definitions.js';
import { visitImport } from './imports.js';
import { visitStatement } from './statements.js';
import { baseName, decide, dotted, markLeaf, short, type PyWalk } from './walk-state.js';

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
        for (const c of node.children) if (c && c !== node.childForFieldName('object')) markLeaf(w, c);
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
      case 'assignment':
      case 'augmented_assignment': {
        const left = node.childForFieldName('left');
        if (node.type === 'augmented_assignment') {
          const b = baseName(left);
          if (b) w.log.push(EV.WRITE, b);
          if (left) visit(left);
        } else defineTarget(w, left);
        for (const c of node.children) if (c && c !== left) visit(c);
        return;
      }
      case 'global_statement': {
        for (const c of node.namedChildren) {
          if (!c) continue;
          w.globalsStack[w.globalsStack.length - 1]?.add(c.text);
          w.log.push(EV.WRITE, c.text);
        }
        markLeaf(w, node);
        return;
      }
      case 'for_statement':
      case 'for_in_clause': {
        if (node.type === 'for_statement') {
          decide(w, w.radon && node.namedChildren.some((c) => c?.type === 'else_clause') ? 2 : 1);
        } else if (w.radon) decide(w);
        defineTarget(w, node.childForFieldName('left'));
        for (const c of node.children) if (c && c !== node.childForFieldName('left')) visit(c);
        return;
      }
      case 'while_statement':
        decide(w, w.radon && node.namedChildren.some((c) => c?.type === 'else_clause') ? 2 : 1);
        w.log.push(EV.BRANCH, short(node.childForFieldName('condition')));
        break;
      case 'if_statement':
      case 'elif_clause':
        decide(w);
        w.log.push(EV.BRANCH, short(node.childForFieldName('condition')));
        break;
      case 'conditional_expression':
      case 'if_clause':
        if (w.radon) decide(w);
        break;
      case 'boolean_operator':
        if (w.radon) decide(w);
        break;
      case 'try_statement': {
        const handlers = node.namedChildren.filter((c) => c?.type === 'except_clause').length;
        const hasElse = node.namedChildren.some((c) => c?.type === 'else_clause');
        decide(w, w.radon ? handlers + (hasElse ? 1 : 0) : handlers + 1);
        break;
      }
      case 'match_statement': {
        if (w.radon) {
          const cases = node.descendantsOfType('case_clause').filter((c) => c?.parent?.parent === node);
          const wildcard = cases.some((c) => c!.namedChildren.find((x) => x?.type === 'case_pattern')?.text === '_');
          decide(w, Math.max(0, cases.length - (wildcard ? 1 : 0)));
        }
        break;
      }
      case 'as_pattern':
      case 'with_item':
        break;
      case 'except_clause': {
        const alias = node.childForFieldName('alias');
        if (alias) defineTarget(w, alias);
        for (const c of node.children) if (c && c !== alias) visit(c);
        return;
      }
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
