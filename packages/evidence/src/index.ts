export { DEFAULT_TASKS_CONFIG, contextDirFor, loadTasksConfig, type EvidenceWorkspace } from './config.js';
export { checkCompleteness, pipelineOf, planOf, taskSchemaVersion, type TaskRecord } from './tasks/completeness.js';
export {
  taskIdFromFileName,
  taskIdOfRef,
  validateTaskFile,
  validateTaskText,
  type BlockerRef,
  type TaskVerdict,
} from './tasks/load.js';
export { taskVerdictJson, type TaskVerdictJson } from './tasks/verdict-json.js';
export { taskInstruction } from './tasks/instruction.js';
export {
  findDuplicateIds,
  findTask,
  listTaskFiles,
  listTasks,
  markDanglingBlockers,
  markDuplicateIds,
  noTaskFiles,
  resolveTaskInputs,
  type TaskLocation,
  type TaskSummary,
} from './tasks/find.js';
export {
  findTaskFiles,
  validateFoundTaskFile,
  type FoundTaskFile,
  type NotChecked,
  type SkippedTaskFile,
} from './tasks/scan.js';
export {
  CONTEXT_FILE,
  immutableFields,
  purgeContext,
  readContext,
  updateContext,
  verifySnapshot,
} from './context/store.js';
export { initContext, type ContextOptions, type InitResult } from './context/init.js';
export { EVIDENCE_LIMITS, attachEvidence, type AttachOptions, type AttachResult } from './evidence/attach.js';
export { readEvidenceIndex } from './evidence/evidence-index.js';
export { verifyEvidence, type VerifyReport } from './evidence/verify.js';
export { listEvidence } from './evidence/list.js';
export { attachRunPatch } from './evidence/run-patch.js';
export {
  archiveDirectory,
  listTree,
  readArchive,
  type ArchiveEntry,
  type ArchiveOptions,
  type ArchiveResult,
} from './evidence/archive.js';
export { tarEnd, tarHeader, tarPadding, type TarHeaderInput } from './evidence/tar.js';
export {
  addException,
  calendarDateProblem,
  checkDeadline,
  cleanupExceptions,
  queryExceptions,
  readLedger,
  resolveException,
  shouldShowWarning,
  type AddExceptionInput,
  type ExceptionQuery,
  type ExceptionType,
  type TaskState,
} from './ledger.js';
export { cleanupTaskExceptions, type TaskExceptionCleanup } from './ledger-cleanup.js';
export {
  isQuarantined,
  listQuarantined,
  quarantineTask,
  readQuarantineEntry,
  readQuarantineIndex,
  releaseQuarantined,
  repairQuarantined,
  type QuarantineStore,
  type RepairOutcome,
} from './quarantine.js';
export { REPAIR_FIXES, repairYaml, type RepairFix } from './repair.js';
export {
  cacheExcerpt,
  checkExcerpts,
  citedSections,
  dropCachedExcerpt,
  excerptsVerdict,
  extractSection,
  listHeadings,
  slugify,
  type ExcerptCheck,
  type ExcerptsVerdict,
  type MarkdownHeading,
  type Section,
} from './standards.js';
export { commandsFromTask, parseCommands } from './validation/task-commands.js';
export { preflight } from './validation/preflight.js';
export { notRunReason, tallyValidation, type ValidationTally } from './validation/tally.js';
export { runValidationCommand, argvFor, runsThroughShell, type RunValidationOptions } from './validation/commands.js';
export {
  noValidationCommands,
  runTaskValidation,
  taskStatusLookup,
  type RunTaskValidationOptions,
  type TaskValidationRun,
} from './validation/run-task.js';
export { driftResult, validationCommandDrift, type CommandDrift } from './validation/drift.js';
export {
  checkCleanTree,
  describeDrift,
  recordWorktree,
  snapshotFor,
  takeSnapshot,
  verifyWorktree,
  workspaceIgnores,
  type WorktreeDrift,
  type WorktreeOptions,
  type WorktreeWarning,
} from './worktree.js';
export { diffContext, taskFileDrift, type ContextDiff, type TaskFileDrift } from './context/diff.js';
export { resolveTaskRef } from './context/ref.js';
export { displayPath, isInside, resolveInside, sha256, sha256File, type Clock } from './util.js';
export {
  compareQa,
  detectQaFormat,
  qaCoverage,
  qaDrift,
  qaTaskDrift,
  planQaRecord,
  qaKey,
  readQaBaselines,
  readQaRuns,
  qaRecordFailed,
  recordQa,
  runQa,
  summarizeQa,
  type QaDriftFinding,
  type QaDriftKind,
  type QaDriftOptions,
  type QaCoverage,
  type QaDriftReport,
  type QaNoBaseline,
  type QaTaskDrift,
  type QaTaskDriftOptions,
  type QaRecordPlan,
  type QaRecordRequest,
  type RecordQaOptions,
  type RecordQaResult,
  type RunQaOptions,
  type SummarizeQaInput,
} from './qa/index.js';
export {
  TASK_TOOL_AGENT,
  contextCachedBytes,
  taskTelemetry,
  type TaskTelemetryOptions,
  type TaskTelemetryRecorder,
  type TaskTelemetryTarget,
} from './task-telemetry.js';
export { validateTasks, type ValidateTasksOptions, type ValidateTasksResult } from './tasks/validate-all.js';
