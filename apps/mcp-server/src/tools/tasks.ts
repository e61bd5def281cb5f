import type * as Evidence from '@st3/evidence';
import type { EvidenceWorkspace } from '@st3/evidence';
import { TaskContextSchema, type TelemetryHandle } from '@st3/schemas';
import type { TelemetryCollector } from '@st3/telemetry';
import { z } from 'zod';
import { resolveInside, shownPath } from '../paths.js';
import { plural } from '../results.js';
import { defineTool, READ_ONLY, WRITES } from '../tool.js';
import {
  agentArg,
  agentOf,
  DiagnosticSchema,
  DIRTY_TREE_HINT,
  taskIdArg,
  declares,
  withToolHint,
  type OutputOf,
  type Result,
} from './common.js';

/** The tasks configuration of the workspace (`loadTasksConfig`), as every `st3 tasks` verb loads it. */
export async function tasksWorkspace(root: string): Promise<EvidenceWorkspace> {
  const { loadTasksConfig } = await import('@st3/evidence');
  return loadTasksConfig(root);
}

/**
 * The workspace and the id of the task a tool acts on, from an id or the path of its task file, as every
 * `st3 tasks` verb resolves it (`resolveTaskRef`: an id two task files carry is E_TASK_AMBIGUOUS).
 */
export async function taskOf(root: string, ref: string): Promise<{ ws: EvidenceWorkspace; id: string }> {
  const ws = await tasksWorkspace(root);
  const { resolveTaskRef } = await import('@st3/evidence');
  return { ws, id: (await resolveTaskRef(ws, ref)).id };
}

/**
 * Records a tool's reads, cache hits, commands and warnings in the task's telemetry, as the `st3 tasks`
 * verb does (`taskTelemetry` of @st3/evidence: the agent, else ST3_AGENT, else st3-tasks; nothing
 * without a context). A telemetry file that cannot be written does not fail the tool (the CLI warns).
 */
export async function taskTelemetryOf(
  ws: EvidenceWorkspace,
  taskId: string,
  agent: string | undefined,
  fn: (collector: TelemetryCollector) => void,
): Promise<void> {
  const [{ taskTelemetry }, { recordTelemetry }] = await Promise.all([
    import('@st3/evidence'),
    import('@st3/telemetry'),
  ]);
  await taskTelemetry(ws, taskId, { agent, env: process.env, record: recordTelemetry }, fn);
}

/** A telemetry handle that keeps the files a library call reads, for the task's telemetry. */
export function readsHandle(): { telemetry: TelemetryHandle; reads: [string, number][] } {
  const reads: [string, number][] = [];
  const telemetry: TelemetryHandle = {
    count: () => undefined,
    observe: () => undefined,
    fileRead: (p, n) => void reads.push([p, n]),
  };
  return { telemetry, reads };
}

const LocationSchema = z.object({ id: z.string(), path: z.string(), file: z.string(), folder: z.string() });
const TaskDocumentSchema = z.record(z.string(), z.unknown());
const DuplicatesSchema = z.array(z.object({ id: z.string(), files: z.array(z.string()) }));
const SkippedSchema = z.array(z.object({ file: z.string(), code: z.string(), reason: z.string(), hint: z.string() }));

export const taskListTool = defineTool({
  name: 'task_list',
  title: 'List tasks',
  area: 'tasks',
  cli: 'st3 tasks list',
  description:
    'The task files in the configured task folders, with id, title, status, priority and whether each is valid; an id carried by more than one file is in `duplicates`, and a task file the list leaves out (no task id in its name) or could not read is in `skipped`, as `st3 tasks list --json` reports them.',
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
    duplicates: DuplicatesSchema,
    skipped: SkippedSchema.describe(
      'task files left out of the list: no task id in the name (W_TASK_FILE_NAME), or one that could not be read',
    ),
  }),
  annotations: READ_ONLY,
  async run(args, { root }) {
    const ws = await tasksWorkspace(root);
    const { listTasks } = await import('@st3/evidence');
    // The document of `st3 tasks list --json`: its duplicates and skipped files are said, never dropped.
    const { tasks, duplicates, skipped } = await listTasks(ws.root, ws.config.task_dirs);
    return {
      ok: true as const,
      task_dirs: ws.config.task_dirs,
      tasks: args.status ? tasks.filter((t) => t.status === args.status) : tasks,
      duplicates,
      skipped,
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
    }${r.duplicates.length > 0 ? `; ${plural(r.duplicates.length, 'id')} used by more than one file (${r.duplicates.map((d) => d.id).join(', ')})` : ''}${
      r.skipped.length > 0 ? `; ${r.skipped.length} not listed (${r.skipped.map((f) => f.file).join(', ')})` : ''
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

export const taskValidateTool = defineTool({
  name: 'task_validate',
  title: 'Validate task files',
  area: 'tasks',
  cli: 'st3 tasks validate',
  description:
    'Check task files: YAML with line:column, shape (schema 1.0 and 1.1) and completeness (E001). Without paths, every task in the configured folders. With quarantine, each file that does not parse is quarantined and recorded in the exception ledger (malformed_yaml), as `st3 tasks validate --quarantine`. isError when any file has errors.',
  input: z.object({
    paths: z
      .array(z.string().min(1))
      .optional()
      .describe('task files or folders (default: every task in the configured folders)'),
    quarantine: z
      .boolean()
      .default(false)
      .describe('quarantine the files that do not parse and record them in the exception ledger'),
  }),
  output: z.object({
    ok: z.boolean(),
    checked: z.number(),
    failed: z.number(),
    duplicates: DuplicatesSchema,
    quarantined: z.array(z.string()).describe('ids of the task files quarantined by this call'),
    not_quarantined: z
      .array(z.string())
      .describe(
        'task files that do not parse and were not quarantined: no task id in their name or content, or the id is quarantined for another file',
      ),
    suppressed_warnings: z.number().describe('repeated warnings of tasks with an open exception, hidden'),
    skipped: SkippedSchema.describe(
      'task files that could not be checked (a dangling symlink, one leading out): they fail the run',
    ),
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
    const { taskVerdictJson, validateTasks } = await import('@st3/evidence');
    for (const p of args.paths ?? []) resolveInside(root, p);
    // The run of `st3 tasks validate` (validateTasks): E_FILE_NOT_FOUND, E_TASK_NO_FILES, duplicates, suppression.
    const r = await validateTasks(ws, {
      inputs: args.paths ?? [],
      base: ws.root,
      quarantine: args.quarantine,
      by: 'the task_validate tool (quarantine)',
    });
    return {
      ok: r.ok,
      checked: r.checked,
      failed: r.failed,
      duplicates: r.duplicates,
      quarantined: r.quarantined,
      not_quarantined: r.notQuarantined,
      suppressed_warnings: r.suppressed_warnings,
      skipped: r.skipped,
      files: r.verdicts.map(taskVerdictJson),
    };
  },
  summary: (r) => {
    // A file that could not be checked (skipped) fails the run: named apart, as `st3 tasks validate` does.
    const notChecked = new Set(r.skipped.map((s) => s.file));
    const bad = r.files.filter((f) => !f.ok && !notChecked.has(f.file)).map((f) => f.id ?? f.file);
    const skipped =
      r.skipped.length > 0
        ? `; ${r.skipped.length} not checked (${r.skipped.map((s) => `${s.file}: ${s.code}`).join(', ')})`
        : '';
    return `${r.checked} task file(s) checked: ${r.checked - r.failed} ok, ${r.failed} with errors${bad.length > 0 ? ` (${bad.join(', ')})` : ''}${skipped}${r.quarantined.length > 0 ? `; quarantined ${r.quarantined.join(', ')}` : ''}${r.not_quarantined.length > 0 ? `; NOT quarantined: ${r.not_quarantined.join(', ')}` : ''}`;
  },
  failed: (r) => !r.ok,
});

export const taskInitContextTool = defineTool({
  name: 'task_init_context',
  title: 'Create a task context',
  area: 'tasks',
  cli: 'st3 tasks context init',
  description:
    "Create the task's context under .st3/tasks/<id>/: completeness check (E001), immutable snapshot with SHA-256, cited standards excerpts, checklists, validation commands and a worktree snapshot naming the agent, as `st3 tasks context init`. A dirty work tree is E_DIRTY_TREE (nothing written) unless allowPreexistingDirty records the changes.",
  input: z.object({
    id: z.string().min(1).describe('task id or task file'),
    allowPreexistingDirty: z
      .boolean()
      .default(false)
      .describe('accept uncommitted changes and record them in the worktree snapshot (else E_DIRTY_TREE)'),
    agent: agentArg,
  }),
  output: z.object({
    ok: z.literal(true),
    dir: z.string().describe("the task's context folder, workspace-relative"),
    context: TaskContextSchema,
    warnings: z.array(z.object({ code: z.string(), message: z.string() })),
  }),
  annotations: WRITES,
  async run(args, { root }) {
    const ws = await tasksWorkspace(root);
    const { initContext } = await import('@st3/evidence');
    const agent = agentOf(args.agent);
    const { telemetry, reads } = readsHandle();
    // The options of `st3 tasks context init`: a dirty tree is refused unless allowPreexistingDirty.
    const result = await withToolHint('E_DIRTY_TREE', DIRTY_TREE_HINT, () =>
      initContext(ws, args.id, {
        tool: '@st3/mcp-server',
        worktree: args.allowPreexistingDirty ? 'record' : 'require-clean',
        ...(agent ? { agent } : {}),
        env: process.env,
        telemetry,
      }),
    );
    await taskTelemetryOf(ws, result.context.manifest.task_id, agent, (t) => {
      for (const [p, n] of reads) t.fileRead(p, n);
      for (const w of result.warnings) t.warn('warning', `${w.code}: ${w.message}`);
    });
    return { ok: true as const, dir: shownPath(root, result.dir), context: result.context, warnings: result.warnings };
  },
  summary: (r) =>
    `context of ${r.context.manifest.task_id} created in ${r.dir} (${plural(r.context.standards.length, 'standards excerpt')}, ${plural(r.context.validation_commands.length, 'validation command')})`,
});

/** `taskFileDrift`: the task file now against the snapshot taken at `context init`. */
const TaskFileDriftSchema = z.object({
  task_id: z.string(),
  task_file: z.string().nullable(),
  moved_from: z.string().optional(),
  snapshot_intact: z.boolean(),
  task_file_changed: z.boolean(),
  snapshot_sha256: z.string(),
  current_sha256: z.string().nullable(),
});

export const taskContextShowTool = defineTool({
  name: 'task_context_show',
  title: 'Show a task context',
  area: 'tasks',
  cli: 'st3 tasks context show',
  description:
    'A task context (manifest, immutable snapshot, evidence, standards, validation runs, worktree snapshot) and whether the snapshot is intact.',
  input: z.object({ id: taskIdArg, agent: agentArg }),
  output: z.object({
    ok: z.literal(true),
    snapshot_intact: z.boolean(),
    task_file: TaskFileDriftSchema,
    context: TaskContextSchema,
  }),
  annotations: READ_ONLY,
  async run(args, { root }) {
    const { ws, id } = await taskOf(root, args.id);
    const { contextCachedBytes, readContext, taskFileDrift } = await import('@st3/evidence');
    const context = await readContext(ws, id);
    // As `st3 tasks context show`: the task file itself is read (E_FILE_READ when it cannot be), not only the stored copy.
    const drift = await taskFileDrift(ws, context);
    // What the context served instead of the files it was made from (as `st3 tasks context show`).
    const served = await contextCachedBytes(ws, context);
    await taskTelemetryOf(ws, id, agentOf(args.agent), (t) => t.cacheHit(served, 'task_context'));
    return { ok: true as const, snapshot_intact: drift.snapshot_intact, task_file: drift, context };
  },
  summary: ({ context: c, snapshot_intact, task_file: drift }) =>
    `${c.manifest.task_id}: ${c.immutable.title} (snapshot ${snapshot_intact ? 'intact' : 'CHANGED'}; task file ${drift.task_file === null ? 'NOT FOUND' : drift.task_file_changed ? 'CHANGED since the snapshot' : 'unchanged'}; ${plural(c.evidence.length, 'evidence item')}, ${plural(c.standards.length, 'standard')}, ${plural(c.validation_runs.length, 'validation run')})`,
});

export const taskContextDiffTool = defineTool({
  name: 'task_context_diff',
  title: 'Task change since its context',
  area: 'tasks',
  cli: 'st3 tasks context diff',
  description:
    'How a task changed since `context init`: the unified diff of its task file (snapshot to now, following a move to the completed folder) and the immutable fields (title, acceptance criteria, plan, scope, deliverables) whose value changed. isError when the task file or the immutable section changed.',
  input: z.object({ id: taskIdArg }),
  output: TaskFileDriftSchema.extend({
    ok: z.boolean(),
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
    const { ws, id } = await taskOf(root, args.id);
    const { diffContext } = await import('@st3/evidence');
    const d = await diffContext(ws, id);
    // The CLI's `--json` document: `ok` is false when the task or its snapshot changed.
    return { ok: !(d.task_file_changed || !d.snapshot_intact || d.task_file === null), ...d };
  },
  summary: (r) =>
    r.task_file === null
      ? `${r.task_id}: the task file is gone`
      : !r.task_file_changed
        ? `${r.task_id}: unchanged since the context was created${r.snapshot_intact ? '' : ' (but the stored snapshot was altered)'}`
        : `${r.task_id}: ${r.task_file} changed since the context was created${r.immutable.length > 0 ? `; immutable fields changed: ${r.immutable.map((f) => f.field).join(', ')}` : ''}`,
  failed: (r) => !r.ok,
});

// These results carry library objects whole, and the server refuses a field the output schema lacks
// (E_INTERNAL): tsc checks that the hand-written schemas declare every field the library returns.
declares<OutputOf<typeof taskListTool>, Omit<Result<typeof Evidence.listTasks>, 'verdicts'>>(true);
declares<z.output<typeof LocationSchema>, Result<typeof Evidence.findTask>>(true);
declares<OutputOf<typeof taskValidateTool>, Pick<Result<typeof Evidence.validateTasks>, 'duplicates' | 'skipped'>>(
  true,
);
declares<OutputOf<typeof taskValidateTool>['files'][number], ReturnType<typeof Evidence.taskVerdictJson>>(true);
declares<OutputOf<typeof taskInitContextTool>, Result<typeof Evidence.initContext>>(true);
declares<z.output<typeof TaskFileDriftSchema>, Result<typeof Evidence.taskFileDrift>>(true);
declares<OutputOf<typeof taskContextDiffTool>, Result<typeof Evidence.diffContext>>(true);
