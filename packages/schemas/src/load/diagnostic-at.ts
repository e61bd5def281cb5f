import type { Diagnostic } from '../errors/diagnostic.js';
import type { CheckContext } from './load-document.js';

/** What a check says about a value; where it is comes from the document. */
export interface Finding {
  code: string;
  message: string;
  /** Default: error. */
  severity?: Diagnostic['severity'];
  hint?: string;
}

/** A check's finding at `path` of the document being loaded, located at its file:line:col (`atKey`: at the key). */
export function diagnosticAt(
  ctx: CheckContext,
  path: (string | number)[],
  finding: Finding,
  options: { atKey?: boolean } = {},
): Diagnostic {
  const pos = options.atKey ? ctx.locate(path, { atKey: true }) : ctx.locate(path);
  return {
    code: finding.code,
    severity: finding.severity ?? 'error',
    file: ctx.file,
    line: pos?.line,
    column: pos?.column,
    path,
    message: finding.message,
    ...(finding.hint !== undefined ? { hint: finding.hint } : {}),
  };
}
