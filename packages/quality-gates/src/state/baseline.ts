import { withFileLock, writeJsonAtomic } from '@st3/fs';
import { QualityGatesStateSchema, type GateState, type QualityGatesState } from '@st3/schemas';
import { readState, sectionOf } from './read-state.js';

export { readState, statePath } from './read-state.js';

/** The gate engine's section of the state, validated (unknown keys kept); an invalid section reads as no baseline. */
export function gatesState(state: Record<string, unknown>): QualityGatesState {
  return sectionOf(state, () => QualityGatesStateSchema);
}

/** What one gate did in a run, as the state needs it. */
export interface GateOutcome {
  id: string;
  status: 'passed' | 'failed' | 'error' | 'skipped';
  /** The files the gate checked; `project` = the whole project (its verdict covers every file). */
  checked: readonly string[] | 'project';
  /** Files in the workspace with violations (pre-existing ones under `--new-only` included). */
  failed: readonly string[];
}

export interface StateUpdate {
  outcomes: readonly GateOutcome[];
  /** Every active gate ran soundly and passed: the baseline moves to `head`. */
  advance: boolean;
  /** HEAD when the run's scope was resolved. */
  head?: string;
  /** The active gates of the config (legacy failures are kept for each of them). */
  activeGates: readonly string[];
  /** Gates defined in the config: entries of others are dropped. */
  definedGates: readonly string[];
  /** Effective config hash per gate, recorded for every active gate when the baseline moves. */
  configHashes: Readonly<Record<string, string>>;
  /** When the baseline moves: the files whose working copy differs from `head`. */
  unverified?: readonly string[];
}

/**
 * The state after a run, from the state before it (a pure function, applied under the lock to what is on
 * disk at that moment, so concurrent runs merge). A gate clears only the (gate, file) pairs it checked and
 * found clean; failures it did not check are kept, whoever recorded them. `failed_files` stays the union
 * over gates (the seed's field). The baseline moves only with `advance`.
 */
export function applyStateUpdate(before: QualityGatesState, update: StateUpdate): QualityGatesState {
  const defined = new Set(update.definedGates);
  const gates: Record<string, GateState> = {};
  for (const [id, g] of Object.entries(before.gates ?? {}))
    if (defined.has(id)) gates[id] = { ...g, failed_files: [...(g.failed_files ?? [])] };
  // Failures recorded without a gate (the seed's format, or another tool) count for every active gate.
  const known = new Set(Object.values(gates).flatMap((g) => g.failed_files));
  const legacy = (before.failed_files ?? []).filter((f) => !known.has(f));
  for (const id of update.activeGates) {
    const g = (gates[id] ??= { failed_files: [] });
    g.failed_files = [...new Set([...g.failed_files, ...legacy])];
  }
  for (const o of update.outcomes) {
    if (o.status === 'skipped' || !defined.has(o.id)) continue;
    gates[o.id] = applyOutcome(gates[o.id] ?? { failed_files: [] }, o);
  }
  const union = new Set<string>();
  for (const g of Object.values(gates)) {
    g.failed_files.sort();
    for (const f of g.failed_files) union.add(f);
    if (g.project_failed === false) delete g.project_failed;
  }
  const after: QualityGatesState = {
    ...before,
    baseline_sha: before.baseline_sha ?? null,
    failed_files: [...union].sort(),
    gates,
  };
  if (update.advance) {
    after.baseline_sha = update.head ?? before.baseline_sha ?? null;
    for (const id of update.activeGates) {
      const g = (gates[id] ??= { failed_files: [] });
      const hash = update.configHashes[id];
      if (hash !== undefined) g.config_hash = hash;
    }
    after.unverified_files = [...(update.unverified ?? [])].sort();
  }
  return after;
}

function applyOutcome(g: GateState, o: GateOutcome): GateState {
  const failed = new Set(o.failed);
  if (o.checked === 'project') {
    if (o.status === 'passed') return { ...g, failed_files: [], project_failed: false };
    if (o.status === 'error') return { ...g, project_failed: true };
    // Its verdict covers the whole project: its failures are exactly what it reported.
    return { ...g, failed_files: [...failed], project_failed: failed.size === 0 };
  }
  const checked = new Set(o.checked);
  const kept = g.failed_files.filter((f) => !checked.has(f) || failed.has(f));
  // An error, or a failure that names no file, fails every file the gate checked.
  const add =
    o.status === 'error' || (o.status === 'failed' && failed.size === 0) ? [...checked, ...failed] : [...failed];
  return { ...g, failed_files: [...new Set([...kept, ...add])] };
}

/**
 * Applies a run's outcome to state.json under the lock with an atomic write (other keys of the file are
 * kept as they are) and returns the new section. Concurrent runs merge: each applies its own outcome to
 * what the previous writer left.
 */
export async function updateGatesState(
  path: string,
  update: StateUpdate,
  lock: { timeoutMs?: number } = {},
): Promise<QualityGatesState> {
  return withFileLock(
    path,
    async () => {
      const state = await readState(path);
      const raw = (state.quality_gates as Record<string, unknown> | undefined) ?? {};
      const section = applyStateUpdate(gatesState(state), update);
      // Keys the schema does not know (another tool's) survive.
      await writeJsonAtomic(path, { ...state, quality_gates: { ...raw, ...section } });
      return section;
    },
    { timeoutMs: lock.timeoutMs ?? 30_000 },
  );
}
