import { resolve } from 'node:path';
import { defineCommand, EXIT } from '@st3/cli-kit';
import { listTasks, taskVerdictJson, validateTaskFile, validateTasks } from '@st3/evidence';
import { codedLine, locateTask, setup } from './common.js';

export const list = defineCommand({
  name: 'list',
  summary:
    'list the task files in the configured task folders with their status and verdict (duplicate ids flagged; a file left out, e.g. one whose name carries no task id, is warned about)',
  options: {
    status: {
      type: 'string',
      valueName: 'S',
      description: 'only tasks with this status (draft, todo, in_progress, blocked, completed)',
    },
  },
  examples: ['st3 tasks list', 'st3 tasks list --status todo --json'],
  async run(ctx) {
    const { values } = ctx;
    const { out, ws } = await setup(ctx);
    const { tasks, duplicates, skipped } = await listTasks(ws.root, ws.config.task_dirs);
    const shown = values.status ? tasks.filter((t) => t.status === values.status) : tasks;
    if (out.json) out.document({ ok: true, task_dirs: ws.config.task_dirs, tasks: shown, duplicates, skipped });
    else {
      const twice = new Set(duplicates.map((d) => d.id));
      for (const t of shown)
        out.line(
          `${t.id.padEnd(10)} ${(t.status ?? '?').padEnd(11)} ${(t.priority ?? '').padEnd(3)} ${t.ok ? ' ' : out.color.red('!')} ${t.title ?? t.file}${twice.has(t.id) ? out.color.red(`  (id also used elsewhere: ${t.file})`) : ''}`,
        );
      out.info(`${shown.length} task(s) in ${ws.config.task_dirs.join(', ')}`);
    }
    for (const d of duplicates)
      out.warn(`E_TASK_DUPLICATE_ID: ${d.id} is carried by ${d.files.length} files: ${d.files.join(', ')}`);
    // A file the list leaves out (no id in its name) or could not read is said, never dropped.
    for (const f of skipped) out.warn(`${f.code}: ${f.file}: ${f.reason} (${f.hint})`);
    return EXIT.ok;
  },
});

export const show = defineCommand({
  name: 'show',
  summary: 'show one task (found by id in the active and completed folders) with its verdict',
  args: [
    {
      name: 'task',
      description: 'the task id, or its task file (needed when two files carry the id)',
      required: true,
    },
  ],
  examples: ['st3 tasks show TASK-0123', 'st3 tasks show tasks/TASK-0123-login.task.yaml --json'],
  async run(ctx) {
    const { out, ws } = await setup(ctx);
    const location = await locateTask(ws, ctx.args.task);
    const verdict = await validateTaskFile(location.path, location.file);
    if (out.json)
      out.document({
        ok: verdict.ok,
        location,
        task: verdict.task ?? null,
        errors: verdict.errors,
        warnings: verdict.warnings,
      });
    else {
      out.line(`${location.id}  ${String(verdict.task?.title ?? '')}`);
      out.line(`file: ${location.file}   status: ${verdict.status ?? '?'}   schema: ${verdict.schemaVersion ?? '?'}`);
      for (const d of verdict.errors) out.line(codedLine(d));
      for (const d of verdict.warnings) out.warn(codedLine(d));
    }
    return verdict.ok ? EXIT.ok : EXIT.problems;
  },
});

export const validate = defineCommand({
  name: 'validate',
  summary:
    'check task files: YAML with line:col, shape (1.0 and 1.1), completeness (E001), validation command entries and duplicate ids; each line carries its code. No task file found is E_TASK_NO_FILES (exit 2), never a pass; a *.task.yaml that cannot be checked (e.g. a dangling symlink) fails the run',
  args: [
    {
      name: 'files',
      description: 'task files or folders to check (default: every task in the configured folders)',
      variadic: true,
    },
  ],
  options: {
    quarantine: {
      type: 'boolean',
      description: 'quarantine the files that do not parse and record them in the exception ledger',
    },
  },
  examples: [
    'st3 tasks validate',
    'st3 tasks validate tasks/TASK-0123-x.task.yaml --json',
    'st3 tasks validate docs/completed-tasks tasks',
    'st3 tasks validate --quarantine',
  ],
  async run(ctx) {
    const { values } = ctx;
    const positionals = ctx.args.files;
    const { out, ws } = await setup(ctx);
    // The run MCP task_validate makes too (validateTasks): a missing name is E_FILE_NOT_FOUND, none E_TASK_NO_FILES.
    const r = await validateTasks(ws, {
      inputs: positionals,
      base: resolve(ctx.io.cwd, ctx.common.cwd ?? '.'),
      quarantine: values.quarantine === true,
    });
    const { verdicts, duplicates, quarantined, skipped, checked, failed, ok } = r;
    const suppressed = r.suppressed_warnings;
    for (const file of r.notQuarantined) {
      // A file with an id was refused because that id is quarantined for another file: its verdict says so.
      const refused = verdicts
        .find((v) => v.file === file)
        ?.errors.find((e) => e.message.startsWith('not quarantined:'));
      out.warn(
        refused
          ? `${file}: ${refused.message}`
          : `${file}: not quarantined: neither its name nor its content gives a task id (name it TASK-0123-slug.task.yaml)`,
      );
    }
    if (out.json) {
      out.document({
        ok,
        checked,
        failed,
        duplicates,
        quarantined,
        not_quarantined: r.notQuarantined,
        suppressed_warnings: suppressed,
        skipped,
        files: verdicts.map(taskVerdictJson),
      });
    } else {
      for (const v of verdicts) {
        for (const d of v.errors) out.line(codedLine(d));
        if (!out.quiet) for (const d of v.warnings) out.warn(codedLine(d));
      }
      out.line(
        `${checked} task file(s) checked: ${checked - failed} ok, ${failed} with errors${skipped.length > 0 ? `; ${skipped.length} not checked (see above)` : ''}${duplicates.length > 0 ? `; ${duplicates.length} id(s) used by more than one file` : ''}${quarantined.length > 0 ? `; quarantined ${quarantined.join(', ')}` : ''}${suppressed > 0 ? `; ${suppressed} repeated warning(s) suppressed (open exceptions)` : ''}`,
      );
    }
    return ok ? EXIT.ok : EXIT.problems;
  },
});
