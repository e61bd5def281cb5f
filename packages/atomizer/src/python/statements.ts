import type { Node } from 'web-tree-sitter';
import { Statement } from '../events.js';
import type { StatementNode } from '../types.js';
import { visitClass, visitFunction } from './definitions.js';
import { statementsOf } from './mccabe.js';
import { endLine, line, short, type PyWalk } from './walk-state.js';

// The statement tree: every statement of a block or module becomes a node with its line span,
// decisions, defined names and a span of the symbol event log (what atoms are built from).

const COMPOUND_KIND: Record<string, string> = {
  function_definition: 'function',
  class_definition: 'class',
  if_statement: 'if',
  for_statement: 'loop',
  while_statement: 'loop',
  try_statement: 'try',
  with_statement: 'with',
  match_statement: 'match',
  import_statement: 'import',
  import_from_statement: 'import',
  future_import_statement: 'import',
  return_statement: 'return',
  raise_statement: 'throw',
  expression_statement: 'statement',
  assert_statement: 'assert',
};

function guardOf(w: PyWalk, node: Node): { guard?: string; assertion?: string } {
  if (node.type === 'assert_statement') return { assertion: short(node).replace(/^assert\s+/, '') };
  if (
    node.type === 'if_statement' &&
    !node.namedChildren.some((c) => c?.type === 'else_clause' || c?.type === 'elif_clause')
  ) {
    const body = statementsOf(node.childForFieldName('consequence'));
    if (body.length === 1 && (body[0]!.type === 'raise_statement' || body[0]!.type === 'return_statement'))
      return { guard: short(node.childForFieldName('condition')) };
  }
  return {};
}

export function visitStatement(w: PyWalk, raw: Node): void {
  const isTop = w.frames.length === 0;
  const def = raw.type === 'decorated_definition' ? (raw.childForFieldName('definition') ?? raw) : raw;
  const stmt = new Statement(
    COMPOUND_KIND[def.type] ?? 'statement',
    line(raw),
    endLine(raw),
    w.log,
    w.log.size,
    w.moduleBindings,
  );
  Object.assign(stmt, guardOf(w, raw));
  (isTop ? w.top : w.frames[w.frames.length - 1]!.body).push(stmt);
  const frame = { body: [] as StatementNode[] };
  w.frames.push(frame);
  const before = w.decisions;
  const fnCount = w.functions.length;
  if (def.type === 'function_definition') {
    for (const d of raw.namedChildren) if (d && d.type === 'decorator') w.visit(d);
    visitFunction(w, def, 'function', raw);
  } else if (def.type === 'class_definition') {
    for (const d of raw.namedChildren) if (d && d.type === 'decorator') w.visit(d);
    visitClass(w, def, raw);
  } else w.visitNode(raw);
  w.frames.pop();
  stmt.evEnd = w.log.size;
  stmt.decisions = w.decisions - before;
  if (frame.body.length > 0) stmt.body = frame.body;
  if (def.type === 'function_definition') stmt.fn = w.functions[fnCount];
  const nameNode =
    def.type === 'function_definition' || def.type === 'class_definition' ? def.childForFieldName('name') : null;
  stmt.name = nameNode?.text;
  stmt.defines = nameNode ? [nameNode.text] : definedNames(w, raw);
  if (isTop) for (const d of stmt.defines) w.moduleBindings.add(d);
}

function definedNames(w: PyWalk, node: Node): string[] {
  if (node.type === 'import_statement' || node.type === 'import_from_statement')
    return w.imports.filter((i) => i.line === line(node)).flatMap((i) => i.bindings);
  if (node.type === 'expression_statement' && node.firstNamedChild?.type === 'assignment') {
    const out: string[] = [];
    const collect = (n: Node | null) => {
      if (!n) return;
      if (n.type === 'identifier') out.push(n.text);
      else if (n.type === 'pattern_list' || n.type === 'tuple_pattern' || n.type === 'list_pattern')
        for (const c of n.namedChildren) collect(c);
    };
    let a: Node | null = node.firstNamedChild;
    while (a?.type === 'assignment') {
      collect(a.childForFieldName('left'));
      a = a.childForFieldName('right');
    }
    return out;
  }
  return [];
}
