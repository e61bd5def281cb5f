import { St3Error } from '@st3/schemas/errors';
import { summarize } from '../report/summary.js';
import { rotateArtifactLogs } from './artifact-log.js';
import { executeCheck, type ExecuteOptions } from './execute.js';
import { holdTheLineFor } from './new-only.js';
import { planGateRun, type RunGatesOptions, type RunPlan } from './plan-run.js';
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
  for (const w of plan.scope.warnings) emit({ type: 'warning', message: w });
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
  const results = await executePlans(plan.plans, exec, options, emit, config.concurrency);
  if (logging) await rotateArtifactLogs(root, logging);
  if (options.signal?.aborted) {
    throw new St3Error('E_INTERRUPTED', 'the gate run was cancelled', {
      details: { completed: results.filter(Boolean).map((g) => g.id) },
    });
  }

  let reported = results;
  let newOnly: GateRunResult['new_only'];
  if (options.newOnly) {
    const held = await holdTheLineFor(plan, results, emit);
    reported = held.gates;
    newOnly = {
      reference: held.reference,
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
        results[index] = {
          id: plan.id,
          name: plan.gate.name,
          passed: evaluation.status === 'passed',
          skipped: false,
          status: evaluation.status,
          duration_ms: Math.round(performance.now() - started),
          violations: evaluation.violations,
          ...(evaluation.reason ? { reason: evaluation.reason } : {}),
          scope,
        };
      }
      if (options.telemetry) reportGate(options.telemetry, results[index]!);
      emit({ type: 'gate-end', gate: results[index]! });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, plans.length) }, worker));
  return results;
}
