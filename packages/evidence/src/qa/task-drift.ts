import { St3Error, type QaSummary } from '@st3/schemas';
import type { EvidenceWorkspace } from '../config.js';
import { assertComparable, compareQa, type QaDriftOptions, type QaDriftReport } from './drift.js';
import { qaNotMeasured } from './measured.js';
import { readQaBaselines, readQaRuns } from './record.js';

export interface QaTaskDriftOptions extends QaDriftOptions {
  /** Only this command (`<kind>:<command>`). */
  key?: string;
  /** Compare with this summary instead of the stored baseline. */
  baseline?: QaSummary;
  /** Where `baseline` was read from: named when it is of another kind or command (E_USAGE). */
  baselineFile?: string;
}

/** A command whose latest run has no baseline to be compared with: no verdict, and why. */
export interface QaNoBaseline {
  key: string;
  current: { recorded_at: string; exit_code: number | null; headline: string };
  /** `not measured — its latest run measured nothing (…)`, or that none was recorded. */
  reason: string;
}

export interface QaTaskDrift {
  reports: QaDriftReport[];
  /** Commands that could not be judged (no baseline): never a pass. */
  noBaseline: QaNoBaseline[];
}

/**
 * Drift of the latest run of each command of a task against its baseline (`key`: one command;
 * `baseline`: a summary given by the caller instead of the stored one). A command without a baseline
 * (its runs so far measured nothing, so none became one) is listed in `noBaseline` with the reason,
 * and the other commands are still compared. Nothing to compare at all — no run, the `key` not
 * recorded or without a baseline, no command with one — is E_QA_NO_BASELINE.
 */
export async function qaTaskDrift(
  ws: EvidenceWorkspace,
  taskId: string,
  options: QaTaskDriftOptions = {},
): Promise<QaTaskDrift> {
  const runs = await readQaRuns(ws, taskId);
  const baselines = await readQaBaselines(ws, taskId);
  const latest = new Map<string, QaSummary>();
  for (const run of runs) latest.set(run.key, run);
  if (runs.length === 0)
    throw new St3Error('E_QA_NO_BASELINE', `no QA run recorded for ${taskId}`, {
      hint: `run \`st3 qa record ${taskId} --command "…" --log FILE\``,
    });
  const keys = options.key ? [options.key] : options.baseline ? [options.baseline.key] : [...latest.keys()];
  const result: QaTaskDrift = { reports: [], noBaseline: [] };
  for (const key of keys) {
    const current = latest.get(key);
    if (!current)
      throw new St3Error('E_QA_NO_BASELINE', `no QA run of "${key}" recorded for ${taskId}`, {
        hint: `recorded: ${[...latest.keys()].join(', ')}`,
      });
    const base = options.baseline ?? baselines[key];
    if (!base) {
      result.noBaseline.push(noBaselineOf(key, current));
      continue;
    }
    // A baseline given by the caller may be of another command: E_USAGE naming both (and its file).
    assertComparable(base, current, options.baselineFile);
    result.reports.push(compareQa(base, current, options));
  }
  if (result.reports.length === 0) throw noBaselineError(taskId, result.noBaseline);
  return result;
}

/**
 * `qaTaskDrift`'s reports alone, for callers that have no place for commands without a baseline:
 * any such command is E_QA_NO_BASELINE here, so that a list without it never reads as "no regression".
 */
export async function qaDrift(
  ws: EvidenceWorkspace,
  taskId: string,
  options: QaTaskDriftOptions = {},
): Promise<QaDriftReport[]> {
  const { reports, noBaseline } = await qaTaskDrift(ws, taskId, options);
  if (noBaseline.length > 0) throw noBaselineError(taskId, noBaseline);
  return reports;
}

function noBaselineOf(key: string, current: QaSummary): QaNoBaseline {
  // Runs that measured nothing never become the baseline: say that is why there is none.
  const why = qaNotMeasured(current);
  return {
    key,
    current: { recorded_at: current.recorded_at, exit_code: current.exit_code, headline: current.headline },
    reason: why
      ? `not measured — its latest run measured nothing (${why})`
      : 'no run of it was recorded as the baseline',
  };
}

function noBaselineError(taskId: string, missing: QaNoBaseline[]): St3Error {
  const each = missing.map((m) => `"${m.key}" in ${taskId}: ${m.reason}`);
  return new St3Error('E_QA_NO_BASELINE', `no baseline for ${each.join('; for ')}`, {
    hint: 'record a measured run (the first one becomes the baseline, or --set-baseline), or pass --baseline FILE',
  });
}
