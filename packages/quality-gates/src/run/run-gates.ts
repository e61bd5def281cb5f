import { resolve } from 'node:path';
import { St3Error, type QualityConfig, type QualityGatesState, type TelemetryHandle } from '@st3/schemas';
import { QUALITY_CONFIG_PATH } from '../config/load-config.js';
import { requireQualityConfig } from '../config/require-config.js';
import { summarize } from '../report/summary.js';
import { gateConfigHash } from '../scope/config-hash.js';
import {
  listProjectFiles,
  resolveScope,
  type ResolvedScope,
  type ScopeKind,
  type ScopeRequest,
} from '../scope/resolve-scope.js';
import { gatesState, readState, statePath } from '../state/baseline.js';
import { rotateArtifactLogs } from './artifact-log.js';
import { executeCheck, type ExecuteOptions } from './execute.js';
import { changedLinesSince, holdTheLine, violationFiles } from './new-only.js';
import { planGates, selectGates, type GatePlan } from './plan.js';

export { selectGates };
import { recordRun } from './record.js';
import { countGateJson, reportGate } from './telemetry.js';
import type { GateProgress, GateResult, GateRunResult } from './types.js';

export interface RunGatesOptions {
  /** Workspace root (the folder holding `.st3/`). */
  cwd: string;
  /** The loaded config, or the path of quality.yaml (default `<cwd>/.st3/config/quality.yaml`). */
  config?: QualityConfig | string;
  /** `auto` (default), `branch`, `project`, `files`, or a full request (files, parent branch). */
  scope?: ScopeKind | ScopeRequest;
  /** Run only these gates (default: `active_gates`, or every gate when that list is empty). */
  gates?: readonly string[];
  /** Cancels the run: running tools are killed and the promise rejects with `E_INTERRUPTED`. */
  signal?: AbortSignal;
  onProgress?: (event: GateProgress) => void;
  /** Gates running at the same time (default: config `concurrency`, else 4). */
  concurrency?: number;
  /** Base environment of the tools (default: this process's). A gate's `execution.env` is added to it. */
  env?: Record<string, string | undefined>;
  /**
   * Record the outcome in `.st3/state.json` (default true): per-gate failed files, and the baseline when every
   * active gate ran soundly and passed. The CLI and the MCP server both call `runGates` with it.
   */
  updateState?: boolean;
  /** Write raw tool output as `artifact_logging` says (default true). */
  logOutput?: boolean;
  /** Run each failing gate's `capabilities.fix.command` on its files, then run the gates again (see fix.ts). */
  fix?: boolean;
  /** Report only violations on lines changed since the baseline; the others are pre-existing and do not fail. */
  newOnly?: boolean;
  /** Clock for durations and log names (tests). */
  now?: () => Date;
  /** Bytes of file arguments per command line (default: below the platform limit). */
  commandLineBudget?: number;
  /** Receives `gates.duration_ms{gate}`, `gates.violations{gate}` and `gates.runs{gate,status}` per gate (see telemetry.ts). */
  telemetry?: TelemetryHandle;
}

/** Everything a run decided before running anything: `st3 gates --dry-run` prints it. */
export interface RunPlan {
  root: string;
  config: QualityConfig;
  request: ScopeRequest;
  state: QualityGatesState;
  scope: ResolvedScope;
  plans: GatePlan[];
  /** The repository's work tree root, when in one. */
  repoDir?: string;
  /** `gates` was given: the run is limited to some gates and never moves the baseline. */
  limited: boolean;
}

/** Runs the quality gates of a workspace and returns the DESIGN.md result. Never prints. */
export async function runGates(options: RunGatesOptions): Promise<GateRunResult> {
  if (options.fix) {
    const { runWithFix } = await import('./fix.js');
    return runWithFix(options, runOnce);
  }
  return runOnce(options);
}

/** Works out the scope of every gate of a run without running anything. */
export async function planGateRun(options: RunGatesOptions): Promise<RunPlan> {
  const root = resolve(options.cwd);
  const config = await resolveConfig(root, options.config);
  const ids = selectGates(config, options.gates);
  const request: ScopeRequest =
    typeof options.scope === 'string' || options.scope === undefined
      ? { kind: options.scope ?? 'auto' }
      : options.scope;
  const raw = await readState(statePath(root));
  const state = gatesState(raw);
  const scope = await resolveScope({
    root,
    config,
    request,
    state,
    stateParentBranch: typeof raw.parent_branch === 'string' ? raw.parent_branch : undefined,
  });
  let projectFiles: Promise<string[]> | undefined;
  const hashes: Record<string, string> = {};
  for (const id of selectGates(config, undefined)) hashes[id] = gateConfigHash(root, config, id);
  for (const id of ids) hashes[id] ??= gateConfigHash(root, config, id);
  const plans = await planGates(ids, {
    root,
    config,
    scope,
    state,
    hashes,
    projectFiles: () =>
      (projectFiles ??= scope.mode === 'project' ? Promise.resolve(scope.files) : listProjectFiles(root)),
  });
  const limited = options.gates !== undefined && options.gates.length > 0;
  return { root, config, request, state, scope, plans, limited, ...(scope.repoDir ? { repoDir: scope.repoDir } : {}) };
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
    const reference = plan.scope.base ?? plan.state.baseline_sha ?? plan.scope.head ?? null;
    if (reference && plan.repoDir) {
      const changed = await changedLinesSince(root, plan.repoDir, reference, violationFiles(results, root));
      reported = holdTheLine(results, changed);
    } else emit({ type: 'warning', message: '--new-only: no commit to compare with, every violation counts as new' });
    newOnly = {
      reference,
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

async function resolveConfig(root: string, config: QualityConfig | string | undefined): Promise<QualityConfig> {
  if (config !== undefined && typeof config !== 'string') return config;
  const path = resolve(root, config ?? QUALITY_CONFIG_PATH);
  const loaded = await requireQualityConfig(path, {
    missingHint: 'run `st3 gates init` to write one, or pass --config',
  });
  return loaded.config;
}
