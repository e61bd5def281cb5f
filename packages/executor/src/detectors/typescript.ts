import type * as TS from 'typescript';
import { lineOf, type CodeIssue, type SyntaxCheck } from './types.js';

/** The atomizer's TypeScript compiler (loaded on first use). */
async function typescript(): Promise<typeof TS> {
  return (await import('@st3/atomizer')).loadTypeScript();
}

function scriptKind(ts: typeof TS, language: 'typescript' | 'javascript'): TS.ScriptKind {
  return language === 'typescript' ? ts.ScriptKind.TSX : ts.ScriptKind.JSX;
}

export async function checkTypeScriptSyntax(
  code: string,
  language: 'typescript' | 'javascript' = 'typescript',
): Promise<SyntaxCheck> {
  const ts = await typescript();
  const file = language === 'typescript' ? 'code.tsx' : 'code.jsx';
  const out = ts.transpileModule(code, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: { jsx: ts.JsxEmit.Preserve, target: ts.ScriptTarget.ES2022 },
  });
  const sf = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, scriptKind(ts, language));
  const errors = (out.diagnostics ?? [])
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => {
      const pos = d.start !== undefined ? sf.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
      return `${pos.line + 1}:${pos.character + 1} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
  return { ok: errors.length === 0, errors };
}

export async function detectTypeScriptIssues(
  code: string,
  language: 'typescript' | 'javascript' = 'typescript',
): Promise<CodeIssue[]> {
  const ts = await typescript();
  const sf = ts.createSourceFile(
    language === 'typescript' ? 'code.tsx' : 'code.jsx',
    code,
    ts.ScriptTarget.Latest,
    true,
    scriptKind(ts, language),
  );
  const issues: CodeIssue[] = [];
  const add = (node: TS.Node, rule: string, message: string, explanation: string, after: (line: string) => string) => {
    const pos = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    const before = lineOf(code, pos.line + 1);
    issues.push({
      rule,
      language: 'typescript',
      line: pos.line + 1,
      column: pos.character + 1,
      message,
      explanation,
      fix: { before, after: after(before) },
    });
  };
  const isNullLiteral = (n: TS.Expression) => n.kind === ts.SyntaxKind.NullKeyword;
  const visit = (node: TS.Node): void => {
    if (node.kind === ts.SyntaxKind.AnyKeyword) {
      add(
        node,
        'ts/any',
        '`any` disables type checking',
        'A value typed any is unchecked everywhere it flows; use unknown and narrow it, or the precise type.',
        (l) => l.replace(/\bany\b/, 'unknown'),
      );
    } else if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ts.isIdentifier(node.expression.expression) &&
      node.expression.expression.text === 'console' &&
      node.expression.name.text === 'log'
    ) {
      add(
        node,
        'ts/console-log',
        '`console.log` left in code',
        'Debug output goes to stdout of every caller; use the project logger (or remove it).',
        (l) => l.replace(/console\.log\(/, 'logger.debug('),
      );
    } else if (
      ts.isVariableDeclarationList(node) &&
      (node.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const | ts.NodeFlags.Using | ts.NodeFlags.AwaitUsing)) === 0
    ) {
      add(
        node,
        'ts/var',
        '`var` declaration',
        'var is function-scoped and hoisted, which causes bugs in loops and closures; use const (or let when reassigned).',
        (l) => l.replace(/\bvar\b/, 'let'),
      );
    } else if (
      ts.isBinaryExpression(node) &&
      (node.operatorToken.kind === ts.SyntaxKind.EqualsEqualsToken ||
        node.operatorToken.kind === ts.SyntaxKind.ExclamationEqualsToken)
    ) {
      // `x == null` is the accepted idiom for null-or-undefined (eslint eqeqeq "smart").
      if (!isNullLiteral(node.left) && !isNullLiteral(node.right)) {
        const op = node.operatorToken.kind === ts.SyntaxKind.EqualsEqualsToken ? '==' : '!=';
        add(
          node.operatorToken,
          'ts/loose-equality',
          `loose equality \`${op}\``,
          `${op} converts types before comparing ("0" == 0 is true); use ${op}= to compare without coercion.`,
          (l) => l.replace(op === '==' ? /([^=!<>])==(?!=)/ : /!=(?!=)/, op === '==' ? '$1===' : '!=='),
        );
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return issues;
}
