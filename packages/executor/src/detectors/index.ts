import { extname } from 'node:path';
import { checkPythonSyntax, detectPythonIssues } from './python.js';
import { checkTypeScriptSyntax, detectTypeScriptIssues } from './typescript.js';
import type { CodeIssue, CodeLanguage, SyntaxCheck } from './types.js';

export type { CodeIssue, CodeLanguage, SyntaxCheck } from './types.js';

const BY_EXTENSION: Record<string, CodeLanguage> = {
  '.py': 'python',
  '.pyi': 'python',
  '.ts': 'typescript',
  '.tsx': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.js': 'javascript',
  '.jsx': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
};

export function languageOf(file: string | undefined): CodeLanguage {
  return file ? (BY_EXTENSION[extname(file).toLowerCase()] ?? 'other') : 'other';
}

/**
 * Problems a reviewer should look at, found on the syntax tree (never by text search): Python bare
 * `except`, `print`, `global`, hard-coded absolute paths; TS/JS `any`, `console.log`, `var`,
 * `==`/`!=`. Each comes with an explanation and a before/after fix of its line.
 */
export async function detectIssues(code: string, language: CodeLanguage): Promise<CodeIssue[]> {
  if (language === 'python') return detectPythonIssues(code);
  if (language === 'typescript' || language === 'javascript') return detectTypeScriptIssues(code, language);
  return [];
}

/**
 * Does the code parse? Undefined for a language ST3 cannot parse: not measured (a review item then has
 * no `validation`, never `ok: true`).
 */
export async function measuredSyntax(code: string, language: CodeLanguage): Promise<SyntaxCheck | undefined> {
  return language === 'other' ? undefined : checkSyntax(code, language);
}

/** Does the code parse? (Languages ST3 cannot parse are accepted as they are: see `measuredSyntax`.) */
export async function checkSyntax(code: string, language: CodeLanguage): Promise<SyntaxCheck> {
  if (language === 'python') return checkPythonSyntax(code);
  if (language === 'typescript' || language === 'javascript') return checkTypeScriptSyntax(code, language);
  return { ok: true, errors: [] };
}
