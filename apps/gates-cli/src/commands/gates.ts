import { defineCommand, dispatchSubcommand } from '@st3/cli-kit';
import { initCommand } from './gates-init.js';
import { listCommand } from './gates-list.js';
import { runCommand } from './gates-run.js';

const subcommands = { run: runCommand, init: initCommand, list: listCommand };

/** `st3 gates [run] ...`, `st3 gates init`, `st3 gates list`. */
export const command = defineCommand({
  name: 'gates',
  summary: 'run the quality gates (linters, type-checkers) on what changed',
  usage:
    'st3 gates [run|init|list] [--scope auto|branch|project|files] [--files F ...] [--gate ID ...] [--format text|json|sarif|github] [--config FILE]',
  options: [
    'run (default)           run the gates:',
    '  --scope S             auto (changed since the last green run + failed files; default), branch, project, files',
    '  --files F             check these files (repeatable; implies --scope files); positionals are files too',
    '  --gate ID             run only this gate (repeatable)',
    '  --format F            text (default), json, sarif, github',
    '  --parent BRANCH       branch for --scope branch (default: state parent_branch, then main)',
    '  --concurrency N       gates at the same time (default 4)',
    '  --no-state            do not update .st3/state.json',
    '  --telemetry           save gates.duration_ms{gate}, gates.violations{gate} to .st3/telemetry/telemetry-gates.json',
    '  --task ID             with --telemetry: save it in the task context instead (.st3/tasks/ID/)',
    'init                    write .st3/config/quality.yaml from presets for this workspace',
    '  --preset ID           use these presets instead of detecting (repeatable): eslint, tsc, biome, oxlint, ruff, flake8, mypy, pyright',
    '  --force               overwrite an existing quality.yaml',
    'list                    list the configured gates',
  ],
  examples: [
    'st3 gates',
    'st3 gates --scope project --format sarif > gates.sarif',
    'st3 gates --scope branch --parent develop --format github',
    'st3 gates --files src/a.ts --files src/b.ts --gate eslint',
    'st3 gates init --preset eslint --preset tsc',
    'st3 gates list --json',
    'st3 gates --scope project --telemetry --task TASK-0123',
  ],
  run(argv, io) {
    return dispatchSubcommand(command, subcommands, argv, io, 'run');
  },
});
