import { resolve } from 'node:path';
import { defineCommand, dispatchSubcommand, EXIT } from '@st3/cli-kit';
import {
  addException,
  cleanupExceptions,
  listTaskFiles,
  queryExceptions,
  readLedger,
  readQuarantineEntry,
  readQuarantineIndex,
  releaseQuarantined,
  repairQuarantined,
  resolveException,
  validateTaskFile,
  type EvidenceWorkspace,
  type ExceptionType,
} from '@st3/evidence';
import { EXCEPTION_TYPES, St3Error } from '@st3/schemas';
import { needArg, setup } from './common.js';

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

const ADD_USAGE =
  'st3 tasks exceptions add <id> --type T [--owner O] [--deadline YYYY-MM-DD] [--notes N] [--parse-error E] [--json]';
const add = defineCommand({
  name: 'add',
  summary: 'record an exception for a task (idempotent per task and type)',
  usage: ADD_USAGE,
  options: [
    `--type T   ${EXCEPTION_TYPES.join(', ')}`,
    '--owner O  who remediates it',
    '--deadline D  when it should be fixed',
    '--notes N  free text',
    '--auto-remove-on W  task_completion, task_deletion or manual',
  ],
  examples: ['st3 tasks exceptions add TASK-0123 --type incomplete_task --owner alice --deadline 2026-12-01'],
  async run(argv, io) {
    const { positionals, values, out, ws } = await setup(
      argv,
      io,
      {
        type: { type: 'string' },
        owner: { type: 'string' },
        deadline: { type: 'string' },
        notes: { type: 'string' },
        'parse-error': { type: 'string' },
        'auto-remove-on': { type: 'string' },
      },
      ADD_USAGE,
    );
    const autoRemove = values['auto-remove-on'];
    if (autoRemove !== undefined && !['task_completion', 'task_deletion', 'manual'].includes(autoRemove))
      throw new St3Error('E_USAGE', `--auto-remove-on must be task_completion, task_deletion or manual`);
    const result = await addException(ledgerPath(ws), {
      task_id: needArg(positionals[0], 'task id', ADD_USAGE).toUpperCase(),
      exception_type: exceptionType(needArg(values.type, '--type', ADD_USAGE))!,
      owner: values.owner,
      deadline: values.deadline ?? null,
      notes: values.notes,
      parse_error: values['parse-error'] ?? null,
      auto_remove_on: autoRemove as 'task_completion' | 'task_deletion' | 'manual' | undefined,
    });
    if (out.json) out.document({ ok: true, created: result.created, exception: result.exception });
    else
      out.line(
        `${result.created ? 'recorded' : 'already recorded'}: ${result.exception.task_id} ${result.exception.exception_type}`,
      );
    return EXIT.ok;
  },
});

const LIST_USAGE =
  'st3 tasks exceptions list [--task ID] [--type T] [--status open|in_progress|resolved|unresolved] [--json]';
const list = defineCommand({
  name: 'list',
  summary: 'query the exception ledger',
  usage: LIST_USAGE,
  examples: ['st3 tasks exceptions list', 'st3 tasks exceptions list --status unresolved --json'],
  async run(argv, io) {
    const { values, out, ws } = await setup(
      argv,
      io,
      { task: { type: 'string' }, type: { type: 'string' }, status: { type: 'string' } },
      LIST_USAGE,
    );
    const ledger = await readLedger(ledgerPath(ws));
    const status = values.status as 'open' | 'in_progress' | 'resolved' | 'unresolved' | undefined;
    const hits = queryExceptions(ledger, {
      task_id: values.task?.toUpperCase(),
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

const RESOLVE_USAGE = 'st3 tasks exceptions resolve <id> --notes N [--type T] [--json]';
const resolveCmd = defineCommand({
  name: 'resolve',
  summary: "mark a task's open exceptions resolved, with notes",
  usage: RESOLVE_USAGE,
  examples: ['st3 tasks exceptions resolve TASK-0123 --notes "fixed the YAML indentation"'],
  async run(argv, io) {
    const { positionals, values, out, ws } = await setup(
      argv,
      io,
      { notes: { type: 'string' }, type: { type: 'string' } },
      RESOLVE_USAGE,
    );
    const resolved = await resolveException(
      ledgerPath(ws),
      needArg(positionals[0], 'task id', RESOLVE_USAGE).toUpperCase(),
      needArg(values.notes, '--notes', RESOLVE_USAGE),
      exceptionType(values.type),
    );
    if (out.json) out.document({ ok: true, resolved });
    else out.line(`resolved ${resolved.length} exception(s)`);
    return EXIT.ok;
  },
});

const CLEANUP_USAGE = 'st3 tasks exceptions cleanup [--json]';
const cleanup = defineCommand({
  name: 'cleanup',
  summary: 'remove exceptions whose task was completed or deleted (per auto_remove_on)',
  usage: CLEANUP_USAGE,
  examples: ['st3 tasks exceptions cleanup --json'],
  async run(argv, io) {
    const { out, ws } = await setup(argv, io, {}, CLEANUP_USAGE);
    const files = await listTaskFiles(ws.root, ws.config.task_dirs);
    const states = new Map<string, 'completed' | 'active'>();
    for (const f of files) {
      const v = await validateTaskFile(f.path, f.file);
      states.set(f.id, v.status === 'completed' ? 'completed' : (states.get(f.id) ?? 'active'));
    }
    const removed = await cleanupExceptions(ledgerPath(ws), (id) => states.get(id) ?? 'deleted');
    if (out.json) out.document({ ok: true, removed });
    else out.line(`removed ${removed.length} exception(s)`);
    return EXIT.ok;
  },
});

export const exceptions = defineCommand({
  name: 'exceptions',
  summary: 'exception ledger: add, list, resolve, cleanup',
  usage: 'st3 tasks exceptions add|list|resolve|cleanup ...',
  examples: ['st3 tasks exceptions list --json'],
  run: (argv, io) => dispatchSubcommand(exceptions, { add, list, resolve: resolveCmd, cleanup }, argv, io),
});

const QLIST_USAGE = 'st3 tasks quarantine list [--json]';
const qlist = defineCommand({
  name: 'list',
  summary: 'list quarantined task files',
  usage: QLIST_USAGE,
  examples: ['st3 tasks quarantine list --json'],
  async run(argv, io) {
    const { out, ws } = await setup(argv, io, {}, QLIST_USAGE);
    const store = quarantineStore(ws);
    const index = await readQuarantineIndex(store);
    const entries = await Promise.all(index.entries.map((e) => readQuarantineEntry(store, e.task_id)));
    if (out.json) out.document({ ok: true, dir: ws.config.quarantine_dir, entries });
    else
      for (const e of entries)
        out.line(
          `${e.task_id.padEnd(10)} ${e.status.padEnd(11)} ${e.original_path}  ${e.error_details.line ?? '?'}:${e.error_details.column ?? '?'} ${e.error_details.message}`,
        );
    return EXIT.ok;
  },
});

const REPAIR_USAGE = 'st3 tasks quarantine repair <id> [--dry-run] [--json]';
const repair = defineCommand({
  name: 'repair',
  summary:
    'try the bounded auto-repairs (tabs, trailing whitespace, final newline, CRLF, BOM, backtick scalars); every attempt is logged',
  usage: REPAIR_USAGE,
  options: ['--dry-run   try the repair without writing the file'],
  examples: ['st3 tasks quarantine repair TASK-0123', 'st3 tasks quarantine repair TASK-0123 --dry-run --json'],
  async run(argv, io) {
    const { positionals, values, out, ws } = await setup(argv, io, { 'dry-run': { type: 'boolean' } }, REPAIR_USAGE);
    const outcome = await repairQuarantined(
      quarantineStore(ws),
      needArg(positionals[0], 'task id', REPAIR_USAGE).toUpperCase(),
      { dryRun: values['dry-run'] === true },
    );
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

const RELEASE_USAGE = 'st3 tasks quarantine release <id> [--force] [--json]';
const release = defineCommand({
  name: 'release',
  summary: 'release a repaired task: its entry moves to resolved/',
  usage: RELEASE_USAGE,
  options: ['--force   release even though the file still does not parse'],
  examples: ['st3 tasks quarantine release TASK-0123'],
  async run(argv, io) {
    const { positionals, values, out, ws } = await setup(argv, io, { force: { type: 'boolean' } }, RELEASE_USAGE);
    const entry = await releaseQuarantined(
      quarantineStore(ws),
      needArg(positionals[0], 'task id', RELEASE_USAGE).toUpperCase(),
      { force: values.force === true },
    );
    if (out.json) out.document({ ok: true, entry });
    else out.line(`released ${entry.task_id}`);
    return EXIT.ok;
  },
});

export const quarantine = defineCommand({
  name: 'quarantine',
  summary: 'quarantined task files: list, repair, release',
  usage: 'st3 tasks quarantine list|repair|release ...',
  examples: ['st3 tasks quarantine list', 'st3 tasks quarantine repair TASK-0123'],
  run: (argv, io) => dispatchSubcommand(quarantine, { list: qlist, repair, release }, argv, io),
});
