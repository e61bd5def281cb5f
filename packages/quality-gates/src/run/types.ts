import type { Violation } from '@st3/schemas';
import type { GateStatus } from '../parse/evaluate.js';
import type { ResolvedScope } from '../scope/resolve-scope.js';

/** One gate in a run result (DESIGN.md "Output contracts"). */
export interface GateResult {
  id: string;
  name: string;
  passed: boolean;
  skipped: boolean;
  status: GateStatus;
  duration_ms: number;
  violations: Violation[];
  /** Why the gate was skipped, failed or errored (absent when it passed). */
  reason?: string;
}

/** A gate run: the library result and the `--json` document. */
export interface GateRunResult {
  overall_pass: boolean;
  summary: string;
  gates: GateResult[];
}

export type GateProgress =
  | { type: 'scope'; scope: ResolvedScope }
  | { type: 'gate-start'; id: string; name: string; files: number }
  | { type: 'gate-end'; gate: GateResult }
  | { type: 'baseline'; baseline_sha: string | null | undefined; failed_files: string[] }
  | { type: 'warning'; message: string };
