import { defineCommand } from '@st3/cli-kit';
import { exceptions, quarantine } from '../tasks/admin.js';
import { list, show, validate } from '../tasks/basic.js';
import { context, evidence, standards } from '../tasks/context.js';
import { runValidation, worktree } from '../tasks/run.js';

export const command = defineCommand({
  name: 'tasks',
  summary:
    'task files, task context, evidence, exception ledger, quarantine, standards excerpts, validation commands, worktree snapshots',
  subcommands: {
    list,
    show,
    validate,
    context,
    evidence,
    standards,
    exceptions,
    quarantine,
    'run-validation': runValidation,
    worktree,
  },
  examples: [
    'st3 tasks validate',
    'st3 tasks context init TASK-0123',
    'st3 tasks evidence attach TASK-0123 --type log --file build.log --description "build log"',
    'st3 tasks run-validation TASK-0123 --env CI=1',
    'st3 tasks worktree verify TASK-0123 --json',
  ],
});
