import type { Diagnostic, SourceLocation } from './diagnostic.js';
import { formatPath } from './diagnostic.js';

export interface St3ErrorOptions extends SourceLocation {
  hint?: string;
  cause?: unknown;
  /** Further findings behind this error (e.g. every schema error of a file). */
  diagnostics?: Diagnostic[];
  /** Free-form details for JSON output. */
  details?: Record<string, unknown>;
}

/**
 * The one error type of ST3. Check it by `code` (see `isSt3Error`), never by `instanceof`:
 * two copies of this package in one process must still agree.
 */
export class St3Error extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly diagnostics: Diagnostic[];
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: string, options: St3ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'St3Error';
    this.code = code;
    this.hint = options.hint;
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
    this.diagnostics = options.diagnostics ?? [];
    this.details = options.details;
  }

  /** The DESIGN.md JSON error document body. */
  toJSON(): St3ErrorJson {
    return errorToJson(this);
  }
}

export interface St3ErrorJson {
  code: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  hint?: string;
  diagnostics?: Diagnostic[];
  details?: Record<string, unknown>;
}

/**
 * Duck-typed check: an error-like object with a message and an ST3 code (`E_` + capitals, or the
 * seed's numbered codes such as `E001`). Node's own codes (`ERR_MODULE_NOT_FOUND`, `ENOENT`) are not ST3 errors.
 */
export function isSt3Error(error: unknown, code?: string): error is St3Error {
  if (typeof error !== 'object' || error === null) return false;
  const c = (error as { code?: unknown }).code;
  if (typeof c !== 'string' || !ST3_CODE.test(c)) return false;
  if (typeof (error as { message?: unknown }).message !== 'string') return false;
  return code === undefined || c === code;
}

/** `E_UPPER_CASE` codes and the seed's numbered `E001`-style codes. */
const ST3_CODE = /^E(?:_[A-Z0-9_]+|\d{3})$/;

export function errorToJson(error: St3Error): St3ErrorJson {
  const out: St3ErrorJson = { code: error.code, message: error.message };
  if (error.file !== undefined) out.file = error.file;
  if (error.line !== undefined) out.line = error.line;
  if (error.column !== undefined) out.column = error.column;
  if (error.hint !== undefined) out.hint = error.hint;
  if (error.diagnostics !== undefined && error.diagnostics.length > 0) out.diagnostics = error.diagnostics;
  if (error.details !== undefined) out.details = error.details;
  return out;
}

/** Builds an error from the first of several diagnostics, carrying all of them. */
export function errorFromDiagnostics(code: string, message: string, diagnostics: Diagnostic[]): St3Error {
  const first = diagnostics[0];
  // The first diagnostic's place and hint are the error's own fields (printed once, before and after the message).
  const detail = first
    ? `: ${first.message}${first.path && first.path.length > 0 ? ` at ${formatPath(first.path)}` : ''}`
    : '';
  return new St3Error(code, `${message}${detail}`, {
    file: first?.file,
    line: first?.line,
    column: first?.column,
    hint: first?.hint,
    diagnostics,
  });
}
