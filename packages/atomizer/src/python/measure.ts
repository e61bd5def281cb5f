import type { Node } from 'web-tree-sitter';
import type { Diagnostic } from '@st3/schemas';
import type { FunctionRecord } from '../types.js';
import type { PythonEngine } from './load.js';
import { McCabeVisitor, statementsOf } from './mccabe.js';
import { syntaxDiagnostics } from './syntax.js';

/**
 * The fast path of `st3 complexity` for Python: parse, then only mccabe's visitor and a walk over
 * statements (never expressions). Nested defs are listed (not reported, as in mccabe); lambdas are not.
 */
export function measurePython(
  engine: PythonEngine,
  text: string,
  path: string,
): { functions: FunctionRecord[]; diagnostics: Diagnostic[] } {
  const tree = engine.parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  try {
    const root = tree.rootNode;
    const visitor = new McCabeVisitor();
    visitor.visitModule(root);
    const reported = new Map<number, { entity: string; complexity: number }>();
    const functions: FunctionRecord[] = [];
    for (const g of visitor.graphs.values()) {
      if (g.node) reported.set(g.node.startIndex, g);
      else
        functions.push(
          record(g.entity, 'block', g.key, g.line, g.line, g.line, g.column, `'${g.entity}'`, g.complexity, true),
        );
    }
    const walk = (stmts: Node[], names: string[], inClass: boolean, nested: boolean) => {
      for (const raw of stmts) {
        const node = raw.type === 'decorated_definition' ? (raw.childForFieldName('definition') ?? raw) : raw;
        if (node.type === 'function_definition') {
          const name = node.childForFieldName('name')?.text ?? '';
          const g = nested ? undefined : reported.get(node.startIndex);
          const kind = inClass ? (name === '__init__' ? 'constructor' : 'method') : 'function';
          const line = node.startPosition.row + 1;
          functions.push(
            record(
              name,
              kind,
              [...names, name].join('.'),
              raw.startPosition.row + 1,
              raw.endPosition.row + 1,
              line,
              node.startPosition.column,
              `'${g?.entity ?? name}'`,
              g?.complexity ?? McCabeVisitor.functionComplexity(node),
              g !== undefined,
            ),
          );
          walk(statementsOf(node.childForFieldName('body')), [...names, name], false, true);
        } else if (node.type === 'class_definition') {
          walk(
            statementsOf(node.childForFieldName('body')),
            [...names, node.childForFieldName('name')?.text ?? ''],
            true,
            nested,
          );
        } else if (node.childCount > 0 && node.type !== 'expression_statement') {
          // Compound statements: their blocks (and else/except/finally clauses) may hold defs.
          for (const c of node.namedChildren) {
            if (!c) continue;
            if (c.type === 'block') walk(statementsOf(c), names, inClass, nested);
            else if (c.type.endsWith('_clause'))
              for (const b of c.namedChildren) if (b?.type === 'block') walk(statementsOf(b), names, inClass, nested);
          }
        }
      }
    };
    walk(statementsOf(root), [], false, false);
    functions.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
    const diagnostics: Diagnostic[] = root.hasError ? syntaxDiagnostics(root, path) : [];
    return { functions, diagnostics };
  } finally {
    tree.delete();
  }
}

function record(
  name: string,
  kind: string,
  qualifiedName: string,
  startLine: number,
  endLine: number,
  line: number,
  column: number,
  reportName: string,
  complexity: number,
  reported: boolean,
): FunctionRecord {
  return {
    name,
    kind,
    qualifiedName,
    startLine,
    endLine,
    loc: 0,
    physicalLoc: endLine - startLine + 1,
    complexity,
    params: [],
    async: false,
    generator: false,
    reportLine: line,
    reportColumn: column + 1,
    reportName,
    reported,
  };
}
