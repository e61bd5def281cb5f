import type * as Evidence from '@st3/evidence';
import { EvidenceEntrySchema, QaKindSchema, QaSummarySchema, type TelemetryHandle } from '@st3/schemas';
import { z } from 'zod';
import { plural } from '../results.js';
import { defineTool, READ_ONLY, WRITES } from '../tool.js';
import { agentArg, defined, DiagnosticSchema, taskIdArg, workspacePath, declares, type Result } from './common.js';
import { taskOf, taskTelemetryOf } from './tasks.js';

/** A telemetry handle that keeps the counts (JSON logs read) for the task's telemetry, as `st3 qa record`. */
function countingHandle(): { telemetry: TelemetryHandle; counts: [string, number, Record<string, string>][] } {
  const counts: [string, number, Record<string, string>][] = [];
  const telemetry: TelemetryHandle = {
    count: (name, value = 1, labels = {}) => void counts.push([name, value, { ...labels }]),
    observe: () => undefined,
  };
  return { telemetry, counts };
}

const DriftReportSchema = z.object({
  key: z.string(),
  baseline: z.object({ recorded_at: z.string(), exit_code: z.number().nullable(), headline: z.string() }),
  current: z.object({ recorded_at: z.string(), exit_code: z.number().nullable(), headline: z.string() }),
  threshold: z.number(),
  regression: z.boolean(),
  findings: z.array(
    z.object({
      kind: z.string(),
      regression: z.boolean(),
      message: z.string(),
      file: z.string().optional(),
      rule: z.string().optional(),
      test: z.string().optional(),
      metric: z.string().optional(),
      baseline: z.number().nullable().optional(),
      current: z.number().nullable().optional(),
    }),
  ),
  improvements: z.array(z.string()),
});

const NoBaselineSchema = z.object({
  key: z.string(),
  current: z.object({ recorded_at: z.string(), exit_code: z.number().nullable(), headline: z.string() }),
  reason: z.string(),
});

export const qaRecordTool = defineTool({
  name: 'qa_record',
  title: 'Record a QA run',
  area: 'tasks',
  cli: 'st3 qa record',
  description:
    'Record a lint, type-check, test or coverage run as QA evidence of a task: either run argv (its output is read) or record a log a command already wrote (log, exitCode). The summary (errors by rule, failing tests, coverage) is stored, the first run of a command becomes its baseline, and drift against it is reported.',
  input: z.object({
    id: taskIdArg,
    command: z.string().min(1).optional().describe('the command line as people read it (default: argv joined)'),
    argv: z.array(z.string()).min(1).optional().describe('run this program (no shell) and record its output'),
    log: z.string().min(1).optional().describe('record this existing log file instead of running anything'),
    exitCode: z
      .number()
      .int()
      .optional()
      .describe(
        'with log: the exit code of the command that wrote it (default 0); with a command that is run, E_USAGE',
      ),
    durationMs: z.number().nonnegative().optional().describe('with log: how long it ran (default 0)'),
    report: z
      .string()
      .min(1)
      .optional()
      .describe('with a command that is run: the report file it writes (default: its output); with log, E_USAGE'),
    agent: agentArg,
    kind: QaKindSchema.optional().describe('lint, typecheck, test or coverage (default: from the output)'),
    workingDir: z.string().min(1).optional(),
    timeoutSeconds: z.number().int().positive().optional(),
    setBaseline: z.boolean().default(false).describe('make this run the baseline'),
  }),
  output: z.object({
    ok: z
      .boolean()
      .describe('false when the run failed, was killed, measured nothing or regressed (as `st3 qa record`)'),
    task: z.string(),
    summary: QaSummarySchema,
    evidence: EvidenceEntrySchema,
    baseline: z.boolean(),
    drift: DriftReportSchema.nullable(),
    not_measured: z.string().nullable().describe('why the run measured nothing (it never becomes the baseline)'),
    warnings: z.array(DiagnosticSchema),
  }),
  annotations: { ...WRITES, openWorldHint: true },
  async run(args, { root, signal }) {
    const { ws, id: task } = await taskOf(root, args.id);
    const { planQaRecord, qaRecordFailed, recordQa, runQa } = await import('@st3/evidence');
    // The checks of `st3 qa record` (planQaRecord): a command alone is split and run, E_USAGE otherwise.
    const plan = planQaRecord(
      defined({
        command: args.command,
        argv: args.argv,
        log: args.log === undefined ? undefined : workspacePath(root, args.log),
        exitCode: args.exitCode,
        durationMs: args.durationMs,
        report: args.report === undefined ? undefined : workspacePath(root, args.report),
      }),
    );
    const { telemetry, counts } = countingHandle();
    const common = {
      command: plan.command,
      ...(args.kind ? { kind: args.kind } : {}),
      ...(args.workingDir ? { cwd: workspacePath(root, args.workingDir) } : {}),
      baseline: args.setBaseline ? ('always' as const) : ('auto' as const),
      telemetry,
    };
    const result =
      plan.mode === 'log'
        ? await recordQa(ws, task, { ...common, log: plan.log, exitCode: plan.exitCode, durationMs: plan.durationMs })
        : await runQa(ws, task, {
            ...common,
            argv: plan.argv,
            signal,
            ...(args.timeoutSeconds ? { timeoutMs: args.timeoutSeconds * 1000 } : {}),
            ...(plan.report ? { report: plan.report } : {}),
          });
    await taskTelemetryOf(ws, task, args.agent, (t) => {
      for (const [name, value, labels] of counts) t.count(name, value, labels);
      for (const w of result.warnings) t.warn('warning', `${w.code}: ${w.message}`);
    });
    return {
      ok: !qaRecordFailed(result),
      task,
      summary: result.summary,
      evidence: result.evidence,
      baseline: result.baseline,
      drift: result.drift ?? null,
      not_measured: result.notMeasured ?? null,
      warnings: result.warnings,
    };
  },
  summary: (r) =>
    `${r.summary.key}: ${r.summary.headline} (exit ${r.summary.exit_code ?? '?'})${r.baseline ? ', recorded as baseline' : ''}${r.not_measured ? `; NOT MEASURED: ${r.not_measured}` : ''}${r.drift?.regression ? '; REGRESSION against the baseline' : ''}`,
  failed: (r) => !r.ok,
});

export const qaDriftTool = defineTool({
  name: 'qa_drift',
  title: 'QA drift',
  area: 'tasks',
  cli: 'st3 qa drift',
  description:
    'Compare the latest QA run of each command of a task with its baseline: exit code, new lint/type errors by rule and file, new failing tests, coverage drop beyond the threshold. isError on a regression.',
  input: z.object({
    id: taskIdArg,
    key: z.string().min(1).optional().describe('only this command, e.g. "lint:pnpm lint"'),
    threshold: z
      .number()
      .nonnegative()
      .optional()
      .describe('coverage percentage points a metric may drop (default 0.5)'),
  }),
  output: z.object({
    ok: z.boolean(),
    task: z.string(),
    regression: z.boolean(),
    reports: z.array(DriftReportSchema),
    no_baseline: z
      .array(NoBaselineSchema)
      .describe('commands whose runs so far measured nothing, so none has a baseline: not judged, never a pass'),
  }),
  annotations: READ_ONLY,
  async run(args, { root }) {
    const { ws, id: task } = await taskOf(root, args.id);
    const { qaTaskDrift, readContext } = await import('@st3/evidence');
    await readContext(ws, task);
    const { reports, noBaseline } = await qaTaskDrift(ws, task, {
      ...(args.key ? { key: args.key } : {}),
      ...(args.threshold !== undefined ? { threshold: args.threshold } : {}),
    });
    // As `st3 qa drift`: a command that could not be judged fails the call too.
    const regression = reports.some((r) => r.regression) || noBaseline.length > 0;
    return { ok: !regression, task, regression, reports, no_baseline: noBaseline };
  },
  summary: (r) => {
    const regressed = r.reports.filter((x) => x.regression).map((x) => x.key);
    const verdict = regressed.length > 0 ? `regression in ${regressed.join(', ')}` : 'no regression';
    const unjudged =
      r.no_baseline.length > 0 ? `; not measured (no baseline): ${r.no_baseline.map((n) => n.key).join(', ')}` : '';
    return `${plural(r.reports.length, 'command')} compared with the baseline: ${verdict}${unjudged}`;
  },
  failed: (r) => !r.ok,
});

// These results carry library objects whole, and the server refuses a field the output schema lacks
// (E_INTERNAL): tsc checks that the hand-written schemas declare every field the library returns.
declares<z.output<typeof DriftReportSchema>, Result<typeof Evidence.qaTaskDrift>['reports'][number]>(true);
declares<z.output<typeof NoBaselineSchema>, Result<typeof Evidence.qaTaskDrift>['noBaseline'][number]>(true);
