import type { Node } from 'web-tree-sitter';
import { EV } from '../events.js';
import type { ImportRecord } from '../types.js';
import { line, same, type PyWalk } from './walk-state.js';

/** `import a.b as c` / `from m import x as y` / `from __future__ import …`: imports and module bindings. */
export function visitImport(w: PyWalk, node: Node): void {
  const rec: ImportRecord = {
    module: '',
    line: line(node),
    bindings: [],
    ...(w.functionDepth > 0 ? { local: true } : {}),
  };
  if (node.type === 'import_statement') {
    for (const c of node.namedChildren) {
      if (!c) continue;
      if (c.type === 'aliased_import') {
        const alias = c.childForFieldName('alias')!.text;
        w.imports.push({
          module: c.childForFieldName('name')!.text,
          line: rec.line,
          default: alias,
          bindings: [alias],
          ...(rec.local ? { local: true } : {}),
        });
        w.log.def(EV.DEF_IMPORT, alias, rec.line);
      } else if (c.type === 'dotted_name') {
        const first = c.text.split('.')[0]!;
        w.imports.push({
          module: c.text,
          line: rec.line,
          namespace: first,
          bindings: [first],
          ...(rec.local ? { local: true } : {}),
        });
        w.log.def(EV.DEF_IMPORT, first, rec.line);
      }
    }
    return;
  }
  rec.module =
    node.type === 'future_import_statement' ? '__future__' : (node.childForFieldName('module_name')?.text ?? '');
  rec.named = [];
  for (const c of node.namedChildren) {
    // Nodes are compared by id: each access hands out a new wrapper (the module's own name is not an imported name).
    if (!c || same(c, node.childForFieldName('module_name'))) continue;
    if (c.type === 'wildcard_import') rec.namespace = '*';
    else if (c.type === 'aliased_import')
      rec.named.push({ name: c.childForFieldName('name')!.text, alias: c.childForFieldName('alias')!.text });
    else if (c.type === 'dotted_name') rec.named.push({ name: c.text });
  }
  for (const n of rec.named) rec.bindings.push(n.alias ?? n.name);
  for (const b of rec.bindings) w.log.def(EV.DEF_IMPORT, b, rec.line);
  w.imports.push(rec);
}
