import type { Node as SyntaxNode } from 'web-tree-sitter';
import { lineOf, type CodeIssue, type SyntaxCheck } from './types.js';

/** The atomizer's Python engine (web-tree-sitter and the grammar, loaded on first use). */
async function parse(code: string) {
  const { loadPython } = await import('@st3/atomizer');
  const { parser } = await loadPython();
  const tree = parser.parse(code);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}

function walk(node: SyntaxNode, visit: (n: SyntaxNode) => void): void {
  const cursor = node.walk();
  let done = false;
  while (!done) {
    visit(cursor.currentNode);
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        done = true;
        break;
      }
    }
  }
}

/** Roots that make a string literal a machine-specific absolute path. */
const ABSOLUTE_PATH =
  /^(?:\/(?:home|Users|usr|etc|var|tmp|opt|root|mnt|srv|data|media)\/[^\s'"]*|[A-Za-z]:[\\/][^\s'"]*)$/;

export async function checkPythonSyntax(code: string): Promise<SyntaxCheck> {
  const tree = await parse(code);
  const errors: string[] = [];
  if (tree.rootNode.hasError) {
    walk(tree.rootNode, (n) => {
      if ((n.type === 'ERROR' || n.isMissing) && errors.length < 20) {
        const what = n.isMissing ? `missing ${n.type}` : `unexpected ${JSON.stringify(n.text.slice(0, 30))}`;
        errors.push(`${n.startPosition.row + 1}:${n.startPosition.column + 1} syntax error: ${what}`);
      }
    });
    if (errors.length === 0) errors.push('syntax error');
  }
  tree.delete();
  return { ok: errors.length === 0, errors };
}

export async function detectPythonIssues(code: string): Promise<CodeIssue[]> {
  const tree = await parse(code);
  const issues: CodeIssue[] = [];
  const add = (n: SyntaxNode, rule: string, message: string, explanation: string, after: (line: string) => string) => {
    const line = n.startPosition.row + 1;
    const before = lineOf(code, line);
    issues.push({
      rule,
      language: 'python',
      line,
      column: n.startPosition.column + 1,
      message,
      explanation,
      fix: { before, after: after(before) },
    });
  };
  walk(tree.rootNode, (n) => {
    switch (n.type) {
      case 'except_clause': {
        const guarded = n.namedChildren.some((c) => c !== null && c.type !== 'block' && c.type !== 'comment');
        if (!guarded) {
          add(
            n,
            'python/bare-except',
            'bare `except:` catches everything',
            'A bare except also catches KeyboardInterrupt and SystemExit and hides real bugs; catch the exceptions you expect (or at least Exception).',
            (l) => l.replace(/except\s*:/, 'except Exception:'),
          );
        }
        break;
      }
      case 'call': {
        const fn = n.childForFieldName('function');
        if (fn?.type === 'identifier' && fn.text === 'print') {
          add(
            n,
            'python/print',
            '`print` call in library code',
            'print writes to stdout unconditionally; use the logging module (logger = logging.getLogger(__name__)) so callers control level and destination.',
            (l) => l.replace(/\bprint\(/, 'logger.info('),
          );
        }
        break;
      }
      case 'global_statement': {
        const names = n.namedChildren
          .filter((c) => c !== null)
          .map((c) => c!.text)
          .join(', ');
        add(
          n,
          'python/global',
          `\`global ${names}\` mutates module state`,
          'Functions that rebind globals are hard to test and unsafe under concurrency; pass the value in as a parameter and return the new value.',
          (l) =>
            `${l.match(/^\s*/)?.[0] ?? ''}# take ${names} as a parameter and return the new value instead of rebinding the global`,
        );
        break;
      }
      case 'string': {
        const content = n.namedChildren
          .filter((c) => c?.type === 'string_content')
          .map((c) => c!.text)
          .join('');
        if (ABSOLUTE_PATH.test(content)) {
          const base = content.split(/[\\/]/).filter(Boolean).pop() ?? 'file';
          add(
            n,
            'python/absolute-path',
            `hard-coded absolute path ${JSON.stringify(content)}`,
            'An absolute path ties the code to one machine; build it from configuration or from the module location.',
            (l) => l.replace(n.text, `str(Path(__file__).resolve().parent / ${JSON.stringify(base)})`),
          );
        }
        break;
      }
    }
  });
  tree.delete();
  return issues.sort((a, b) => a.line - b.line || a.column - b.column);
}
