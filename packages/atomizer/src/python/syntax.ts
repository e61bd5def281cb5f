import type { Node } from 'web-tree-sitter';
import type { Diagnostic } from '@st3/schemas';
import { short } from './walk-state.js';

/** At most this many ERROR/MISSING nodes become warnings. */
const MAX_SYNTAX_DIAGNOSTICS = 50;

/**
 * The syntax errors of a tree tree-sitter recovered from, as located warnings: one per ERROR or MISSING
 * node (at most 50), or one for the file when the tree has errors but no such node.
 */
export function syntaxDiagnostics(root: Node, path: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const e of syntaxErrorNodes(root, MAX_SYNTAX_DIAGNOSTICS)) {
    out.push({
      code: 'E_ATOMIZE_SYNTAX',
      severity: 'warning',
      file: path,
      line: e.startPosition.row + 1,
      column: e.startPosition.column + 1,
      message: e.isMissing ? `missing ${e.type}` : `syntax error near "${short(e).slice(0, 40)}"`,
    });
  }
  if (out.length === 0)
    out.push({ code: 'E_ATOMIZE_SYNTAX', severity: 'warning', file: path, message: 'the file has syntax errors' });
  return out;
}

/**
 * The ERROR and MISSING nodes under `root` in document order, at most `limit`. A MISSING node's type is the
 * token tree-sitter expected (`)`, `identifier`), so a search by type cannot find it: the walk asks each node,
 * entering only subtrees that hold an error.
 */
function syntaxErrorNodes(root: Node, limit: number): Node[] {
  const found: Node[] = [];
  const cursor = root.walk();
  try {
    let entered = true;
    while (found.length < limit) {
      const node = cursor.currentNode;
      if (entered && (node.type === 'ERROR' || node.isMissing)) found.push(node);
      if (entered && node.hasError && cursor.gotoFirstChild()) continue;
      entered = cursor.gotoNextSibling();
      if (!entered && !cursor.gotoParent()) break;
    }
  } finally {
    cursor.delete();
  }
  return found;
}
