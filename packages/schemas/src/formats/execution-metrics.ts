import { z } from 'zod';

/**
 * `.st3/telemetry/execution-metrics.json`: the running totals behind the execution metrics
 * (`st3_v2_*`). Counters and histograms only grow — each run adds what it did, nothing resets them —
 * so a Prometheus scraping `st3 execute --metrics-port` (a new process each run) or `st3 metrics serve`
 * sees the same monotonic series. Changed only under the `@st3/fs` lock by read–add–atomic-write.
 */

const Labels = z.record(z.string(), z.string());

export const ExecutionTotalsSchema = z.object({
  version: z.literal(1),
  updatedAt: z.string(),
  counters: z.array(z.object({ name: z.string(), labels: Labels, value: z.number().nonnegative() })),
  histograms: z.array(
    z.object({
      name: z.string(),
      labels: Labels,
      /** Upper bounds of the buckets (without +Inf) and the observations in each (not cumulative). */
      bounds: z.array(z.number()),
      counts: z.array(z.number().int().nonnegative()),
      sum: z.number(),
      count: z.number().int().nonnegative(),
    }),
  ),
  /** The last run that finished: its gauges stay visible until the next one. */
  lastRun: z
    .object({
      id: z.string(),
      status: z.string(),
      backend: z.string(),
      finishedAt: z.string(),
      durationSeconds: z.number().nonnegative(),
      /** Share of the atoms that ran which ended validated (absent: none ran). */
      precisionPercent: z.number().min(0).max(100).optional(),
      /** Cost of the run's tokens (absent: no price configured or no usage reported). */
      costUsd: z.number().nonnegative().optional(),
    })
    .optional(),
});
export type ExecutionTotals = z.infer<typeof ExecutionTotalsSchema>;
