import type { MetricsRollup, PilotVerdict, TaskMetrics, TelemetryRecord } from '@st3/schemas';
import { aggregate, compareRollups, pilotOf, type RollupComparison } from '../aggregate.js';
import type { Bar } from './svg.js';

/** Everything the dashboard shows; `dashboardData` builds it from rollups and telemetry records. */
export interface DashboardData {
  title: string;
  generatedAt: string;
  tasks: TaskMetrics[];
  /** The pilot verdict over every task of the current run. */
  pilot: PilotVerdict;
  /** The baseline run compared against (a rollup or metrics file), when one was given. */
  baseline: { label: string; generatedAt: string; pilot: PilotVerdict } | null;
  comparison: RollupComparison | null;
  /** Each recorded run, oldest first: its criteria values, verdict, and compliance rate per criterion. */
  trend: {
    at: string;
    verdict: PilotVerdict['verdict'];
    values: Record<string, number | null>;
    compliance: Record<string, number | null>;
  }[];
  gateDurations: Bar[];
  atomizer: { files: number; bytes: number; atoms: number; parseMs: number; bytesPerSecond: number | null };
  executor: { nodes: number; attempts: number; retries: number; failed: number };
}

/**
 * Metric names the ST3 libraries report through their telemetry handle, read back here.
 * gates: `gates.duration_ms{gate}`, `gates.violations{gate}`; atomizer: `atomizer.files`, `atomizer.bytes`,
 * `atomizer.atoms`, `atomizer.parse_ms`; executor: `executor.nodes`, `executor.attempts`, `executor.retries`,
 * `executor.failed`.
 */
export const METRIC_NAMES = {
  gateDuration: 'gates.duration_ms',
  gateViolations: 'gates.violations',
  atomizerFiles: 'atomizer.files',
  atomizerBytes: 'atomizer.bytes',
  atomizerAtoms: 'atomizer.atoms',
  atomizerParseMs: 'atomizer.parse_ms',
  executorNodes: 'executor.nodes',
  executorAttempts: 'executor.attempts',
  executorRetries: 'executor.retries',
  executorFailed: 'executor.failed',
} as const;

export function dashboardData(input: {
  title?: string;
  current: MetricsRollup;
  history?: readonly MetricsRollup[];
  records?: readonly TelemetryRecord[];
  /** A baseline run (e.g. the pilot's pre-hardening metrics) shown beside the current one. */
  baseline?: { rollup: MetricsRollup; label: string };
  now?: Date;
}): DashboardData {
  const agg = aggregate(input.records ?? []);
  const gate = new Map<string, number>();
  let parseMs = 0;
  for (const h of agg.histograms) {
    if (h.name === METRIC_NAMES.gateDuration) {
      const name = h.labels.gate ?? 'gate';
      gate.set(name, (gate.get(name) ?? 0) + (h.count > 0 ? h.sum / h.count : 0));
    }
    if (h.name === METRIC_NAMES.atomizerParseMs) parseMs += h.sum;
  }
  const c = (name: string) => agg.counters.get(name) ?? 0;
  const bytes = c(METRIC_NAMES.atomizerBytes);
  const runs = [...(input.history ?? []), input.current];
  return {
    title: input.title ?? 'ST3 metrics',
    generatedAt: (input.now ?? new Date()).toISOString(),
    tasks: input.current.tasks,
    pilot: pilotOf(input.current),
    baseline: input.baseline
      ? {
          label: input.baseline.label,
          generatedAt: input.baseline.rollup.generated_at,
          pilot: pilotOf(input.baseline.rollup),
        }
      : null,
    comparison: input.baseline ? compareRollups(input.baseline.rollup, input.current) : null,
    trend: runs.map((r) => {
      const pilot = pilotOf(r);
      return {
        at: r.generated_at,
        verdict: pilot.verdict,
        values: Object.fromEntries(pilot.criteria.map((c) => [c.id, c.value])),
        compliance: Object.fromEntries(Object.entries(r.compliance).map(([k, v]) => [k, v.rate])),
      };
    }),
    gateDurations: [...gate].map(([label, value]) => ({ label, value })).sort((a, b) => b.value - a.value),
    atomizer: {
      files: c(METRIC_NAMES.atomizerFiles),
      bytes,
      atoms: c(METRIC_NAMES.atomizerAtoms),
      parseMs,
      bytesPerSecond: parseMs > 0 ? (bytes * 1000) / parseMs : null,
    },
    executor: {
      nodes: c(METRIC_NAMES.executorNodes),
      attempts: c(METRIC_NAMES.executorAttempts),
      retries: c(METRIC_NAMES.executorRetries),
      failed: c(METRIC_NAMES.executorFailed),
    },
  };
}

export { renderDashboard } from './render.js';
