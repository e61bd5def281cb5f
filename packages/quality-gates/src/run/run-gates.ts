import { St3Error } from '@st3/schemas/errors';
import { summarize } from '../report/summary.js';
import { rotateArtifactLogs } from './artifact-log.js';
import type { GateEvaluation } from '../parse/evaluate.js';
import { executeCheck, type ExecuteOptions } from './execute.js';
import { holdTheLineFor } from './new-only.js';
import { planGateRun, type RunGatesOptions, type RunPlan } from './plan-run.js';
import { planWarnings } from './plan-document.js';
import { selectGates, type GatePlan } from './plan.js';
import { recordRun } from './record.js';
import { countGateJson, reportGate } from './telemetry.js';
import type { GateProgress, GateResult, GateRunResult } from './types.js';

export { planGateRun, selectGates, type RunGatesOptions, type RunPlan };

/** Runs the quality gates of a workspace and returns the DESIGN.md result. Never prints. */
export async function runGates(options: RunGatesOptions): Promise<GateRunResult> {
  if (options.fix) {
    const { runWithFix } = await import('./fix.js');
    return runWithFix(options, runOnce);
  }
  return runOnce(options);
}

async function runOnce(options: RunGatesOptions): Promise<GateRunResult> {
  const started = performance.now();
  const now = options.now ?? (() => new Date());
  const emit = options.onProgress ?? (() => undefined);
  const plan = await planGateRun(options);
  emit({ type: 'scope', scope: plan.scope });
  for (const message of planWarnings(plan)) emit({ type: 'warning', message });
  emit({ type: 'plan', plans: plan.plans });

  const { config, root } = plan;
  const logging =
    config.artifact_logging?.enabled && options.logOutput !== false && config.artifact_logging.output_dir
      ? { dir: config.artifact_logging.output_dir, maxFiles: config.artifact_logging.max_files }
      : undefined;
  const exec: ExecuteOptions = {
    root,
    top: plan.repoDir ?? root,
    env: options.env,
    signal: options.signal,
    commandLineBudget: options.commandLineBudget,
    logging,
    now,
  };
  const results = await executePlans(
    plan.plans,
    exec,
    options,
    emit,
    config.concurrency,
    plan.request.kind === 'files',
  );
  if (logging) await rotateArtifactLogs(root, logging);
  if (options.signal?.aborted) {
    throw new St3Error('E_INTERRUPTED', 'the gate run was cancelled', {
      details: { completed: results.filter(Boolean).map((g) => g.id) },
    });
  }

  let reported = results;
  let newOnly: GateRunResult['new_only'];
  if (options.newOnly) {
    const held = await holdTheLineFor(plan, results, emit, exec);
    reported = held.gates;
    newOnly = {
      reference: held.reference,
      method: held.method,
      preexisting: reported.reduce((n, g) => n + (g.preexisting_violations?.length ?? 0), 0),
    };
  }
  const overall = reported.every((g) => g.status === 'passed' || g.status === 'skipped');
  const result: GateRunResult = {
    overall_pass: overall,
    summary: summarize(reported, performance.now() - started, newOnly?.preexisting),
    gates: reported,
    ...(newOnly ? { new_only: newOnly } : {}),
  };
  if (options.updateState !== false) {
    const section = await recordRun(plan, results);
    emit({ type: 'baseline', baseline_sha: section.baseline_sha, failed_files: section.failed_files });
  }
  return result;
}

async function executePlans(
  plans: readonly GatePlan[],
  exec: ExecuteOptions,
  options: RunGatesOptions,
  emit: (e: GateProgress) => void,
  configConcurrency: number | undefined,
  namedFiles: boolean,
): Promise<GateResult[]> {
  const results: GateResult[] = new Array(plans.length);
  const concurrency = Math.max(1, options.concurrency ?? configConcurrency ?? 4);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < plans.length && !options.signal?.aborted) {
      const index = next++;
      const plan = plans[index]!;
      const scope = { mode: plan.mode, files: plan.files.length, reason: plan.reason };
      if (plan.mode === 'skip') {
        results[index] = {
          id: plan.id,
          name: plan.gate.name,
          passed: true,
          skipped: true,
          status: 'skipped',
          duration_ms: 0,
          violations: [],
          reason: plan.reason,
          scope,
        };
      } else {
        emit({ type: 'gate-start', id: plan.id, name: plan.gate.name, files: plan.files.length });
        const started = performance.now();
        const evaluation = await executeCheck(plan.id, plan.gate, plan.files, exec);
        countGateJson(options.telemetry, plan.id, plan.gate, evaluation);
        const e = notCheckedVerdict(plan, evaluation, namedFiles);
        results[index] = {
          id: plan.id,
          name: plan.gate.name,
          passed: e.status === 'passed' || e.status === 'skipped',
          skipped: e.status === 'skipped',
          status: e.status,
          duration_ms: Math.round(performance.now() - started),
          violations: e.violations,
          ...(e.reason ? { reason: e.reason } : {}),
          scope,
          ...(e.notChecked && e.notChecked.length > 0 ? { not_checked: e.notChecked } : {}),
        };
      }
      if (options.telemetry) reportGate(options.telemetry, results[index]!);
      emit({ type: 'gate-end', gate: results[index]! });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, plans.length) }, worker));
  return results;
}

/**
 * Files the tool said it did not check (its own config ignores them). Named by the user (`--files`):
 * the run checks less than asked, an error (as a file no gate takes is). Otherwise they are listed and
 * left out of the verdict (never cleared in state.json); a gate that checked none of its files is skipped.
 */
function notCheckedVerdict(
  plan: GatePlan,
  e: GateEvaluation,
  namedFiles: boolean,
): GateEvaluation | (Omit<GateEvaluation, 'status'> & { status: 'skipped' }) {
  const skipped = e.notChecked ?? [];
  if (skipped.length === 0 || e.status === 'error') return e;
  const tool = plan.gate.execution.command[0] ?? 'the tool';
  const list = listByReason(skipped.slice(0, 10));
  const more = skipped.length > 10 ? ` and ${skipped.length - 10} more` : '';
  if (namedFiles)
    return {
      ...e,
      status: 'error',
      errorCode: 'E_GATE_NOT_CHECKED',
      reason: `${tool} did not check what it was given: ${list}${more} (make quality.yaml and the tool's config agree)`,
    };
  const given = new Set(plan.files);
  if (given.size > 0 && skipped.every((n) => given.has(n.file)) && skipped.length >= given.size)
    return {
      ...e,
      status: 'skipped',
      reason: `${tool}'s own config ignores every file it was given (or ${tool} does not say which it checked): ${list}${more}`,
    };
  return e;
}

/** `a.py, b.py (reason); c.py (other reason)`: a reason shared by several files (a count, a listing) said once. */
function listByReason(files: readonly { file: string; reason: string }[]): string {
  const byReason = new Map<string, string[]>();
  for (const n of files) byReason.set(n.reason, [...(byReason.get(n.reason) ?? []), n.file]);
  return [...byReason].map(([reason, names]) => `${names.join(', ')} (${reason})`).join('; ');
}
