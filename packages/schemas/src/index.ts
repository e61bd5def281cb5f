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
export {
  loadFile,
  loadText,
  formatFromName,
  issueToDiagnostic,
  type CheckContext,
  type DocumentFormat,
  type LoadOptions,
} from './load/load-document.js';
export { locatePath, type Position } from './load/locate.js';
export { decodeUtf8, firstInvalidUtf8 } from './load/utf8.js';
export { unknownKeyWarnings } from './load/unknown-keys.js';
export { didYouMean, editDistance, suggest } from './errors/suggest.js';
export { diagnosticAt, type Finding } from './load/diagnostic-at.js';
export * from './formats/atoms.js';
export * from './formats/graph.js';
export * from './formats/executor.js';
export * from './formats/agents.js';
export * from './formats/executor-config.js';
export * from './formats/executor-queue.js';
export * from './formats/execution-metrics.js';
export * from './formats/quality.js';
export * from './formats/artifacts.js';
export * from './formats/scaffold-metadata.js';
export * from './formats/template-registry.js';
export * from './formats/scaffold-answers.js';
export * from './formats/state.js';
export { fastQualityGatesState } from './formats/state-fast.js';
export * from './formats/project-structure.js';
export * from './formats/task.js';
export * from './formats/patterns.js';
export * from './formats/violation.js';
export * from './formats/gate-run.js';
export * from './formats/lifecycle.js';
export {
  KINDS,
  findKind,
  inferKind,
  loadKind,
  type KindDefinition,
  type KindLoadOptions,
  type KindResult,
} from './kinds.js';
export { exportJsonSchemas, jsonSchemaText, type ExportedSchema } from './json-schema.js';
export {
  expandInputs,
  notValidatedError,
  notValidatedText,
  validateFiles,
  writeJsonSchemas,
  type FileVerdict,
} from './validate-files.js';
export { renderErrorCodesMarkdown } from './error-codes-doc.js';
export * from './formats/telemetry.js';
export * from './formats/parity.js';
export * from './formats/evidence.js';
export { WARNING_CODES, type WarningCodeInfo } from './errors/warnings.js';
export * from './formats/pattern-check.js';
export * from './formats/qa.js';
export * from './formats/plan.js';
