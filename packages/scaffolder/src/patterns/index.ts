export {
  runPatternBatch,
  type BatchFile,
  type BatchPhase,
  type BatchReport,
  type PatternBatchOptions,
  type PatternBatchReport,
  type PatternNote,
} from './batch.js';
export {
  checkPatterns,
  sidecarPathFor,
  PATTERN_RULES,
  type PatternCheckOptions,
  type PatternCheckReport,
  type PatternFinding,
  type PatternRule,
  type RuleLevel,
} from './check.js';
export {
  defaultRegistryDir,
  loadPatternCheckConfig,
  patternRuleLevels,
  resolvePatternCheck,
  type PatternCheckRequest,
  type ResolvedPatternCheck,
} from './config.js';
export { deriveInstanceSchema, type DerivedSchema, type JsonSchema } from './json-schema.js';
export {
  createAjv,
  generateInstance,
  validateInstance,
  INSTANCE_KINDS,
  type InstanceKind,
  type InstanceValidation,
} from './instances.js';
export { deriveDocId } from './phase-doc-ids.js';
export type { FileAction, FileStatus } from './overlay.js';
export {
  DOC_ID_RE,
  LINK_FIELDS,
  findRegistry,
  loadPatternWorkspace,
  type LinkField,
  type PatternRecord,
  type PatternWorkspace,
} from './workspace.js';
export {
  applySplices,
  insertPair,
  readDocLink,
  replaceScalar,
  setDocLink,
  verifyEdits,
  type Splice,
} from './yaml-edit.js';
