import type * as Evidence from '@st3/evidence';
import { resolve } from 'node:path';
import type { EvidenceWorkspace } from '@st3/evidence';
import { EXCEPTION_TYPES, LedgerExceptionSchema, QuarantineEntrySchema } from '@st3/schemas';
import { z } from 'zod';
import { plural } from '../results.js';
import { defineTool, READ_ONLY, WRITES } from '../tool.js';
import { DiagnosticSchema, taskIdArg, declares, type OutputOf, type Result } from './common.js';
import { tasksWorkspace } from './tasks.js';

const ledgerPath = (ws: EvidenceWorkspace): string => resolve(ws.root, ws.config.ledger);
const quarantineStore = (ws: EvidenceWorkspace) => ({ root: ws.root, dir: resolve(ws.root, ws.config.quarantine_dir) });
const ExceptionTypeSchema = z.enum(EXCEPTION_TYPES);

/** The task id the ledger and the quarantine are keyed by, from an id or a task file's path (`taskIdOfRef`). */
async function ledgerTaskId(ref: string): Promise<string> {
  const { taskIdOfRef } = await import('@st3/evidence');
  return taskIdOfRef(ref);
}

export const exceptionsAddTool = defineTool({
  name: 'exceptions_add',
  title: 'Record an exception',
  area: 'tasks',
  cli: 'st3 tasks exceptions add',
  description:
    'Record an exception for a task in the exception ledger (idempotent per task and type while unresolved).',
  input: z.object({
    id: taskIdArg,
    type: ExceptionTypeSchema,
    owner: z.string().min(1).optional().describe('who remediates it'),
    deadline: z.string().min(1).optional().describe('YYYY-MM-DD'),
    notes: z.string().optional(),
    parseError: z.string().optional().describe('the parse error, for malformed_yaml'),
    autoRemoveOn: z.enum(['task_completion', 'task_deletion', 'manual']).optional(),
  }),
  output: z.object({ ok: z.literal(true), created: z.boolean(), exception: LedgerExceptionSchema }),
  annotations: WRITES,
  async run(args, { root }) {
    const ws = await tasksWorkspace(root);
    const { addException } = await import('@st3/evidence');
    const result = await addException(ledgerPath(ws), {
      task_id: await ledgerTaskId(args.id),
      exception_type: args.type,
      owner: args.owner,
      deadline: args.deadline ?? null,
      notes: args.notes,
      parse_error: args.parseError ?? null,
      auto_remove_on: args.autoRemoveOn,
    });
    return { ok: true as const, ...result };
  },
  summary: (r) =>
    `${r.created ? 'recorded' : 'already recorded'}: ${r.exception.task_id} ${r.exception.exception_type}`,
});

export const exceptionsListTool = defineTool({
  name: 'exceptions_list',
  title: 'Query the exception ledger',
  area: 'tasks',
  cli: 'st3 tasks exceptions list',
  description: 'Exceptions in the ledger, filtered by task, type and status (unresolved = open or in progress).',
  input: z.object({
    id: taskIdArg.optional(),
    type: ExceptionTypeSchema.optional(),
    status: z.enum(['open', 'in_progress', 'resolved', 'unresolved']).optional(),
  }),
  output: z.object({ ok: z.literal(true), ledger: z.string(), exceptions: z.array(LedgerExceptionSchema) }),
  annotations: READ_ONLY,
  async run(args, { root }) {
    const ws = await tasksWorkspace(root);
    const { queryExceptions, readLedger } = await import('@st3/evidence');
    const ledger = await readLedger(ledgerPath(ws));
    const exceptions = queryExceptions(ledger, {
      task_id: args.id === undefined ? undefined : await ledgerTaskId(args.id),
      exception_type: args.type,
      status: args.status,
    });
    return { ok: true as const, ledger: ws.config.ledger, exceptions };
  },
  summary: (r) => `${plural(r.exceptions.length, 'exception')} in ${r.ledger}`,
});

export const exceptionsResolveTool = defineTool({
  name: 'exceptions_resolve',
  title: 'Resolve exceptions',
  area: 'tasks',
  cli: 'st3 tasks exceptions resolve',
  description: "Mark a task's unresolved exceptions (of one type, or all) resolved, with notes.",
  input: z.object({ id: taskIdArg, notes: z.string().min(1), type: ExceptionTypeSchema.optional() }),
  output: z.object({ ok: z.literal(true), resolved: z.array(LedgerExceptionSchema) }),
  annotations: WRITES,
  async run(args, { root }) {
    const ws = await tasksWorkspace(root);
    const { resolveException } = await import('@st3/evidence');
    return {
      ok: true as const,
      resolved: await resolveException(ledgerPath(ws), await ledgerTaskId(args.id), args.notes, args.type),
    };
  },
  summary: (r) => `resolved ${plural(r.resolved.length, 'exception')}`,
});

export const exceptionsCleanupTool = defineTool({
  name: 'exceptions_cleanup',
  title: 'Clean up the exception ledger',
  area: 'tasks',
  cli: 'st3 tasks exceptions cleanup',
  description:
    "Remove exceptions whose task was completed or deleted, as each one's auto_remove_on says. No task file found is E_TASK_NO_FILES; an exception whose task file could not be checked is kept (isError).",
  input: z.object({}),
  output: z.object({
    ok: z.boolean(),
    removed: z.array(LedgerExceptionSchema),
    not_checked: z
      .array(z.object({ task_id: z.string(), exception_type: z.string(), reason: z.string() }))
      .describe('exceptions kept because their task file could not be checked'),
  }),
  annotations: { ...WRITES, destructiveHint: true },
  async run(_args, { root }) {
    const ws = await tasksWorkspace(root);
    const { cleanupTaskExceptions } = await import('@st3/evidence');
    const { removed, notChecked } = await cleanupTaskExceptions(ws);
    return { ok: notChecked.length === 0, removed, not_checked: notChecked };
  },
  summary: (r) =>
    `removed ${plural(r.removed.length, 'exception')}${r.not_checked.length > 0 ? `; ${r.not_checked.length} kept, not checked` : ''}`,
  failed: (r) => !r.ok,
});

export const quarantineListTool = defineTool({
  name: 'quarantine_list',
  title: 'List quarantined tasks',
  area: 'tasks',
  cli: 'st3 tasks quarantine list',
  description: 'Task files quarantined because they do not parse, with the error and every repair attempt.',
  input: z.object({}),
  output: z.object({ ok: z.literal(true), dir: z.string(), entries: z.array(QuarantineEntrySchema) }),
  annotations: READ_ONLY,
  async run(_args, { root }) {
    const ws = await tasksWorkspace(root);
    const { listQuarantined } = await import('@st3/evidence');
    const entries = await listQuarantined(quarantineStore(ws));
    return { ok: true as const, dir: ws.config.quarantine_dir, entries };
  },
  summary: (r) =>
    `${plural(r.entries.length, 'quarantined task')}${r.entries.length > 0 ? `: ${r.entries.map((e) => `${e.task_id} ${e.status}`).join(', ')}` : ''}`,
});

export const quarantineRepairTool = defineTool({
  name: 'quarantine_repair',
  title: 'Repair a quarantined task',
  area: 'tasks',
  cli: 'st3 tasks quarantine repair',
  description:
    'Try the bounded auto-repairs on a quarantined task file (tabs, trailing whitespace, final newline, CRLF, BOM, backtick scalars); every attempt is logged. isError when the file still does not parse.',
  input: z.object({
    id: taskIdArg,
    dryRun: z.boolean().default(false).describe('try the repair without writing the file'),
  }),
  output: z.object({
    ok: z.boolean(),
    applied: z.array(z.string()),
    remaining: DiagnosticSchema.nullable(),
    entry: QuarantineEntrySchema,
  }),
  annotations: WRITES,
  async run(args, { root }) {
    const ws = await tasksWorkspace(root);
    const { repairQuarantined } = await import('@st3/evidence');
    const outcome = await repairQuarantined(quarantineStore(ws), await ledgerTaskId(args.id), { dryRun: args.dryRun });
    return {
      ok: outcome.success,
      applied: outcome.applied,
      remaining: outcome.remaining ?? null,
      entry: outcome.entry,
    };
  },
  summary: (r) =>
    r.ok
      ? `repaired (${r.applied.join(', ') || 'no change needed'})`
      : `not repaired: ${r.remaining?.line ?? '?'}:${r.remaining?.column ?? '?'} ${r.remaining?.message ?? ''}`,
  failed: (r) => !r.ok,
});

export const quarantineReleaseTool = defineTool({
  name: 'quarantine_release',
  title: 'Release a quarantined task',
  area: 'tasks',
  cli: 'st3 tasks quarantine release',
  description:
    'Release a repaired task: its entry moves to resolved/. force releases a file that still does not parse.',
  input: z.object({ id: taskIdArg, force: z.boolean().default(false) }),
  output: z.object({ ok: z.literal(true), entry: QuarantineEntrySchema }),
  annotations: WRITES,
  async run(args, { root }) {
    const ws = await tasksWorkspace(root);
    const { releaseQuarantined } = await import('@st3/evidence');
    return {
      ok: true as const,
      entry: await releaseQuarantined(quarantineStore(ws), await ledgerTaskId(args.id), { force: args.force }),
    };
  },
  summary: (r) => `released ${r.entry.task_id}`,
});

// These results carry library objects whole, and the server refuses a field the output schema lacks
// (E_INTERNAL): tsc checks that the hand-written schemas declare every field the library returns.
declares<OutputOf<typeof exceptionsAddTool>, Result<typeof Evidence.addException>>(true);
declares<
  OutputOf<typeof exceptionsCleanupTool>['not_checked'],
  Result<typeof Evidence.cleanupTaskExceptions>['notChecked']
>(true);
