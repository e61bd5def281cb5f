export { runProcess, tail, type ProcessResult, type RunProcessOptions } from './process/run-process.js';
export {
  loadQualityConfig,
  parseQualityConfig,
  checkQualityConfig,
  QUALITY_CONFIG_PATH,
} from './config/load-config.js';
export { translatePythonRegex, compileConfigRegex } from './config/regex.js';
export { createJsonParser, compileFixableWhen, parseJsonLenient, type ParseOutcome } from './parse/json-violations.js';
export { createTextParser } from './parse/text-violations.js';
export {
  createOutputParser,
  evaluateGate,
  type GateEvaluation,
  type GateStatus,
  type OutputParser,
} from './parse/evaluate.js';
export { normalizeSeverity, type ParseContext } from './parse/normalize.js';
export {
  resolveScope,
  listProjectFiles,
  type ResolvedScope,
  type ResolveScopeOptions,
  type ScopeKind,
  type ScopeRequest,
} from './scope/resolve-scope.js';
export { createGateFilter, globMatcher } from './scope/filter.js';
export { readState, gatesState, statePath, updateBaseline, type BaselineUpdate } from './state/baseline.js';
export { chunkFiles, commandLineBudget } from './run/chunk.js';
export { runGates, selectGates, type RunGatesOptions } from './run/run-gates.js';
export { writeArtifactLog, rotateArtifactLogs, type ArtifactLogOptions } from './run/artifact-log.js';
export type { GateProgress, GateResult, GateRunResult } from './run/types.js';
export { summarize } from './report/summary.js';
export { toSarif, type SarifOptions } from './report/sarif.js';
export { toGithubAnnotations } from './report/github.js';
export { toText, type TextColors } from './report/text.js';
export { toMcpContent, type McpToolResult } from './report/mcp.js';
export { PRESETS, findPreset, MYPY_PATTERN, type GatePreset } from './presets/presets.js';
export {
  detectWorkspace,
  renderQualityConfig,
  qualitySchemaText,
  QUALITY_SCHEMA_FILE,
  type WorkspaceDetection,
} from './presets/init.js';
export { runTests, summarizeTests, type RunTestsOptions, type TestRunResult } from './tests/run-tests.js';
export { parseJestJson, parsePytestJunit, type TestCounts, type TestFailure } from './tests/parse-results.js';
export {
  parseIstanbulSummary,
  parseJestText,
  parseLcov,
  parseVitestText,
  stripAnsi,
  type CoverageMetric,
  type CoverageReport,
  type CoverageTotals,
} from './reports/index.js';
