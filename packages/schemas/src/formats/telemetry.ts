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
  /** Bytes served from a cache instead of being read again (`type`: what was cached, e.g. `task_snapshot`). */
  cacheHit?(bytesSaved: number, type?: string): void;
  command?(argv: readonly string[], exitCode: number | null, durationMs: number): void;
  warn?(level: 'info' | 'warning' | 'error', message: string): void;
}

/**
 * The counters of JSON documents ST3 parsed from tools and agents (`{source}` label: who produced
 * the text, e.g. `qa:eslint-json`, `gates:eslint`, `executor:agent`). The `json_parse_failures`
 * success criterion is measured from them: parses counted and none failed, not "no counter seen".
 */
export const JSON_PARSE_COUNTERS = { parses: 'json_parses', failures: 'json_parse_failures' } as const;

/** Counts one JSON parse of tool or agent output on `telemetry` (no-op without a handle). */
export function countJsonParse(telemetry: TelemetryHandle | undefined, source: string, ok: boolean): void {
  if (!telemetry) return;
  const labels = { source };
  telemetry.count(JSON_PARSE_COUNTERS.parses, 1, labels);
  if (!ok) telemetry.count(JSON_PARSE_COUNTERS.failures, 1, labels);
}

/** `JSON.parse` that counts the outcome on `telemetry` and returns it instead of throwing. */
export function parseJsonCounted(
  text: string,
  source: string,
  telemetry?: TelemetryHandle,
): { ok: true; value: unknown } | { ok: false; error: Error } {
  try {
    const value: unknown = JSON.parse(text);
    countJsonParse(telemetry, source, true);
    return { ok: true, value };
  } catch (error) {
    countJsonParse(telemetry, source, false);
    return { ok: false, error: error as Error };
  }
}

const Labels = z.record(z.string(), z.string());

/**
 * A counter only counts up (Prometheus counters are monotonic): a negative value would cancel real
 * counts when series are summed (e.g. a `json_parse_failures` of -1 hiding a failed parse).
 */
export const TelemetryCounterSchema = z.object({ name: z.string(), labels: Labels, value: z.number().nonnegative() });
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
    /** Hits and bytes per cached data type (`st3 telemetry record --cache-hit TYPE`). */
    by_type: z
      .record(z.string(), z.object({ hits: z.number().int().nonnegative(), bytes_saved: z.number().nonnegative() }))
      .optional(),
  }),
  /**
   * Prompt sizes the agent sent (`st3 telemetry record --prompt-bytes N [--baseline-bytes N]`); `compared`
   * holds the prompts recorded with the size they would have had without the context cache.
   */
  prompts: z
    .object({
      count: z.number().int().nonnegative(),
      bytes: z.number().nonnegative(),
      compared: z.object({
        count: z.number().int().nonnegative(),
        bytes: z.number().nonnegative(),
        baseline_bytes: z.number().nonnegative(),
      }),
    })
    .optional(),
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

export const CRITERION_IDS = [
  'file_reads_per_agent',
  'repeated_warnings',
  'qa_artifact_coverage',
  'prompt_size_savings',
  'json_parse_failures',
] as const;
export type CriterionId = (typeof CRITERION_IDS)[number];
const Comparison = z.enum(['<=', '>=', '==']);

/**
 * One success criterion of the seed's pilot table. `value` is what the pass threshold judges
 * (`target_met` is exactly `value <comparison> target`); `unit_target` is the per-agent or per-task
 * target of the table's "Target" column and `units` the measured value of each agent or task.
 * A criterion with nothing measured is `status: "not measured"` with `value: null`, never met.
 */
export const SuccessCriterionSchema = z.object({
  id: z.enum(CRITERION_IDS),
  description: z.string(),
  value: z.number().nullable(),
  target: z.number(),
  comparison: Comparison,
  target_met: z.boolean().nullable(),
  status: z.enum(['met', 'missed', 'not measured']).optional(),
  /** Where the value comes from (files, counters, records). */
  source: z.string().optional(),
  /** The measured figure behind the value, in its own unit (reads per agent, repeated warnings, ...): what a baseline compares. */
  figure: z.object({ value: z.number().nullable(), unit: z.string() }).optional(),
  /** The per-unit target: ≤ 5 reads per agent, ≤ 1 repeated warning per task, ... */
  unit_target: z.object({ value: z.number(), comparison: Comparison, per: z.string() }).optional(),
  units: z
    .array(
      z.object({
        id: z.string(),
        value: z.number().nullable(),
        met: z.boolean().nullable(),
        detail: z.string().optional(),
      }),
    )
    .optional(),
  detail: z.string().optional(),
});
export type SuccessCriterion = z.infer<typeof SuccessCriterionSchema>;

/** The raw figures of one task the criteria are computed from (so rollups can be recomputed across tasks). */
export const TaskMeasuresSchema = z.object({
  /** The telemetry files read. */
  sources: z.array(z.string()),
  agents: z.array(
    z.object({
      agent: z.string(),
      file_reads: z.number().int().nonnegative(),
      distinct_files: z.number().int().nonnegative(),
      bytes_read: z.number().nonnegative(),
      cache_hits: z.number().int().nonnegative(),
      /** False when the agent recorded neither a file read nor a cache hit: its reads were not tracked. */
      reads_tracked: z.boolean(),
    }),
  ),
  warnings: z.object({
    total: z.number().int().nonnegative(),
    distinct: z.number().int().nonnegative(),
    repeated: z.number().int().nonnegative(),
    /** The most repeated messages (at most 10). */
    top: z.array(z.object({ level: z.string(), message: z.string(), count: z.number().int().positive() })),
  }),
  qa: z
    .object({
      expected: z.number().int().nonnegative(),
      covered: z.number().int().nonnegative(),
      uncovered: z.array(z.string()),
      source: z.string(),
    })
    .nullable(),
  prompts: z.object({
    count: z.number().int().nonnegative(),
    bytes: z.number().nonnegative(),
    compared_count: z.number().int().nonnegative(),
    compared_bytes: z.number().nonnegative(),
    baseline_bytes: z.number().nonnegative(),
    /** Where the baseline sizes came from: `recorded` with each prompt, or a baseline metrics file. */
    baseline_source: z.string().nullable(),
  }),
  json: z.object({
    parses: z.number().int().nonnegative(),
    failures: z.number().int().nonnegative(),
    by_source: z.record(
      z.string(),
      z.object({ parses: z.number().int().nonnegative(), failures: z.number().int().nonnegative() }),
    ),
  }),
});
export type TaskMeasures = z.infer<typeof TaskMeasuresSchema>;

/** The seed's pilot verdict: `pass` when all five criteria meet their threshold, `incomplete` when none missed but some were not measured. */
export const PilotVerdictSchema = z.object({
  verdict: z.enum(['pass', 'fail', 'incomplete']),
  met: z.number().int().nonnegative(),
  missed: z.number().int().nonnegative(),
  not_measured: z.number().int().nonnegative(),
  tasks: z.array(z.string()),
  criteria: z.array(SuccessCriterionSchema),
  summary: z.string(),
});
export type PilotVerdict = z.infer<typeof PilotVerdictSchema>;

/** `metrics.json` of one task: aggregated telemetry, its measures and its five success criteria. */
export const TaskMetricsSchema = z.object({
  schema_version: z.enum(['1.0', '1.1']),
  task_id: z.string(),
  collected_at: z.string(),
  agents: z.array(z.string()),
  criteria: z.array(SuccessCriterionSchema),
  totals: z.record(z.string(), z.number()),
  /** Absent in files written before 1.1 (their criteria are then not measured). */
  measures: TaskMeasuresSchema.optional(),
  verdict: z.enum(['pass', 'fail', 'incomplete']).optional(),
});
export type TaskMetrics = z.infer<typeof TaskMetricsSchema>;

/** A rollup across tasks: the pilot verdict over them, and the compliance rate per criterion. */
export const MetricsRollupSchema = z.object({
  schema_version: z.enum(['1.0', '1.1']),
  generated_at: z.string(),
  tasks: z.array(TaskMetricsSchema),
  compliance: z.record(
    z.string(),
    z.object({ met: z.number().int(), measured: z.number().int(), rate: z.number().nullable() }),
  ),
  pilot: PilotVerdictSchema.optional(),
});
export type MetricsRollup = z.infer<typeof MetricsRollupSchema>;
