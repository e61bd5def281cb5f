import type { GateConfig, GateStatus, Severity, Violation } from '@st3/schemas';
import type { ProcessResult } from '@st3/process';
import { compileConfigRegex } from '../config/regex.js';
import { createJsonParser, type ParseOutcome } from './json-violations.js';
import { capLine, type ParseContext } from './normalize.js';
import { stderrExcerpt, type StderrExcerpt } from './shown-output.js';
import { createTextParser } from './text-violations.js';

export type { GateStatus };

export interface GateEvaluation {
  status: Exclude<GateStatus, 'skipped'>;
  violations: Violation[];
  /** Why the gate failed or errored, in one or a few lines (stderr tail included for tool failures). */
  reason?: string;
  /** The St3Error code behind an `error` status. */
  errorCode?: string;
  score?: number;
  /**
   * Files the tool said it did not check (`not_checked_patterns`: its own config ignores them), with
   * what it said. They are no violations, and the verdict does not cover them.
   */
  notChecked?: { file: string; reason: string }[];
}

export type OutputParser = (text: string, ctx: ParseContext) => ParseOutcome;

/** The parser a gate's `parsing_strategy` asks for (compiled once per gate). */
export function createOutputParser(gate: GateConfig): OutputParser | undefined {
  const caps = gate.capabilities;
  if (caps.parsing_strategy === 'json_violations' && caps.json_violations)
    return createJsonParser(caps.json_violations);
  if (caps.parsing_strategy === 'text_violations' && caps.text_violations) {
    return createTextParser(caps.text_violations);
  }
  return undefined;
}

/**
 * Turns the runs of one gate (one per file chunk) into its status. The rules, in order: a process
 * that could not run (or a tool that is not installed) → error; output its strategy cannot read, over
 * the cap or not read before the deadline → error; a non-zero exit with nothing parsed → error ("the
 * tool failed or its output was not understood"); exit code or success thresholds not met → failed;
 * else passed. Never throws: a parser that throws is an `output not understood` error.
 */
export function evaluateGate(
  gate: GateConfig,
  runs: readonly ProcessResult[],
  ctx: ParseContext,
  parser = createOutputParser(gate),
): GateEvaluation {
  const ok = new Set(gate.success?.exit_codes_ok ?? [0]);
  const violations: Violation[] = [];
  const problems: string[] = [];
  let exitOk = true;
  let badExit: number | null | undefined;
  const excerpt = stderrExcerpt(gate);
  let stderrTail = '';
  let timedOut = false;
  // A run whose non-zero exit is listed as ok, with stderr and nothing parsed (per run: one chunk's
  // crash must not hide behind another chunk's violations).
  let unexplained: ProcessResult | undefined;

  for (const run of runs) {
    const failure = toolFailure(gate, run, excerpt);
    if (failure) return failure;
    const codeOk = run.exitCode !== null && ok.has(run.exitCode);
    if (!codeOk) {
      exitOk = false;
      badExit ??= run.exitCode;
      if (run.stderr.trim()) stderrTail = excerpt(run.stderr);
    }
    if (!parser) continue;
    const strategy = gate.capabilities.parsing_strategy;
    const text = strategy === 'text_violations' && run.stderr ? `${run.stdout}\n${run.stderr}` : run.stdout;
    let outcome: ParseOutcome;
    try {
      outcome = parser(text, ctx);
    } catch (error) {
      outcome = { violations: [], problem: `the parser stopped: ${(error as Error).message}` };
    }
    for (const v of outcome.violations) violations.push(v);
    if (outcome.violations.length === 0 && codeOk && run.exitCode !== 0 && run.stderr.trim()) unexplained ??= run;
    if (outcome.timedOut) timedOut = true;
    if (run.stdoutTruncated)
      problems.push(
        `output was cut at ${run.stdout.length} bytes of ${run.stdoutBytes} (raise execution.max_output_bytes)`,
      );
    // text_violations reads stderr too: violations past its cut would go uncounted.
    else if (strategy === 'text_violations' && run.stderrTruncated)
      problems.push(
        `stderr was cut at ${run.stderr.length} bytes of ${run.stderrBytes} (raise execution.max_output_bytes)`,
      );
    else if (outcome.problem) problems.push(`${strategy}: ${outcome.problem}`);
    if (timedOut) break;
  }

  const withTail = (msg: string): string => msg + stderrTail;
  if (timedOut)
    return {
      status: 'error',
      violations,
      errorCode: 'E_TIMEOUT',
      reason: `the gate timed out while its output was parsed (${problems[0] ?? 'deadline passed'}); raise execution.timeout_seconds`,
    };
  if (problems.length > 0) {
    return {
      status: 'error',
      violations,
      errorCode: 'E_GATE_OUTPUT',
      reason: withTail(`output not understood: ${problems[0]}`),
    };
  }
  if (unexplained)
    return {
      status: 'error',
      violations,
      errorCode: 'E_GATE_OUTPUT',
      reason: `${gate.execution.command[0] ?? ''} exited with code ${unexplained.exitCode} (listed in exit_codes_ok) and wrote to stderr, and nothing was parsed: the tool may have crashed${excerpt(unexplained.stderr)}`,
    };
  const notChecked = notCheckedBy(gate, runs, violations);
  if (notChecked && 'status' in notChecked) return notChecked;
  const checked = notChecked ? notChecked.checked : violations;
  const verdict = ((): GateEvaluation => {
    if (!exitOk && checked.length === 0 && parser && !notChecked)
      return {
        status: 'error',
        violations: checked,
        errorCode: 'E_GATE_OUTPUT',
        reason: withTail(
          `${gate.execution.command[0] ?? ''} exited with code ${badExit} and nothing was parsed: the tool failed or its output was not understood`,
        ),
      };
    return thresholds(
      gate,
      runs,
      checked,
      exitOk ? undefined : { code: badExit, ok, tail: !parser ? withTail : undefined },
    );
  })();
  return notChecked ? { ...verdict, notChecked: notChecked.files } : verdict;
}

/**
 * What the tool said it did not check (`not_checked_patterns`: eslint's "File ignored because ..."
 * warning, say). A message naming a file takes that file out of the verdict (it is listed, never cleared:
 * see `notChecked`); a stderr line naming none (ruff's "No Python files found") leaves the gate unable to
 * say what it checked: an error.
 */
function notCheckedBy(
  gate: GateConfig,
  runs: readonly ProcessResult[],
  violations: Violation[],
): GateEvaluation | { checked: Violation[]; files: { file: string; reason: string }[] } | undefined {
  const sources = gate.capabilities.not_checked_patterns;
  if (!sources || sources.length === 0) return undefined;
  const patterns = sources.map(compileConfigRegex);
  const says = (text: string) => patterns.some((re) => re.test(text));
  const lines = runs.flatMap((run) => run.stderr.split('\n').filter((line) => line.trim() && says(line)));
  if (lines.length > 0)
    return {
      status: 'error',
      violations,
      errorCode: 'E_GATE_NOT_CHECKED',
      reason: `${gate.execution.command[0] ?? 'the tool'} did not check what it was given: ${lines[0]!.trim()} (make quality.yaml and the tool's config agree)`,
    };
  const skipped = violations.filter((v) => v.file !== null && says(v.message));
  if (skipped.length === 0) return undefined;
  const files = new Map(skipped.map((v) => [v.file!, v.message] as const));
  return {
    checked: violations.filter((v) => !skipped.includes(v)),
    files: [...files].map(([file, reason]) => ({ file, reason })).sort((a, b) => (a.file < b.file ? -1 : 1)),
  };
}

/** npx's ways of saying that the package it was asked to run is not there. */
const NPX_MISSING: readonly RegExp[] = [
  /npx canceled due to missing packages[^[]*\[([^\]]*)\]/,
  /could not determine executable to run/,
  /npm (?:error|ERR!) (?:code E404|404)/,
];

/** A run that did not get as far as checking anything: not started, timed out, or the tool is not installed. */
function toolFailure(gate: GateConfig, run: ProcessResult, excerpt: StderrExcerpt): GateEvaluation | undefined {
  const program = gate.execution.command[0] ?? '';
  const hint = gate.execution.install_hint;
  const notFound = (what: string, fallbackHint: string): GateEvaluation => ({
    status: 'error',
    violations: [],
    errorCode: 'E_TOOL_NOT_FOUND',
    reason: `tool not found: ${what} (${hint ?? fallbackHint})`,
  });
  if (run.error) {
    if (run.error.code === 'E_TOOL_NOT_FOUND') return notFound(program, run.error.hint ?? `install ${program}`);
    const stderr = excerpt(run.stderr);
    return {
      status: 'error',
      violations: [],
      errorCode: run.error.code,
      reason: `${run.error.message}${run.error.hint ? ` (${run.error.hint})` : ''}${stderr}`,
    };
  }
  // Checked whatever the exit code: with exit_codes_ok [0, 1] a missing module's exit 1 is "ok" too.
  if (run.exitCode === 0) return undefined;
  const stderr = run.stderr.length > 65_536 ? run.stderr.slice(-65_536) : run.stderr;
  // A Python tool that is not installed: the interpreter runs, but the module does not exist.
  const module = /No module named ['"]?([\w.]+)/.exec(stderr);
  const target = gate.execution.command[1] === '-m' ? (gate.execution.command[2] ?? '') : '';
  if (module && target && (target === module[1] || target.startsWith(`${module[1]}.`)))
    return notFound(module[1]!, `install it, e.g. \`${program} -m pip install ${module[1]}\``);
  if (program === 'npx' || program.endsWith('/npx')) {
    const tool = gate.execution.command.slice(1).find((a) => !a.startsWith('-')) ?? 'the package';
    if (NPX_MISSING.some((re) => re.test(stderr)))
      return notFound(tool, `install it in the project: npm install --save-dev ${tool}`);
  }
  return undefined;
}

interface BadExit {
  code: number | null | undefined;
  ok: Set<number>;
  /** Adds the stderr tail to the reason (gates without a parser have nothing else to show). */
  tail?: (msg: string) => string;
}

/** `failed` when the exit code or a `success` threshold says so, else `passed`. */
function thresholds(
  gate: GateConfig,
  runs: readonly ProcessResult[],
  violations: Violation[],
  badExit: BadExit | undefined,
): GateEvaluation {
  const success = gate.success as {
    require_no_issues?: boolean;
    max_errors?: number;
    max_violations?: number;
    min_score?: number;
    score_pattern?: string;
  };
  const reasons: string[] = [];
  if (badExit) reasons.push(`exit code ${badExit.code} (ok: ${[...badExit.ok].join(', ')})`);
  const errors = countSeverity(violations, 'error');
  if (success.require_no_issues && violations.length > 0)
    reasons.push(`${violations.length} issue${violations.length === 1 ? '' : 's'} (require_no_issues)`);
  if (success.max_errors !== undefined && errors > success.max_errors)
    reasons.push(`${errors} errors > max_errors ${success.max_errors}`);
  if (success.max_violations !== undefined && violations.length > success.max_violations)
    reasons.push(`${violations.length} violations > max_violations ${success.max_violations}`);
  let score: number | undefined;
  if (success.score_pattern !== undefined) {
    score = readScore(success.score_pattern, runs);
    if (success.min_score !== undefined && (score === undefined || !(score >= success.min_score))) {
      reasons.push(
        score === undefined ? 'no score found in the output' : `score ${score} < min_score ${success.min_score}`,
      );
    }
  }
  const withScore = score !== undefined ? { score } : {};
  if (reasons.length > 0) {
    const reason = badExit?.tail ? badExit.tail(reasons.join('; ')) : reasons.join('; ');
    return { status: 'failed', violations, reason, ...withScore };
  }
  return { status: 'passed', violations, ...withScore };
}

/** The last `score` group found, line by line (lines capped: no backtracking over a runaway line). */
function readScore(pattern: string, runs: readonly ProcessResult[]): number | undefined {
  const re = compileConfigRegex(pattern);
  let score: number | undefined;
  for (const run of runs) {
    for (const line of `${run.stdout}\n${run.stderr}`.split(/\r?\n/)) {
      const m = re.exec(capLine(line));
      if (m?.groups?.score !== undefined && Number.isFinite(Number(m.groups.score))) score = Number(m.groups.score);
    }
  }
  return score;
}

function countSeverity(violations: readonly Violation[], severity: Severity): number {
  let n = 0;
  for (const v of violations) if (v.severity === severity) n++;
  return n;
}
