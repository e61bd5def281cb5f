import type { Diagnostic, St3Error } from '@st3/schemas/errors';
import type { ComplexityRecord } from './api.js';
import type { FunctionRecord } from './types.js';
import { noSourceFile } from './nothing-atomized.js';

/** One function in a complexity report (`st3 complexity --json`, the complexity MCP tool). */
export interface ComplexityFinding {
  name: string;
  kind: string;
  /** Where the peer tool reports it (ESLint's function head, mccabe's def line), 1-based. */
  line: number;
  column: number;
  startLine: number;
  endLine: number;
  complexity: number;
  /** The peer tool's own name for the unit (`Method 'foo'`, `'Foo.bar'`). */
  message: string;
}

export interface ComplexityFindingOptions {
  /** Keep only functions above this complexity. */
  max?: number;
  /** Also keep units the peer tool does not report on their own (nested Python defs; lambdas, which only radon measures). */
  all?: boolean;
}

/**
 * The functions of a file the peer tool (ESLint complexity, flake8 C901) would report, above `max` when
 * given, in its report order (line, then column).
 */
export function complexityFindings(
  functions: readonly FunctionRecord[],
  options: ComplexityFindingOptions = {},
): ComplexityFinding[] {
  const { max, all = false } = options;
  return functions
    .filter((u) => (all || u.reported) && (max === undefined || u.complexity > max))
    .sort((a, b) => a.reportLine - b.reportLine || a.reportColumn - b.reportColumn)
    .map((u) => ({
      name: u.name,
      kind: u.kind,
      line: u.reportLine,
      column: u.reportColumn,
      startLine: u.startLine,
      endLine: u.endLine,
      complexity: u.complexity,
      message: u.reportName,
    }));
}

/** The code the atomizer gives syntax errors (TS/JS parse diagnostics, tree-sitter ERROR/MISSING nodes, invalid UTF-8). */
const SYNTAX = 'E_ATOMIZE_SYNTAX';

/** One measured file of a complexity report. */
export interface ComplexityFileReport {
  path: string;
  language: string;
  functions: ComplexityFinding[];
  /** The file's diagnostics; under `max` its syntax errors are errors (they fail the check, as in ESLint and flake8). */
  diagnostics: Diagnostic[];
}

/** A file that matched and was not measured, with why (unreadable, binary, unknown language). */
export interface ComplexitySkippedFile {
  path: string;
  reason: string;
}

/** `st3 complexity --json` and the complexity MCP tool: one document, one verdict. */
export interface ComplexityReport {
  max: number | null;
  /** Functions above `max` (0 without it). */
  over: number;
  filesWithSyntaxErrors: number;
  /** Files matched and not measured: with `max` they fail the check (nothing shows they are below it). */
  notMeasured: number;
  /**
   * The check: with `max`, no function above it, no syntax error and every matched file measured (as
   * ESLint and flake8 fail a file they cannot parse or read); without it there is no check (true).
   */
  passed: boolean;
  files: ComplexityFileReport[];
  skipped: ComplexitySkippedFile[];
}

/** A measured file as the peer tool reports it: its findings, and its syntax errors as errors under `max`. */
export function complexityFileReport(
  record: ComplexityRecord,
  options: ComplexityFindingOptions = {},
): ComplexityFileReport {
  const { max } = options;
  return {
    path: record.path,
    language: record.language,
    functions: complexityFindings(record.functions, options),
    diagnostics:
      max === undefined
        ? record.diagnostics
        : record.diagnostics.map((d): Diagnostic => (d.code === SYNTAX ? { ...d, severity: 'error' } : d)),
  };
}

/** True for a syntax-error diagnostic (a file not fully measured). */
export const isSyntaxDiagnostic = (d: Diagnostic): boolean => d.code === SYNTAX;

/**
 * The report of the files measured and skipped (both sorted by path) and its verdict. Nothing measured is
 * no verdict: E_ATOMIZE_NO_FILES, never "no function above max".
 */
export function complexityReport(
  files: readonly ComplexityFileReport[],
  skipped: readonly ComplexitySkippedFile[],
  options: { max?: number; patterns: readonly string[] },
): ComplexityReport {
  if (files.length === 0) throw nothingMeasured(options.patterns, skipped);
  const byPath = <T extends { path: string }>(a: T, b: T) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  const { max } = options;
  const over = max === undefined ? 0 : files.reduce((n, f) => n + f.functions.length, 0);
  const filesWithSyntaxErrors = files.filter((f) => f.diagnostics.some(isSyntaxDiagnostic)).length;
  return {
    max: max ?? null,
    over,
    filesWithSyntaxErrors,
    notMeasured: skipped.length,
    passed: max === undefined || (over === 0 && filesWithSyntaxErrors === 0 && skipped.length === 0),
    files: [...files].sort(byPath),
    skipped: [...skipped].sort(byPath),
  };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Why nothing was measured: no file matched, or every file matched was skipped (the first few named). */
function nothingMeasured(patterns: readonly string[], skipped: readonly ComplexitySkippedFile[]): St3Error {
  return noSourceFile(patterns, skipped, (given, named) => ({
    message: `no source file measured in ${given} (${plural(skipped.length, 'file')} skipped: ${named})`,
    hint: 'complexity is measured in TypeScript, JavaScript and Python; files ignored by .gitignore are skipped',
  }));
}
