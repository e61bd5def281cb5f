import { defineCommand } from '@st3/cli-kit';
import { initCommand } from './gates-init.js';
import { listCommand } from './gates-list.js';
import { runCommand } from './gates-run.js';

/** `st3 gates [run] ...`, `st3 gates init`, `st3 gates list`. */
export const command = defineCommand({
  name: 'gates',
  summary: 'run the quality gates (linters, type-checkers) on what changed',
  subcommands: { run: runCommand, init: initCommand, list: listCommand },
  defaultSubcommand: 'run',
  examples: [
    'st3 gates',
    'st3 gates --scope project --format sarif > gates.sarif',
    'st3 gates --scope branch --parent develop --format github',
    'st3 gates --files src/a.ts --files src/b.ts --gate eslint',
    'st3 gates init --preset eslint --preset tsc',
    'st3 gates list --json',
    'st3 gates --scope project --telemetry --task TASK-0123',
  ],
});
