import { defineCommand, EXIT } from '@st3/cli-kit';
import { findTask, listTasks, validateTaskFile, type TaskVerdict } from '@st3/evidence';
import { formatDiagnostic } from '@st3/schemas';
import { resolve } from 'node:path';
import { setup } from './common.js';

const LIST_USAGE = 'st3 tasks list [--status S] [--json]';
export const list = defineCommand({
  name: 'list',
  summary: 'list the task files in the configured task folders with their status and verdict',
  usage: LIST_USAGE,
  options: ['--status S   only tasks with this status (draft, todo, in_progress, blocked, completed)'],
  examples: ['st3 tasks list', 'st3 tasks list --status todo --json'],
  async run(argv, io) {
    const { values, out, ws } = await setup(argv, io, { status: { type: 'string' } }, LIST_USAGE);
    const { tasks } = await listTasks(ws.root, ws.config.task_dirs);
    const shown = values.status ? tasks.filter((t) => t.status === values.status) : tasks;
    if (out.json) out.document({ ok: true, task_dirs: ws.config.task_dirs, tasks: shown });
    else {
      for (const t of shown) out.line(`${t.id.padEnd(10)} ${(t.status ?? '?').padEnd(11)} ${(t.priority ?? '').padEnd(3)} ${t.ok ? ' ' : out.color.red('!')} ${t.title ?? t.file}`);
      out.info(`${shown.length} task(s) in ${ws.config.task_dirs.join(', ')}`);
    }
    return EXIT.ok;
  },
});

const SHOW_USAGE = 'st3 tasks show <id|file> [--json]';
export const show = defineCommand({
  name: 'show',
  summary: 'show one task (found by id in the active and completed folders) with its verdict',
  usage: SHOW_USAGE,
  examples: ['st3 tasks show TASK-0123', 'st3 tasks show TASK-0123 --json'],
  async run(argv, io) {
    const { positionals, out, ws } = await setup(argv, io, {}, SHOW_USAGE);
    const location = await findTask(ws.root, ws.config.task_dirs, positionals[0] ?? '');
    const verdict = await validateTaskFile(location.path, location.file);
    if (out.json) out.document({ ok: verdict.ok, location, task: verdict.task ?? null, errors: verdict.errors, warnings: verdict.warnings });
    else {
      out.line(`${location.id}  ${String(verdict.task?.title ?? '')}`);
      out.line(`file: ${location.file}   status: ${verdict.status ?? '?'}   schema: ${verdict.schemaVersion ?? '?'}`);
      for (const d of [...verdict.errors, ...verdict.warnings]) out.diagnostic(d);
    }
    return verdict.ok ? EXIT.ok : EXIT.problems;
  },
});

const VALIDATE_USAGE = 'st3 tasks validate [files...] [--json]';
export const validate = defineCommand({
  name: 'validate',
  summary: 'check task files: YAML with line:col, shape (1.0 and 1.1) and completeness (E001)',
  usage: VALIDATE_USAGE,
  options: ['files...   task files to check (default: every task in the configured folders)'],
  examples: ['st3 tasks validate', 'st3 tasks validate tasks/TASK-0123-x.task.yaml --json'],
  async run(argv, io) {
    const { positionals, out, ws, common } = await setup(argv, io, {}, VALIDATE_USAGE);
    let verdicts: TaskVerdict[];
    if (positionals.length > 0) {
      const base = resolve(io.cwd, common.cwd ?? '.');
      verdicts = await Promise.all(positionals.map((f) => validateTaskFile(resolve(base, f), f)));
    } else {
      verdicts = (await listTasks(ws.root, ws.config.task_dirs)).verdicts;
    }
    const failed = verdicts.filter((v) => !v.ok);
    if (out.json) {
      out.document({ ok: failed.length === 0, checked: verdicts.length, failed: failed.length, files: verdicts.map((v) => ({ file: v.file, id: v.id ?? null, ok: v.ok, parse_failed: v.parseFailed, schema_version: v.schemaVersion ?? null, errors: v.errors, warnings: v.warnings })) });
    } else {
      for (const v of verdicts) {
        for (const d of v.errors) out.line(formatDiagnostic(d));
        if (!out.quiet) for (const d of v.warnings) out.diagnostic(d);
      }
      out.line(`${verdicts.length} task file(s) checked: ${verdicts.length - failed.length} ok, ${failed.length} with errors`);
    }
    return failed.length === 0 ? EXIT.ok : EXIT.problems;
  },
});
