import type * as TS from 'typescript';
import type { Diagnostic } from '@st3/schemas';
import { countLines } from '../lines.js';
import { finishLoc } from '../metrics.js';
import type { ComplexityVariant, ParsedFile, SourceLanguage } from '../types.js';
import { walkSourceFile } from './walk.js';
import { createWalk } from './walk-state.js';

/**
 * Parses TS/JS/TSX/JSX with the TypeScript compiler API and extracts everything the atomizer needs.
 * `lean` (the `st3 complexity` path) computes functions and their complexity only: no line
 * classification, no symbol events, no statement tree.
 */
export function parseTypeScriptSource(
  ts: typeof TS,
  text: string,
  path: string,
  language: SourceLanguage,
  variant: ComplexityVariant = 'eslint',
  lean = false,
): ParsedFile {
  const w = createWalk(ts, text, path, language, variant, lean);
  walkSourceFile(w);

  const { index, isSource, functions, classes } = w;
  const diagnostics: Diagnostic[] = [];
  // Syntax errors do not stop the walk (the parser recovers); at most 50 are reported per file.
  const parseDiagnostics =
    (w.sf as unknown as { parseDiagnostics?: TS.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  for (const d of parseDiagnostics.slice(0, 50)) {
    const line = w.lineOf(d.start);
    diagnostics.push({
      code: 'E_ATOMIZE_SYNTAX',
      severity: 'warning',
      file: path,
      line,
      column: d.start - index.starts[line - 1]! + 1,
      message: ts.flattenDiagnosticMessageText(d.messageText, ' '),
    });
  }
  const lines = countLines(index, isSource);
  finishLoc(isSource, functions, classes);
  return {
    path,
    language,
    lines,
    isSource,
    functions,
    classes,
    imports: w.imports,
    exports: w.exports,
    types: w.types,
    statements: w.top,
    log: w.log,
    diagnostics,
  };
}
