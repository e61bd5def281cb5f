import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { QualityGatesStateSchema, St3Error, withFileLock, writeJsonAtomic, type QualityGatesState } from '@st3/schemas';

/** `.st3/state.json` of a workspace. */
export function statePath(root: string): string {
  return join(root, '.st3', 'state.json');
}

/** Reads state.json as a plain object; a missing file is `{}`, a corrupt one an error (it is never overwritten). */
export async function readState(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new St3Error('E_FILE_READ', `cannot read ${path}: ${(error as Error).message}`, { file: path, cause: error });
  }
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new St3Error('E_PARSE', `${path} is not valid JSON: ${(error as Error).message}`, {
      file: path,
      hint: 'fix or remove the file; ST3 will not overwrite it',
      cause: error,
    });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new St3Error('E_SCHEMA', `${path} must hold a JSON object`, {
      file: path,
      hint: 'fix or remove the file; ST3 will not overwrite it',
    });
  }
  return value as Record<string, unknown>;
}

/** The gate engine's section of the state, validated (unknown keys kept). */
export function gatesState(state: Record<string, unknown>): QualityGatesState {
  const parsed = QualityGatesStateSchema.safeParse(state.quality_gates ?? {});
  return parsed.success ? parsed.data : { baseline_sha: null, failed_files: [] };
}

export interface BaselineUpdate {
  /** Every gate run passed (none failed or errored). */
  allPassed: boolean;
  /** The run covered everything the scope rules ask for (not `--gate` or `--scope files`): only then may the baseline move. */
  complete: boolean;
  /** HEAD at the time of the run (absent outside a repository or without commits). */
  head?: string;
  /** Files with violations in failed gates, or in scope of gates that could not run. */
  failedFiles: readonly string[];
  /** Files that were checked by every gate that applies to them and passed (removed from failed_files on partial runs). */
  passedFiles?: readonly string[];
}

/**
 * Applies a run's outcome to state.json under a lock with an atomic write. All gates passing on a
 * complete run → baseline = HEAD, failed_files = []; otherwise failed_files grows by the newly failing
 * files (sorted union) and the baseline stays. Other keys of the file are kept as they are.
 */
export async function updateBaseline(
  path: string,
  update: BaselineUpdate,
  lock: { timeoutMs?: number } = {},
): Promise<QualityGatesState> {
  return withFileLock(
    path,
    async () => {
      const state = await readState(path);
      const old = gatesState(state);
      const section: Record<string, unknown> = {
        ...((state.quality_gates as Record<string, unknown> | undefined) ?? {}),
      };
      if (update.allPassed && update.complete) {
        section.baseline_sha = update.head ?? old.baseline_sha ?? null;
        section.failed_files = [];
      } else {
        const passed = new Set(update.complete ? [] : (update.passedFiles ?? []));
        const failed = new Set(old.failed_files.filter((f) => !passed.has(f)));
        for (const f of update.failedFiles) failed.add(f);
        section.baseline_sha = old.baseline_sha ?? null;
        section.failed_files = [...failed].sort();
      }
      await writeJsonAtomic(path, { ...state, quality_gates: section });
      return section as QualityGatesState;
    },
    { timeoutMs: lock.timeoutMs ?? 30_000 },
  );
}
