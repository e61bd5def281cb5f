import {
  createOutput,
  createProgress,
  EXIT,
  type CliIO,
  type CommonFlags,
  type Values,
  type Workspace,
} from '@st3/cli-kit';
import {
  gatesState,
  readState,
  runGates,
  statePath,
  toGithubAnnotations,
  toSarif,
  toText,
  type GateProgress,
  type GateRunResult,
  type ResolvedScope,
  type SarifOptions,
  type ScopeKind,
} from '@st3/quality-gates';
import pkg from '../../package.json' with { type: 'json' };
import type { FORMATS, runOptions } from './gates-run.js';

export interface GatesCommandInput {
  values: Values<typeof runOptions>;
  scope: ScopeKind;
  files: string[];
  /** Where relative `files` are taken from (the invocation's folder, after --cwd). */
  filesBase: string;
  ws: Workspace;
  common: CommonFlags;
  io: CliIO;
}

/** `st3 gates run` once its arguments are checked: loaded only then, so a bad flag costs no engine load. */
export async function runGatesCommand({ values, scope, files, filesBase, ws, common, io }: GatesCommandInput) {
  const format = common.json ? 'json' : (values.format ?? 'text');
  const out = createOutput(io, { ...common, json: format !== 'text' });
  const progress = createProgress(io, { quiet: common.quiet || format !== 'text', label: 'gates' });
  const telemetry = values.telemetry
    ? (await import('@st3/telemetry')).cliTelemetry({
        root: ws.root,
        tool: 'gates',
        ...(values.task ? { taskId: values.task } : {}),
      })
    : undefined;
  const scopeRequest = { kind: scope, files, filesBase, parentBranch: values.parent };
  const before = gatesState(await readState(statePath(ws.root)).catch(() => ({})));
  let resolved: ResolvedScope | undefined;
  let done = 0;
  let total = 0;
  const onProgress = (e: GateProgress): void => {
    if (e.type === 'scope') {
      resolved = e.scope;
      total = 0;
      done = 0;
    } else if (e.type === 'warning') out.warn(e.message);
    else if (e.type === 'gate-start') total++;
    else if (e.type === 'fix') progress.update(done, Math.max(total, done), `fixing: ${e.gate}`);
    else if (e.type === 'gate-end' && !e.gate.skipped)
      progress.update(++done, Math.max(total, done), `gates: ${e.gate.id}`);
  };
  const result = await runGates({
    cwd: ws.root,
    config: ws.configPath,
    scope: scopeRequest,
    gates: values.gate,
    signal: io.signal,
    onProgress,
    concurrency: values.concurrency,
    env: io.env,
    updateState: values['no-state'] !== true,
    fix: values.fix === true,
    newOnly: values['new-only'] === true,
    ...(telemetry ? { telemetry } : {}),
  });
  progress.done();
  // The --json document is the gate-run contract, so the telemetry file is named on stderr only.
  if (telemetry) {
    const file = await telemetry.save();
    if (!common.quiet) io.stderr.write(`telemetry: ${file}\n`);
  }

  render(result, format, out, {
    write: (text) => io.stdout.write(text),
    ...(before.baseline_sha
      ? { baselineFailedFiles: before.failed_files, ...(before.gates ? { baselineGates: before.gates } : {}) }
      : {}),
    scopeLine: resolved && !common.quiet ? resolved.description : undefined,
  });
  if (result.overall_pass) return EXIT.ok;
  const bad = result.gates.filter((g) => g.status === 'failed' || g.status === 'error');
  return bad.every((g) => g.status === 'error') ? EXIT.failure : EXIT.problems;
}

type Output = ReturnType<typeof createOutput>;

/** The run in the asked format: the JSON contract, SARIF, GitHub annotations, or the text report. */
function render(
  result: GateRunResult,
  format: (typeof FORMATS)[number],
  out: Output,
  ctx: {
    write: (text: string) => void;
    baselineFailedFiles?: string[];
    baselineGates?: SarifOptions['baselineGates'];
    scopeLine?: string;
  },
): void {
  if (format === 'json') out.document(result);
  else if (format === 'sarif')
    out.document(
      toSarif(result, {
        version: pkg.version,
        ...(ctx.baselineFailedFiles ? { baselineFailedFiles: ctx.baselineFailedFiles } : {}),
        ...(ctx.baselineGates ? { baselineGates: ctx.baselineGates } : {}),
      }),
    );
  else if (format === 'github') ctx.write(toGithubAnnotations(result));
  else {
    if (ctx.scopeLine) out.info(out.color.dim(`scope: ${ctx.scopeLine}`));
    ctx.write(toText(result, out.color));
    printFix(result, out);
  }
}

/** `--fix` in the text report: how many violations the fixers removed, and from which files. */
function printFix(result: GateRunResult, out: Output): void {
  const fix = result.fix;
  if (!fix) return;
  if (fix.fixers.length === 0) {
    out.line(out.color.dim('fix: no failing gate has a fix command (capabilities.fix)'));
    return;
  }
  const files = fix.files_changed.length;
  out.line(
    `fix: ${fix.fixed} violation${fix.fixed === 1 ? '' : 's'} fixed in ${files} file${files === 1 ? '' : 's'} (${fix.fixers.map((f) => f.gate).join(', ')})`,
  );
  for (const f of fix.files_changed) out.line(`  ${out.color.dim(f)}`);
  for (const f of fix.fixers) if (f.error) out.warn(`fix: ${f.gate}: ${f.error}`);
}
