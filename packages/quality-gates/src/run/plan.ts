import { join } from 'node:path';
import type { GateConfig, QualityConfig, QualityGatesState } from '@st3/schemas';
import { St3Error } from '@st3/schemas/errors';
import { configFileGlobs, configFileMatcher } from '../scope/config-hash.js';
import { createGateFilter, describeGateFilter } from '../scope/filter.js';
import { findImporters } from '../scope/imports.js';
import { fileIsPresent } from '@st3/fs';
import type { ResolvedScope } from '../scope/resolve-scope.js';

/** How one gate runs in this run, and why. */
export interface GatePlan {
  id: string;
  gate: GateConfig;
  /** `project`: every file of the project the gate takes; `files`: those listed; `skip`: nothing to check. */
  mode: 'project' | 'files' | 'skip';
  files: string[];
  /** One line: why this scope (or why skipped). */
  reason: string;
  /** The gate's verdict covers what auto scope promises (a `--files` or `--scope branch` run never is). */
  sound: boolean;
  configHash: string;
  /** Skipped because the project holds no file the gate takes (every gate so: nothing to check, E_GATES_NO_FILES). */
  emptyProject?: true;
}

export interface PlanContext {
  root: string;
  config: QualityConfig;
  scope: ResolvedScope;
  state: QualityGatesState;
  /** Effective config hash per gate (see config-hash.ts). */
  hashes: Readonly<Record<string, string>>;
  /** Per gate, the files its config files reference (`extends`...), root-relative (see config-references.ts). */
  referenced?: Readonly<Record<string, readonly string[]>>;
  /** Every file of the project (computed once, on demand). */
  projectFiles: () => Promise<string[]>;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Plans every gate of the run (see the package README, "Scope soundness"). */
export async function planGates(ids: readonly string[], ctx: PlanContext): Promise<GatePlan[]> {
  const plans: GatePlan[] = [];
  for (const id of ids) plans.push(await planGate(id, ctx));
  return plans;
}

async function planGate(id: string, ctx: PlanContext): Promise<GatePlan> {
  const { scope, config } = ctx;
  const gate = config.gates[id]!;
  const base = { id, gate, configHash: ctx.hashes[id] ?? '' };
  const filter = createGateFilter(gate, config);
  const project = async (reason: string, sound: boolean): Promise<GatePlan> => {
    const files = (await ctx.projectFiles()).filter(filter);
    return files.length === 0
      ? {
          ...base,
          mode: 'skip',
          files,
          reason: `no files in the project (gate takes ${describeGateFilter(gate)})`,
          sound,
          emptyProject: true,
        }
      : { ...base, mode: 'project', files, reason, sound };
  };
  if (scope.kind === 'project' || scope.mode === 'project') return project(scope.description, true);
  if (scope.kind === 'files') {
    const files = scope.files.filter(filter);
    return files.length === 0
      ? {
          ...base,
          mode: 'skip',
          files,
          reason: `no listed file is one the gate takes (${describeGateFilter(gate)})`,
          sound: false,
        }
      : { ...base, mode: 'files', files, reason: scope.description, sound: false };
  }
  return planChanged(id, gate, ctx, filter, project);
}

/** auto and branch scope: from the files changed and deleted since the base commit. */
async function planChanged(
  id: string,
  gate: GateConfig,
  ctx: PlanContext,
  filter: (f: string) => boolean,
  project: (reason: string, sound: boolean) => Promise<GatePlan>,
): Promise<GatePlan> {
  const { scope, state, root } = ctx;
  const auto = scope.kind === 'auto';
  const base = { id, gate, configHash: ctx.hashes[id] ?? '' };
  const own = state.gates?.[id];
  const changed = [...new Set([...(scope.changed ?? []), ...(scope.unverified ?? [])])];
  const deleted = scope.deleted ?? [];
  const isConfig = configFileMatcher(configFileGlobs(gate));
  // A config file above the workspace root counts too: the tools look up for their config.
  // So does a file a config file references (`extends`), wherever it is in the repository.
  const referenced = new Set(ctx.referenced?.[id] ?? []);
  const configChange =
    [...changed, ...deleted, ...(scope.aboveRoot ?? [])].find(isConfig) ??
    [...changed, ...deleted, ...(scope.outsideRoot ?? [])].find((f) => referenced.has(f));
  if (configChange) return project(`its tool config ${configChange} changed`, auto);
  if (auto) {
    const recorded = own?.config_hash;
    if (recorded !== ctx.hashes[id])
      return project(
        recorded ? 'its config or tool changed since the baseline' : 'no config hash recorded for it at the baseline',
        true,
      );
    if (own?.project_failed) return project('it failed on the project last time', true);
  }

  const ofType = typedFilter(gate, ctx.config);
  const typed = [...changed.filter(ofType), ...deleted.filter(ofType)];
  const failed = auto ? failedFor(id, state).filter((f) => filter(f) && fileIsPresent(join(root, f))) : [];
  if (gate.capabilities.scope_mode === 'project') {
    if (typed.length === 0 && failed.length === 0) return skip(base, scope, gate, auto);
    const why = typed.length > 0 ? `${plural(typed.length, 'file')} of its types changed` : 'it failed before';
    return project(`${why}; its verdict depends on other files`, auto);
  }
  const files = new Set([...changed.filter(filter), ...failed]);
  let importers = 0;
  if ((gate.capabilities.scope_mode ?? 'importers') === 'importers' && typed.length > 0) {
    for (const f of await findImporters(root, await ctx.projectFiles(), typed))
      if (filter(f) && !files.has(f)) {
        files.add(f);
        importers++;
      }
  }
  if (files.size === 0) return skip(base, scope, gate, auto);
  const reason = `${scope.description}${importers ? `; +${plural(importers, 'file')} importing them` : ''}`;
  return { ...base, mode: 'files', files: [...files].sort(), reason, sound: auto };
}

/**
 * The changed files that can change a gate's verdict through the files it checks: its file types anywhere
 * (not only where it looks), and for a Python gate the `.pyi` stubs too — a stub types the modules that
 * import it, so a changed stub must re-check them (or the project, for a project-wide checker).
 */
function typedFilter(gate: GateConfig, config: QualityConfig): (f: string) => boolean {
  const own = createGateFilter({ ...gate, scope: undefined }, { ...config, project_scope: undefined });
  const python = (gate.capabilities.file_types ?? []).some((t) => t === '.py' || t === 'py');
  return python ? (f) => own(f) || f.endsWith('.pyi') : own;
}

function skip(
  base: Pick<GatePlan, 'id' | 'gate' | 'configHash'>,
  scope: ResolvedScope,
  gate: GateConfig,
  sound: boolean,
): GatePlan {
  const reason =
    scope.mode === 'none'
      ? scope.description
      : `no files in scope (${scope.description}; gate takes ${describeGateFilter(gate)})`;
  return { ...base, mode: 'skip', files: [], reason, sound };
}

/** The files a gate failed on: its own list, or the seed's union when the state has no per-gate lists. */
export function failedFor(id: string, state: QualityGatesState): string[] {
  const own = state.gates?.[id];
  if (!state.gates) return [...(state.failed_files ?? [])];
  const known = new Set(Object.values(state.gates).flatMap((g) => g.failed_files ?? []));
  const legacy = (state.failed_files ?? []).filter((f) => !known.has(f));
  return [...new Set([...(own?.failed_files ?? []), ...legacy])];
}

/** The gates to run, in config order (`active_gates` order, or `--gate` order filtered to it). */
export function selectGates(config: QualityConfig, wanted: readonly string[] | undefined): string[] {
  const active = config.active_gates.length > 0 ? config.active_gates : Object.keys(config.gates);
  if (!wanted || wanted.length === 0) return [...active];
  for (const id of wanted) {
    if (!Object.hasOwn(config.gates, id)) {
      throw new St3Error('E_GATE_UNKNOWN', `no gate "${id}" in the quality config`, {
        hint: `defined gates: ${Object.keys(config.gates).join(', ')}`,
      });
    }
  }
  const order = [...active, ...Object.keys(config.gates).filter((id) => !active.includes(id))];
  return order.filter((id) => wanted.includes(id));
}
