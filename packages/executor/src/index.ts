export {
  execute,
  type ExecuteEvent,
  type ExecuteOptions,
  type ExecuteResult,
  type NodeContext,
  type RunNode,
} from './execute.js';
export type { ExecuteStats } from './stats.js';
export { planExecution, graphHash, planHash, type ExecutionPlan } from './plan.js';
export { systemClock, createVirtualClock, type Clock, type VirtualClock } from './clock.js';
export {
  backoffDelay,
  buildFeedback,
  DEFAULT_SCHEDULE,
  defaultClassifier,
  paramsForAttempt,
  trimMessage,
  type BackoffOptions,
  type Classification,
  type ClassifyContext,
  type ErrorClassifier,
  type RetryOptions,
} from './retry.js';
export { createFileRunStore, newRunId, type FileRunStore, type RunStore } from './run-store.js';
export { writeFileAtomic, withLock, type LockOptions } from './fs-atomic.js';
export {
  confidenceLevel,
  DEFAULT_WEIGHTS,
  LEVEL_PRIORITY,
  LEVEL_THRESHOLDS,
  scoreBatch,
  scoreConfidence,
  type BatchConfidence,
  type ConfidenceInput,
  type ConfidenceOptions,
  type ConfidenceScore,
} from './confidence.js';
export {
  createReviewQueue,
  type AddReviewInput,
  type ReviewQueueApi,
  type ReviewQueueOptions,
  type ReviewStats,
} from './review/queue.js';
export {
  checkSyntax,
  detectIssues,
  languageOf,
  type CodeIssue,
  type CodeLanguage,
  type SyntaxCheck,
} from './detectors/index.js';
export {
  commandRunner,
  expandArgs,
  placeholderValues,
  splitCommand,
  type CommandResult,
  type CommandRunnerOptions,
} from './command.js';
