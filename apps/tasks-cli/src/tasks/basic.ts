import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { defineCommand, EXIT } from '@st3/cli-kit';
import {
  addException,
  listTasks,
  markDuplicateIds,
  noTaskFiles,
  queryExceptions,
  quarantineTask,
  readLedger,
  resolveTaskInputs,
  shouldShowWarning,
  taskVerdictJson,
  validateFoundTaskFile,
  validateTaskFile,
  type EvidenceWorkspace,
  type SkippedTaskFile,
  type TaskVerdict,
} from '@st3/evidence';
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

/**
 * The ledger's suppression rule: a warning about a task with an open exception is shown once, then
 * recorded in `suppressed_warnings` and hidden. Without a ledger file nothing is suppressed (or written).
 */
async function suppressKnownWarnings(ws: EvidenceWorkspace, verdicts: TaskVerdict[]): Promise<number> {
  const ledgerPath = resolve(ws.root, ws.config.ledger);
  if (!existsSync(ledgerPath)) return 0;
  const open = new Set(queryExceptions(await readLedger(ledgerPath), { status: 'unresolved' }).map((e) => e.task_id));
  let suppressed = 0;
  for (const v of verdicts) {
    if (!v.id || !open.has(v.id)) continue;
    const kept = [];
    for (const w of v.warnings) {
      if (await shouldShowWarning(ledgerPath, v.id, `${w.code}${w.path ? `@${w.path.join('.')}` : ''}`)) kept.push(w);
      else suppressed++;
    }
    v.warnings = kept;
  }
  return suppressed;
}

/**
 * `--quarantine`: every file that does not parse gets a quarantine entry and a ledger exception (both
 * keyed by task id: a file without one is listed in `notQuarantined`).
 */
async function quarantineBroken(
  ws: EvidenceWorkspace,
  verdicts: TaskVerdict[],
  base: string,
): Promise<{ done: string[]; notQuarantined: string[] }> {
  const done: string[] = [];
  const notQuarantined: string[] = [];
  for (const v of verdicts) {
    if (!v.parseFailed) continue;
    if (!v.id) {
      notQuarantined.push(v.file);
      continue;
    }
    const first = v.errors[0]!;
    const file = relative(ws.root, resolve(base, v.file)).split('\\').join('/');
    await quarantineTask({ root: ws.root, dir: resolve(ws.root, ws.config.quarantine_dir) }, v.id, file, first);
    await addException(resolve(ws.root, ws.config.ledger), {
      task_id: v.id,
      exception_type: 'malformed_yaml',
      parse_error: `${first.line ?? '?'}:${first.column ?? '?'} ${first.message}`,
      notes: 'found by st3 tasks validate --quarantine',
    });
    done.push(v.id);
  }
  return { done, notQuarantined };
}
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
    const { verdicts, base } = await verdictsOf(ctx, ws, positionals);
    // Checking no file establishes nothing: no verdict, never a pass.
    if (verdicts.length === 0) throw noTaskFiles(ws.root, ws.config.task_dirs, positionals);
    const duplicates = positionals.length > 0 ? markDuplicateIds(verdicts) : duplicatesOf(verdicts);
    const quarantine = values.quarantine ? await quarantineBroken(ws, verdicts, base) : undefined;
    const quarantined = quarantine?.done ?? [];
    const suppressed = await suppressKnownWarnings(ws, verdicts);
    // A file that could not be checked is no pass: it counts against the run, apart from the files checked.
    const skipped: SkippedTaskFile[] = verdicts.flatMap((v) =>
      v.notChecked
        ? [{ file: v.file, code: v.errors[0]!.code, reason: v.notChecked, hint: v.errors[0]!.hint ?? '' }]
        : [],
    );
    const checked = verdicts.length - skipped.length;
    const failed = verdicts.filter((v) => !v.ok && !v.notChecked);
    const ok = failed.length === 0 && skipped.length === 0;
    for (const file of quarantine?.notQuarantined ?? [])
      out.warn(
        `${file}: not quarantined: neither its name nor its content gives a task id (name it TASK-0123-slug.task.yaml)`,
      );
    if (out.json) {
      out.document({
        ok,
        checked,
        failed: failed.length,
        duplicates,
        quarantined,
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
        `${checked} task file(s) checked: ${checked - failed.length} ok, ${failed.length} with errors${skipped.length > 0 ? `; ${skipped.length} not checked (see above)` : ''}${duplicates.length > 0 ? `; ${duplicates.length} id(s) used by more than one file` : ''}${quarantined.length > 0 ? `; quarantined ${quarantined.join(', ')}` : ''}${suppressed > 0 ? `; ${suppressed} repeated warning(s) suppressed (open exceptions)` : ''}`,
      );
    }
    return ok ? EXIT.ok : EXIT.problems;
  },
});

/** The verdicts of the files given (or of every task file in the configured folders), and the folder they are relative to. */
async function verdictsOf(
  ctx: { common: { cwd?: string }; io: { cwd: string } },
  ws: EvidenceWorkspace,
  positionals: readonly string[],
): Promise<{ verdicts: TaskVerdict[]; base: string }> {
  if (positionals.length === 0)
    return { verdicts: (await listTasks(ws.root, ws.config.task_dirs)).verdicts, base: ws.root };
  const base = resolve(ctx.io.cwd, ctx.common.cwd ?? '.');
  // A name that does not exist is E_FILE_NOT_FOUND (exit 2), before anything is checked.
  const files = await resolveTaskInputs(ws.root, base, positionals);
  return { verdicts: await Promise.all(files.map(validateFoundTaskFile)), base };
}

/** The duplicates `listTasks` already marked on its verdicts. */
function duplicatesOf(verdicts: TaskVerdict[]): { id: string; files: string[] }[] {
  const byId = new Map<string, string[]>();
  for (const v of verdicts)
    if (v.id && v.errors.some((e) => e.code === 'E_TASK_DUPLICATE_ID'))
      byId.set(v.id, [...(byId.get(v.id) ?? []), v.file]);
  return [...byId].map(([id, files]) => ({ id, files })).sort((a, b) => (a.id < b.id ? -1 : 1));
}
