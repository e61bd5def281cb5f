import { relative } from 'node:path';
import { createOutput, defineCommand, EXIT, type RunStage, type StageContext, type StageReport } from '@st3/cli-kit';
import { errorToJson, exitCodeFor, isSt3Error, St3Error } from '@st3/schemas';
import { exitCodeOf, expandInputs, validateFiles, type FileVerdict } from '../lib/validate-files.js';
import { STAGE_ORDER } from '../lib/stages.js';
import { chooseRunWorkspace } from '../lib/workspace.js';

/** Every stage `--only` accepts, in the order they run. */
const STAGE_NAMES = ['config', ...STAGE_ORDER.map((s) => s.name)];

export const command = defineCommand({
  name: 'run',
  summary: 'run every stage on a workspace (default: examples/)',
  description: [
    'The workspace is --cwd (a folder with .st3/, or below one); without it, the nearest folder with .st3/ above ' +
      'the current one, else the examples/ workspace of the ST3 repository.',
    'Stages run in order; a failing stage does not stop the next. Exit: 0 all ok, 1 a stage found problems, ' +
      '2 invalid configuration.',
    'A stage named in --only that was skipped (nothing to do, not configured) did not run as asked: the run is ' +
      'not ok (exit 1). An --only that names no stage is a usage error.',
  ],
  options: {
    'dry-run': { type: 'boolean', description: 'stages compute and report but write nothing' },
    only: {
      type: 'string',
      valueName: 'LIST',
      description: `run only these stages (comma-separated: ${STAGE_NAMES.join(',')})`,
    },
  },
  examples: [
    'pnpm start                  # st3 run on examples/',
    'st3 run --cwd path/to/project',
    'st3 run --json --only config,gates',
  ],
  async run({ values, common, io }) {
    const out = createOutput(io, common);
    const only = values.only
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    // `--only "$STAGES"` with an empty variable must not run nothing and report ok.
    if (only?.length === 0)
      throw new St3Error('E_USAGE', '--only names no stage', { hint: `stages: ${STAGE_NAMES.join(', ')}` });
    const unknown = only?.filter((s) => !STAGE_NAMES.includes(s)) ?? [];
    if (unknown.length > 0)
      throw new St3Error('E_USAGE', `unknown stage "${unknown[0]}"`, { hint: `stages: ${STAGE_NAMES.join(', ')}` });
    const wanted = (name: string) => !only || only.includes(name);

    const ws = chooseRunWorkspace(io, common);
    if (ws.source === 'bundled-example')
      out.warn(`no .st3/ found from ${io.cwd}; using the example workspace ${ws.root}`);
    out.info(`${out.color.bold('st3 run')} ${ws.root}`);

    const reports: StageReport[] = [];
    let exit: number = EXIT.ok;
    if (wanted('config')) {
      const { report, code } = await configStage(ws.root, ws.st3Dir);
      reports.push(report);
      exit = Math.max(exit, code);
      print(out, report);
    }
    const dryRun = values['dry-run'] === true;
    // The run's own telemetry (gate durations, atomizer throughput, artifacts rendered), saved to
    // .st3/telemetry/ before the metrics stage so its dashboard shows this run. Nothing on a dry run.
    const telemetry = dryRun
      ? undefined
      : (await import('@st3/telemetry')).cliTelemetry({ root: ws.root, tool: 'st3-run' });
    for (const entry of STAGE_ORDER) {
      if (!wanted(entry.name)) continue;
      if (io.signal.aborted) return EXIT.interrupted;
      const unsaved = entry.name === 'metrics' && telemetry ? await saveRunTelemetry(telemetry) : undefined;
      const report =
        unsaved ??
        (await runStage(entry, {
          root: ws.root,
          io,
          dryRun,
          quiet: common.quiet || common.json,
          telemetry,
        }));
      reports.push(report);
      if (!report.ok) exit = Math.max(exit, stageExit(report));
      print(out, report);
    }
    // A stage asked for by name that did no work established nothing: no pass for the run.
    const notRun = only ? reports.filter((r) => r.skipped).map((r) => r.stage) : [];
    if (notRun.length > 0) exit = Math.max(exit, EXIT.problems);
    const ok = reports.every((r) => r.ok) && notRun.length === 0;
    if (out.json)
      out.document({
        ok,
        root: ws.root,
        workspace: ws.source,
        stages: reports,
        ...(notRun.length > 0 ? { not_run: notRun } : {}),
      });
    else out.line(ok ? out.color.green(okLine(reports)) : out.color.red(problemsLine(reports, notRun)));
    return exit;
  },
});

function okLine(reports: readonly StageReport[]): string {
  const ran = reports.filter((r) => !r.skipped).length;
  return `ok: ${ran} stage(s) ran, ${reports.length - ran} skipped`;
}

/** `problems in: gates; asked for with --only but skipped: atomize`. */
function problemsLine(reports: readonly StageReport[], notRun: readonly string[]): string {
  const failed = reports.filter((r) => !r.ok).map((r) => r.stage);
  return [
    failed.length > 0 ? `problems in: ${failed.join(', ')}` : '',
    notRun.length > 0 ? `asked for with --only but skipped: ${notRun.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

type Loadable = (typeof STAGE_ORDER)[number];

async function runStage(entry: Loadable, ctx: StageContext): Promise<StageReport> {
  let stage: RunStage | undefined;
  try {
    stage = (await entry.load()).stage;
  } catch (error) {
    return { stage: entry.name, ok: false, summary: `cannot load ${entry.pkg}: ${(error as Error).message}` };
  }
  if (!stage) return { stage: entry.name, ok: true, skipped: true, summary: `skipped: ${entry.pkg} has no stage yet` };
  const started = Date.now();
  try {
    const report = await stage.run(ctx);
    // The slot name (what --only takes) names the stage; an app's own name for it is kept as `area`.
    const area = report.stage && report.stage !== entry.name ? { area: report.stage } : {};
    return { ...report, stage: entry.name, ...area, data: withDuration(report.data, Date.now() - started) };
  } catch (error) {
    const json = stageErrorJson(error);
    return { stage: entry.name, ok: false, summary: `failed: ${json.code} ${json.message}`, data: { error: json } };
  }
}

/** A stage's error as the report carries it: its code when typed, E_INTERNAL (a bug) when not. */
function stageErrorJson(error: unknown): { code: string; message: string } {
  return isSt3Error(error)
    ? errorToJson(error)
    : { code: 'E_INTERNAL', message: (error as Error)?.message ?? String(error) };
}

/**
 * Saves this run's telemetry before the metrics stage (its dashboard shows this run). A save that fails
 * (a typed error of @st3/fs or @st3/telemetry, with its file) fails that stage, never the whole run with
 * every stage report lost.
 */
async function saveRunTelemetry(telemetry: { save(): Promise<unknown> }): Promise<StageReport | undefined> {
  try {
    await telemetry.save();
    return undefined;
  } catch (error) {
    const json = stageErrorJson(error);
    return {
      stage: 'metrics',
      ok: false,
      summary: `failed: cannot save this run's telemetry: ${json.code} ${json.message}`,
      data: { error: json },
    };
  }
}

/**
 * The exit code a failed stage asks for. A stage that threw is mapped by its error's code
 * (`exitCodeFor`): a usage or configuration error (an invalid `.st3/config/tasks.yaml`, …) is 2, as the
 * help says, and an interrupt is 130. Anything else — findings, and runtime failures such as a file
 * that cannot be read — is 1: this verb's contract is "1 a stage found problems", and a failing stage
 * does not stop the others.
 */
function stageExit(report: StageReport): number {
  const data = report.data as { error?: { code?: unknown } } | undefined;
  const code = typeof data?.error?.code === 'string' ? exitCodeFor(data.error.code) : EXIT.problems;
  return code === EXIT.usage || code === EXIT.interrupted ? code : EXIT.problems;
}

function withDuration(data: unknown, ms: number): unknown {
  return data !== null && typeof data === 'object' && !Array.isArray(data)
    ? { ...data, duration_ms: ms }
    : data === undefined
      ? { duration_ms: ms }
      : { value: data, duration_ms: ms };
}

/** The first stage: every file of `.st3/` whose kind is known loads and validates. */
async function configStage(root: string, st3Dir: string): Promise<{ report: StageReport; code: number }> {
  const files = await expandInputs([relative(root, st3Dir) || '.st3'], root);
  const verdicts = await validateFiles(files, root);
  const invalid = verdicts.filter((v) => !v.valid);
  const warnings = verdicts.reduce((n, v) => n + v.warnings.length, 0);
  const lines = verdicts.map((v) => lineFor(v));
  const summary =
    invalid.length === 0
      ? `${verdicts.length} file(s) valid${warnings ? `, ${warnings} warning(s)` : ''}`
      : `${invalid.length} of ${verdicts.length} file(s) invalid`;
  const code = invalid.length === 0 ? EXIT.ok : Math.max(EXIT.usage, exitCodeOf(verdicts));
  // Nothing validated is no "valid": said as a skip, never a ✓.
  if (verdicts.length === 0)
    return {
      report: {
        stage: 'config',
        ok: true,
        skipped: true,
        summary: 'skipped: no ST3 file under .st3/ to validate',
        data: { files: [] },
      },
      code,
    };
  return { report: { stage: 'config', ok: invalid.length === 0, summary, lines, data: { files: verdicts } }, code };
}

function lineFor(v: FileVerdict): string {
  if (!v.valid)
    return `${v.file}: ${v.errors.length} error(s): ${v.errors[0]!.line ?? '?'}:${v.errors[0]!.column ?? '?'} ${v.errors[0]!.message}`;
  return `${v.file} (${v.kind})${v.warnings.length ? `: ${v.warnings.length} warning(s)` : ''}`;
}

function print(out: ReturnType<typeof createOutput>, report: StageReport): void {
  const mark = report.skipped ? out.color.dim('-') : report.ok ? out.color.green('✓') : out.color.red('✗');
  out.line(`${mark} ${report.stage.padEnd(8)} ${report.summary}`);
  if (!report.skipped) for (const l of report.lines ?? []) out.info(`    ${l}`);
}
