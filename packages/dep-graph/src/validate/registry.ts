import { posix } from 'node:path';
import type { AtomizeOutput } from '@st3/schemas';
import { analyzeGraph, type GraphAnalysis } from '../analyze.js';
import { buildGraphFromAtoms, type BuildOptions, type BuiltGraph } from '../build/atoms.js';
import {
  atomAtomicity,
  atomSyntax,
  taskConsistency,
  taskDuplicateImports,
  taskNaming,
  taskPublicContracts,
  taskSymbolResolution,
} from './checks-local.js';
import {
  milestoneCycles,
  milestoneInterfaces,
  planArchitecture,
  planDependencyHealth,
  planSecurity,
} from './checks-global.js';
import { builtinGlobals } from './globals.js';
import {
  VALIDATION_LEVELS,
  type CheckOutcome,
  type CheckResult,
  type LevelSummary,
  type PlanCheck,
  type PlanContext,
  type PlanMilestone,
  type PlanModel,
  type PlanTask,
  type ValidationIssue,
  type ValidationLevel,
  type ValidationOptions,
  type ValidationReport,
} from './types.js';
import type { SkippedSource } from '../inputs.js';

/** The checks ST3 ships, in the order they run. */
export const BUILTIN_CHECKS: readonly PlanCheck[] = [
  atomSyntax,
  atomAtomicity,
  taskConsistency,
  taskSymbolResolution,
  taskDuplicateImports,
  taskNaming,
  taskPublicContracts,
  milestoneInterfaces,
  milestoneCycles,
  planArchitecture,
  planDependencyHealth,
  planSecurity,
] as PlanCheck[];

/** An ordered set of checks; users add their own (or replace a built-in one under its id). */
export class CheckRegistry {
  private readonly checks = new Map<string, PlanCheck>();

  constructor(checks: readonly PlanCheck[] = BUILTIN_CHECKS) {
    for (const c of checks) this.register(c);
  }

  register<L extends ValidationLevel>(check: PlanCheck<L>): this {
    if (!VALIDATION_LEVELS.includes(check.level))
      throw new Error(`check "${check.id}": unknown level "${String(check.level)}"`);
    this.checks.set(check.id, check as unknown as PlanCheck);
    return this;
  }

  unregister(id: string): boolean {
    return this.checks.delete(id);
  }

  get(id: string): PlanCheck | undefined {
    return this.checks.get(id);
  }

  list(level?: ValidationLevel): PlanCheck[] {
    return [...this.checks.values()].filter((c) => level === undefined || c.level === level);
  }
}

/** Groups files into tasks and tasks into milestones (default: a file is a task, its folder a milestone). */
export function planModel(output: AtomizeOutput, group: ValidationOptions['group']): PlanModel {
  const by = group ?? ((file) => ({ task: file.path, milestone: posix.dirname(file.path.replace(/\\/g, '/')) }));
  const tasks = new Map<string, PlanTask>();
  const taskOfAtom = new Map<string, string>();
  const taskOfFile = new Map<string, string>();
  for (const file of output.files) {
    const { task: id, milestone } = by(file);
    let task = tasks.get(id);
    if (!task) tasks.set(id, (task = { id, milestone, files: [], atoms: [] }));
    task.files.push(file);
    for (const atom of file.atoms) task.atoms.push(atom);
    taskOfFile.set(file.path, id);
    for (const atom of file.atoms) taskOfAtom.set(atom.id, id);
  }
  const milestones = new Map<string, PlanMilestone>();
  for (const task of tasks.values()) {
    let m = milestones.get(task.milestone);
    if (!m) milestones.set(task.milestone, (m = { id: task.milestone, tasks: [] }));
    m.tasks.push(task);
  }
  return { milestones: [...milestones.values()], tasks: [...tasks.values()], taskOfAtom, taskOfFile };
}

function scoreOf(outcome: CheckOutcome): { issues: ValidationIssue[]; score: number } {
  const issues = Array.isArray(outcome) ? outcome : outcome.issues;
  const given = Array.isArray(outcome) ? undefined : outcome.score;
  const errors = issues.filter((i) => i.severity === 'error').length;
  const warnings = issues.filter((i) => i.severity === 'warning').length;
  const derived = Math.max(0, 1 - 0.25 * errors - 0.05 * warnings);
  const score = given === undefined || !Number.isFinite(given) ? derived : Math.max(0, Math.min(1, given));
  // A check that found errors never scores as clean, whatever its own score says.
  return { issues, score: errors > 0 ? Math.min(score, 0.99) : score };
}

export interface PlanValidation extends ValidationReport {
  built: BuiltGraph;
  analysis: GraphAnalysis;
  /** Source files that were not atomized, so not validated (`options.skipped`): the plan fails while there are any. */
  skipped: SkippedSource[];
}

/** The result that fails the plan for source files the atomizer skipped (it is no check: no `only` leaves it out). */
export const SOURCES_ATOMIZED = 'plan.sources-atomized';

function skippedResult(skipped: readonly SkippedSource[]): CheckResult {
  return {
    check: SOURCES_ATOMIZED,
    level: 'plan',
    subject: 'plan',
    score: 0,
    passed: false,
    issues: skipped.map((s) => ({
      severity: 'error' as const,
      file: s.path,
      message: `not atomized, so not validated: ${s.reason}`,
      hint: 'only TypeScript, JavaScript and Python files that can be read are validated; fix the file or leave it out of the inputs',
    })),
  };
}

/**
 * Validates atomizer output at four levels — every atom, every task (group of atoms), every
 * milestone (group of tasks), the plan — with the registry's checks. Each check gives a scored
 * result; a level's score is the mean of its results; the plan passes when no check found an error.
 */
export function validatePlan(
  output: AtomizeOutput,
  options: ValidationOptions & BuildOptions & { registry?: CheckRegistry } = {},
): PlanValidation {
  const registry = options.registry ?? new CheckRegistry();
  const built = buildGraphFromAtoms(output, options);
  const analysis = analyzeGraph(built.graph, { maxCycles: 100 });
  const plan = planModel(output, options.group);
  const extra = new Set(options.globals ?? []);
  const cache = new Map<string, ReadonlySet<string>>();
  const ctx: PlanContext = {
    plan,
    built,
    analysis,
    options,
    globals(language) {
      let set = cache.get(language);
      if (!set) cache.set(language, (set = new Set([...builtinGlobals(language), ...extra])));
      return set;
    },
  };
  const only = options.only ? new Set(options.only) : undefined;
  const skipped = [...(options.skipped ?? [])];
  const all: CheckResult[] = [];
  for (const check of registry.list()) {
    if (only && !only.has(check.id)) continue;
    const subjects = subjectsFor(check.level, output, plan);
    for (const [subjectId, subject] of subjects) {
      const { issues, score } = scoreOf((check.run as (s: unknown, c: PlanContext) => CheckOutcome)(subject, ctx));
      all.push({
        check: check.id,
        level: check.level,
        subject: subjectId,
        score: round(score),
        passed: !issues.some((i) => i.severity === 'error'),
        issues,
      });
    }
  }
  if (skipped.length > 0) all.push(skippedResult(skipped));
  const levels: LevelSummary[] = VALIDATION_LEVELS.map((level) => {
    const rs = all.filter((r) => r.level === level);
    return {
      level,
      score: round(rs.length === 0 ? 1 : rs.reduce((s, r) => s + r.score, 0) / rs.length),
      passed: rs.every((r) => r.passed),
      checks: rs.length,
      errors: rs.reduce((s, r) => s + r.issues.filter((i) => i.severity === 'error').length, 0),
      warnings: rs.reduce((s, r) => s + r.issues.filter((i) => i.severity === 'warning').length, 0),
    };
  });
  // A level no check ran on (`only` left out its checks) has nothing to score: it does not lift the plan's score.
  const scored = levels.some((l) => l.checks > 0) ? levels.filter((l) => l.checks > 0) : levels;
  return {
    passed: levels.every((l) => l.passed),
    score: round(scored.reduce((s, l) => s + l.score, 0) / scored.length),
    levels,
    results: options.includePassing ? all : all.filter((r) => r.issues.length > 0),
    built,
    analysis,
    skipped,
  };
}

function subjectsFor(level: ValidationLevel, output: AtomizeOutput, plan: PlanModel): [string, unknown][] {
  if (level === 'atom')
    return output.files.flatMap((file) => file.atoms.map((atom): [string, unknown] => [atom.id, { atom, file }]));
  if (level === 'task') return plan.tasks.map((t) => [t.id, t]);
  if (level === 'milestone') return plan.milestones.map((m) => [m.id, m]);
  return [['plan', plan]];
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
