import type { GateConfig, Severity, Violation } from '@st3/schemas';
import { compileConfigRegex } from '../config/regex.js';
import { tail, type ProcessResult } from '../process/run-process.js';
import { createJsonParser, type ParseOutcome } from './json-violations.js';
import type { ParseContext } from './normalize.js';
import { createTextParser } from './text-violations.js';

export type GateStatus = 'passed' | 'failed' | 'error' | 'skipped';

export interface GateEvaluation {
  status: Exclude<GateStatus, 'skipped'>;
  violations: Violation[];
  /** Why the gate failed or errored, in one or a few lines (stderr tail included for tool failures). */
  reason?: string;
  /** The St3Error code behind an `error` status. */
  errorCode?: string;
  score?: number;
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
 * that could not run → error; output its strategy cannot read or over the cap → error; a non-zero
 * exit with nothing parsed → error ("the tool failed or its output was not understood"); exit code
 * or success thresholds not met → failed; else passed.
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
  let stderrTail = '';
  const program = gate.execution.command[0] ?? '';

  for (const run of runs) {
    if (run.error) {
      const stderr = run.stderr.trim() ? `\nstderr:\n${tail(run.stderr, 20)}` : '';
      return {
        status: 'error',
        violations: [],
        errorCode: run.error.code,
        reason: `${run.error.message}${run.error.hint ? ` (${run.error.hint})` : ''}${stderr}`,
      };
    }
    const codeOk = run.exitCode !== null && ok.has(run.exitCode);
    if (!codeOk) {
      exitOk = false;
      badExit ??= run.exitCode;
      if (run.stderr.trim()) stderrTail = tail(run.stderr, 20);
    }
    // A Python tool that is not installed: the interpreter runs, but the module does not exist.
    const missingModule = !codeOk ? /No module named ([\w.]+)/.exec(run.stderr) : null;
    // npx refusing to download a package that is not installed locally (`--no-install`).
    const missingNpx =
      !codeOk && !missingModule ? /npx canceled due to missing packages[^[]*\[([^\]]*)\]/.exec(run.stderr) : null;
    if (missingNpx) {
      return {
        status: 'error',
        violations: [],
        errorCode: 'E_TOOL_NOT_FOUND',
        reason: `tool not found: ${gate.execution.command.join(' ')} needs ${missingNpx[1]} installed in the project (npx --no-install found none)`,
      };
    }
    if (missingModule) {
      return {
        status: 'error',
        violations: [],
        errorCode: 'E_TOOL_NOT_FOUND',
        reason: `tool not found: ${program} has no module "${missingModule[1]}" (install it, e.g. \`${program} -m pip install ${missingModule[1]}\`)`,
      };
    }
    if (parser) {
      const strategy = gate.capabilities.parsing_strategy;
      const text = strategy === 'text_violations' && run.stderr ? `${run.stdout}\n${run.stderr}` : run.stdout;
      let outcome: ParseOutcome;
      try {
        outcome = parser(text, ctx);
      } catch (error) {
        outcome = { violations: [], problem: `output could not be parsed: ${(error as Error).message}` };
      }
      for (const v of outcome.violations) violations.push(v);
      if (run.stdoutTruncated)
        problems.push(
          `output was cut at ${run.stdout.length} bytes of ${run.stdoutBytes} (raise execution.max_output_bytes)`,
        );
      else if (outcome.problem) problems.push(`${strategy}: ${outcome.problem}`);
    }
  }

  const withTail = (msg: string): string => (stderrTail ? `${msg}\nstderr:\n${stderrTail}` : msg);
  if (problems.length > 0) {
    return {
      status: 'error',
      violations,
      errorCode: 'E_GATE_OUTPUT',
      reason: withTail(`the tool's output was not understood: ${problems[0]}`),
    };
  }
  if (!exitOk && violations.length === 0 && parser) {
    return {
      status: 'error',
      violations,
      errorCode: 'E_GATE_OUTPUT',
      reason: withTail(
        `${program} exited with code ${badExit} and nothing was parsed: the tool failed or its output was not understood`,
      ),
    };
  }

  const success = gate.success as {
    require_no_issues?: boolean;
    max_errors?: number;
    max_violations?: number;
    min_score?: number;
    score_pattern?: string;
  };
  const reasons: string[] = [];
  if (!exitOk) reasons.push(`exit code ${badExit} (ok: ${[...ok].join(', ')})`);
  const errors = countSeverity(violations, 'error');
  if (success.require_no_issues && violations.length > 0)
    reasons.push(`${violations.length} issue${violations.length === 1 ? '' : 's'} (require_no_issues)`);
  if (success.max_errors !== undefined && errors > success.max_errors)
    reasons.push(`${errors} errors > max_errors ${success.max_errors}`);
  if (success.max_violations !== undefined && violations.length > success.max_violations)
    reasons.push(`${violations.length} violations > max_violations ${success.max_violations}`);
  let score: number | undefined;
  if (success.score_pattern !== undefined) {
    const re = compileConfigRegex(success.score_pattern);
    for (const run of runs) {
      const m = re.exec(`${run.stdout}\n${run.stderr}`);
      if (m?.groups?.score !== undefined) score = Number(m.groups.score);
    }
    if (success.min_score !== undefined && (score === undefined || !(score >= success.min_score))) {
      reasons.push(
        score === undefined ? 'no score found in the output' : `score ${score} < min_score ${success.min_score}`,
      );
    }
  }
  if (reasons.length > 0) {
    const reason = !exitOk && !parser ? withTail(reasons.join('; ')) : reasons.join('; ');
    return { status: 'failed', violations, reason, ...(score !== undefined ? { score } : {}) };
  }
  return { status: 'passed', violations, ...(score !== undefined ? { score } : {}) };
}

function countSeverity(violations: readonly Violation[], severity: Severity): number {
  let n = 0;
  for (const v of violations) if (v.severity === severity) n++;
  return n;
}
