import type { ErrorCategory } from '@st3/schemas';

/** Final figures of a run (also saved in the run state). */
export interface ExecuteStats {
  total: number;
  succeeded: number;
  failed: number;
  skipped: number;
  cancelled: number;
  /** Succeeded nodes taken from the resumed run instead of running again. */
  reused: number;
  attempts: number;
  retries: number;
  /** Nodes that needed at least one retry. */
  retriedNodes: number;
  /** Nodes that failed at first and succeeded on a retry. */
  recoveredByRetry: number;
  retriesByCategory: Partial<Record<ErrorCategory, number>>;
  failuresByCategory: Partial<Record<ErrorCategory, number>>;
  /** Makespan: first start to last finish, on the run's clock. */
  durationMs: number;
  /** Sum of attempt durations. */
  busyMs: number;
  /** busyMs / durationMs: how many nodes ran at once on average. */
  meanParallelism: number;
  peakConcurrency: number;
  waves: number;
  /** Nodes on the longest dependency chain. */
  criticalPath: number;
}

export function emptyStats(total: number, waves: number, pathLength: Int32Array): ExecuteStats {
  let criticalPath = 0;
  for (const p of pathLength) if (p > criticalPath) criticalPath = p;
  return {
    total,
    succeeded: 0,
    failed: 0,
    skipped: 0,
    cancelled: 0,
    reused: 0,
    attempts: 0,
    retries: 0,
    retriedNodes: 0,
    recoveredByRetry: 0,
    retriesByCategory: {},
    failuresByCategory: {},
    durationMs: 0,
    busyMs: 0,
    meanParallelism: 0,
    peakConcurrency: 0,
    waves,
    criticalPath,
  };
}
