import type { Node } from 'web-tree-sitter';
import { countLines } from '../lines.js';
import { finishLoc } from '../metrics.js';
import type { ComplexityVariant, ParsedFile } from '../types.js';
import type { PythonEngine } from './load.js';
import { McCabeVisitor } from './mccabe.js';
import { syntaxDiagnostics } from './syntax.js';
import { walkModule } from './walk.js';
import { createPyWalk, type PyWalk } from './walk-state.js';

/** Parses Python with tree-sitter and extracts everything the atomizer needs. */
export function parsePythonSource(
  engine: PythonEngine,
  text: string,
  path: string,
  variant: ComplexityVariant = 'mccabe',
): ParsedFile {
  const tree = engine.parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  try {
    return extract(tree.rootNode, text, path, variant);
  } finally {
    tree.delete();
  }
}

function extract(root: Node, text: string, path: string, variant: ComplexityVariant): ParsedFile {
  const w = createPyWalk(text, variant);
  walkModule(w, root);
  if (root.hasError) w.diagnostics.push(...syntaxDiagnostics(root, path));
  attachMcCabe(w, root);
  const { index, isSource, functions, classes, imports, exports, types, top, log, diagnostics } = w;
  functions.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
  // Python has no export syntax: public top-level functions and classes are the module's exports.
  for (const st of top)
    if ((st.kind === 'function' || st.kind === 'class') && st.name && !st.name.startsWith('_'))
      exports.push({ name: st.name, kind: st.kind, line: st.startLine });
  finishLoc(isSource, functions, classes);
  return {
    path,
    language: 'python',
    lines: countLines(index, isSource),
    isSource,
    functions,
    classes,
    imports,
    exports,
    types,
    statements: top,
    log,
    diagnostics,
  };
}

/** Which units mccabe reports on their own, under its names; module-level blocks get graphs too. */
function attachMcCabe(w: PyWalk, root: Node): void {
  const { functions, byDefLine, radon } = w;
  const visitor = new McCabeVisitor();
  visitor.visitModule(root);
  for (const g of visitor.graphs.values()) {
    const fn = g.node ? byDefLine.get(g.line) : undefined;
    if (fn) {
      fn.reported = true;
      fn.reportName = `'${g.entity}'`;
      if (!radon) fn.complexity = g.complexity;
    } else if (!g.node) {
      functions.push({
        name: g.entity,
        kind: 'block',
        qualifiedName: g.key,
        startLine: g.line,
        endLine: g.line,
        loc: 0,
        physicalLoc: 0,
        complexity: g.complexity,
        params: [],
        async: false,
        generator: false,
        reportLine: g.line,
        reportColumn: g.column + 1,
        reportName: `'${g.entity}'`,
        reported: !radon,
      });
    }
  }
}
