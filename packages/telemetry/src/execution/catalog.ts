/**
 * The execution metrics (the seed's MGE V2 monitoring: `v2_execution_time_seconds`, `v2_atoms_generated_total`,
 * … as `st3_v2_*`), declared once: the registry, the alert rules and the Grafana dashboard are all built
 * from this table, and a test checks that every rule and panel names a metric defined here.
 */
export type MetricKind = 'counter' | 'gauge' | 'histogram';

export interface MetricInfo {
  name: string;
  kind: MetricKind;
  help: string;
  labels: readonly string[];
  /** Histogram bucket upper bounds. */
  buckets?: readonly number[];
  /**
   * `total`: kept in `.st3/telemetry/execution-metrics.json` and only ever grows; `last-run`: the last
   * finished run's value, kept there too; `live`: only while a process runs (a coordinator or a worker).
   */
  scope: 'total' | 'last-run' | 'live';
}

export const EXECUTION_METRICS: readonly MetricInfo[] = [
  {
    name: 'st3_v2_execution_time_seconds',
    kind: 'histogram',
    help: 'Duration of finished runs (first node start to last node end), by backend and final status',
    labels: ['backend', 'status'],
    buckets: [1, 10, 60, 300, 900, 1800, 3600, 7200, 14400, 28800],
    scope: 'total',
  },
  {
    name: 'st3_v2_atoms_generated_total',
    kind: 'counter',
    help: 'Atoms (nodes) that ran to a validated result, by what became of the change (applied, queued, unchanged, dry-run, command)',
    labels: ['outcome'],
    scope: 'total',
  },
  {
    name: 'st3_v2_atoms_failed_total',
    kind: 'counter',
    help: 'Atoms that failed after their retries, by the failure category of the last attempt',
    labels: ['category'],
    scope: 'total',
  },
  {
    name: 'st3_v2_atoms_skipped_total',
    kind: 'counter',
    help: 'Atoms not run because a dependency failed',
    labels: [],
    scope: 'total',
  },
  {
    name: 'st3_v2_retries_total',
    kind: 'counter',
    help: 'Retried attempts, by the failure category that caused the retry',
    labels: ['category'],
    scope: 'total',
  },
  {
    name: 'st3_v2_waves_executed_total',
    kind: 'counter',
    help: 'Waves (dependency levels) whose every atom reached an outcome',
    labels: [],
    scope: 'total',
  },
  {
    name: 'st3_v2_runs_total',
    kind: 'counter',
    help: 'Finished runs, by final status and backend',
    labels: ['status', 'backend'],
    scope: 'total',
  },
  {
    name: 'st3_v2_tokens_total',
    kind: 'counter',
    help: 'Tokens reported by agents (OpenAI-compatible usage), prompt or completion',
    labels: ['kind'],
    scope: 'total',
  },
  {
    name: 'st3_v2_cost_usd_total',
    kind: 'counter',
    help: 'Cost of the reported tokens at the prices of .st3/config/executor.yaml (absent without a price)',
    labels: [],
    scope: 'total',
  },
  {
    name: 'st3_v2_atom_duration_seconds',
    kind: 'histogram',
    help: 'Time from an atom’s first attempt to its outcome, backoff included',
    labels: ['status'],
    buckets: [0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600],
    scope: 'total',
  },
  {
    name: 'st3_v2_confidence_score',
    kind: 'histogram',
    help: 'Confidence of generated changes (0–1; levels: critical < 0.5 ≤ low < 0.7 ≤ medium < 0.85 ≤ high)',
    labels: [],
    buckets: [0.5, 0.7, 0.85, 0.95, 1],
    scope: 'total',
  },
  {
    name: 'st3_v2_precision_percent',
    kind: 'gauge',
    help: 'Share of the atoms that ran which ended validated rather than failed, in the running or last run (%)',
    labels: [],
    scope: 'last-run',
  },
  {
    name: 'st3_v2_cost_per_project_usd',
    kind: 'gauge',
    help: 'Cost of the running or last run (one plan of one project) in USD (absent without a price or usage)',
    labels: [],
    scope: 'last-run',
  },
  {
    name: 'st3_v2_parallel_atoms',
    kind: 'gauge',
    help: 'Atoms running right now (bullmq: jobs active on the workers)',
    labels: [],
    scope: 'live',
  },
  {
    name: 'st3_v2_run_elapsed_seconds',
    kind: 'gauge',
    help: 'Seconds since the running run started (0 once it finished)',
    labels: [],
    scope: 'live',
  },
  {
    name: 'st3_v2_run_progress_ratio',
    kind: 'gauge',
    help: 'Atoms of the running run with an outcome, as a share of all its atoms (0–1)',
    labels: [],
    scope: 'live',
  },
  {
    name: 'st3_v2_review_queue_size',
    kind: 'gauge',
    help: 'Review items waiting for a reviewer (pending or in review), by confidence level',
    labels: ['level'],
    scope: 'live',
  },
  {
    name: 'st3_v2_queue_jobs',
    kind: 'gauge',
    help: 'Jobs of the BullMQ queue by state (waiting, active, delayed, failed), all runs of the queue',
    labels: ['state'],
    scope: 'live',
  },
  {
    name: 'st3_v2_workers',
    kind: 'gauge',
    help: 'Worker processes connected to the BullMQ queue',
    labels: [],
    scope: 'live',
  },
  {
    name: 'st3_v2_jobs_stalled_total',
    kind: 'counter',
    help: 'Jobs taken over from a worker that stopped renewing its lock (killed, frozen or cut off)',
    labels: [],
    scope: 'total',
  },
];

/** Metrics of one `st3 worker` process (they start at 0 with the process; `rate()` handles the restarts). */
export const WORKER_METRICS: readonly MetricInfo[] = [
  {
    name: 'st3_worker_jobs_total',
    kind: 'counter',
    help: 'Jobs (node attempts) this worker finished, by outcome: succeeded, failed, cancelled, retry, error, lost (its lock was taken over: another worker ran it; not counted as done)',
    labels: ['outcome'],
    scope: 'live',
  },
  {
    name: 'st3_worker_active_jobs',
    kind: 'gauge',
    help: 'Jobs this worker is running now',
    labels: [],
    scope: 'live',
  },
  {
    name: 'st3_worker_concurrency',
    kind: 'gauge',
    help: 'Jobs this worker may run at once',
    labels: [],
    scope: 'live',
  },
  {
    name: 'st3_worker_job_duration_seconds',
    kind: 'histogram',
    help: 'Duration of one job (one attempt of one node) on this worker',
    labels: ['outcome'],
    buckets: [0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
    scope: 'live',
  },
];

export function metricInfo(name: string): MetricInfo {
  const info = [...EXECUTION_METRICS, ...WORKER_METRICS].find((m) => m.name === name);
  if (!info) throw new TypeError(`no execution metric named ${name}`);
  return info;
}

/** Every series name a query may use: metric names plus the _bucket/_sum/_count series of histograms. */
export function seriesNames(): Set<string> {
  const out = new Set<string>();
  for (const m of [...EXECUTION_METRICS, ...WORKER_METRICS]) {
    out.add(m.name);
    if (m.kind === 'histogram') for (const s of ['_bucket', '_sum', '_count']) out.add(`${m.name}${s}`);
  }
  return out;
}
