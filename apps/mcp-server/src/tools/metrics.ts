import type * as MetricsCli from '@st3/metrics-cli';
import type * as Telemetry from '@st3/telemetry';
import { join, sep } from 'node:path';
import { CRITERION_IDS, PilotVerdictSchema, St3Error, SuccessCriterionSchema, TaskMetricsSchema } from '@st3/schemas';
import { z } from 'zod';
import { shownPath } from '../paths.js';
import { resolveInside } from '../paths.js';
import { plural } from '../results.js';
import { defineTool, WRITES, READ_ONLY } from '../tool.js';
import { defined, DiagnosticSchema, taskIdArg, declares, type OutputOf, type Result } from './common.js';

const StatusSchema = z.enum(['met', 'missed', 'not measured']);
const VerdictSchema = z.enum(['pass', 'fail', 'incomplete']);
const nullableNumber = z.number().nullable();
/** `CriterionDelta` of @st3/telemetry: one criterion before and after. */
const DeltaSchema = z.object({
  criterion: z.enum(CRITERION_IDS),
  baseline: nullableNumber,
  current: nullableNumber,
  delta: nullableNumber,
  figure: z.object({ unit: z.string(), baseline: nullableNumber, current: nullableNumber, delta: nullableNumber }),
  baseline_status: StatusSchema,
  current_status: StatusSchema,
  target: z.number(),
  comparison: z.enum(['<=', '>=', '==']),
  improved: z.boolean().nullable(),
});

/** `RollupComparison` of @st3/telemetry. */
const ComparisonSchema = z.object({
  deltas: z.array(DeltaSchema),
  tasks: z.array(z.object({ task: z.string(), deltas: z.array(DeltaSchema) })),
  baseline_verdict: VerdictSchema,
  current_verdict: VerdictSchema,
  regressions: z.array(z.object({ criterion: z.string(), task: z.string().optional(), message: z.string() })),
});

export const metricsCollectTool = defineTool({
  name: 'metrics_collect',
  title: "Collect a task's metrics",
  area: 'metrics',
  cli: 'st3 metrics collect',
  description:
    "Judge the seed's five pilot criteria for a task, or across several (id as a list, as `st3 metrics collect A B`) (file reads per agent, repeated warnings, QA artifact coverage, prompt size savings, JSON parse failures) from its telemetry (.st3/tasks/<id>/telemetry-*.json), validation commands and QA artifacts, each a measured value or not measured, and write its metrics.json — the document `st3 metrics collect --json` prints, with the pilot verdict (pass, fail or incomplete). isError unless the pilot passes. A telemetry file that cannot be read is a located warning and the criteria telemetry feeds are then not measured. A task without a context or telemetry is E_CONTEXT_NOT_FOUND and nothing is written.",
  input: z.object({
    id: z
      .union([taskIdArg, z.array(taskIdArg).min(1)])
      .describe(
        'task id, e.g. TASK-0123 (or the path of its task file); several ids, as `st3 metrics collect A B`, judge the pilot across those tasks',
      ),
    baseline: z
      .string()
      .min(1)
      .optional()
      .describe(
        "a baseline run (rollup.json, a history snapshot or a task's metrics.json): compared in `comparison`, and its prompt sizes measure prompts recorded without a baseline",
      ),
  }),
  output: z.object({
    ok: z.boolean(),
    task_id: z.string().optional(),
    verdict: VerdictSchema,
    summary: z.string(),
    criteria: z.array(SuccessCriterionSchema),
    pilot: PilotVerdictSchema,
    tasks: z.array(TaskMetricsSchema),
    files: z.array(z.string()),
    comparison: ComparisonSchema.optional(),
    metrics: TaskMetricsSchema.optional().describe('with one task: its metrics (also `tasks[0]`)'),
    warnings: z.array(DiagnosticSchema),
  }),
  annotations: WRITES,
  async run(args, { root }) {
    // The code path of `st3 metrics collect` (its checks, QA inputs, verdict and error for an unknown task).
    const { collectReport, metricsPaths } = await import('@st3/metrics-cli');
    const { taskIdOfRef } = await import('@st3/evidence');
    const paths = await metricsPaths(root);
    const ids = typeof args.id === 'string' ? [args.id] : args.id;
    for (const id of ids) resolveInside(root, join(paths.tasksDir, taskIdOfRef(id)));
    const { report, collected } = await collectReport(
      paths,
      ids,
      args.baseline !== undefined ? { baselineFile: resolveInside(root, args.baseline) } : {},
    );
    return {
      ...report,
      files: report.files.map((f) => f.split(sep).join('/')),
      ...(report.tasks.length === 1 ? { metrics: report.tasks[0]! } : {}),
      warnings: collected.warnings.map((w) => (w.file ? { ...w, file: shownPath(root, w.file) } : w)),
    };
  },
  summary: (r) => {
    const agents = r.tasks.reduce((n, t) => n + t.agents.length, 0);
    const what = r.metrics ? r.metrics.task_id : plural(r.tasks.length, 'task');
    const warnings = r.warnings.length > 0 ? `; ${plural(r.warnings.length, 'warning')}` : '';
    return `${r.summary} (${what}: ${plural(agents, 'agent')}${warnings})`;
  },
  failed: (r) => !r.ok,
});

export const metricsCompareTool = defineTool({
  name: 'metrics_compare',
  title: 'Compare metrics rollups',
  area: 'metrics',
  cli: 'st3 metrics compare',
  description:
    "Compare a baseline run with the current one (files of the workspace, each a rollup, a history snapshot or a task's metrics.json, e.g. .st3/metrics/history/*.json, .st3/metrics/dashboard/rollup.json, .st3/tasks/<id>/metrics.json), read as `st3 metrics compare` reads them: baseline, current and delta per criterion, and the regressions. isError on a regression.",
  input: z.object({
    baseline: z.string().min(1).describe("the baseline (rollup.json, a history snapshot, or a task's metrics.json)"),
    current: z.string().min(1).describe('the current run (same kinds)'),
    tolerance: z
      .number()
      .nonnegative()
      .default(0)
      .describe('allowed drop of a compliance rate before it counts as a regression'),
  }),
  output: z.object({
    ok: z.boolean(),
    deltas: z.array(DeltaSchema),
    tasks: z.array(z.object({ task: z.string(), deltas: z.array(DeltaSchema) })),
    baseline_verdict: VerdictSchema,
    current_verdict: VerdictSchema,
    regressions: z.array(z.object({ criterion: z.string(), task: z.string().optional(), message: z.string() })),
  }),
  annotations: READ_ONLY,
  async run(args, { root }) {
    // The loader of `st3 metrics compare`: a rollup, a history snapshot or a task's metrics.json.
    const { loadMetricsFile } = await import('@st3/metrics-cli');
    const { compareRollups } = await import('@st3/telemetry');
    const [baseline, current] = await Promise.all(
      [args.baseline, args.current].map((f) => loadMetricsFile(resolveInside(root, f))),
    );
    const result = compareRollups(baseline!, current!, { tolerance: args.tolerance });
    return { ok: result.regressions.length === 0, ...result };
  },
  summary: (r) =>
    r.regressions.length === 0
      ? `no regression across ${plural(r.deltas.length, 'criterion')}`
      : `${plural(r.regressions.length, 'regression')}: ${r.regressions.map((x) => x.message).join('; ')}`,
  failed: (r) => !r.ok,
});

const Level = z.enum(['info', 'warning', 'error']);

/** The batch arguments (several events of each kind in one call). */
const batchArgs = {
  fileReads: z
    .array(z.object({ path: z.string().min(1), bytes: z.number().int().nonnegative().optional() }))
    .default([])
    .describe('files read (bytes default to the file size)'),
  cacheHits: z.array(z.object({ type: z.string().min(1), bytes: z.number().int().nonnegative() })).default([]),
  commands: z
    .array(
      z.object({
        command: z.string().min(1),
        exitCode: z.number().int().nullable(),
        durationMs: z.number().nonnegative(),
      }),
    )
    .default([]),
  warnings: z.array(z.object({ message: z.string().min(1), level: Level.default('warning') })).default([]),
  prompts: z
    .array(
      z.object({ bytes: z.number().int().nonnegative(), baselineBytes: z.number().int().nonnegative().optional() }),
    )
    .default([]),
  jsonParses: z.array(z.object({ source: z.string().min(1), ok: z.boolean() })).default([]),
};

/** The one-event arguments: the flags of `st3 telemetry record`, checked as the CLI checks them. */
const flagArgs = {
  fileRead: z.array(z.string()).optional().describe('as --file-read: files read, relative to the workspace root'),
  bytes: z.number().int().nonnegative().optional().describe('as --bytes: of the one fileRead, or of the cacheHit'),
  cacheHit: z.string().optional().describe('as --cache-hit: data served from the context cache (with bytes)'),
  command: z.string().optional().describe('as --command: one line, split as a shell would (with exitCode, durationMs)'),
  exitCode: z.number().int().optional().describe('as --exit-code, with command'),
  durationMs: z.number().nonnegative().optional().describe('as --duration-ms, with command'),
  warning: z.string().optional().describe('as --warning (repeats are counted)'),
  level: Level.optional().describe('as --level, with warning'),
  promptBytes: z.number().int().nonnegative().optional().describe('as --prompt-bytes'),
  baselineBytes: z.number().int().nonnegative().optional().describe('as --baseline-bytes, with promptBytes'),
  jsonParse: z.enum(['ok', 'failed']).optional().describe('as --json-parse'),
  source: z.string().optional().describe('as --source, with jsonParse (default: the agent)'),
};

export const telemetryRecordTool = defineTool({
  name: 'telemetry_record',
  title: 'Record agent telemetry',
  area: 'metrics',
  cli: 'st3 telemetry record',
  description:
    "Record what an agent did for a task, for the task's success criteria: files read (with bytes), cache hits, commands run, warnings, prompt sizes against a baseline, JSON parses — several of each in one call (fileReads, commands, …), or one event with the flags of `st3 telemetry record` (fileRead = --file-read, cacheHit = --cache-hit, …, checked as the CLI checks them). The same code as the CLI writes it: appended under a lock to telemetry-<agent>.json in the task's context folder (context_dir of .st3/config/tasks.yaml, .st3/tasks by default), safe with concurrent agents. Nothing to record is E_USAGE; a task without a context or telemetry is E_CONTEXT_NOT_FOUND and nothing is written.",
  input: z.object({
    id: taskIdArg,
    agent: z
      .string()
      .min(1)
      .regex(/^[A-Za-z0-9._-]+$/)
      .optional()
      .describe('the agent, e.g. implementer (default: ST3_AGENT of the server environment)'),
    ...batchArgs,
    ...flagArgs,
  }),
  output: z.object({
    ok: z.literal(true),
    task_id: z.string(),
    agent: z.string(),
    file: z.string(),
    recorded: z.object({
      fileReads: z.number(),
      cacheHits: z.number(),
      commands: z.number(),
      warnings: z.number(),
      prompts: z.number(),
      jsonParses: z.number(),
    }),
    events: z.array(z.string()).describe('each event recorded, as `st3 telemetry record` prints it'),
  }),
  annotations: WRITES,
  async run(args, { root }) {
    const { id, agent: given, fileReads, cacheHits, commands, warnings, prompts, jsonParses, ...flagValues } = args;
    const agent = given ?? process.env.ST3_AGENT;
    if (!agent)
      throw new St3Error('E_USAGE', 'which agent: give agent (or set ST3_AGENT)', {
        hint: 'e.g. agent: "implementer"',
      });
    const { batchOf, checkEvents, metricsPaths, recordBatch } = await import('@st3/metrics-cli');
    const flags = defined(flagValues);
    const one = Object.keys(flags).length > 0 ? (checkEvents(flags), batchOf(flags)) : {};
    const batch = {
      fileReads: [...(one.fileReads ?? []), ...fileReads],
      cacheHits: [...(one.cacheHits ?? []), ...cacheHits],
      commands: [...(one.commands ?? []), ...commands],
      warnings: [...(one.warnings ?? []), ...warnings],
      prompts: [...(one.prompts ?? []), ...prompts],
      jsonParses: [...(one.jsonParses ?? []), ...jsonParses],
    };
    // The server's boundary: files outside the workspace are refused (the CLI records any path).
    for (const r of batch.fileReads) resolveInside(root, r.path);
    const paths = await metricsPaths(root);
    const { taskIdOfRef } = await import('@st3/evidence');
    resolveInside(root, join(paths.tasksDir, taskIdOfRef(id)));
    const result = await recordBatch(paths, id, agent, batch);
    const recorded = Object.fromEntries(Object.entries(batch).map(([k, list]) => [k, list.length])) as Record<
      keyof typeof batch,
      number
    >;
    return {
      ok: true as const,
      task_id: result.taskId,
      agent,
      file: shownPath(root, result.file),
      recorded,
      events: result.recorded,
    };
  },
  summary: (r) => `${r.agent} on ${r.task_id}: ${r.events.join('; ')} → ${r.file}`,
});

// These results carry library objects whole, and the server refuses a field the output schema lacks
// (E_INTERNAL): tsc checks that the hand-written schemas declare every field the library returns.
declares<OutputOf<typeof metricsCollectTool>, Result<typeof MetricsCli.collectReport>['report']>(true);
declares<OutputOf<typeof metricsCompareTool>, ReturnType<typeof Telemetry.compareRollups>>(true);
