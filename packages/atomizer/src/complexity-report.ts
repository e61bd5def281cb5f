import type { FunctionRecord } from './types.js';

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
  /** Also keep units the peer tool does not report on their own (nested Python defs, lambdas). */
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
