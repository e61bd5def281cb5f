export { processResult, runProcess, tail, type ProcessResult, type RunProcessOptions } from './process/run-process.js';
export {
  loadQualityConfig,
  parseQualityConfig,
  checkQualityConfig,
  QUALITY_CONFIG_PATH,
} from './config/load-config.js';
export {
  requireQualityConfig,
  listConfiguredGates,
  type GateListing,
  type RequireQualityConfigOptions,
} from './config/require-config.js';
export { cachedQualityConfig } from './config/config-cache.js';
export { QUALITY_CONFIG_CACHE } from './config/paths.js';
export { translatePythonRegex, compileConfigRegex } from './config/regex.js';
export { createJsonParser, parseJsonLenient, type ParseOutcome } from './parse/json-violations.js';
export { compileFixableWhen, compileTextFixable, fixableSpec, type FixableSpec } from './parse/fixable.js';
export { createTextParser } from './parse/text-violations.js';
export {
  createOutputParser,
  evaluateGate,
  type GateEvaluation,
  type GateStatus,
  type OutputParser,
} from './parse/evaluate.js';
export { normalizeSeverity, MAX_LINE_CHARS, type ParseContext } from './parse/normalize.js';
export {
  resolveScope,
  allFailedFiles,
  listProjectFiles,
  type ResolvedScope,
  type ResolveScopeOptions,
  type ScopeKind,
  type ScopeRequest,
} from './scope/resolve-scope.js';
export { createGateFilter, globMatcher } from './scope/filter.js';
export {
  readState,
  gatesState,
  statePath,
  applyStateUpdate,
  updateGatesState,
  type GateOutcome,
  type StateUpdate,
} from './state/baseline.js';
export { loadGatesState } from './state/read-state.js';
export {
  gateConfigHash,
  gateConfigInputs,
  configFileGlobs,
  configFileMatcher,
  type GateConfigInputs,
  type GateHashOptions,
} from './scope/config-hash.js';
export { findImporters, buildImportIndex, pythonImports, jsImports, type ImportIndex } from './scope/imports.js';
export { planGates, failedFor, type GatePlan, type PlanContext } from './run/plan.js';
export { changedLinesSince, holdTheLine, type ChangedLines } from './run/new-only.js';
export { toolEnv } from './run/execute.js';
export { chunkFiles, commandLineBudget } from './run/chunk.js';
export { runGates, planGateRun, selectGates, type RunGatesOptions, type RunPlan } from './run/run-gates.js';
export { gatePlanDocument, planWarnings, type GatePlanDocument } from './run/plan-document.js';
export { writeArtifactLog, rotateArtifactLogs, type ArtifactLogOptions } from './run/artifact-log.js';
export type { FixReport, GateProgress, GateResult, GateRunResult, GateScope } from './run/types.js';
export { summarize } from './report/summary.js';
export { toSarif, type SarifOptions } from './report/sarif.js';
export { toGithubAnnotations } from './report/github.js';
export { toText, type TextColors } from './report/text.js';
export { toMcpContent, type McpToolResult } from './report/mcp.js';
export { PRESETS, findPreset, MYPY_PATTERN, type GatePreset } from './presets/presets.js';
export {
  detectWorkspace,
  addToGitignore,
  GITIGNORE_ENTRIES,
  renderQualityConfig,
  qualitySchemaText,
  QUALITY_SCHEMA_FILE,
  type WorkspaceDetection,
} from './presets/init.js';
export {
  initQualityConfig,
  type InitQualityConfigOptions,
  type InitQualityConfigResult,
} from './presets/init-config.js';
export {
  requireTestsConfig,
  runTests,
  summarizeTests,
  type RunTestsOptions,
  type TestRunResult,
} from './tests/run-tests.js';
export { parseJestJson, parsePytestJunit, type TestCounts, type TestFailure } from './tests/parse-results.js';
export {
  parseEslintStylish,
  parseIstanbulSummary,
  parseJestText,
  parseLcov,
  parseVitestText,
  stripAnsi,
  type CoverageMetric,
  type CoverageReport,
  type CoverageTotals,
  type StylishProblem,
} from './reports/index.js';
