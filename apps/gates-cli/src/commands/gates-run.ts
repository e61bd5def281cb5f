import { resolve } from 'node:path';
import { createOutput, createProgress, defineCommand, EXIT, resolveWorkspace } from '@st3/cli-kit';
import {
  gatesState,
  planGateRun,
  readState,
  runGates,
  statePath,
  toGithubAnnotations,
  toSarif,
  toText,
  type GateProgress,
  type GateRunResult,
  type ResolvedScope,
  type RunPlan,
  type ScopeKind,
} from '@st3/quality-gates';
import { St3Error } from '@st3/schemas';
import pkg from '../../package.json' with { type: 'json' };

const SCOPES = ['auto', 'branch', 'project', 'files'] as const;
const FORMATS = ['text', 'json', 'sarif', 'github'] as const;

export const runCommand = defineCommand({
  name: 'run',
  summary: 'run the quality gates (linters, type-checkers) on what changed',
  args: [{ name: 'files', description: 'files to check (implies --scope files)', variadic: true }],
  options: {
    scope: {
      type: 'enum',
      choices: SCOPES,
      description:
        'auto (changed since the last green run + failed files; default), branch, project, files (default: files when files are given)',
    },
    files: {
      type: 'string',
      multiple: true,
      valueName: 'FILE',
      description: 'check these files (comma-separated too; implies --scope files)',
    },
    gate: { type: 'string', multiple: true, valueName: 'ID', description: 'run only this gate' },
    format: { type: 'enum', choices: FORMATS, description: 'text (default), json, sarif, github' },
    parent: {
      type: 'string',
      valueName: 'BRANCH',
      description: 'branch for --scope branch (default: state parent_branch, then main)',
    },
    concurrency: { type: 'number', integer: true, min: 1, description: 'gates at the same time (default 4)' },
    'no-state': { type: 'boolean', description: 'do not update .st3/state.json' },
    fix: {
      type: 'boolean',
      description:
        "run each failing gate's fix command (capabilities.fix) on its files, then the gates again; reports the files changed and the violations fixed",
    },
    'new-only': {
      type: 'boolean',
      description:
        'report only violations on lines added or changed since the baseline; older ones are counted as pre-existing and do not fail',
    },
    'dry-run': {
      type: 'boolean',
      description: 'print what each gate would check and why (scope, files, reason); run nothing, change nothing',
    },
    telemetry: {
      type: 'boolean',
      description: 'save gates.duration_ms{gate}, gates.violations{gate} to .st3/telemetry/telemetry-gates.json',
    },
    task: {
      type: 'string',
      valueName: 'ID',
      description: 'with --telemetry: save it in the task context instead (.st3/tasks/ID/)',
    },
  },
  examples: [
    'st3 gates run --scope project',
    'st3 gates run src/a.ts src/b.ts --gate eslint',
    'st3 gates run --scope branch --parent develop --format github',
    'st3 gates run --fix',
    'st3 gates run --new-only --format sarif > new-issues.sarif',
    'st3 gates run --dry-run',
  ],
  async run({ values, args, common, io, usageError }) {
    const files = [...(values.files ?? []).flatMap((f) => f.split(',')).filter(Boolean), ...args.files];
    const scope: ScopeKind = values.scope ?? (files.length > 0 ? 'files' : 'auto');
    if (scope === 'files' && files.length === 0) throw usageError('--scope files needs --files or file arguments');
    if (scope !== 'files' && files.length > 0)
      throw new St3Error('E_USAGE', `files were given with --scope ${scope}`, {
        hint: 'drop --scope or use --scope files',
      });
    const format = common.json ? 'json' : (values.format ?? 'text');
    const ws = resolveWorkspace(io, common);
    const out = createOutput(io, { ...common, json: format !== 'text' });
    const progress = createProgress(io, { quiet: common.quiet || format !== 'text', label: 'gates' });

    if (values.task && !values.telemetry)
      throw new St3Error('E_USAGE', '--task goes with --telemetry', { hint: 'add --telemetry' });
    const telemetry = values.telemetry
      ? (await import('@st3/telemetry')).cliTelemetry({
          root: ws.root,
          tool: 'gates',
          ...(values.task ? { taskId: values.task } : {}),
        })
      : undefined;
    const scopeRequest = {
      kind: scope,
      files,
      filesBase: resolve(io.cwd, common.cwd ?? '.'),
      parentBranch: values.parent,
    };
    if (values['dry-run']) {
      const plan = await planGateRun({ cwd: ws.root, config: ws.configPath, scope: scopeRequest, gates: values.gate });
      printPlan(plan, format === 'json', out);
      return EXIT.ok;
    }
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
      ...(before.baseline_sha ? { baselineFailedFiles: before.failed_files } : {}),
      scopeLine: resolved && !common.quiet ? resolved.description : undefined,
    });
    if (result.overall_pass) return EXIT.ok;
    const bad = result.gates.filter((g) => g.status === 'failed' || g.status === 'error');
    return bad.every((g) => g.status === 'error') ? EXIT.failure : EXIT.problems;
  },
});

type Output = ReturnType<typeof createOutput>;

/** The run in the asked format: the JSON contract, SARIF, GitHub annotations, or the text report. */
function render(
  result: GateRunResult,
  format: (typeof FORMATS)[number],
  out: Output,
  ctx: { write: (text: string) => void; baselineFailedFiles?: string[]; scopeLine?: string },
): void {
  if (format === 'json') out.document(result);
  else if (format === 'sarif')
    out.document(
      toSarif(result, {
        version: pkg.version,
        ...(ctx.baselineFailedFiles ? { baselineFailedFiles: ctx.baselineFailedFiles } : {}),
      }),
    );
  else if (format === 'github') ctx.write(toGithubAnnotations(result));
  else {
    if (ctx.scopeLine) out.info(out.color.dim(`scope: ${ctx.scopeLine}`));
    ctx.write(toText(result, out.color));
    printFix(result, out);
  }
}

/** `--dry-run`: the scope, then per gate its mode, files and why; `--json` gives them as one document. */
function printPlan(plan: RunPlan, asJson: boolean, out: Output): void {
  const { scope } = plan;
  const gates = plan.plans.map((p) => ({
    id: p.id,
    name: p.gate.name,
    mode: p.mode,
    files: p.files,
    reason: p.reason,
    sound: p.sound,
  }));
  if (asJson) {
    out.document({
      scope: {
        kind: scope.kind,
        mode: scope.mode,
        description: scope.description,
        ...(scope.base ? { base: scope.base } : {}),
        ...(scope.head ? { head: scope.head } : {}),
        ...(scope.changed ? { changed: scope.changed } : {}),
        ...(scope.deleted ? { deleted: scope.deleted } : {}),
        ...(scope.unverified ? { unverified: scope.unverified } : {}),
      },
      gates,
    });
    return;
  }
  out.line(`scope: ${scope.description}`);
  for (const g of gates) {
    const what = g.mode === 'skip' ? 'skipped' : `${g.mode}, ${g.files.length} file${g.files.length === 1 ? '' : 's'}`;
    out.line(`${g.mode === 'skip' ? out.color.dim('○') : '●'} ${g.id}: ${what} — ${g.reason}`);
  }
  out.info(out.color.dim('dry run: nothing was run and state.json is unchanged'));
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
