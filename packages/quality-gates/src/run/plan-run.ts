import { join, resolve } from 'node:path';
import type { Diagnostic, QualityConfig, QualityGatesState, TelemetryHandle } from '@st3/schemas';
import { St3Error } from '@st3/schemas/errors';
import { QUALITY_CONFIG_CACHE, QUALITY_CONFIG_PATH } from '../config/paths.js';
import { requireQualityConfig } from '../config/require-config.js';
import { gateConfigInputs } from '../scope/config-hash.js';
import { describeGateFilter, whyGateSkipsFile } from '../scope/filter.js';
import {
  listProjectFiles,
  resolveScope,
  type ResolvedScope,
  type ScopeKind,
  type ScopeRequest,
} from '../scope/resolve-scope.js';
import { loadGatesState, readState, statePath } from '../state/read-state.js';
import { planGates, selectGates, type GatePlan } from './plan.js';
import type { GateProgress } from './types.js';

// The decisions of a run before anything runs (`st3 gates --dry-run`), kept free of zod and the YAML
// parser on the way (the config comes from its cache when valid and unchanged, the state through
// `loadGatesState`), so a dry run costs little more than git's diff.

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
  /**
   * Base environment of the tools (default: this process's). A gate's `execution.env` is added to it. Its PATH
   * also finds each gate's tool for the fingerprint in the gate's config hash (see config-hash.ts).
   */
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
  /**
   * Keep quality.yaml as validated in `.st3/cache/quality-config.json` and answer from it while its text
   * and ST3 are unchanged (default true): start-up then loads no schema library. `'read-only'` answers
   * from it but never writes it (dry runs: they change nothing).
   */
  cacheConfig?: boolean | 'read-only';
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
  /** quality.yaml's warnings (located), when it was loaded from a path: a run reports them as `warning` events. */
  configWarnings: Diagnostic[];
}

/** Works out the scope of every gate of a run without running anything. */
export async function planGateRun(options: RunGatesOptions): Promise<RunPlan> {
  const root = resolve(options.cwd);
  const { config, warnings: configWarnings } = await resolveConfig(root, options.config, options.cacheConfig ?? true);
  const ids = selectGates(config, options.gates);
  const request: ScopeRequest =
    typeof options.scope === 'string' || options.scope === undefined
      ? { kind: options.scope ?? 'auto' }
      : options.scope;
  const raw = await readState(statePath(root));
  const state = await loadGatesState(raw);
  const scope = await resolveScope({
    root,
    config,
    request,
    state,
    stateParentBranch: typeof raw.parent_branch === 'string' ? raw.parent_branch : undefined,
  });
  let projectFiles: Promise<string[]> | undefined;
  const hashes: Record<string, string> = {};
  const referenced: Record<string, string[]> = {};
  // The tools are found as they will run: the same environment, node_modules/.bin up to the repository's top.
  const hashOptions = { env: options.env ?? process.env, top: scope.repoDir ?? root };
  for (const id of new Set([...selectGates(config, undefined), ...ids])) {
    const inputs = gateConfigInputs(root, config, id, hashOptions);
    hashes[id] = inputs.hash;
    referenced[id] = inputs.referenced;
  }
  const plans = await planGates(ids, {
    root,
    config,
    scope,
    state,
    hashes,
    referenced,
    projectFiles: () =>
      (projectFiles ??= scope.mode === 'project' ? Promise.resolve(scope.files) : listProjectFiles(root)),
  });
  if (scope.kind === 'files') refuseUncheckedFiles(scope.files, plans, config);
  else refuseEmptyProject(plans);
  const limited = options.gates !== undefined && options.gates.length > 0;
  return {
    root,
    config,
    request,
    state,
    scope,
    plans,
    limited,
    configWarnings,
    ...(scope.repoDir ? { repoDir: scope.repoDir } : {}),
  };
}

async function resolveConfig(
  root: string,
  config: QualityConfig | string | undefined,
  cache: boolean | 'read-only',
): Promise<{ config: QualityConfig; warnings: Diagnostic[] }> {
  if (config !== undefined && typeof config !== 'string') return { config, warnings: [] };
  const path = resolve(root, config ?? QUALITY_CONFIG_PATH);
  const loaded = await requireQualityConfig(path, {
    missingHint: 'run `st3 gates init` to write one, or pass --config',
    ...(cache ? { cacheFile: join(root, QUALITY_CONFIG_CACHE), cacheReadOnly: cache === 'read-only' } : {}),
  });
  return loaded;
}

/**
 * A run over the whole project (project scope, or a gate's first run) where the project holds no file that
 * any gate takes checks nothing: E_GATES_NO_FILES, never "0/N gates run" with overall_pass true. One gate
 * with nothing of its types beside gates that run is that gate's skip, not this.
 */
function refuseEmptyProject(plans: readonly GatePlan[]): void {
  if (plans.length === 0 || !plans.every((p) => p.mode === 'skip' && p.emptyProject)) return;
  const takes = new Map<string, string[]>();
  for (const p of plans) {
    const what = describeGateFilter(p.gate);
    takes.set(what, [...(takes.get(what) ?? []), p.id]);
  }
  throw new St3Error(
    'E_GATES_NO_FILES',
    `no file in the project is one a gate takes (${[...takes].map(([what, ids]) => `${ids.join(', ')}: ${what}`).join('; ')}): nothing was checked`,
    {
      hint: "run it where the source files are, or make the gates take them (project_scope.include_globs, a gate's scope or file_types in quality.yaml); files ignored by .gitignore are not in the project",
      details: { gates: plans.map((p) => p.id) },
    },
  );
}

/**
 * A `files` run checks every listed file with at least one gate, or runs nothing: a listed file that no
 * gate of the run takes (another type, outside the include globs, excluded) is a usage error naming it
 * and each gate's reason, as a missing file is (`E_FILE_NOT_FOUND`) — a run that checks less than the
 * user named must not pass.
 */
function refuseUncheckedFiles(files: readonly string[], plans: readonly GatePlan[], config: QualityConfig): void {
  const checked = new Set(plans.flatMap((p) => (p.mode === 'skip' ? [] : p.files)));
  const unchecked = files.filter((f) => !checked.has(f));
  if (unchecked.length === 0) return;
  const reasons = unchecked.map((file) => {
    const byReason = new Map<string, string[]>();
    for (const p of plans) {
      const why = whyGateSkipsFile(p.gate, config, file) ?? 'not checked';
      byReason.set(why, [...(byReason.get(why) ?? []), p.id]);
    }
    const text =
      plans.length === 0 ? 'no gate to run' : [...byReason].map(([why, ids]) => `${ids.join(', ')}: ${why}`).join('; ');
    return { file, reason: text };
  });
  const many = unchecked.length > 1;
  throw new St3Error(
    'E_USAGE',
    `listed file${many ? 's' : ''} checked by no gate: ${reasons.map((r) => `${r.file} (${r.reason})`).join(', ')} (nothing was run)`,
    {
      file: unchecked[0],
      hint: `drop ${many ? 'them' : 'it'} from the list, or make a gate take ${many ? 'them' : 'it'} (project_scope.include_globs, a gate's scope or file_types in quality.yaml)`,
      details: { unchecked: reasons },
    },
  );
}
