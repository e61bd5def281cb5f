import { isAbsolute, join, relative, sep } from 'node:path';
import {
  CRITERION_IDS,
  errorFromDiagnostics,
  MetricsRollupSchema,
  PilotVerdictSchema,
  SuccessCriterionSchema,
  TaskMetricsSchema,
} from '@st3/schemas';
import { z } from 'zod';
import { resolveInside } from '../paths.js';
import { plural } from '../results.js';
import { defineTool, WRITES, READ_ONLY } from '../tool.js';
import { DiagnosticSchema, taskIdArg, workspacePath } from './common.js';

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
    "Judge the seed's five pilot criteria for a task (file reads per agent, repeated warnings, QA artifact coverage, prompt size savings, JSON parse failures) from its telemetry (.st3/tasks/<id>/telemetry-*.json), validation commands and QA artifacts, each a measured value or not measured, and write its metrics.json — the document `st3 metrics collect --json` prints, with the pilot verdict (pass, fail or incomplete). isError unless the pilot passes. A telemetry file that cannot be read is a located warning and the criteria telemetry feeds are then not measured. A task without a context or telemetry is E_CONTEXT_NOT_FOUND and nothing is written.",
  input: z.object({
    id: taskIdArg,
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
    /** The task's metrics (also `tasks[0]`). */
    metrics: TaskMetricsSchema,
    warnings: z.array(DiagnosticSchema),
  }),
  annotations: WRITES,
  async run(args, { root }) {
    // The code path of `st3 metrics collect` (its checks, QA inputs, verdict and error for an unknown task).
    const { collectReport, metricsPaths } = await import('@st3/metrics-cli');
    const paths = await metricsPaths(root);
    resolveInside(root, join(paths.tasksDir, args.id.toUpperCase()));
    const { report, collected } = await collectReport(
      paths,
      [args.id],
      args.baseline !== undefined ? { baselineFile: resolveInside(root, args.baseline) } : {},
    );
    return {
      ...report,
      files: report.files.map((f) => f.split(sep).join('/')),
      metrics: report.tasks[0]!,
      warnings: collected.warnings.map((w) => (w.file ? { ...w, file: shown(root, w.file) } : w)),
    };
  },
  summary: (r) =>
    `${r.summary} (${r.metrics.task_id}: ${plural(r.metrics.agents.length, 'agent')}${r.warnings.length > 0 ? `; ${plural(r.warnings.length, 'warning')}` : ''})`,
  failed: (r) => r.verdict !== 'pass',
});

export const metricsCompareTool = defineTool({
  name: 'metrics_compare',
  title: 'Compare metrics rollups',
  area: 'metrics',
  cli: 'st3 metrics compare',
  description:
    'Compare a baseline rollup with the current one (files of the workspace, e.g. .st3/metrics/history/*.json and .st3/metrics/dashboard/rollup.json): baseline, current and delta per criterion, and the regressions. isError on a regression.',
  input: z.object({
    baseline: z.string().min(1).describe('baseline rollup file'),
    current: z.string().min(1).describe('current rollup file'),
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
    const { loadFile } = await import('@st3/schemas');
    const { compareRollups } = await import('@st3/telemetry');
    const load = async (file: string) => {
      const r = await loadFile(resolveInside(root, file), { file, schema: MetricsRollupSchema });
      if (!r.value || r.errors.length > 0)
        throw errorFromDiagnostics(r.errors[0]?.code ?? 'E_SCHEMA', `cannot read the rollup ${file}`, r.errors);
      return r.value;
    };
    const [baseline, current] = await Promise.all([load(args.baseline), load(args.current)]);
    const result = compareRollups(baseline, current, { tolerance: args.tolerance });
    return { ok: result.regressions.length === 0, ...result };
  },
  summary: (r) =>
    r.regressions.length === 0
      ? `no regression across ${plural(r.deltas.length, 'criterion')}`
      : `${plural(r.regressions.length, 'regression')}: ${r.regressions.map((x) => x.message).join('; ')}`,
  failed: (r) => !r.ok,
});

export const telemetryRecordTool = defineTool({
  name: 'telemetry_record',
  title: 'Record agent telemetry',
  area: 'metrics',
  cli: 'st3 telemetry record',
  description:
    "Record what an agent did for a task, for the task's success criteria: files read (with bytes), cache hits, commands run, warnings, prompt sizes against a baseline, JSON parses. Appended under a lock to .st3/tasks/<id>/telemetry-<agent>.json, safe with concurrent agents.",
  input: z.object({
    id: taskIdArg,
    agent: z
      .string()
      .min(1)
      .regex(/^[A-Za-z0-9._-]+$/)
      .describe('the agent, e.g. implementer'),
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
    warnings: z
      .array(z.object({ message: z.string().min(1), level: z.enum(['info', 'warning', 'error']).default('warning') }))
      .default([]),
    prompts: z
      .array(
        z.object({ bytes: z.number().int().nonnegative(), baselineBytes: z.number().int().nonnegative().optional() }),
      )
      .default([]),
    jsonParses: z.array(z.object({ source: z.string().min(1), ok: z.boolean() })).default([]),
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
  }),
  annotations: WRITES,
  async run(args, { root }) {
    const id = args.id.toUpperCase();
    const { findTask, loadTasksConfig } = await import('@st3/evidence');
    const ws = await loadTasksConfig(root);
    await findTask(ws.root, ws.config.task_dirs, id);
    const { defaultLayout, recordTelemetry } = await import('@st3/telemetry');
    const { stat } = await import('node:fs/promises');
    const reads = await Promise.all(
      args.fileReads.map(async (r) => ({
        path: workspacePath(root, r.path),
        bytes:
          r.bytes ??
          (await stat(resolveInside(root, r.path)).then(
            (s) => s.size,
            () => 0,
          )),
      })),
    );
    const dir = resolveInside(root, join(relative(root, defaultLayout(root).tasksDir), id));
    const file = await recordTelemetry({ dir, agent: args.agent, taskId: id }, (c) => {
      for (const r of reads) c.fileRead(r.path, r.bytes);
      for (const h of args.cacheHits) c.cacheHit(h.bytes, h.type);
      for (const x of args.commands) c.command(splitWords(x.command), x.exitCode, x.durationMs);
      for (const w of args.warnings) c.warn(w.level, w.message);
      for (const p of args.prompts) c.prompt(p.bytes, p.baselineBytes);
      for (const j of args.jsonParses) c.jsonParse(j.source, j.ok);
    });
    return {
      ok: true as const,
      task_id: id,
      agent: args.agent,
      file: relative(root, file).split(sep).join('/'),
      recorded: {
        fileReads: reads.length,
        cacheHits: args.cacheHits.length,
        commands: args.commands.length,
        warnings: args.warnings.length,
        prompts: args.prompts.length,
        jsonParses: args.jsonParses.length,
      },
    };
  },
  summary: (r) =>
    `${r.agent} on ${r.task_id}: ${
      Object.entries(r.recorded)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ') || 'nothing'
    } recorded in ${r.file}`,
});

/** A file as a result shows it: relative to the workspace root when inside it. */
function shown(root: string, file: string): string {
  const rel = relative(root, file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel.split(sep).join('/');
}

/** The command as the collector records it: words split on blanks (it is a label, never run). */
const splitWords = (command: string): string[] => command.trim().split(/\s+/);
