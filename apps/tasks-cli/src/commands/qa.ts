import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  createOutput,
  defineCommand,
  EXIT,
  resolveWorkspace,
  type CliIO,
  type CommonFlags,
  type Output,
} from '@st3/cli-kit';
import {
  loadTasksConfig,
  planQaRecord,
  qaRecordFailed,
  qaTaskDrift,
  resolveTaskRef,
  readContext,
  readQaRuns,
  recordQa,
  runQa,
  summarizeQa,
  type QaDriftReport,
  type QaNoBaseline,
  type RecordQaResult,
} from '@st3/evidence';
import { QaKindSchema, QaSummarySchema, St3Error, type QaSummary, type TelemetryHandle } from '@st3/schemas';
import { agentOf, agentOption, taskTelemetry } from '../tasks/common.js';

async function setup({ common, io }: { common: CommonFlags; io: CliIO }) {
  const out = createOutput(io, common);
  const workspace = resolveWorkspace(io, common);
  const ws = await loadTasksConfig(workspace.root, workspace.configPath);
  return { out, ws };
}

const TASK = { name: 'task', description: 'the task id (e.g. TASK-0123)', required: true, complete: 'none' } as const;

function printRecord(out: Output, r: RecordQaResult): void {
  const s = r.summary;
  out.line(`${s.kind} ${out.color.dim(s.format)}  ${s.command}  exit ${s.exit_code ?? 'none'}  ${s.duration_ms} ms`);
  out.line(`  ${s.headline}`);
  if (s.issues) {
    const rules = Object.entries(s.issues.by_rule)
      .sort((a, b) => b[1].errors - a[1].errors || b[1].warnings - a[1].warnings)
      .slice(0, 10);
    for (const [rule, c] of rules) out.info(`  ${rule.padEnd(28)} ${c.errors} error(s), ${c.warnings} warning(s)`);
  }
  for (const f of s.tests?.failures.slice(0, 10) ?? [])
    out.info(
      `  ${out.color.red('✗')} ${f.name}${f.file ? `  ${out.color.dim(`${f.file}${f.line ? `:${f.line}` : ''}`)}` : ''}`,
    );
  // The same bytes attached before as another type (a log) stay that entry: say so, not qa_output.
  const kept = r.evidence.type === 'qa_output' ? '' : ', attached before with the same bytes';
  out.info(
    `evidence ${r.evidence.id} (${r.evidence.type}${kept})${r.baseline ? ' — recorded as the baseline of this command' : ''}`,
  );
  if (r.notMeasured) out.line(`  ${out.color.red('✗')} not measured — not recorded as the baseline of this command`);
  if (r.drift) printDrift(out, r.drift);
}

/** `regression`, or `not measured` when nothing but what could not be measured keeps the run from passing. */
function verdictOf(d: QaDriftReport): string {
  if (!d.regression) return 'no regression';
  return d.findings.some((f) => f.regression && f.kind !== 'not_measured') ? 'regression' : 'not measured';
}

/** A command with no baseline: no verdict (exit 1), said as such rather than left out. */
function printNoBaseline(out: Output, n: QaNoBaseline): void {
  out.line(`${out.color.red('not measured')}  ${n.key}`);
  out.line(`  baseline none: ${n.reason}`);
  out.line(`  current  ${n.current.recorded_at}: ${n.current.headline} (exit ${n.current.exit_code ?? 'none'})`);
}

function printDrift(out: Output, d: QaDriftReport): void {
  const verdict = verdictOf(d);
  out.line(`${d.regression ? out.color.red(verdict) : out.color.green(verdict)}  ${d.key}`);
  out.line(`  baseline ${d.baseline.recorded_at}: ${d.baseline.headline} (exit ${d.baseline.exit_code ?? 'none'})`);
  out.line(`  current  ${d.current.recorded_at}: ${d.current.headline} (exit ${d.current.exit_code ?? 'none'})`);
  for (const f of d.findings) out.line(`  ${f.regression ? out.color.red('✗') : out.color.yellow('!')} ${f.message}`);
  for (const i of d.improvements) out.info(`  ${out.color.green('✓')} ${i}`);
}

export const record = defineCommand({
  name: 'record',
  summary:
    'read a lint, type-check, test or coverage log into a summary and store it as qa_output evidence (the first run of a command is its baseline)',
  description:
    'Exit code 1 when the recorded run failed (non-zero exit, or failing tests or errors in its figures whatever its exit code), was killed, measured nothing (not measured: never the baseline) or regressed against the baseline.',
  usage: ['st3 qa record <task> --command "…" [--exit-code N --log FILE] [--kind K] [--set-baseline] [--json]'],
  args: [
    TASK,
    {
      name: 'argv',
      description: 'after --: run this program with these arguments (instead of --command)',
      variadic: true,
    },
  ],
  options: {
    command: {
      type: 'string',
      valueName: '"…"',
      description: 'the command as run (recorded; with no --log it is run, split into argv without a shell)',
    },
    'exit-code': { type: 'number', integer: true, description: 'its exit code (with --log; default 0)' },
    log: {
      type: 'string',
      valueName: 'FILE',
      description:
        'its output: eslint -f json or its default (stylish) output, tsc --pretty false, jest --json / vitest --reporter=json or their text output, ' +
        'coverage/coverage-summary.json or lcov.info',
    },
    'duration-ms': { type: 'number', integer: true, description: 'how long it ran (with --log; default 0)' },
    kind: {
      type: 'enum',
      choices: QaKindSchema.options,
      description: 'the kind of check (default: detected from the log)',
    },
    'working-dir': {
      type: 'string',
      valueName: 'DIR',
      description: 'folder the command runs in / ran in (relative paths in its output resolve from it)',
    },
    timeout: {
      type: 'number',
      integer: true,
      valueName: 'SEC',
      description: 'kill a command that runs longer (seconds)',
    },
    report: {
      type: 'string',
      valueName: 'FILE',
      description: 'record this file the command writes instead of its output (e.g. coverage/coverage-summary.json)',
    },
    'set-baseline': { type: 'boolean', description: 'make this run the baseline of its command even when one exists' },
    ...agentOption,
  },
  examples: [
    'st3 qa record TASK-0123 --command "pnpm lint" --exit-code 1 --log lint.json',
    'st3 qa record TASK-0123 --command "npx tsc --noEmit --pretty false" --kind typecheck',
    'st3 qa record TASK-0123 --kind test -- npx vitest run --reporter=json',
    'st3 qa record TASK-0123 --command "vitest run --coverage" --log coverage/coverage-summary.json --json',
    'st3 qa record TASK-0123 --kind coverage --report coverage/coverage-summary.json -- npx vitest run --coverage',
  ],
  async run(ctx) {
    const { values, io } = ctx;
    const { out, ws } = await setup(ctx);
    const task = (await resolveTaskRef(ws, ctx.args.task)).id;
    // Every JSON log read is counted (json_parses / json_parse_failures) in the agent's telemetry of the task.
    const counts: [string, number, Record<string, string>][] = [];
    const telemetry: TelemetryHandle = {
      count: (name, value = 1, labels = {}) => void counts.push([name, value, { ...labels }]),
      observe: () => undefined,
    };
    const kind = values.kind;
    // The checks MCP qa_record makes too (planQaRecord): every problem is E_USAGE.
    const plan = planQaRecord({
      ...(values.command !== undefined ? { command: values.command } : {}),
      argv: ctx.args.argv,
      ...(values.log !== undefined ? { log: resolve(io.cwd, values.log) } : {}),
      ...(values['exit-code'] !== undefined ? { exitCode: values['exit-code'] } : {}),
      ...(values['duration-ms'] !== undefined ? { durationMs: values['duration-ms'] } : {}),
      ...(values.report !== undefined ? { report: values.report } : {}),
    });
    const common = {
      command: plan.command,
      ...(kind ? { kind } : {}),
      ...(values['working-dir'] ? { cwd: values['working-dir'] } : {}),
      baseline: values['set-baseline'] ? ('always' as const) : ('auto' as const),
      telemetry,
    };
    const result: RecordQaResult =
      plan.mode === 'log'
        ? await recordQa(ws, task, { ...common, log: plan.log, exitCode: plan.exitCode, durationMs: plan.durationMs })
        : await runQa(ws, task, {
            ...common,
            argv: plan.argv,
            ...(values.timeout ? { timeoutMs: values.timeout * 1000 } : {}),
            ...(plan.report ? { report: plan.report } : {}),
          });
    await taskTelemetry(ws, out, task, agentOf(values, io), (t) => {
      for (const [name, value, labels] of counts) t.count(name, value, labels);
      for (const w of result.warnings) t.warn('warning', `${w.code}: ${w.message}`);
    });
    const failed = qaRecordFailed(result);
    if (out.json)
      out.document({
        ok: !failed,
        task,
        summary: result.summary,
        evidence: result.evidence,
        baseline: result.baseline,
        drift: result.drift ?? null,
        not_measured: result.notMeasured ?? null,
      });
    else printRecord(out, result);
    for (const w of result.warnings) out.diagnostic(w);
    return failed ? EXIT.problems : EXIT.ok;
  },
});

async function loadBaseline(file: string, task: string, like: QaSummary | undefined, root: string): Promise<QaSummary> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new St3Error('E_FILE_NOT_FOUND', `cannot read --baseline ${file}: ${error.code ?? error.message}`);
  });
  try {
    const json = JSON.parse(text) as unknown;
    // A saved summary, or the document `st3 qa record --json` printed.
    const candidate =
      json && typeof json === 'object' && 'summary' in json ? (json as { summary: unknown }).summary : json;
    const parsed = QaSummarySchema.safeParse(candidate);
    if (parsed.success) return parsed.data;
  } catch {
    // not JSON: a raw log
  }
  if (!like) throw new St3Error('E_QA_NO_BASELINE', `no QA run recorded for ${task} to compare --baseline with`);
  // A raw log of the same command: read it the same way; its exit code is unknown, so it takes the current one,
  // and it was recorded when the file was last written (not at the epoch).
  const written = await stat(file).then(
    (st) => st.mtime,
    () => undefined,
  );
  return summarizeQa({
    text,
    command: like.command,
    exitCode: like.exit_code,
    durationMs: 0,
    kind: like.kind,
    root,
    recordedAt: (written ?? new Date()).toISOString(),
  });
}

export const drift = defineCommand({
  name: 'drift',
  summary:
    'compare the latest QA run of each command with its baseline: exit code, new lint/type errors by rule and file, new failing tests, coverage drop',
  description:
    'Exit code 1 when any command regressed, was not measured, or has no baseline to compare with (its runs so far measured nothing: listed as not measured, the other commands still compared); a --baseline of another kind or command is E_USAGE (exit 2).',
  args: [TASK],
  options: {
    key: {
      type: 'string',
      valueName: 'KIND:COMMAND',
      description: 'only this command (e.g. "lint:pnpm lint"; default: every recorded command)',
    },
    baseline: {
      type: 'string',
      valueName: 'FILE',
      description:
        'compare with this summary (JSON from `st3 qa record --json`) or raw log instead of the stored baseline',
    },
    threshold: {
      type: 'number',
      min: 0,
      description: 'coverage percentage points a metric may drop (default 0.5)',
    },
  },
  examples: [
    'st3 qa drift TASK-0123',
    'st3 qa drift TASK-0123 --key "test:pnpm test" --json',
    'st3 qa drift TASK-0123 --baseline main-coverage.json --threshold 1',
  ],
  async run(ctx) {
    const { values, io } = ctx;
    const { out, ws } = await setup(ctx);
    const task = (await resolveTaskRef(ws, ctx.args.task)).id;
    const threshold = values.threshold;
    await readContext(ws, task);
    let baseline: QaSummary | undefined;
    if (values.baseline) {
      const runs = await readQaRuns(ws, task);
      const like = values.key ? runs.filter((r) => r.key === values.key).at(-1) : runs.at(-1);
      baseline = await loadBaseline(resolve(io.cwd, values.baseline), task, like, ws.root);
    }
    const { reports, noBaseline } = await qaTaskDrift(ws, task, {
      ...(values.key ? { key: values.key } : {}),
      ...(baseline ? { baseline, baselineFile: values.baseline } : {}),
      ...(threshold !== undefined ? { threshold } : {}),
    });
    // A command that could not be judged (no baseline) is no pass, as a run that measured nothing is not.
    const regression = reports.some((r) => r.regression) || noBaseline.length > 0;
    if (out.json) out.document({ ok: !regression, task, regression, reports, no_baseline: noBaseline });
    else {
      for (const r of reports) printDrift(out, r);
      for (const n of noBaseline) printNoBaseline(out, n);
    }
    return regression ? EXIT.problems : EXIT.ok;
  },
});

export const command = defineCommand({
  name: 'qa',
  summary:
    'QA artifacts: record lint, type-check, test and coverage runs as evidence, and report drift against the baseline',
  subcommands: { record, drift },
  examples: [
    'st3 qa record TASK-0123 --command "pnpm lint" --exit-code 1 --log lint.json',
    'st3 qa record TASK-0123 --kind test -- npx vitest run --reporter=json',
    'st3 qa drift TASK-0123 --threshold 1',
  ],
});
