import type { GateResult, GateRunScope } from '@st3/schemas';
import type { ResolvedScope } from '../scope/resolve-scope.js';
import type { GatePlan } from './plan.js';

/**
 * A gate run's result: the DESIGN.md contract and ST3's additions, defined once as zod schemas in
 * @st3/schemas (`GateRunResultSchema`, exported as `gate-run.schema.json`).
 */
export type { FixReport, GateResult, GateRunResult } from '@st3/schemas';
/** The scope one gate ran on, and why. */
export type GateScope = GateRunScope;

export type GateProgress =
  | { type: 'scope'; scope: ResolvedScope }
  | { type: 'plan'; plans: readonly GatePlan[] }
  | { type: 'gate-start'; id: string; name: string; files: number }
  | { type: 'gate-end'; gate: GateResult }
  | { type: 'fix'; gate: string; files: number }
  | { type: 'baseline'; baseline_sha: string | null | undefined; failed_files: string[] }
  | { type: 'warning'; message: string };
