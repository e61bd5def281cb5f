import { resolve } from 'node:path';
import {
  createOutput,
  createProgress,
  defineCommand,
  EXIT,
  intFlag,
  parseCommandArgs,
  resolveWorkspace,
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
  type ResolvedScope,
  type ScopeKind,
} from '@st3/quality-gates';
import { St3Error } from '@st3/schemas';
import pkg from '../../package.json' with { type: 'json' };

const OPTIONS = {
  scope: { type: 'string' },
  files: { type: 'string', multiple: true },
  gate: { type: 'string', multiple: true },
  format: { type: 'string' },
  parent: { type: 'string' },
  concurrency: { type: 'string' },
  'no-state': { type: 'boolean' },
  telemetry: { type: 'boolean' },
  task: { type: 'string' },
} as const;
const SCOPES = ['auto', 'branch', 'project', 'files'];
const FORMATS = ['text', 'json', 'sarif', 'github'];
const USAGE =
  'st3 gates [--scope auto|branch|project|files] [--files F ...] [--gate ID ...] [--format text|json|sarif|github] [--config FILE]';

export const runCommand = defineCommand({
  name: 'run',
  summary: 'run the quality gates',
  usage: USAGE,
  examples: ['st3 gates run --scope project'],
  async run(argv, io) {
    const { values, positionals, common } = parseCommandArgs(argv, OPTIONS, USAGE);
    const files = [...(values.files ?? []).flatMap((f) => f.split(',')).filter(Boolean), ...positionals];
    const scope = (values.scope ?? (files.length > 0 ? 'files' : 'auto')) as ScopeKind;
    if (!SCOPES.includes(scope))
      throw new St3Error('E_USAGE', `--scope must be one of ${SCOPES.join(', ')}, got "${scope}"`);
    if (scope === 'files' && files.length === 0)
      throw new St3Error('E_USAGE', '--scope files needs --files or file arguments', { hint: USAGE });
    if (scope !== 'files' && files.length > 0)
      throw new St3Error('E_USAGE', `files were given with --scope ${scope}`, {
        hint: 'drop --scope or use --scope files',
      });
    const format = common.json ? 'json' : (values.format ?? 'text');
    if (!FORMATS.includes(format))
      throw new St3Error('E_USAGE', `--format must be one of ${FORMATS.join(', ')}, got "${format}"`);
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
      concurrency: values.concurrency === undefined ? undefined : intFlag(values.concurrency, '--concurrency', 4, 1),
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
