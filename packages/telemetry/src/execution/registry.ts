import type { ExecutionTotals, TelemetryRecord } from '@st3/schemas';
import type { Gauge, Registry } from 'prom-client';
import { promClient } from '../prom-client.js';
import { preBucketedHistogram } from '../prometheus.js';
import { EXECUTION_METRICS, metricInfo } from './catalog.js';
import type { LiveExecution } from './recorder.js';

export interface ExecutionRegistryInput {
  /** The running totals (stored, plus what a live run has not written yet). */
  totals: ExecutionTotals;
  /** A running coordinator's gauges; without it only the totals and the last run are shown. */
  live?: LiveExecution;
  /** Review items waiting, by confidence level (from the review queue). */
  reviewQueue?: Partial<Record<'critical' | 'low' | 'medium' | 'high', number>>;
}

type Histogram = TelemetryRecord['histograms'][number];

/** A stored histogram in the shape of the telemetry sink's pre-bucketed histograms (cumulative counts). */
function cumulative(h: ExecutionTotals['histograms'][number]): Histogram {
  let running = 0;
  return {
    name: h.name,
    labels: h.labels,
    count: h.count,
    sum: h.sum,
    min: null,
    max: null,
    buckets: h.bounds.map((le, i) => ({ le, count: (running += h.counts[i] ?? 0) })),
  };
}

/**
 * A prom-client registry of the execution metrics: counters and histograms from the running totals
 * (monotonic across runs and processes), the last run's precision and cost, and — from a running
 * coordinator — the live gauges. A metric without data is left out (no invented zero), except the
 * label-less counters, which are truly 0 until something happens.
 */
export function executionRegistry(input: ExecutionRegistryInput): Registry {
  const { Counter, Gauge, Registry } = promClient();
  const registry = new Registry();
  const { totals, live } = input;
  for (const info of EXECUTION_METRICS) {
    if (info.kind !== 'counter') continue;
    const series = totals.counters.filter((c) => c.name === info.name);
    const zeroOk = info.labels.length === 0 && info.name !== 'st3_v2_cost_usd_total';
    if (series.length === 0 && !zeroOk) continue;
    const counter = new Counter({
      name: info.name,
      help: info.help,
      labelNames: [...info.labels],
      registers: [registry],
    });
    if (series.length === 0) counter.inc(0);
    for (const s of series) counter.inc(s.labels, s.value);
  }
  const byName = new Map<string, { labels: Record<string, string>; h: Histogram }[]>();
  for (const h of totals.histograms) {
    const list = byName.get(h.name) ?? [];
    list.push({ labels: h.labels, h: cumulative(h) });
    byName.set(h.name, list);
  }
  for (const [name, series] of byName)
    registry.registerMetric(preBucketedHistogram(name, metricInfo(name).help, series));

  const gauge = (name: string, value: number | undefined, labels?: Record<string, string>) => {
    if (value === undefined || !Number.isFinite(value)) return;
    const info = metricInfo(name);
    const existing = registry.getSingleMetric(name) as Gauge<string> | undefined;
    const g = existing ?? new Gauge({ name, help: info.help, labelNames: [...info.labels], registers: [registry] });
    if (labels) g.set(labels, value);
    else g.set(value);
  };
  gauge('st3_v2_precision_percent', live?.precisionPercent ?? totals.lastRun?.precisionPercent);
  gauge('st3_v2_cost_per_project_usd', live?.costUsd ?? totals.lastRun?.costUsd);
  if (live) {
    gauge('st3_v2_parallel_atoms', live.parallel ?? 0);
    gauge('st3_v2_run_elapsed_seconds', live.elapsedSeconds ?? 0);
    gauge('st3_v2_run_progress_ratio', live.progressRatio);
    if (live.queue) for (const [state, n] of Object.entries(live.queue)) gauge('st3_v2_queue_jobs', n, { state });
    gauge('st3_v2_workers', live.workers);
  }
  if (input.reviewQueue)
    for (const level of ['critical', 'low', 'medium', 'high'] as const)
      gauge('st3_v2_review_queue_size', input.reviewQueue[level] ?? 0, { level });
  return registry;
}
