/**
 * `@st3/quality-gates/plan`: `planGateRun` (what `st3 gates --dry-run` prints) without loading the gate
 * runners, the YAML parser or, when quality.yaml is unchanged since it was last validated, zod.
 */
export { planGateRun, type RunGatesOptions, type RunPlan } from './run/plan-run.js';
export type { ResolvedScope, ScopeKind, ScopeRequest } from './scope/resolve-scope.js';
export type { GatePlan } from './run/plan.js';
export { gatePlanDocument, planWarnings, type GatePlanDocument } from './run/plan-document.js';
