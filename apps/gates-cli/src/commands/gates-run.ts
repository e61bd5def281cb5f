import { resolve } from 'node:path';
import { createOutput, createProgress, defineCommand, EXIT, resolveWorkspace } from '@st3/cli-kit';
import {
  gatesState,
  readState,
  runGates,
  statePath,
  toGithubAnnotations,
  toSarif,
  toText,
  type GateProgress,
  type ResolvedScope,
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
    const before = gatesState(await readState(statePath(ws.root)).catch(() => ({})));
    let resolved: ResolvedScope | undefined;
    let done = 0;
    let total = 0;
    const onProgress = (e: GateProgress): void => {
      if (e.type === 'scope') {
        resolved = e.scope;
        total = 0;
      } else if (e.type === 'warning') out.warn(e.message);
      else if (e.type === 'gate-start') total++;
      else if (e.type === 'gate-end' && !e.gate.skipped)
        progress.update(++done, Math.max(total, done), `gates: ${e.gate.id}`);
    };
    const result = await runGates({
      cwd: ws.root,
      config: ws.configPath,
      scope: { kind: scope, files, filesBase: resolve(io.cwd, common.cwd ?? '.'), parentBranch: values.parent },
      gates: values.gate,
      signal: io.signal,
      onProgress,
      concurrency: values.concurrency,
      env: io.env,
      updateState: values['no-state'] !== true,
      ...(telemetry ? { telemetry } : {}),
    });
    progress.done();
    // The --json document is the gate-run contract, so the telemetry file is named on stderr only.
    if (telemetry) {
      const file = await telemetry.save();
      if (!common.quiet) io.stderr.write(`telemetry: ${file}\n`);
    }

    if (format === 'json') out.document(result);
    else if (format === 'sarif')
      out.document(
        toSarif(result, {
          version: pkg.version,
          ...(before.baseline_sha ? { baselineFailedFiles: before.failed_files } : {}),
        }),
      );
    else if (format === 'github') io.stdout.write(toGithubAnnotations(result));
    else {
      if (resolved && !common.quiet) out.info(out.color.dim(`scope: ${resolved.description}`));
      io.stdout.write(toText(result, out.color));
    }
    if (result.overall_pass) return EXIT.ok;
    const bad = result.gates.filter((g) => g.status === 'failed' || g.status === 'error');
    return bad.every((g) => g.status === 'error') ? EXIT.failure : EXIT.problems;
  },
});
