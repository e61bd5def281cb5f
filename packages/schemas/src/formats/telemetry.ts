import { z } from 'zod';

export type TelemetryLabels = Readonly<Record<string, string>>;

/**
 * What a library reports through when its caller passes one (`options.telemetry`). Keeping the
 * interface here lets every package accept it without depending on `@st3/telemetry`.
 * Implementations must be cheap: no I/O while recording.
 */
export interface TelemetryHandle {
  count(name: string, value?: number, labels?: TelemetryLabels): void;
  observe(name: string, value: number, labels?: TelemetryLabels): void;
  fileRead?(path: string, bytes: number): void;
  command?(argv: readonly string[], exitCode: number | null, durationMs: number): void;
  warn?(level: 'info' | 'warning' | 'error', message: string): void;
}

const Labels = z.record(z.string(), z.string());

export const TelemetryCounterSchema = z.object({ name: z.string(), labels: Labels, value: z.number() });
export const TelemetryHistogramSchema = z.object({
  name: z.string(),
  labels: Labels,
  count: z.number().int().nonnegative(),
  sum: z.number(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  /** Cumulative counts per upper bound, as Prometheus has them. */
  buckets: z.array(z.object({ le: z.number(), count: z.number().int().nonnegative() })),
});

/** `telemetry-<agent>.json`: one agent's session on one task. */
export const TelemetryRecordSchema = z.object({
  schema_version: z.literal('1.0'),
  agent: z.string().min(1),
  task_id: z.string().nullable(),
  started_at: z.string(),
  ended_at: z.string(),
  file_reads: z.array(
    z.object({ path: z.string(), bytes: z.number().nonnegative(), count: z.number().int().positive() }),
  ),
  cache: z.object({
    hits: z.number().int().nonnegative(),
    misses: z.number().int().nonnegative(),
    bytes_saved: z.number().nonnegative(),
    tokens_saved: z.number().nonnegative(),
  }),
  commands: z.array(
    z.object({
      argv: z.array(z.string()),
      exit_code: z.number().int().nullable(),
      duration_ms: z.number().nonnegative(),
    }),
  ),
  warnings: z.array(
    z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string(), count: z.number().int().positive() }),
  ),
  counters: z.array(TelemetryCounterSchema),
  histograms: z.array(TelemetryHistogramSchema),
});
export type TelemetryRecord = z.infer<typeof TelemetryRecordSchema>;

export const SuccessCriterionSchema = z.object({
  id: z.enum([
    'file_reads_per_agent',
    'repeated_warnings',
    'qa_artifact_coverage',
    'prompt_size_savings',
    'json_parse_failures',
  ]),
  description: z.string(),
  value: z.number().nullable(),
  target: z.number(),
  comparison: z.enum(['<=', '>=', '==']),
  target_met: z.boolean().nullable(),
  detail: z.string().optional(),
});
export type SuccessCriterion = z.infer<typeof SuccessCriterionSchema>;

/** `metrics.json` of one task: aggregated telemetry and its five success criteria. */
export const TaskMetricsSchema = z.object({
  schema_version: z.literal('1.0'),
  task_id: z.string(),
  collected_at: z.string(),
  agents: z.array(z.string()),
  criteria: z.array(SuccessCriterionSchema),
  totals: z.record(z.string(), z.number()),
});
export type TaskMetrics = z.infer<typeof TaskMetricsSchema>;

/** A rollup across tasks: compliance rate per criterion. */
export const MetricsRollupSchema = z.object({
  schema_version: z.literal('1.0'),
  generated_at: z.string(),
  tasks: z.array(TaskMetricsSchema),
  compliance: z.record(
    z.string(),
    z.object({ met: z.number().int(), measured: z.number().int(), rate: z.number().nullable() }),
  ),
});
export type MetricsRollup = z.infer<typeof MetricsRollupSchema>;
