import { createProgress, type CliIO, type Output } from '@st3/cli-kit';
import type { ExecuteEvent } from '@st3/executor';
import { St3Error } from '@st3/schemas';

/** The scheduling settings of a run, from the flags or else from the run being resumed. */
export interface RunSettings {
  execute: {
    mode: 'eager' | 'waves';
    concurrency: number;
    retries: number;
    timeoutMs?: number;
    backoff: { baseMs: number };
  };
  backoffMs: number;
}

export function runSettings(
  values: { mode?: string; concurrency?: number; retries?: number; timeout?: number; backoff?: number },
  saved: Record<string, unknown>,
): RunSettings {
  const mode = (values.mode ?? saved.mode ?? 'eager') as string;
  if (mode !== 'eager' && mode !== 'waves')
    throw new St3Error('E_USAGE', `--mode must be eager or waves, got "${mode}"`);
  const concurrency = values.concurrency ?? (typeof saved.concurrency === 'number' ? saved.concurrency : 100);
  const retries = values.retries ?? (typeof saved.retries === 'number' ? saved.retries : 2);
  const timeoutSec =
    values.timeout !== undefined
      ? values.timeout
      : typeof saved.timeoutMs === 'number'
        ? saved.timeoutMs / 1000
        : undefined;
  if (timeoutSec !== undefined && !(timeoutSec > 0))
    throw new St3Error('E_USAGE', `--timeout expects seconds > 0, got "${values.timeout}"`);
  const backoffSec =
    values.backoff !== undefined ? values.backoff : typeof saved.backoffMs === 'number' ? saved.backoffMs / 1000 : 1;
  if (!(backoffSec >= 0)) throw new St3Error('E_USAGE', `--backoff expects seconds ≥ 0, got "${values.backoff}"`);
  return {
    execute: {
      mode,
      concurrency,
      retries,
      ...(timeoutSec !== undefined ? { timeoutMs: timeoutSec * 1000 } : {}),
      backoff: { baseMs: backoffSec * 1000 },
    },
    backoffMs: backoffSec * 1000,
  };
}

/** What a run shows while it runs: a progress bar on a terminal, and each retry on stderr. */
export function runEvents(io: CliIO, out: Output, quiet: boolean, label: string) {
  const progress = createProgress(io, { quiet, label });
  return {
    onEvent(e: ExecuteEvent): void {
      if (e.type === 'progress') progress.update(e.done, e.total);
      else if (e.type === 'node:retry' && !out.json)
        out.warn(
          `${e.id}: attempt ${e.attempt} failed (${e.category}); retrying in ${(e.delayMs / 1000).toFixed(1)} s`,
        );
    },
    done: () => progress.done(),
  };
}
