import type * as TS from 'typescript';
import { EV, SCOPE } from '../events.js';
import { visitTypeMembers } from './compound.js';
import { exportModifiers, hasModifiers } from './module-syntax.js';
import { markNode, type TsWalk } from './walk-state.js';

// Interfaces, type aliases and enums: a type definition of the file, a type name in its scope, and
// (when long) a statement that splits between its members like a long literal.

/** An interface, type alias or enum declaration. */
export function visitTypeDeclaration(
  w: TsWalk,
  node: TS.InterfaceDeclaration | TS.TypeAliasDeclaration | TS.EnumDeclaration,
): void {
  const { K, log, lineOf, start } = w;
  const kind =
    node.kind === K.InterfaceDeclaration ? 'interface' : node.kind === K.TypeAliasDeclaration ? 'type' : 'enum';
  const line = lineOf(start(node));
  w.types.push({ name: node.name.text, kind, startLine: line, endLine: lineOf(node.end - 1) });
  if (hasModifiers(node)) exportModifiers(w, node, [node.name.text], kind);
  log.def(EV.DEF_TYPE, node.name.text, line);
  if (kind === 'enum') visitEnumMembers(w, node as TS.EnumDeclaration);
  else visitTypeBody(w, node as TS.InterfaceDeclaration | TS.TypeAliasDeclaration);
}

/** Members are names inside the enum: an initializer may use an earlier member bare. */
function visitEnumMembers(w: TsWalk, node: TS.EnumDeclaration): void {
  const { ts, log } = w;
  const scope = log.open(SCOPE.BLOCK);
  for (const m of node.members) {
    markNode(w, m, w.start(m));
    if (ts.isIdentifier(m.name)) log.def(EV.DEF_VALUE, m.name.text, w.lineOf(w.start(m)));
    if (m.initializer) w.visit(m.initializer);
  }
  log.close(scope);
}

/** The body of an interface or type alias, in a type scope of its own. */
function visitTypeBody(w: TsWalk, node: TS.InterfaceDeclaration | TS.TypeAliasDeclaration): void {
  const { ts, K, log } = w;
  const d = node as TS.InterfaceDeclaration;
  const scope = log.open(SCOPE.TYPE);
  // A long interface or object type splits between its members, like a long literal.
  const literal = (node as TS.TypeAliasDeclaration).type;
  const members =
    node.kind === K.InterfaceDeclaration
      ? d.members
      : literal && ts.isTypeLiteralNode(literal)
        ? literal.members
        : undefined;
  const long = !w.lean && members !== undefined && visitTypeMembers(w, members, true);
  ts.forEachChild(node, (c) => {
    if (c === d.name) markNode(w, c, w.start(c));
    else if (long && node.kind === K.InterfaceDeclaration && members!.includes(c as TS.TypeElement)) return;
    else if (long && c === literal) markNode(w, c, w.start(c));
    else w.visitType(c);
  });
  if (long) visitTypeMembers(w, members, false);
  log.close(scope);
}
