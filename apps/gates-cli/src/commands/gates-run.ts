import { resolve } from 'node:path';
import { defineCommand, defineOptions, resolveWorkspace } from '@st3/cli-kit';
import { St3Error } from '@st3/schemas/errors';

const SCOPES = ['auto', 'branch', 'project', 'files'] as const;
export const FORMATS = ['text', 'json', 'sarif', 'github'] as const;

export const runOptions = defineOptions({
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
    description:
      'branch for --scope branch (default: project_scope.parent_branch, state parent_branch, then main); one that does not exist is a usage error (see `git branch -a`)',
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
      'report only new violations: after a green baseline every violation of an unchanged gate is new; otherwise those on lines added or changed since the baseline (or merge base); older ones are counted as pre-existing and do not fail. No baseline: every violation counts',
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
});

export const runCommand = defineCommand({
  name: 'run',
  summary: 'run the quality gates (linters, type-checkers) on what changed',
  args: [{ name: 'files', description: 'files to check (implies --scope files)', variadic: true }],
  options: runOptions,
  examples: [
    'st3 gates run --scope project',
    'st3 gates run src/a.ts src/b.ts --gate eslint',
    'st3 gates run --scope branch --parent develop --format github',
    'st3 gates run --fix',
    'st3 gates run --new-only --format sarif > new-issues.sarif',
    'st3 gates run --dry-run',
  ],
  async run({ values, args, common, io, usageError }) {
    const listed = (values.files ?? []).flatMap((f) => f.split(',')).filter(Boolean);
    // `--files ''` names nothing: never read as "no files given" (the auto scope), which would check something else.
    if (values.files !== undefined && values.files.length > 0 && listed.length === 0)
      throw usageError(
        `--files ${values.files.map((f) => JSON.stringify(f)).join(' --files ')} names no file (nothing was run)`,
      );
    const files = [...listed, ...args.files];
    const scope = values.scope ?? (files.length > 0 ? 'files' : 'auto');
    if (scope === 'files' && files.length === 0) throw usageError('--scope files needs --files or file arguments');
    if (scope !== 'files' && files.length > 0)
      throw new St3Error('E_USAGE', `files were given with --scope ${scope}`, {
        hint: 'drop --scope or use --scope files',
      });
    // --parent only names the branch of --scope branch: ignored elsewhere, it would check something else unasked.
    if (values.parent !== undefined && scope !== 'branch')
      throw new St3Error('E_USAGE', `--parent goes with --scope branch (the scope is ${scope})`, {
        hint: `add --scope branch to check the changes since the merge base with ${values.parent}`,
      });
    if (values.task && !values.telemetry)
      throw new St3Error('E_USAGE', '--task goes with --telemetry', { hint: 'add --telemetry' });
    const ws = resolveWorkspace(io, common);
    // git's diff runs while the engine, its config loader and zod load (the bulk of a dry run's time).
    if (scope === 'auto') (await import('@st3/quality-gates/prefetch')).prefetchAutoScope(ws.root);
    const input = { values, scope, files, filesBase: resolve(io.cwd, common.cwd ?? '.'), ws, common, io };
    if (values['dry-run']) return (await import('./gates-dry-run.js')).dryRunGates(input);
    return (await import('./gates-run-body.js')).runGatesCommand(input);
  },
});
