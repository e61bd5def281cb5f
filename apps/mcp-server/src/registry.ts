import { TOOL_AREAS, type AnyTool } from './tool.js';
import { atomizeTool, complexityTool } from './tools/atoms.js';
import { atomContextTool } from './tools/context.js';
import { exportSchemasTool, validateFilesTool } from './tools/core.js';
import { executeTool } from './tools/execute.js';
import {
  evidenceAttachTool,
  evidenceListTool,
  evidenceVerifyTool,
  standardsAttachTool,
  standardsVerifyTool,
} from './tools/evidence.js';
import {
  initGatesTool,
  listGatesTool,
  planQualityGatesTool,
  runQualityGatesTool,
  runTestsTool,
} from './tools/gates.js';
import { dependencyGraphTool, validatePlanTool, wavesTool } from './tools/graph.js';
import {
  exceptionsAddTool,
  exceptionsCleanupTool,
  exceptionsListTool,
  exceptionsResolveTool,
  quarantineListTool,
  quarantineReleaseTool,
  quarantineRepairTool,
} from './tools/ledger.js';
import { metricsCollectTool, metricsCompareTool, telemetryRecordTool } from './tools/metrics.js';
import { qaDriftTool, qaRecordTool } from './tools/qa.js';
import { reviewActionTool, reviewListTool, reviewShowTool, runStatusTool } from './tools/review.js';
import { checkPatternsTool, parityCompareTool, scaffoldBatchTool } from './tools/patterns.js';
import { checkScaffoldedTool, listArtifactTypesTool, scaffoldArtifactTool } from './tools/scaffold.js';
import { updateScaffoldedTool } from './tools/scaffold-update.js';
import {
  taskContextShowTool,
  taskContextDiffTool,
  taskInitContextTool,
  taskListTool,
  taskShowTool,
  taskValidateTool,
} from './tools/tasks.js';
import { runValidationTool, worktreeSnapshotTool, worktreeVerifyTool } from './tools/validation.js';

const DECLARED: AnyTool[] = [
  validateFilesTool,
  exportSchemasTool,
  runQualityGatesTool,
  planQualityGatesTool,
  listGatesTool,
  initGatesTool,
  runTestsTool,
  scaffoldArtifactTool,
  listArtifactTypesTool,
  checkScaffoldedTool,
  updateScaffoldedTool,
  scaffoldBatchTool,
  checkPatternsTool,
  parityCompareTool,
  atomizeTool,
  atomContextTool,
  complexityTool,
  dependencyGraphTool,
  wavesTool,
  validatePlanTool,
  executeTool,
  runStatusTool,
  reviewListTool,
  reviewShowTool,
  reviewActionTool,
  taskListTool,
  taskShowTool,
  taskValidateTool,
  taskInitContextTool,
  taskContextShowTool,
  taskContextDiffTool,
  evidenceAttachTool,
  evidenceListTool,
  evidenceVerifyTool,
  standardsAttachTool,
  standardsVerifyTool,
  exceptionsAddTool,
  exceptionsListTool,
  exceptionsResolveTool,
  exceptionsCleanupTool,
  quarantineListTool,
  quarantineRepairTool,
  quarantineReleaseTool,
  runValidationTool,
  worktreeSnapshotTool,
  worktreeVerifyTool,
  qaRecordTool,
  qaDriftTool,
  telemetryRecordTool,
  metricsCollectTool,
  metricsCompareTool,
];

/**
 * The CPU-heavy tools: parsing many files and analysing big graphs is synchronous work, so their
 * handlers run on the worker threads of offload.ts while the event loop answers other requests.
 */
const OFFLOADED = new Set(['atomize', 'atom_context', 'complexity', 'dependency_graph', 'waves', 'validate_plan']);

/** Every tool, grouped by area (the order of `tools/list` and of the README). */
export const TOOLS: readonly AnyTool[] = TOOL_AREAS.flatMap((area) =>
  DECLARED.filter((t) => t.area === area).map((t) => (OFFLOADED.has(t.name) ? { ...t, offload: true } : t)),
);

/** The tool names in `tools/list` order. */
export const TOOL_NAMES: readonly string[] = TOOLS.map((t) => t.name);
