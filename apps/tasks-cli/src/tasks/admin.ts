import { resolve } from 'node:path';
import { defineCommand, EXIT } from '@st3/cli-kit';
import {
  addException,
  checkDeadline,
  cleanupTaskExceptions,
  listQuarantined,
  queryExceptions,
  readLedger,
  releaseQuarantined,
  repairQuarantined,
  resolveException,
  taskIdOfRef,
  type EvidenceWorkspace,
  type ExceptionType,
} from '@st3/evidence';
import { EXCEPTION_TYPES, St3Error } from '@st3/schemas';
import { needOption, setup, TASK_ID } from './common.js';

const ledgerPath = (ws: EvidenceWorkspace): string => resolve(ws.root, ws.config.ledger);
const quarantineStore = (ws: EvidenceWorkspace) => ({ root: ws.root, dir: resolve(ws.root, ws.config.quarantine_dir) });

function exceptionType(value: string | undefined): ExceptionType | undefined {
  if (value === undefined) return undefined;
  if (!(EXCEPTION_TYPES as readonly string[]).includes(value))
    throw new St3Error('E_USAGE', `unknown exception type "${value}"`, {
      hint: `one of: ${EXCEPTION_TYPES.join(', ')}`,
    });
  return value as ExceptionType;
}

const add = defineCommand({
  name: 'add',
  summary: 'record an exception for a task (idempotent per task and type)',
  args: TASK_ID,
  options: {
    type: {
      type: 'enum',
      choices: EXCEPTION_TYPES,
      valueName: 'T',
      description: 'required: the kind of exception',
    },
    owner: { type: 'string', valueName: 'O', description: 'who remediates it' },
    deadline: { type: 'string', valueName: 'YYYY-MM-DD', description: 'when it should be fixed' },
    notes: { type: 'string', valueName: 'N', description: 'free text' },
    'parse-error': { type: 'string', valueName: 'E', description: 'the parse error of a malformed task file' },
    'auto-remove-on': {
      type: 'enum',
      choices: ['task_completion', 'task_deletion', 'manual'],
      description: 'when the exception goes away by itself',
    },
  },
  examples: ['st3 tasks exceptions add TASK-0123 --type incomplete_task --owner alice --deadline 2026-12-01'],
  async run(ctx) {
    const { values, usage } = ctx;
    const { out, ws } = await setup(ctx);
    const autoRemove = values['auto-remove-on'];
    const result = await addException(ledgerPath(ws), {
      task_id: taskIdOfRef(ctx.args.id),
      exception_type: exceptionType(needOption(values.type, '--type', usage))!,
      owner: values.owner,
      deadline: values.deadline === undefined ? null : checkDeadline(values.deadline, '--deadline'),
      notes: values.notes,
      parse_error: values['parse-error'] ?? null,
      auto_remove_on: autoRemove,
    });
    if (out.json) out.document({ ok: true, created: result.created, exception: result.exception });
    else
      out.line(
        `${result.created ? 'recorded' : 'already recorded'}: ${result.exception.task_id} ${result.exception.exception_type}`,
      );
    return EXIT.ok;
  },
});

const list = defineCommand({
  name: 'list',
  summary: 'query the exception ledger',
  options: {
    task: { type: 'string', valueName: 'ID', description: 'only the exceptions of this task' },
    type: { type: 'enum', choices: EXCEPTION_TYPES, valueName: 'T', description: 'only exceptions of this kind' },
    status: {
      type: 'enum',
      choices: ['open', 'in_progress', 'resolved', 'unresolved'],
      description: 'only exceptions in this state (unresolved = open or in_progress)',
    },
  },
  examples: ['st3 tasks exceptions list', 'st3 tasks exceptions list --status unresolved --json'],
  async run(ctx) {
    const { values } = ctx;
    const { out, ws } = await setup(ctx);
    const ledger = await readLedger(ledgerPath(ws));
    const status = values.status;
    const hits = queryExceptions(ledger, {
      task_id: values.task === undefined ? undefined : taskIdOfRef(values.task),
      exception_type: exceptionType(values.type),
      status,
    });
    if (out.json) out.document({ ok: true, ledger: ws.config.ledger, exceptions: hits });
    else {
      for (const e of hits)
        out.line(
          `${e.task_id.padEnd(10)} ${e.exception_type.padEnd(16)} ${e.remediation.status.padEnd(11)} owner=${e.remediation.owner}${e.remediation.deadline ? ` deadline=${e.remediation.deadline}` : ''}`,
        );
      out.info(`${hits.length} exception(s) in ${ws.config.ledger}`);
    }
    return EXIT.ok;
  },
});

const resolveCmd = defineCommand({
  name: 'resolve',
  summary: "mark a task's open exceptions resolved, with notes",
  args: TASK_ID,
  options: {
    notes: { type: 'string', valueName: 'N', description: 'required: how it was resolved' },
    type: { type: 'enum', choices: EXCEPTION_TYPES, valueName: 'T', description: 'only exceptions of this kind' },
  },
  examples: ['st3 tasks exceptions resolve TASK-0123 --notes "fixed the YAML indentation"'],
  async run(ctx) {
    const { values, usage } = ctx;
    const { out, ws } = await setup(ctx);
    const resolved = await resolveException(
      ledgerPath(ws),
      taskIdOfRef(ctx.args.id),
      needOption(values.notes, '--notes', usage),
      exceptionType(values.type),
    );
    if (out.json) out.document({ ok: true, resolved });
    else out.line(`resolved ${resolved.length} exception(s)`);
    return EXIT.ok;
  },
});

const cleanup = defineCommand({
  name: 'cleanup',
  summary:
    'remove exceptions whose task was completed or deleted (per auto_remove_on); one whose task file could not be checked is kept (exit 1)',
  examples: ['st3 tasks exceptions cleanup --json'],
  async run(ctx) {
    const { out, ws } = await setup(ctx);
    const { removed, notChecked } = await cleanupTaskExceptions(ws);
    const ok = notChecked.length === 0;
    if (out.json) out.document({ ok, removed, not_checked: notChecked });
    else {
      for (const n of notChecked) out.line(`kept: ${n.task_id} ${n.exception_type} (not checked: ${n.reason})`);
      out.line(`removed ${removed.length} exception(s)${ok ? '' : `; ${notChecked.length} not checked`}`);
    }
    return ok ? EXIT.ok : EXIT.problems;
  },
});

export const exceptions = defineCommand({
  name: 'exceptions',
  summary: 'exception ledger: add, list, resolve, cleanup',
  subcommands: { add, list, resolve: resolveCmd, cleanup },
  examples: ['st3 tasks exceptions list --json'],
});

const qlist = defineCommand({
  name: 'list',
  summary: 'list quarantined task files',
  examples: ['st3 tasks quarantine list --json'],
  async run(ctx) {
    const { out, ws } = await setup(ctx);
    const store = quarantineStore(ws);
    const entries = await listQuarantined(store);
    if (out.json) out.document({ ok: true, dir: ws.config.quarantine_dir, entries });
    else
      for (const e of entries)
        out.line(
          `${e.task_id.padEnd(10)} ${e.status.padEnd(11)} ${e.original_path}  ${e.error_details.line ?? '?'}:${e.error_details.column ?? '?'} ${e.error_details.message}`,
        );
    return EXIT.ok;
  },
});

const repair = defineCommand({
  name: 'repair',
  summary:
    'try the bounded auto-repairs (tabs, trailing whitespace, final newline, CRLF, BOM, backtick scalars); every attempt is logged',
  args: TASK_ID,
  options: { 'dry-run': { type: 'boolean', description: 'try the repair without writing the file' } },
  examples: ['st3 tasks quarantine repair TASK-0123', 'st3 tasks quarantine repair TASK-0123 --dry-run --json'],
  async run(ctx) {
    const { values } = ctx;
    const { out, ws } = await setup(ctx);
    const outcome = await repairQuarantined(quarantineStore(ws), taskIdOfRef(ctx.args.id), {
      dryRun: values['dry-run'] === true,
    });
    if (out.json)
      out.document({
        ok: outcome.success,
        applied: outcome.applied,
        remaining: outcome.remaining ?? null,
        entry: outcome.entry,
      });
    else
      out.line(
        outcome.success
          ? `repaired (${outcome.applied.join(', ') || 'no change needed'})`
          : `not repaired: ${outcome.remaining?.line}:${outcome.remaining?.column} ${outcome.remaining?.message} (tried: ${outcome.applied.join(', ') || 'nothing applicable'})`,
      );
    return outcome.success ? EXIT.ok : EXIT.problems;
  },
});

const release = defineCommand({
  name: 'release',
  summary: 'release a repaired task: its entry moves to resolved/',
  args: TASK_ID,
  options: { force: { type: 'boolean', description: 'release even though the file still does not parse' } },
  examples: ['st3 tasks quarantine release TASK-0123'],
  async run(ctx) {
    const { values } = ctx;
    const { out, ws } = await setup(ctx);
    const entry = await releaseQuarantined(quarantineStore(ws), taskIdOfRef(ctx.args.id), {
      force: values.force === true,
    });
    if (out.json) out.document({ ok: true, entry });
    else out.line(`released ${entry.task_id}`);
    return EXIT.ok;
  },
});

export const quarantine = defineCommand({
  name: 'quarantine',
  summary: 'quarantined task files: list, repair, release',
  subcommands: { list: qlist, repair, release },
  examples: ['st3 tasks quarantine list', 'st3 tasks quarantine repair TASK-0123'],
});
