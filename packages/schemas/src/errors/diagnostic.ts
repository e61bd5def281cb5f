/** Where a diagnostic points: a file and, when known, a 1-based line and column. */
export interface SourceLocation {
  file?: string;
  line?: number;
  column?: number;
}

/**
 * One finding about an input: an error (the input is unusable as it is) or a warning
 * (accepted, but the user should know: deprecated fields, fallbacks).
 */
export interface Diagnostic extends SourceLocation {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  /** Path of the failing value inside the document, e.g. `["gates", "lint", "execution"]`. */
  path?: (string | number)[];
  /** What was expected there, in words. */
  expected?: string;
  hint?: string;
}

/**
 * What a library returns when it can partly succeed: the value (absent when unusable),
 * and every warning and error found on the way. The caller decides how to show them.
 */
export interface Result<T> {
  value?: T;
  warnings: Diagnostic[];
  errors: Diagnostic[];
}

export function ok<T>(value: T, warnings: Diagnostic[] = []): Result<T> {
  return { value, warnings, errors: [] };
}

export function failed<T>(errors: Diagnostic[], warnings: Diagnostic[] = []): Result<T> {
  return { warnings, errors };
}

/**
 * `file:line:col: message (hint)`: the one-line form used by every CLI. With `code: true` the code
 * comes before the message (`file:line:col: E001 acceptance_criteria is empty (hint)`).
 */
export function formatDiagnostic(d: Diagnostic, options: { code?: boolean } = {}): string {
  const where = d.file ? `${d.file}${d.line ? `:${d.line}${d.column ? `:${d.column}` : ''}` : ''}: ` : '';
  const path = d.path && d.path.length > 0 ? ` at ${formatPath(d.path)}` : '';
  const hint = d.hint ? ` (${d.hint})` : '';
  const label = d.severity === 'warning' ? 'warning: ' : '';
  const code = options.code && d.code ? `${d.code} ` : '';
  return `${where}${label}${code}${d.message}${path}${hint}`;
}

/** `gates.lint.execution.command[0]`, the path form used in messages. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}
