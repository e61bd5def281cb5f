import type { SkippedSource } from '../inputs.js';
import type { PlanValidation } from './registry.js';
import type { ValidationReport } from './types.js';

/** A plan validation as `st3 validate-plan --json` and the validate_plan MCP tool write it. */
export interface PlanValidationJson extends ValidationReport {
  /** Same as `passed`: the `ok` every ST3 JSON document carries. */
  ok: boolean;
  /** The graph's figures (nodes, edges, cycles, waves...). */
  stats: PlanValidation['analysis']['stats'];
  /** Source files not atomized, so not validated: the plan does not pass while there are any. */
  skipped: SkippedSource[];
}

/** The JSON document of a plan validation: the verdict, scores, levels, results and graph stats, without the graph. */
export function planValidationJson(report: PlanValidation): PlanValidationJson {
  const { skipped } = report;
  // `validatePlan` already fails the plan for skipped sources; a report put together elsewhere must not pass either.
  const passed = report.passed && skipped.length === 0;
  return {
    ok: passed,
    passed,
    score: report.score,
    levels: report.levels,
    results: report.results,
    stats: report.analysis.stats,
    skipped,
  };
}
