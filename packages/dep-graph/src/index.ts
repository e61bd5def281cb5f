export { IntHeap } from './heap.js';
export { DEFAULT_EDGE_WEIGHTS, edgeWeight, indexGraph, indexedFromPairs, csr, type IndexedGraph } from './indexed.js';
export { stronglyConnectedComponents, type Components } from './scc.js';
export { listCycles, type CycleListing } from './cycles.js';
export { feedbackArcSet, dfsBackEdges, type FeedbackArcSet } from './fas.js';
export {
  kahnLevels,
  groupByLevel,
  latestLevels,
  balanceLevels,
  criticalPath,
  type Levels,
  type Balanced,
  type CriticalPath,
} from './waves.js';
export {
  analyzeGraph,
  planWaves,
  type AnalyzeOptions,
  type GraphAnalysis,
  type GraphStats,
  type WavePlan,
} from './analyze.js';
export { indexGraphBytes, indexGraphFile, type IndexGraphFileOptions } from './fast/load.js';
export { scanGraph, type ScannedGraph } from './fast/scan.js';
export { exportGraph, toDot, toMermaid, EXPORT_FORMATS, type ExportFormat } from './export.js';
export {
  buildGraphFromAtoms,
  importBindings,
  type BuildOptions,
  type BuiltGraph,
  type FileSymbols,
  type ImportBinding,
} from './build/atoms.js';
export { readTsconfigPaths } from './build/tsconfig-paths.js';
// Module resolution lives with the atomizer (it knows imports); the graph re-exports it for its users.
export { createModuleResolver, type ModuleResolver, type ResolveOptions } from '@st3/atomizer';
export { parseGraphDocument, loadGraphDocument, mergeDocuments, type GraphDocument } from './load.js';
export {
  CheckRegistry,
  BUILTIN_CHECKS,
  planModel,
  validatePlan,
  SOURCES_ATOMIZED,
  type PlanValidation,
} from './validate/registry.js';
export { validatePlanInputs } from './validate/plan-inputs.js';
export {
  loadGraphInputs,
  atomizeSources,
  type AtomizeSourcesOptions,
  type AtomizedSources,
  type GraphInputOptions,
  type GraphInputs,
  type SkippedSource,
} from './inputs.js';
export { planValidationJson, type PlanValidationJson } from './validate/report-json.js';
export { checkBalance, type BalanceProblem } from './validate/syntax.js';
export {
  globToRegExp,
  groupFromPlan,
  loadPlanSpec,
  planCoverage,
  planCoverageCheck,
  PLAN_COVERAGE_CHECK,
  type PlanFileIssue,
} from './validate/plan-spec.js';
export { builtinGlobals } from './validate/globals.js';
export {
  VALIDATION_LEVELS,
  type CheckOutcome,
  type CheckResult,
  type LevelSummary,
  type PlanCheck,
  type PlanContext,
  type PlanMilestone,
  type PlanModel,
  type PlanTask,
  type Subjects,
  type ValidationIssue,
  type ValidationLevel,
  type ValidationOptions,
  type ValidationReport,
} from './validate/types.js';
