import type { Violation } from '@st3/schemas';
import type { GateStatus } from '../parse/evaluate.js';
import type { ResolvedScope } from '../scope/resolve-scope.js';
import type { GatePlan } from './plan.js';

/** The scope one gate ran on, and why (ST3 extension of the contract). */
export interface GateScope {
  /** `project`: every file of the project the gate takes; `files`: the listed ones; `skip`: none. */
  mode: 'project' | 'files' | 'skip';
  /** How many files the gate was given. */
  files: number;
  reason: string;
}

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
  /** The scope the gate ran on. */
  scope?: GateScope;
  /** `--new-only`: violations on lines not changed since the baseline (they do not fail the gate). */
  preexisting_violations?: Violation[];
}

/** What `--fix` did (ST3 extension of the contract). */
export interface FixReport {
  /** Each fixer that ran. */
  fixers: {
    gate: string;
    command: string[];
    files: number;
    exit_code: number | null;
    /** Why the fixer could not run (tool not found, timeout). */
    error?: string;
  }[];
  /** Files whose content the fixers changed. */
  files_changed: string[];
  /** Violations of the fixed gates before and after, and how many went away. */
  violations_before: number;
  violations_after: number;
  fixed: number;
}

/** A gate run: the library result and the `--json` document. */
export interface GateRunResult {
  overall_pass: boolean;
  summary: string;
  gates: GateResult[];
  /** Present with `fix: true`. */
  fix?: FixReport;
  /** `--new-only`: the commit new violations are measured from, and how many were pre-existing. */
  new_only?: { reference: string | null; preexisting: number };
}

export type GateProgress =
  | { type: 'scope'; scope: ResolvedScope }
  | { type: 'plan'; plans: readonly GatePlan[] }
  | { type: 'gate-start'; id: string; name: string; files: number }
  | { type: 'gate-end'; gate: GateResult }
  | { type: 'fix'; gate: string; files: number }
  | { type: 'baseline'; baseline_sha: string | null | undefined; failed_files: string[] }
  | { type: 'warning'; message: string };
