import type { PlanValidation } from './registry.js';
import type { ValidationReport } from './types.js';

/** A plan validation as `st3 validate-plan --json` and the validate_plan MCP tool write it. */
export interface PlanValidationJson extends ValidationReport {
  /** Same as `passed`: the `ok` every ST3 JSON document carries. */
  ok: boolean;
  /** The graph's figures (nodes, edges, cycles, waves...). */
  stats: PlanValidation['analysis']['stats'];
}

/** The JSON document of a plan validation: the verdict, scores, levels, results and graph stats, without the graph. */
export function planValidationJson(report: PlanValidation): PlanValidationJson {
  return {
    ok: report.passed,
    passed: report.passed,
    score: report.score,
    levels: report.levels,
    results: report.results,
    stats: report.analysis.stats,
  };
}
