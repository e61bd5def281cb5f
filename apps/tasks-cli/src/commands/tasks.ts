import { defineCommand, type Command } from '@st3/cli-kit';
import { exceptions, quarantine } from '../tasks/admin.js';
import { list, show, validate } from '../tasks/basic.js';
import { context } from '../tasks/context.js';
import { evidence } from '../tasks/evidence.js';
import { runValidation, worktree } from '../tasks/run.js';
import { standards } from '../tasks/standards.js';
import { SEED_FORMS, seedForm } from '../seed-forms.js';

/** The top-level command a seed form's `@area` names (loaded only when used). */
async function areaCommand(area: string): Promise<{ command: Command; path: string }> {
  if (area === '@qa') return { command: (await import('./qa.js')).command, path: 'st3 qa' };
  const { cli } = await import('@st3/metrics-cli');
  return { command: await cli.commands.metrics!.load(), path: 'st3 metrics' };
}

export const command: Command = defineCommand({
  name: 'tasks',
  summary:
    'task files, task context, evidence, exception ledger, quarantine, standards excerpts, validation commands, worktree snapshots',
  description: [
    "The original tasks CLI's flag forms work too, so agent prompts written for it run unchanged: " +
      Object.keys(SEED_FORMS).join(', ') +
      ' (each takes the task id first where the verb does), and `--format json` for `--json`.',
  ],
  usage: [
    'st3 tasks --init-context <id> [--format json]',
    'st3 tasks --attach-evidence <id> --type T --path P --description D',
    'st3 tasks --record-qa <id> --command "…" --exit-code N --log FILE',
    'st3 tasks --verify-worktree <id> --expected-agent NAME',
    'st3 tasks --collect-metrics <id>',
  ],
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
  async argvAliases(argv) {
    const form = seedForm(argv);
    if (!form) return undefined;
    const [head, ...tail] = form.verb;
    if (head?.startsWith('@')) {
      const area = await areaCommand(head);
      return { command: area.command, argv: [...tail, ...form.argv], path: area.path };
    }
    return { command, argv: [...form.verb, ...form.argv], path: 'st3 tasks' };
  },
  examples: [
    'st3 tasks validate',
    'st3 tasks context init TASK-0123',
    'st3 tasks evidence attach TASK-0123 --type log --file build.log --description "build log"',
    'st3 tasks run-validation TASK-0123 --env CI=1',
    'st3 tasks worktree verify TASK-0123 --json',
    'st3 tasks --init-context TASK-0123 --format json',
  ],
});
