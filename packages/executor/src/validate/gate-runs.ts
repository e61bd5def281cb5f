import type { GateRunResult } from '@st3/schemas';
import { sha256 } from '../change/text.js';
import type { WorkspaceFiles } from '../change/workspace.js';
import type { RunImporters } from './importers.js';
import { REMOVED, type ScratchPool, type ScratchSlot } from './scratch.js';
import { scanWorkspace, type WorkspaceScan } from './workspace-scan.js';

/** The gate runs of one change: on the new file, and on the old one for the gates that failed. */
export interface GateRuns {
  after: GateRunResult;
  baseline: GateRunResult | undefined;
  /** Files checked besides the changed one: those importing it (a caller the change can break). */
  importers: string[];
}

/** What the gates need to run on one change in a scratch copy. */
export interface GateRunOptions {
  root: string;
  files: WorkspaceFiles;
  /**
   * The workspace's files that import a changed one, directly or through others (`st3 gates`' auto
   * scope adds them too): renaming a function, changing its signature or deleting it breaks them, not
   * the file itself, and a gate given only the changed file (mypy, eslint's import rules) would never see it.
   */
  importers: RunImporters;
  env?: Record<string, string | undefined>;
}

/** One change to run the gates on. */
export interface GateChange {
  path: string;
  before: string;
  after: string;
  signal?: AbortSignal;
}

/** Where a gate run takes place: a file's text in a scratch slot, optionally only some gates. */
interface GateTarget {
  path: string;
  text: string;
  /** The files in scope: the changed one, then its importers. */
  scope: string[];
  signal: AbortSignal | undefined;
  ids?: string[];
}

/** Why a `files` gate run was refused because no gate takes a file (E_USAGE with `details.unchecked`). */
export function uncheckedFiles(error: unknown): { file: string; reason: string }[] | undefined {
  const e = error as { code?: unknown; details?: { unchecked?: unknown } } | null;
  const unchecked = e?.details?.unchecked;
  if (e?.code !== 'E_USAGE' || !Array.isArray(unchecked)) return undefined;
  return unchecked.map((u) => ({
    file: String((u as { file?: unknown }).file ?? ''),
    reason: String((u as { reason?: unknown }).reason ?? 'not checked'),
  }));
}

/**
 * Brings a slot in line with the workspace as it is now: what this process wrote is taken from `files`
 * (a dry run's edits are in memory only, and win over the disk), paths the slot wrote for an earlier
 * change are given back, and every other file is caught up with `scan` (what other processes wrote).
 */
async function syncSlot(files: WorkspaceFiles, slot: ScratchSlot, scan: WorkspaceScan, path: string): Promise<void> {
  const changed = new Set(files.changed());
  for (const p of [...slot.written.keys()]) if (p !== path && !changed.has(p)) await slot.release(p);
  await slot.catchUp(scan);
  for (const p of changed) {
    if (p === path) continue;
    const desired = await files.read(p);
    if (desired === undefined) {
      if (slot.written.get(p) !== REMOVED) await slot.remove(p);
    } else if (slot.written.get(p) !== sha256(desired)) await slot.write(p, desired);
  }
}

/** Runs the workspace's gates (or only `target.ids`) on the files in scope in a scratch slot. */
async function runGatesOn(options: GateRunOptions, slot: ScratchSlot, target: GateTarget): Promise<GateRunResult> {
  const { path, text, signal, ids } = target;
  if (slot.written.get(path) !== sha256(text)) await slot.write(path, text);
  const { runGates } = await import('@st3/quality-gates');
  return runGates({
    cwd: slot.dir,
    scope: { kind: 'files', files: target.scope },
    ...(ids ? { gates: ids } : {}),
    updateState: false,
    logOutput: false,
    ...(options.env ? { env: options.env } : {}),
    ...(signal ? { signal } : {}),
  });
}

/**
 * The first run on the new file, with the importers no gate takes left out (a test folder outside the
 * gates' globs, say): the gate engine refuses a `files` run naming a file no gate checks. When the
 * changed file itself is one, the refusal is the caller's to handle (nothing measured the change).
 */
async function firstRun(
  options: GateRunOptions,
  slot: ScratchSlot,
  target: GateTarget,
): Promise<{ result: GateRunResult; scope: string[] }> {
  try {
    return { result: await runGatesOn(options, slot, target), scope: target.scope };
  } catch (error) {
    const unchecked = uncheckedFiles(error);
    if (!unchecked || unchecked.some((u) => u.file === target.path)) throw error;
    const left = new Set(unchecked.map((u) => u.file));
    const scope = target.scope.filter((f) => !left.has(f));
    return { result: await runGatesOn(options, slot, { ...target, scope }), scope };
  }
}

/**
 * Runs the gates on the new file and its importers in a scratch copy, and the failed ones again on the
 * old file: only what this change introduced counts.
 */
export async function runGatesTwice(options: GateRunOptions, pool: ScratchPool, change: GateChange): Promise<GateRuns> {
  const { path, signal } = change;
  return pool.use(async (slot) => {
    // One look at the workspace per validation, taken once the slot is ours: a slot waited for still sees now.
    const scan = await scanWorkspace(options.root);
    await syncSlot(options.files, slot, scan, path);
    const importers = await options.importers.of(path, scan);
    const first = await firstRun(options, slot, { path, text: change.after, scope: [path, ...importers], signal });
    const after = first.result;
    const failed = after.gates.filter((g) => g.status === 'failed');
    const baseline = failed.length
      ? await runGatesOn(options, slot, {
          path,
          text: change.before,
          scope: first.scope,
          signal,
          ids: failed.map((g) => g.id),
        })
      : undefined;
    return { after, baseline, importers: first.scope.filter((f) => f !== path) };
  });
}
