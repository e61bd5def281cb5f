export {
  execute,
  type ExecuteEvent,
  type ExecuteOptions,
  type ExecuteResult,
  type NodeContext,
  type NodeReport,
  type RunNode,
  type TokenUsage,
} from './scheduler/execute.js';
export { localBackend, scheduleNodes, type SchedulerBackend, type ScheduleJob } from './scheduler/local.js';
export {
  attemptRemotely,
  type AttemptPolicy,
  type RemoteAttemptInput,
  type RemoteOutcome,
  type RemoteProgress,
  type RemoteStats,
  type RemoteTask,
} from './scheduler/remote.js';
export type { AttemptCursor } from './scheduler/attempts.js';
export type { ExecuteStats } from './scheduler/stats.js';
export { planExecution, graphHash, planHash, type ExecutionPlan } from './scheduler/plan.js';
export { systemClock, createVirtualClock, type Clock, type VirtualClock } from './scheduler/clock.js';
export {
  backoffDelay,
  buildFeedback,
  DEFAULT_SCHEDULE,
  guidanceFor,
  defaultClassifier,
  paramsForAttempt,
  trimMessage,
  type BackoffOptions,
  type Classification,
  type ClassifyContext,
  type ErrorClassifier,
  type RetryOptions,
} from './scheduler/retry.js';
export {
  createFileRunStore,
  newRunId,
  type FileRunStore,
  type RunListing,
  type RunStore,
  type RunSummary,
  type UnreadableRun,
} from './scheduler/run-store.js';
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
  type DecisionOptions,
  type ReviewQueueApi,
  type ReviewQueueOptions,
  type ReviewStats,
  type WriteUnderLock,
} from './review/queue.js';
export { supersededBy, supersededText, withSupersededBy, type ReviewSupersededBy } from './review/superseded.js';
export { startReviewServer, type ReviewServer, type ReviewServerOptions } from './review/server.js';
export { reviewPage } from './review/page/html.js';
export {
  createReviewService,
  type ActionOptions,
  type ReviewService,
  type ReviewServiceOptions,
} from './review/service.js';
export { chooseAgent, openReviewService, savedSelection, type AgentChoice } from './review/open.js';
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
} from './runners/command.js';
export { createAgentRunner, type AgentNodeResult, type AgentRunnerOptions } from './runners/agent.js';
export type { Agent, AgentAnswer, AgentNodeInfo, AgentRequest, AgentUsage, ChatMessage } from './agents/types.js';
export { createOpenAiAgent, parseCompletion, type OpenAiAgentOptions } from './agents/openai.js';
export { agentCouldNotAnswer, agentRunFailure, failedAtRuntime } from './agents/failure.js';
export { createCommandAgent, renderPromptText, type CommandAgentOptions } from './agents/command.js';
export {
  AGENTS_CONFIG_PATH,
  createAgent,
  loadAgentsConfig,
  selectAgent,
  type AgentSelection,
  type CreateAgentOptions,
} from './agents/resolve.js';
export { buildPrompt, systemPrompt, type PromptInput } from './agents/prompt.js';
export { parseAnswer, type AnswerTarget, type ParsedAnswer } from './agents/answer.js';
export { atomContext, type AtomContextInput, type AtomContextResult } from './agents/atom-context.js';
export { applyHunks, diffHunks, rebaseHunks, replacementHunk, type Hunk, type RebaseResult } from './change/hunks.js';
export { locateLines, replaceLines, sha256, unifiedDiff } from './change/text.js';
export {
  createWorkspaceFiles,
  type AppliedEdit,
  type Edit,
  type WorkspaceFiles,
  type WorkspaceFilesOptions,
} from './change/workspace.js';
export { copyWorkspace, createScratchPool, type ScratchPool } from './validate/scratch.js';
export {
  categoryOfViolations,
  createValidator,
  type ChangeToValidate,
  type ValidationOutcome,
  type Validator,
  type ValidatorOptions,
} from './validate/validate.js';
export { checksSummary, notMeasuredOf } from './validate/not-measured.js';
export {
  approvedInFile,
  priorOutcomes,
  type ApprovedInFile,
  type PriorOutcomes,
  type PriorOutcomesOptions,
} from './ledger.js';
export { restrictGraph } from './scheduler/select.js';
export { runAgentExecution, type AgentExecutionOptions, type AgentExecutionResult } from './run-agents.js';
export {
  chooseBackend,
  EXECUTOR_CONFIG_PATH,
  loadExecutorConfig,
  priceOf,
  type BackendChoice,
  type BackendFlags,
} from './setup/config.js';
export {
  agentRunParams,
  runSettings,
  type AgentRunParams,
  type AgentRunRequest,
  type RunSettings,
  type RunSettingsRequest,
} from './setup/settings.js';
export {
  nothingToRun,
  runnableGraph,
  type RunInputs,
  type RunnableGraph,
  type RunnableGraphOptions,
} from './setup/runnable.js';
