import type { Node } from 'web-tree-sitter';
import { Statement } from '../events.js';
import type { StatementNode } from '../types.js';
import { typeAliasTarget, visitClass, visitFunction } from './definitions.js';
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
  type_alias_statement: 'type',
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
  const def = raw.type === 'decorated_definition' ? (raw.childForFieldName('definition') ?? raw) : raw;
  const stmt = new Statement(kindOf(raw, def), line(raw), endLine(raw), w.log.size);
  Object.assign(stmt, guardOf(w, raw));
  const frame = push(w, stmt);
  const before = w.decisions;
  const fnCount = w.functions.length;
  if (def.type === 'function_definition') {
    for (const d of raw.namedChildren) if (d && d.type === 'decorator') w.visit(d);
    visitFunction(w, def, 'function', raw);
  } else if (def.type === 'class_definition') {
    for (const d of raw.namedChildren) if (d && d.type === 'decorator') w.visit(d);
    visitClass(w, def, raw);
  } else w.visitNode(raw);
  close(w, stmt, frame, before);
  if (def.type === 'function_definition') stmt.fn = w.functions[fnCount];
  const nameNode =
    def.type === 'function_definition' || def.type === 'class_definition'
      ? def.childForFieldName('name')
      : def.type === 'type_alias_statement'
        ? typeAliasTarget(def).name
        : null;
  stmt.name = nameNode?.text;
}

function kindOf(raw: Node, def: Node): string {
  if (raw.type === 'expression_statement' && raw.namedChildCount === 1) {
    const only = raw.firstNamedChild!.type;
    if (only === 'string' || only === 'concatenated_string') return 'string';
  }
  return COMPOUND_KIND[def.type] ?? 'statement';
}

function push(w: PyWalk, stmt: Statement): { stmt: StatementNode; body: StatementNode[] } {
  (w.frames.length === 0 ? w.top : w.frames[w.frames.length - 1]!.body).push(stmt);
  const frame = { stmt, body: [] as StatementNode[] };
  w.frames.push(frame);
  return frame;
}

function close(w: PyWalk, stmt: Statement, frame: { body: StatementNode[] }, decisionsBefore: number): void {
  w.frames.pop();
  stmt.evEnd = w.log.size;
  stmt.decisions = w.decisions - decisionsBefore;
  if (frame.body.length > 0) stmt.body = frame.body;
}

/** A clause (`if`/`elif`/`else`, `try`/`except`/`finally`, `case`) as a node of its statement. */
export function openClause(w: PyWalk, name: string, startLine: number, lastLine: number): Statement {
  const stmt = new Statement('clause', startLine, lastLine, w.log.size);
  stmt.name = name;
  push(w, stmt);
  return stmt;
}

export function closeClause(w: PyWalk, stmt: Statement, decisionsBefore: number): void {
  const frame = w.frames[w.frames.length - 1]!;
  close(w, stmt, frame, decisionsBefore);
}

const ELEMENT_MIN_LINES = 8;

/** A long literal or argument list: each element becomes a node, so the decomposer can split it. */
export function visitLongLiteral(w: PyWalk, node: Node): boolean {
  if (endLine(node) - line(node) + 1 < ELEMENT_MIN_LINES) return false;
  const elements = node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  if (elements.length < 2) return false;
  for (const c of node.children) {
    if (!c) continue;
    if (!c.isNamed || c.type === 'comment') {
      w.visit(c);
      continue;
    }
    const stmt = new Statement('element', line(c), endLine(c), w.log.size);
    const key =
      c.type === 'pair'
        ? c.childForFieldName('key')
        : c.type === 'keyword_argument'
          ? c.childForFieldName('name')
          : null;
    if (key) stmt.name = key.text.replace(/^['"]|['"]$/g, '');
    const frame = push(w, stmt);
    const before = w.decisions;
    w.visit(c);
    close(w, stmt, frame, before);
  }
  return true;
}
