import { relative, resolve, sep } from 'node:path';
import type { EvidenceWorkspace, TaskVerdict } from '@st3/evidence';
import { TaskContextSchema } from '@st3/schemas';
import { z } from 'zod';
import { resolveInside } from '../paths.js';
import { plural } from '../results.js';
import { defineTool, READ_ONLY, WRITES } from '../tool.js';
import { DiagnosticSchema, taskIdArg } from './common.js';

/** The tasks configuration of the workspace (`loadTasksConfig`), as every `st3 tasks` verb loads it. */
export async function tasksWorkspace(root: string): Promise<EvidenceWorkspace> {
  const { loadTasksConfig } = await import('@st3/evidence');
  return loadTasksConfig(root);
}

const LocationSchema = z.object({ id: z.string(), path: z.string(), file: z.string(), folder: z.string() });
const TaskDocumentSchema = z.record(z.string(), z.unknown());

export const taskListTool = defineTool({
  name: 'task_list',
  title: 'List tasks',
  area: 'tasks',
  cli: 'st3 tasks list',
  description:
    'The task files in the configured task folders, with id, title, status, priority and whether each is valid.',
  input: z.object({
    status: z
      .string()
      .min(1)
      .optional()
      .describe('only tasks with this status (draft, todo, in_progress, blocked, completed)'),
  }),
  output: z.object({
    ok: z.literal(true),
    task_dirs: z.array(z.string()),
    tasks: z.array(
      LocationSchema.extend({
        title: z.string().optional(),
        status: z.string().optional(),
        priority: z.string().optional(),
        schemaVersion: z.string().optional(),
        ok: z.boolean(),
        errors: z.number(),
        warnings: z.number(),
      }),
    ),
  }),
  annotations: READ_ONLY,
  async run(args, { root }) {
    const ws = await tasksWorkspace(root);
    const { listTasks } = await import('@st3/evidence');
    const { tasks } = await listTasks(ws.root, ws.config.task_dirs);
    return {
      ok: true as const,
      task_dirs: ws.config.task_dirs,
      tasks: args.status ? tasks.filter((t) => t.status === args.status) : tasks,
    };
  },
  summary: (r) =>
    `${plural(r.tasks.length, 'task')}${
      r.tasks.length > 0
        ? `: ${r.tasks
            .slice(0, 8)
            .map((t) => `${t.id} ${t.status ?? '?'}`)
            .join(', ')}${r.tasks.length > 8 ? ', …' : ''}`
        : ''
    }`,
});

export const taskShowTool = defineTool({
  name: 'task_show',
  title: 'Show a task',
  area: 'tasks',
  cli: 'st3 tasks show',
  description:
    'One task file found by id (e.g. TASK-0123) in the configured task folders, parsed, with its validation verdict. isError when it is invalid.',
  input: z.object({ id: z.string().min(1).describe('task id or task file name') }),
  output: z.object({
    ok: z.boolean(),
    location: LocationSchema,
    task: TaskDocumentSchema.nullable(),
    errors: z.array(DiagnosticSchema),
    warnings: z.array(DiagnosticSchema),
  }),
  annotations: READ_ONLY,
  async run(args, { root }) {
    const ws = await tasksWorkspace(root);
    const { findTask, validateTaskFile } = await import('@st3/evidence');
    const location = await findTask(ws.root, ws.config.task_dirs, args.id);
    resolveInside(root, location.path);
    const verdict = await validateTaskFile(location.path, location.file);
    return { ok: verdict.ok, location, task: verdict.task ?? null, errors: verdict.errors, warnings: verdict.warnings };
  },
  summary: (r) =>
    `${r.location.id} ${String(r.task?.title ?? '')} (status ${String(r.task?.status ?? '?')}): ${r.ok ? 'valid' : plural(r.errors.length, 'error')}`,
  failed: (r) => !r.ok,
});

/**
 * `st3 tasks validate --quarantine`: each file that does not parse gets a quarantine entry
 * (`quarantineTask`) and a malformed_yaml exception in the ledger (`addException`).
 */
async function quarantineBroken(ws: EvidenceWorkspace, verdicts: TaskVerdict[]): Promise<string[]> {
  const { addException, quarantineTask } = await import('@st3/evidence');
  const done: string[] = [];
  for (const v of verdicts) {
    if (!v.parseFailed || !v.id) continue;
    const first = v.errors[0]!;
    await quarantineTask({ root: ws.root, dir: resolve(ws.root, ws.config.quarantine_dir) }, v.id, v.file, first);
    await addException(resolve(ws.root, ws.config.ledger), {
      task_id: v.id,
      exception_type: 'malformed_yaml',
      parse_error: `${first.line ?? '?'}:${first.column ?? '?'} ${first.message}`,
      notes: 'found by the task_validate tool (quarantine)',
    });
    done.push(v.id);
  }
  return done;
}

export const taskValidateTool = defineTool({
  name: 'task_validate',
  title: 'Validate task files',
  area: 'tasks',
  cli: 'st3 tasks validate',
  description:
    'Check task files: YAML with line:column, shape (schema 1.0 and 1.1) and completeness (E001). Without paths, every task in the configured folders. With quarantine, each file that does not parse is quarantined and recorded in the exception ledger (malformed_yaml), as `st3 tasks validate --quarantine`. isError when any file has errors.',
  input: z.object({
    paths: z.array(z.string().min(1)).optional().describe('task files (default: every task in the configured folders)'),
    quarantine: z
      .boolean()
      .default(false)
      .describe('quarantine the files that do not parse and record them in the exception ledger'),
  }),
  output: z.object({
    ok: z.boolean(),
    checked: z.number(),
    failed: z.number(),
    quarantined: z.array(z.string()).describe('ids of the task files quarantined by this call'),
    files: z.array(
      z.object({
        file: z.string(),
        id: z.string().nullable(),
        ok: z.boolean(),
        parse_failed: z.boolean(),
        schema_version: z.string().nullable(),
        errors: z.array(DiagnosticSchema),
        warnings: z.array(DiagnosticSchema),
      }),
    ),
  }),
  annotations: WRITES,
  async run(args, { root }) {
    const ws = await tasksWorkspace(root);
    const { listTasks, noTaskFiles, taskVerdictJson, validateTaskFile } = await import('@st3/evidence');
    const verdicts =
      args.paths && args.paths.length > 0
        ? await Promise.all(
            args.paths.map((p) => {
              const abs = resolveInside(root, p);
              return validateTaskFile(abs, relative(root, abs).split(sep).join('/'));
            }),
          )
        : (await listTasks(ws.root, ws.config.task_dirs)).verdicts;
    // Checking nothing establishes nothing (as `st3 tasks validate`): an error, never an empty pass.
    if (verdicts.length === 0) throw noTaskFiles(ws.root, ws.config.task_dirs, args.paths ?? []);
    const quarantined = args.quarantine ? await quarantineBroken(ws, verdicts) : [];
    const failed = verdicts.filter((v) => !v.ok).length;
    return {
      ok: failed === 0,
      checked: verdicts.length,
      failed,
      quarantined,
      files: verdicts.map(taskVerdictJson),
    };
  },
  summary: (r) => {
    const bad = r.files.filter((f) => !f.ok).map((f) => f.id ?? f.file);
    return `${r.checked} task file(s) checked: ${r.checked - r.failed} ok, ${r.failed} with errors${bad.length > 0 ? ` (${bad.join(', ')})` : ''}${r.quarantined.length > 0 ? `; quarantined ${r.quarantined.join(', ')}` : ''}`;
  },
  failed: (r) => !r.ok,
});

export const taskInitContextTool = defineTool({
  name: 'task_init_context',
  title: 'Create a task context',
  area: 'tasks',
  cli: 'st3 tasks context init',
  description:
    "Create the task's context under .st3/tasks/<id>/: completeness check (E001), immutable snapshot with SHA-256, cited standards excerpts, checklists and validation commands.",
  input: z.object({ id: z.string().min(1).describe('task id or task file') }),
  output: z.object({
    ok: z.literal(true),
    dir: z.string(),
    context: TaskContextSchema,
    warnings: z.array(z.object({ code: z.string(), message: z.string() })),
  }),
  annotations: WRITES,
  async run(args, { root }) {
    const ws = await tasksWorkspace(root);
    const { initContext } = await import('@st3/evidence');
    const result = await initContext(ws, args.id, { tool: '@st3/mcp-server' });
    return { ok: true as const, dir: result.dir, context: result.context, warnings: result.warnings };
  },
  summary: (r) =>
    `context of ${r.context.manifest.task_id} created in ${r.dir} (${plural(r.context.standards.length, 'standards excerpt')}, ${plural(r.context.validation_commands.length, 'validation command')})`,
});

export const taskContextShowTool = defineTool({
  name: 'task_context_show',
  title: 'Show a task context',
  area: 'tasks',
  cli: 'st3 tasks context show',
  description:
    'A task context (manifest, immutable snapshot, evidence, standards, validation runs, worktree snapshot) and whether the snapshot is intact.',
  input: z.object({ id: taskIdArg }),
  output: z.object({ ok: z.literal(true), snapshot_intact: z.boolean(), context: TaskContextSchema }),
  annotations: READ_ONLY,
  async run(args, { root }) {
    const ws = await tasksWorkspace(root);
    const { readContext, verifySnapshot } = await import('@st3/evidence');
    const context = await readContext(ws, args.id.toUpperCase());
    return { ok: true as const, snapshot_intact: await verifySnapshot(ws, context), context };
  },
  summary: ({ context: c, snapshot_intact }) =>
    `${c.manifest.task_id}: ${c.immutable.title} (snapshot ${snapshot_intact ? 'intact' : 'CHANGED'}; ${plural(c.evidence.length, 'evidence item')}, ${plural(c.standards.length, 'standard')}, ${plural(c.validation_runs.length, 'validation run')})`,
});

export const taskContextDiffTool = defineTool({
  name: 'task_context_diff',
  title: 'Task change since its context',
  area: 'tasks',
  cli: 'st3 tasks context diff',
  description:
    'How a task changed since `context init`: the unified diff of its task file (snapshot to now, following a move to the completed folder) and the immutable fields (title, acceptance criteria, plan, scope, deliverables) whose value changed. isError when the task file or the immutable section changed.',
  input: z.object({ id: taskIdArg }),
  output: z.object({
    task_id: z.string(),
    task_file: z.string().nullable(),
    moved_from: z.string().optional(),
    snapshot_intact: z.boolean(),
    task_file_changed: z.boolean(),
    snapshot_sha256: z.string(),
    current_sha256: z.string().nullable(),
    patch: z.string(),
    immutable: z.array(
      z.object({
        field: z.enum(['title', 'acceptance_criteria', 'plan', 'scope', 'deliverables']),
        before: z.unknown(),
        after: z.unknown(),
      }),
    ),
    errors: z.array(DiagnosticSchema),
  }),
  annotations: READ_ONLY,
  async run(args, { root }) {
    const ws = await tasksWorkspace(root);
    const { diffContext } = await import('@st3/evidence');
    return diffContext(ws, args.id.toUpperCase());
  },
  summary: (r) =>
    r.task_file === null
      ? `${r.task_id}: the task file is gone`
      : !r.task_file_changed
        ? `${r.task_id}: unchanged since the context was created${r.snapshot_intact ? '' : ' (but the stored snapshot was altered)'}`
        : `${r.task_id}: ${r.task_file} changed since the context was created${r.immutable.length > 0 ? `; immutable fields changed: ${r.immutable.map((f) => f.field).join(', ')}` : ''}`,
  failed: (r) => r.task_file_changed || !r.snapshot_intact || r.task_file === null,
});
