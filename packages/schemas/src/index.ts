export type { Diagnostic, Result, SourceLocation } from './errors/diagnostic.js';
export { failed, formatDiagnostic, formatPath, ok } from './errors/diagnostic.js';
export { St3Error, errorFromDiagnostics, errorToJson, isSt3Error, type St3ErrorJson, type St3ErrorOptions } from './errors/st3-error.js';
export { ERROR_CODES, exitCodeFor, type ErrorCode, type ErrorCodeInfo } from './errors/codes.js';
export { loadFile, loadText, formatFromName, type CheckContext, type DocumentFormat, type LoadOptions } from './load/load-document.js';
export { locatePath, type Position } from './load/locate.js';
export * from './formats/atoms.js';
export * from './formats/graph.js';
