import type { Atom, AtomizedFile } from '@st3/schemas';
import type { GraphAnalysis } from '../analyze.js';
import type { BuiltGraph } from '../build/atoms.js';
import type { SkippedSource } from '../inputs.js';

export type ValidationLevel = 'atom' | 'task' | 'milestone' | 'plan';
export const VALIDATION_LEVELS: readonly ValidationLevel[] = ['atom', 'task', 'milestone', 'plan'];

export interface ValidationIssue {
  severity: 'error' | 'warning' | 'info';
  message: string;
  file?: string;
  line?: number;
  /** The atom the issue is about, when there is one. */
  atom?: string;
  hint?: string;
}

/** A task: a group of atoms (by default, the atoms of one file). */
export interface PlanTask {
  id: string;
  milestone: string;
  files: AtomizedFile[];
  atoms: Atom[];
}

/** A milestone: a group of tasks (by default, the files of one folder). */
export interface PlanMilestone {
  id: string;
  tasks: PlanTask[];
}

export interface PlanModel {
  milestones: PlanMilestone[];
  tasks: PlanTask[];
  /** Task id of every atom. */
  taskOfAtom: Map<string, string>;
  /** Task id of every file. */
  taskOfFile: Map<string, string>;
}

/** What every check sees besides its subject. */
export interface PlanContext {
  plan: PlanModel;
  built: BuiltGraph;
  analysis: GraphAnalysis;
  /** Names that resolve without a definition or import (language built-ins plus the user's). */
  globals(language: string): ReadonlySet<string>;
  options: ValidationOptions;
}

export interface Subjects {
  atom: { atom: Atom; file: AtomizedFile };
  task: PlanTask;
  milestone: PlanMilestone;
  plan: PlanModel;
}

/** A check returns its issues, and optionally its own score in [0, 1] (else one is derived from the issues). */
export type CheckOutcome = ValidationIssue[] | { issues: ValidationIssue[]; score?: number };

export interface PlanCheck<L extends ValidationLevel = ValidationLevel> {
  /** Stable id, `<level>.<name>`. */
  id: string;
  level: L;
  description: string;
  run(subject: Subjects[L], ctx: PlanContext): CheckOutcome;
}

export interface CheckResult {
  check: string;
  level: ValidationLevel;
  /** The atom, task or milestone id ("plan" for the plan level). */
  subject: string;
  score: number;
  passed: boolean;
  issues: ValidationIssue[];
}

export interface LevelSummary {
  level: ValidationLevel;
  /** 1 when no check ran on the level (`checks` 0): then nothing was measured, and it counts in no score. */
  score: number;
  /** No result of the level found an error; true of a level no check ran on, which is not checked, not passed. */
  passed: boolean;
  /** How many results the level has: 0 when `only` selected none of its checks. */
  checks: number;
  errors: number;
  warnings: number;
}

export interface ValidationReport {
  passed: boolean;
  /** Mean of the scores of the levels some check ran on (`checks` > 0). */
  score: number;
  levels: LevelSummary[];
  /** Results that found something (all results with `includePassing`). */
  results: CheckResult[];
}

export interface ValidationOptions {
  /** Extra names every file may use without defining or importing them. */
  globals?: readonly string[];
  /** Task and milestone of a file (default: the file itself, and its folder). */
  group?: (file: AtomizedFile) => { task: string; milestone: string };
  /** Ordered layer rules: a file under `from` must not depend on a file under `to` (path prefixes). */
  forbidden?: readonly { from: string; to: string; reason?: string }[];
  /** Fan-in above which an atom is reported as a hub (default 25). */
  maxFanIn?: number;
  /** Fan-out above which an atom is reported as depending on too much (default 15). */
  maxFanOut?: number;
  /** Keep passing results in the report. */
  includePassing?: boolean;
  /** Run only these check ids (default all registered). */
  only?: readonly string[];
  /**
   * Source files of the plan the atomizer could not read or parse (`GraphInputs.skipped`): nothing about
   * them is validated, so each is an error of the plan level (result `plan.sources-atomized`, whatever `only` says).
   */
  skipped?: readonly SkippedSource[];
}
