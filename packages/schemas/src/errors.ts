/**
 * `@st3/schemas/errors`: the error model alone (no zod, no YAML parser), for code on the startup
 * path of a CLI such as `st3 --version` and `st3 --help`.
 */
export type { Diagnostic, Result, SourceLocation } from './errors/diagnostic.js';
export { failed, formatDiagnostic, formatPath, ok } from './errors/diagnostic.js';
export {
  St3Error,
  errorFromDiagnostics,
  errorToJson,
  isSt3Error,
  type St3ErrorJson,
  type St3ErrorOptions,
} from './errors/st3-error.js';
export { ERROR_CODES, exitCodeFor, type ErrorCode, type ErrorCodeInfo } from './errors/codes.js';
export { WARNING_CODES, type WarningCodeInfo } from './errors/warnings.js';
export { decodeUtf8, firstInvalidUtf8 } from './load/utf8.js';
export { didYouMean, editDistance, suggest } from './errors/suggest.js';
