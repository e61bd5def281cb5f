import type * as TS from 'typescript';
import { EV } from '../events.js';
import type { ImportRecord } from '../types.js';
import { staticKeyName } from './eslint-names.js';
import { skipParens, type TsWalk } from './walk-state.js';

// Imports and exports of a module: ES syntax, `import x = require()` and top-level CommonJS
// `const x = require('m')`. Imported names are module bindings (context for atoms).

// Most declarations carry no modifiers: checking the node's own list first spares building the
// list of exported names (and the compiler's modifier-flag lookup) for every one of them.
export function hasModifiers(node: TS.Node): boolean {
  return (node as { modifiers?: TS.NodeArray<TS.ModifierLike> }).modifiers !== undefined;
}

export function visitImport(w: TsWalk, node: TS.ImportDeclaration): void {
  const { ts } = w;
  const mod = ts.isStringLiteral(node.moduleSpecifier) ? node.moduleSpecifier.text : w.textOf(node.moduleSpecifier);
  const rec: ImportRecord = { module: mod, line: w.lineOf(w.start(node)), bindings: [] };
  const clause = node.importClause;
  if (clause) {
    if (clause.isTypeOnly) rec.typeOnly = true;
    if (clause.name) {
      rec.default = clause.name.text;
      rec.bindings.push(clause.name.text);
    }
    const nb = clause.namedBindings;
    if (nb && ts.isNamespaceImport(nb)) {
      rec.namespace = nb.name.text;
      rec.bindings.push(nb.name.text);
    } else if (nb) {
      rec.named = nb.elements.map((e) => ({
        name: e.propertyName ? ts.idText(e.propertyName as TS.Identifier) : e.name.text,
        alias: e.propertyName ? e.name.text : undefined,
        typeOnly: e.isTypeOnly || undefined,
      }));
      for (const e of nb.elements) rec.bindings.push(e.name.text);
    }
  }
  for (const b of rec.bindings) w.log.def(EV.DEF_IMPORT, b, rec.line);
  w.imports.push(rec);
}

export function visitImportEquals(w: TsWalk, d: TS.ImportEqualsDeclaration): void {
  const { ts } = w;
  const ref = d.moduleReference;
  const mod =
    ts.isExternalModuleReference(ref) && ts.isStringLiteral(ref.expression) ? ref.expression.text : w.textOf(ref);
  w.imports.push({
    module: mod,
    line: w.lineOf(w.start(d)),
    default: d.name.text,
    typeOnly: d.isTypeOnly || undefined,
    bindings: [d.name.text],
  });
  w.log.def(EV.DEF_IMPORT, d.name.text, w.lineOf(w.start(d)));
}

/** A top-level `const x = require('m')` / `const { a, b: c } = require('m')` is an import (true when it was one). */
export function requireImport(w: TsWalk, decl: TS.VariableDeclaration): boolean {
  const { ts } = w;
  const init = decl.initializer && skipParens(ts, decl.initializer);
  if (!init || !ts.isCallExpression(init) || !ts.isIdentifier(init.expression) || init.expression.text !== 'require')
    return false;
  const arg = init.arguments[0];
  if (!arg || !ts.isStringLiteral(arg)) return false;
  const rec: ImportRecord = { module: arg.text, line: w.lineOf(w.start(decl)), bindings: [] };
  if (ts.isIdentifier(decl.name)) {
    rec.default = decl.name.text;
    rec.bindings.push(decl.name.text);
  } else if (ts.isObjectBindingPattern(decl.name)) {
    rec.named = decl.name.elements
      .filter((e) => ts.isIdentifier(e.name))
      .map((e) => {
        const local = (e.name as TS.Identifier).text;
        const remote = e.propertyName ? (staticKeyName(ts, e.propertyName) ?? local) : local;
        return remote === local ? { name: local } : { name: remote, alias: local };
      });
    rec.bindings.push(...rec.named.map((n) => n.alias ?? n.name));
  }
  w.imports.push(rec);
  return true;
}

export function visitExportDeclaration(w: TsWalk, d: TS.ExportDeclaration): void {
  const { ts } = w;
  const from = d.moduleSpecifier && ts.isStringLiteral(d.moduleSpecifier) ? d.moduleSpecifier.text : undefined;
  const line = w.lineOf(w.start(d));
  if (d.exportClause && ts.isNamedExports(d.exportClause)) {
    for (const e of d.exportClause.elements) {
      const local = e.propertyName ? ts.idText(e.propertyName as TS.Identifier) : undefined;
      w.exports.push({
        name: e.name.text,
        kind: d.isTypeOnly || e.isTypeOnly ? 'type' : 'binding',
        line,
        from,
        ...(local !== undefined && local !== e.name.text ? { local } : {}),
      });
      // A local `export { a as b }` uses `a`.
      if (!from) w.log.push(EV.USE, e.propertyName ? ts.idText(e.propertyName as TS.Identifier) : e.name.text);
    }
  } else
    w.exports.push({
      name: d.exportClause ? (d.exportClause as TS.NamespaceExport).name.text : '*',
      kind: 'namespace',
      line,
      from,
    });
}

/** Records `export` / `export default` on a declaration under the names it declares. */
export function exportModifiers(w: TsWalk, node: TS.Node, namesOf: string[], kind: string): void {
  const { ts, K } = w;
  const mods = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  if (!mods?.some((m) => m.kind === K.ExportKeyword)) return;
  const isDefault = mods.some((m) => m.kind === K.DefaultKeyword);
  const line = w.lineOf(w.start(node));
  if (isDefault) w.exports.push({ name: 'default', kind, line });
  else for (const n of namesOf) w.exports.push({ name: n, kind, line });
}
