import { relative, resolve, sep } from 'node:path';
import {
  errorFromDiagnostics,
  St3Error,
  type GateConfig,
  type QualityConfig,
  type TelemetryHandle,
} from '@st3/schemas';
import { loadQualityConfig, QUALITY_CONFIG_PATH } from '../config/load-config.js';
import { createOutputParser, evaluateGate, type GateEvaluation } from '../parse/evaluate.js';
import { runProcess, type ProcessResult } from '../process/run-process.js';
import { summarize } from '../report/summary.js';
import { gatesState, readState, statePath, updateBaseline } from '../state/baseline.js';
import { createGateFilter, describeGateFilter } from '../scope/filter.js';
import { resolveScope, type ResolvedScope, type ScopeKind, type ScopeRequest } from '../scope/resolve-scope.js';
import { rotateArtifactLogs, writeArtifactLog } from './artifact-log.js';
import { chunkFiles, commandLineBudget } from './chunk.js';
import type { GateProgress, GateResult, GateRunResult } from './types.js';
import { reportGate } from './telemetry.js';

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
  /** Record the outcome in `.st3/state.json` (default true). */
  updateState?: boolean;
  /** Write raw tool output as `artifact_logging` says (default true). */
  logOutput?: boolean;
  /** Clock for durations and log names (tests). */
  now?: () => Date;
  /** Bytes of file arguments per command line (default: below the platform limit). */
  commandLineBudget?: number;
  /** Receives `gates.duration_ms{gate}`, `gates.violations{gate}` and `gates.runs{gate,status}` per gate (see telemetry.ts). */
  telemetry?: TelemetryHandle;
}

/** Runs the quality gates of a workspace and returns the DESIGN.md result. Never prints. */
export async function runGates(options: RunGatesOptions): Promise<GateRunResult> {
  const started = performance.now();
  const root = resolve(options.cwd);
  const now = options.now ?? (() => new Date());
  const emit = options.onProgress ?? (() => undefined);
  const config = await resolveConfig(root, options.config);
  const ids = selectGates(config, options.gates);
  const request: ScopeRequest =
    typeof options.scope === 'string' || options.scope === undefined
      ? { kind: options.scope ?? 'auto' }
      : options.scope;

  const stateFile = statePath(root);
  const state = await readState(stateFile);
  const scope = await resolveScope({
    root,
    config,
    request,
    state: gatesState(state),
    stateParentBranch: typeof state.parent_branch === 'string' ? state.parent_branch : undefined,
  });
  emit({ type: 'scope', scope });
  for (const w of scope.warnings) emit({ type: 'warning', message: w });

  const logging =
    config.artifact_logging?.enabled && options.logOutput !== false && config.artifact_logging.output_dir
      ? { dir: config.artifact_logging.output_dir, maxFiles: config.artifact_logging.max_files }
      : undefined;

  const plans = ids.map((id) => planGate(id, config.gates[id]!, config, scope));
  const results: GateResult[] = new Array(plans.length);
  const gateFiles: string[][] = plans.map((p) => p.files);
  const concurrency = Math.max(1, options.concurrency ?? config.concurrency ?? 4);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < plans.length && !options.signal?.aborted) {
      const index = next++;
      const plan = plans[index]!;
      if (plan.skipReason !== undefined) {
        results[index] = {
          id: plan.id,
          name: plan.gate.name,
          passed: true,
          skipped: true,
          status: 'skipped',
          duration_ms: 0,
          violations: [],
          reason: plan.skipReason,
        };
      } else {
        emit({ type: 'gate-start', id: plan.id, name: plan.gate.name, files: plan.files.length });
        results[index] = await executeGate(plan, root, options, logging, now);
      }
      if (options.telemetry) reportGate(options.telemetry, results[index]!);
      emit({ type: 'gate-end', gate: results[index]! });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, plans.length) }, worker));
  if (logging) await rotateArtifactLogs(root, logging);
  if (options.signal?.aborted) {
    throw new St3Error('E_INTERRUPTED', 'the gate run was cancelled', {
      details: { completed: results.filter(Boolean).map((g) => g.id) },
    });
  }

  const overall = results.every((g) => g.status === 'passed' || g.status === 'skipped');
  const result: GateRunResult = {
    overall_pass: overall,
    summary: summarize(results, performance.now() - started),
    gates: results,
  };

  if (options.updateState !== false && scope.mode !== 'none') {
    const failedFiles = new Set<string>();
    const checked = new Set<string>();
    results.forEach((g, i) => {
      if (g.skipped) return;
      for (const f of gateFiles[i]!) checked.add(f);
      if (g.status === 'failed' || g.status === 'error') {
        const own = new Set(gateFiles[i]);
        const fromViolations = g.violations.map((v) => v.file).filter((f) => f !== '' && !f.startsWith('/'));
        // A gate that failed without pointing at files (a crash, an exit-code gate) fails all it checked.
        const files = fromViolations.length > 0 ? fromViolations : [...own];
        for (const f of files) failedFiles.add(f);
      }
    });
    const complete = request.kind !== 'files' && options.gates === undefined;
    const section = await updateBaseline(stateFile, {
      allPassed: overall,
      complete,
      head: scope.head,
      failedFiles: [...failedFiles],
      passedFiles: [...checked].filter((f) => !failedFiles.has(f)),
    });
    emit({ type: 'baseline', baseline_sha: section.baseline_sha, failed_files: section.failed_files });
  }
  return result;
}

async function resolveConfig(root: string, config: QualityConfig | string | undefined): Promise<QualityConfig> {
  if (config !== undefined && typeof config !== 'string') return config;
  const path = resolve(root, config ?? QUALITY_CONFIG_PATH);
  const loaded = await loadQualityConfig(path);
  if (!loaded.value || loaded.errors.length > 0) {
    const first = loaded.errors[0];
    const code = first?.code === 'E_FILE_NOT_FOUND' ? 'E_FILE_NOT_FOUND' : 'E_CONFIG_INVALID';
    const err = errorFromDiagnostics(code, `invalid quality config ${path}`, loaded.errors);
    if (code === 'E_FILE_NOT_FOUND')
      throw new St3Error(code, `no quality config at ${path}`, {
        file: path,
        hint: 'run `st3 gates init` to write one, or pass --config',
      });
    throw err;
  }
  return loaded.value;
}

/** The gates to run, in config order (`active_gates` order, or `--gate` order filtered to it). */
export function selectGates(config: QualityConfig, wanted: readonly string[] | undefined): string[] {
  const active = config.active_gates.length > 0 ? config.active_gates : Object.keys(config.gates);
  if (!wanted || wanted.length === 0) return [...active];
  for (const id of wanted) {
    if (!(id in config.gates)) {
      throw new St3Error('E_GATE_UNKNOWN', `no gate "${id}" in the quality config`, {
        hint: `defined gates: ${Object.keys(config.gates).join(', ')}`,
      });
    }
  }
  const order = [...active, ...Object.keys(config.gates).filter((id) => !active.includes(id))];
  return order.filter((id) => wanted.includes(id));
}

interface GatePlan {
  id: string;
  gate: GateConfig;
  files: string[];
  skipReason?: string;
}

function planGate(id: string, gate: GateConfig, config: QualityConfig, scope: ResolvedScope): GatePlan {
  if (scope.mode === 'none') return { id, gate, files: [], skipReason: scope.description };
  const filter = createGateFilter(gate, config);
  const files = scope.files.filter(filter);
  if (files.length === 0) {
    return {
      id,
      gate,
      files,
      skipReason: `no files in scope (${scope.description}; gate takes ${describeGateFilter(gate)})`,
    };
  }
  return { id, gate, files };
}

async function executeGate(
  plan: GatePlan,
  root: string,
  options: RunGatesOptions,
  logging: { dir: string; maxFiles?: number } | undefined,
  now: () => Date,
): Promise<GateResult> {
  const started = performance.now();
  const { gate } = plan;
  const exec = gate.execution;
  const workDir = exec.working_dir ? resolve(root, exec.working_dir) : root;
  const mode = exec.pass_files ?? 'args';
  const relFiles =
    workDir === root ? plan.files : plan.files.map((f) => relative(workDir, resolve(root, f)).split(sep).join('/'));
  const base = [...exec.command];
  const argvs: { argv: string[]; input?: string }[] =
    mode === 'none'
      ? [{ argv: base }]
      : mode === 'stdin'
        ? [{ argv: base, input: `${relFiles.join('\n')}\n` }]
        : chunkFiles(base, relFiles, options.commandLineBudget ?? commandLineBudget()).map((chunk) => ({
            argv: [...base, ...chunk],
          }));
  const env = exec.env ? { ...(options.env ?? process.env), ...exec.env } : options.env;
  const runs: ProcessResult[] = [];
  for (const [i, { argv, input }] of argvs.entries()) {
    const run = await runProcess({
      argv,
      cwd: workDir,
      env,
      input,
      timeoutMs: exec.timeout_seconds ? exec.timeout_seconds * 1000 : undefined,
      maxOutputBytes: exec.max_output_bytes,
      signal: options.signal,
    });
    runs.push(run);
    if (logging)
      await writeArtifactLog(root, logging, plan.id, argv, run, argvs.length > 1 ? i + 1 : 0, now()).catch(
        () => undefined,
      );
    if (run.error) break;
  }
  let evaluation: GateEvaluation;
  try {
    evaluation = evaluateGate(
      gate,
      runs,
      { root, cwd: workDir, supportsAutofix: gate.capabilities.supports_autofix },
      createOutputParser(gate),
    );
  } catch (error) {
    evaluation = {
      status: 'error',
      violations: [],
      errorCode: 'E_INTERNAL',
      reason: `gate evaluation failed: ${(error as Error).message}`,
    };
  }
  return {
    id: plan.id,
    name: gate.name,
    passed: evaluation.status === 'passed',
    skipped: false,
    status: evaluation.status,
    duration_ms: Math.round(performance.now() - started),
    violations: evaluation.violations,
    ...(evaluation.reason ? { reason: evaluation.reason } : {}),
  };
}
