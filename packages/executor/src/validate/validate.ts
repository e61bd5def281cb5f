import { existsSync } from 'node:fs';
import type { ChangeValidation, ErrorCategory, GateResult, Violation } from '@st3/schemas';
import { atomizeText } from '../agents/atom-context.js';
import { judgeAtomicity } from './atomicity.js';
import { removedDefinitions } from './definitions.js';
import type { WorkspaceFiles } from '../change/workspace.js';
import { qualityConfigPath } from './gate-config.js';
import { runGatesTwice, uncheckedFiles, type GateRuns } from './gate-runs.js';
import { createRunImporters, type RunImporters } from './importers.js';
import type { ScratchPool } from './scratch.js';

export interface ValidatorOptions {
  root: string;
  files: WorkspaceFiles;
  /** Scratch copies for the gates; none = gates are not run (recorded as not run). */
  pool?: ScratchPool;
  /** Run the workspace's quality gates (default: when `.st3/config/quality.yaml` exists). */
  gates?: boolean;
  /** Base environment of the gate tools. */
  env?: Record<string, string | undefined>;
  /** `require` (default): a change whose atoms got grossly oversized or complex fails; `off`: only recorded. */
  atomicity?: 'require' | 'off';
}

export interface ChangeToValidate {
  path: string;
  before: string;
  after: string;
  /** The atom's lines in `before`, and where its replacement ends in `after`. */
  start: number;
  end: number;
  newEnd: number;
  signal?: AbortSignal;
  /**
   * Fail (category `logic`, before the gates) a change that removes definitions the atom had. Otherwise
   * they are only listed in `removedDefinitions`: a runner sends such a change to review, and a
   * reviewer's own edit may remove what it means to.
   */
  refuseRemovals?: boolean;
}

export interface ValidationOutcome {
  ok: boolean;
  report: ChangeValidation;
  /** Why it failed, classified for the retry. */
  failure?: { category: ErrorCategory; message: string };
  /** Highest complexity of the new atoms (for confidence). */
  complexity?: number;
  /** Checks that could not establish a verdict (a gate tool missing): they lower confidence, never pass. */
  notMeasured: string[];
  /** Validation score in [0, 1] for confidence: parse, atomicity, gates. */
  score: number;
  /** Definitions the atom had that the change removed (`function mul (line 5)`): never applied unreviewed. */
  removedDefinitions?: string[];
}

export interface Validator {
  validate(change: ChangeToValidate): Promise<ValidationOutcome>;
}

const violationKey = (v: Violation) => `${v.file}\u0000${v.rule ?? ''}\u0000${v.message}`;

/** Violations of `after` that `before` did not have (by file, rule and message: line shifts do not count). */
function newViolations(after: Violation[], before: Violation[]): Violation[] {
  const counts = new Map<string, number>();
  for (const v of before) counts.set(violationKey(v), (counts.get(violationKey(v)) ?? 0) + 1);
  return after.filter((v) => {
    const n = counts.get(violationKey(v)) ?? 0;
    if (n > 0) counts.set(violationKey(v), n - 1);
    return n === 0;
  });
}

/** The retry category of a gate's new violations: syntax, else type, else logic. */
export function categoryOfViolations(violations: readonly Violation[]): ErrorCategory {
  const text = violations.map((v) => `${v.rule ?? ''} ${v.message}`).join('\n');
  if (/\bTS1\d{3}\b|\bE9\d\d\b|SyntaxError|invalid syntax|\bsyntax\b|Parsing error/i.test(text)) return 'syntax';
  if (
    /\bTS\d{4}\b|\b(arg-type|return-value|assignment|attr-defined|name-defined|call-arg|union-attr|index|operator|type-arg|var-annotated|misc|no-any-return)\b|\bF821\b|\breportGeneralTypeIssues|\breport\w*Type|is not assignable|incompatible type|undefined name/i.test(
      text,
    )
  )
    return 'type';
  return 'logic';
}

function formatViolation(v: Violation): string {
  const where = [v.file, v.line, v.col].filter((x) => x !== undefined && x !== null && x !== 0).join(':');
  return `${where}: ${v.rule ? `${v.rule} ` : ''}${v.message}`;
}

/** A gate the change made fail: the retry category of its new violations and what to tell the agent. */
interface GateProblem {
  category: ErrorCategory;
  lines: string[];
}

/**
 * Validates an agent's change: the new file parses, what replaced the atom is still an atom, and the
 * workspace's quality gates (when wanted) find nothing new in a scratch copy.
 */
export function createValidator(options: ValidatorOptions): Validator {
  const wantGates = options.gates ?? existsSync(qualityConfigPath(options.root));
  // One import index for every change this validator sees (a run's): the project is read once.
  const withImporters = { ...options, importers: createRunImporters(options.root, options.files) };
  return {
    validate(change) {
      return validateChange(withImporters, wantGates, change);
    },
  };
}

/**
 * Parse, atomicity, then the quality gates (when wanted): the first check that fails ends the
 * validation with its retry category; a passing change gets a score for confidence.
 */
async function validateChange(
  options: ValidatorOptions & { importers: RunImporters },
  wantGates: boolean,
  change: ChangeToValidate,
): Promise<ValidationOutcome> {
  const notMeasured: string[] = [];
  const { record, parse } = await checkParse(change);
  // Nothing parsed a file in a language the atomizer does not parse: no `parse` in the report (it would
  // claim a check that did not happen), and why in its `notMeasured`.
  const report: ChangeValidation = record ? { parse } : {};
  if (!record) notMeasured.push(`parse: ${change.path} is not a language the atomizer parses`);
  if (!parse.ok)
    return fail(report, 'syntax', `${change.path} does not parse:\n${parse.errors.join('\n')}`, notMeasured);

  // Is what replaced the atom still an atom (compared with the code it replaced)? Without a parser of
  // the language nothing measures it: not measured, never a score of 1.
  const before = record ? await atomizeText(change.path, change.before) : undefined;
  const atomicity = record
    ? judgeAtomicity(before, record, change)
    : { report: undefined, problems: [], complexity: undefined };
  if (atomicity.report) report.atomicity = atomicity.report;
  else notMeasured.push(`atomicity: ${change.path} is not a language the atomizer parses`);
  const { complexity } = atomicity;
  const removed = removedDefinitions(before, record, change);
  if (removed.length > 0 && change.refuseRemovals)
    return {
      ...fail(report, 'logic', removalMessage(change, removed), notMeasured, complexity),
      removedDefinitions: removed,
    };
  if (atomicity.problems.length > 0 && options.atomicity !== 'off')
    return fail(
      report,
      'logic',
      `the new code is no longer an atom: ${atomicity.problems.join('; ')}.\nKeep it small and simple: move helpers out of the atom, or simplify the logic.`,
      notMeasured,
      complexity,
    );

  const gates = await checkGates(options, wantGates, change, report, notMeasured);
  if (gates.problems.length > 0) {
    const message = gates.problems.flatMap((p) => p.lines).join('\n');
    return fail(report, categoryOfProblems(gates.problems), message, notMeasured, complexity);
  }
  const scores = { parse: record ? 1 : undefined, atomicity: atomicity.report?.score, gates: gates.score };
  const outcome = passed(report, notMeasured, scores, complexity);
  return removed.length > 0 ? { ...outcome, removedDefinitions: removed } : outcome;
}

/** What the agent is told when its answer dropped definitions of the atom. */
function removalMessage(change: ChangeToValidate, removed: readonly string[]): string {
  return (
    `the answer removes definitions lines ${change.start}-${change.end} of ${change.path} had: ${removed.join(', ')}.\n` +
    'Return the whole atom with every definition it had (change them as the instruction asks, but do not drop them).'
  );
}

/**
 * The quality gates on the change (when wanted and a scratch copy is there), recorded in the report.
 * When no gate measured it — none configured, turned off, none taking the file — that is recorded as
 * not measured.
 */
async function checkGates(
  options: ValidatorOptions & { importers: RunImporters },
  wantGates: boolean,
  change: ChangeToValidate,
  report: ChangeValidation,
  notMeasured: string[],
): Promise<{ problems: GateProblem[]; score?: number }> {
  if (!wantGates || !options.pool) {
    gatesNotRun(report, notMeasured, whyNoGates(options, wantGates));
    return { problems: [] };
  }
  let runs: GateRuns;
  try {
    runs = await runGatesTwice(options, options.pool, change);
  } catch (error) {
    // The gate engine refuses a file no gate takes ("checked by no gate"): nothing measured it.
    const unchecked = uncheckedFiles(error);
    if (unchecked === undefined) throw error;
    // Why for the changed file (its importers no gate takes may be listed too).
    const own = unchecked.filter((u) => u.file === change.path);
    const why = [...new Set((own.length > 0 ? own : unchecked).map((u) => u.reason))].join('; ');
    gatesNotRun(report, notMeasured, `no gate checks ${change.path} (${why})`);
    return { problems: [] };
  }
  const gates = judgeGates(runs, notMeasured);
  report.gates = gates.report;
  if (gates.problems.length === 0 && gates.report.every((g) => g.status === 'skipped'))
    gatesNotRun(report, notMeasured, `none of the workspace's gates applies to ${change.path}`);
  return { problems: gates.problems, ...(gates.score !== undefined ? { score: gates.score } : {}) };
}

/** Why no gate ran on a change. */
function whyNoGates(options: ValidatorOptions, wantGates: boolean): string {
  if (wantGates) return 'no scratch copy to run them in';
  return options.gates === false
    ? 'the quality gates were turned off for this validation'
    : 'the workspace has no .st3/config/quality.yaml';
}

/**
 * No gate measured the change: that is shown (a `*` entry "not measured") and counted as a check that
 * did not pass, so a change nothing but the parser looked at never scores as if its gates had passed.
 */
function gatesNotRun(report: ChangeValidation, notMeasured: string[], reason: string): void {
  notMeasured.push(`gates: ${reason}`);
  report.gates = [...(report.gates ?? []), { id: '*', status: 'not measured', violations: 0, messages: [reason] }];
}

/** Does the new file parse? (The atomizer's record of it, used for atomicity too, and its syntax errors.) */
async function checkParse(change: ChangeToValidate) {
  const record = await atomizeText(change.path, change.after);
  const syntax = (record?.diagnostics ?? []).filter(
    (d) => d.code === 'E_ATOMIZE_SYNTAX' && !/not valid UTF-8/.test(d.message),
  );
  const parse = {
    ok: syntax.length === 0,
    errors: syntax.map((d) => `${d.line ?? '?'}:${d.column ?? '?'} ${d.message}`),
  };
  return { record, parse };
}

/**
 * The gates' verdicts for the report, the problems the change introduced and the gates' score. Each
 * gate that ran scores 1, less 0.1 per warning (at least 0.5); a failure ends the validation. Gates that
 * could not run (error) are recorded as not measured.
 */
function judgeGates(runs: GateRuns, notMeasured: string[]) {
  const report: NonNullable<ChangeValidation['gates']> = [];
  const problems: GateProblem[] = [];
  const gateValues: number[] = [];
  for (const g of runs.after.gates) {
    if (g.status === 'skipped') {
      report.push({ id: g.id, status: 'skipped', violations: 0 });
      continue;
    }
    if (g.status === 'error') {
      notMeasured.push(`gate ${g.id}: ${g.reason ?? 'error'}`);
      report.push({ id: g.id, status: 'error', violations: 0, messages: [g.reason ?? 'error'] });
      continue;
    }
    const baselineGate = runs.baseline?.gates.find((b) => b.id === g.id);
    const verdict = judgeGate(g, baselineGate, new Set(runs.importers));
    report.push(verdict.entry);
    if (verdict.notMeasured) notMeasured.push(`gate ${g.id}: ${verdict.notMeasured}`);
    if (verdict.value !== undefined) gateValues.push(verdict.value);
    if (verdict.problem) problems.push(verdict.problem);
  }
  const score = gateValues.length > 0 ? gateValues.reduce((a, b) => a + b, 0) / gateValues.length : undefined;
  return { report, problems, score };
}

/**
 * One gate that ran, against its run on the old file: it fails the change only with violations the
 * change introduced, or when it did not fail on the old file. A gate that passes gets its score.
 * A gate that failed on both with nothing parsed after the change cannot tell whether the change
 * added a problem: not measured, never passed.
 */
function judgeGate(
  g: GateResult,
  baselineGate: GateResult | undefined,
  importers: ReadonlySet<string>,
): {
  entry: NonNullable<ChangeValidation['gates']>[number];
  value?: number;
  problem?: GateProblem;
  notMeasured?: string;
} {
  if (g.status === 'failed' && g.violations.length === 0 && baselineGate?.status === 'failed') {
    const reason = 'failed before and after the change, with no violation parsed to compare';
    return { entry: { id: g.id, status: 'not measured', violations: 0, messages: [reason] }, notMeasured: reason };
  }
  const fresh = g.status === 'failed' ? newViolations(g.violations, baselineGate?.violations ?? []) : [];
  const failedNow = g.status === 'failed' && (fresh.length > 0 || !baselineGate || baselineGate.status !== 'failed');
  // Warnings the files importing the changed one already had are not the change's.
  const warnings = g.violations.filter((v) => v.severity !== 'error' && !importers.has(v.file ?? '')).length;
  const entry = {
    id: g.id,
    status: failedNow ? 'failed' : g.status === 'failed' ? 'passed (pre-existing violations only)' : g.status,
    violations: fresh.length || (failedNow ? g.violations.length : 0),
    ...(failedNow ? { messages: (fresh.length ? fresh : g.violations).slice(0, 20).map(formatViolation) } : {}),
  };
  if (!failedNow) return { entry, value: Math.max(0.5, 1 - 0.1 * warnings) };
  const list = fresh.length ? fresh : g.violations;
  const lines = [
    `gate ${g.id} failed:`,
    ...list.slice(0, 20).map(formatViolation),
    ...(g.reason && list.length === 0 ? [g.reason] : []),
    ...callersBroken(list, importers),
  ];
  return { entry, problem: { category: categoryOfViolations(list), lines } };
}

/** What to tell the agent when the violations are in files that import the changed one. */
function callersBroken(list: readonly Violation[], importers: ReadonlySet<string>): string[] {
  const files = [...new Set(list.map((v) => v.file ?? '').filter((f) => importers.has(f)))];
  if (files.length === 0) return [];
  return [
    `${files.join(', ')} import${files.length === 1 ? 's' : ''} the changed file: keep the names and signatures its callers use.`,
  ];
}

/** The retry category of failed gates: syntax before type before logic. */
function categoryOfProblems(problems: readonly GateProblem[]): ErrorCategory {
  return (
    problems.find((p) => p.category === 'syntax')?.category ??
    problems.find((p) => p.category === 'type')?.category ??
    'logic'
  );
}

/**
 * A change that passed: its score averages the checks that measured it — parse (1), atomicity, the
 * gates' score — with each check not measured counted as 0.
 */
function passed(
  report: ChangeValidation,
  notMeasured: string[],
  scores: { parse: number | undefined; atomicity: number | undefined; gates: number | undefined },
  complexity: number | undefined,
): ValidationOutcome {
  const parts = [scores.parse, scores.atomicity, scores.gates].filter((x): x is number => x !== undefined);
  // Checks that could not run count as not passed: confidence drops, the change goes to review.
  const total = parts.length + notMeasured.length;
  const validationScore = parts.reduce((a, b) => a + b, 0) / total;
  return {
    ok: true,
    report: withNotMeasured(report, notMeasured),
    ...(complexity !== undefined ? { complexity } : {}),
    notMeasured,
    score: validationScore,
  };
}

function fail(
  report: ChangeValidation,
  category: ErrorCategory,
  message: string,
  notMeasured: string[],
  complexity?: number,
): ValidationOutcome {
  return {
    ok: false,
    report: withNotMeasured(report, notMeasured),
    failure: { category, message },
    notMeasured,
    score: 0,
    ...(complexity !== undefined ? { complexity } : {}),
  };
}

/** The report with the checks that could not establish a verdict, and why (`notMeasured`: written to the run record and the review item). */
function withNotMeasured(report: ChangeValidation, notMeasured: readonly string[]): ChangeValidation {
  if (notMeasured.length === 0) return report;
  return { ...report, notMeasured: [...notMeasured] };
}
