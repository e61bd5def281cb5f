import { copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { withFileLock, writeJsonAtomic } from '@st3/fs';
import {
  St3Error,
  TaskContextSchema,
  type StandardsExcerpt,
  type TaskContext,
  type TelemetryHandle,
  type WorktreeSnapshot,
} from '@st3/schemas';
import { contextDirFor, type EvidenceWorkspace } from '../config.js';
import { addException } from '../ledger.js';
import { isQuarantined, quarantineTask } from '../quarantine.js';
import { cacheExcerpt, citedSections } from '../standards.js';
import { findTask } from '../tasks/find.js';
import { validateTaskFile } from '../tasks/load.js';
import { displayPath, exists, readJsonFile, sha256, systemClock, type Clock } from '../util.js';
import { commandsFromTask } from '../validation/commands.js';
import { checkCleanTree, recordWorktree, takeSnapshot, workspaceIgnores } from '../worktree.js';

export const CONTEXT_FILE = 'context.json';

export interface ContextOptions {
  clock?: Clock;
  /** Tool name and version recorded in the manifest. */
  tool?: string;
  /**
   * The worktree snapshot `init` takes: `record` (default: dirty files are recorded, with a
   * W_DIRTY_TREE warning), `require-clean` (a dirty tree is E_DIRTY_TREE and nothing is written) or
   * `skip`. Outside a git work tree no snapshot is taken (W_NOT_GIT).
   */
  worktree?: 'record' | 'require-clean' | 'skip';
  /** The agent creating the context, recorded with its worktree snapshot. */
  agent?: string;
  /** Environment for git (default: the process's). */
  env?: Record<string, string | undefined>;
  /** Told about every file init reads for the task (task file, cited standards, checklists). */
  telemetry?: TelemetryHandle;
}

/** The worktree snapshot of `init`, or why there is none (as warnings). */
async function initialSnapshot(
  ws: EvidenceWorkspace,
  options: ContextOptions,
  clock: Clock,
): Promise<{ snapshot: WorktreeSnapshot | null; warnings: { code: string; message: string }[] }> {
  const mode = options.worktree ?? 'record';
  if (mode === 'skip') return { snapshot: null, warnings: [] };
  const common = { ignore: workspaceIgnores(ws.config), clock, agent: options.agent, env: options.env };
  try {
    if (mode === 'require-clean') return { snapshot: await checkCleanTree(ws.root, common), warnings: [] };
    const snapshot = await takeSnapshot(ws.root, common);
    const warnings =
      snapshot.dirty.length > 0
        ? [
            {
              code: 'W_DIRTY_TREE',
              message: `${snapshot.dirty.length} uncommitted change(s) recorded in the worktree snapshot: ${snapshot.dirty
                .slice(0, 5)
                .map((d) => d.path)
                .join(', ')}`,
            },
          ]
        : [];
    return { snapshot, warnings };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'E_NOT_GIT' && code !== 'E_TOOL_NOT_FOUND') throw error;
    return {
      snapshot: null,
      warnings: [{ code: 'W_NOT_GIT', message: `no worktree snapshot: ${(error as Error).message}` }],
    };
  }
}

const paths = (ws: EvidenceWorkspace) => ({
  ledger: resolve(ws.root, ws.config.ledger),
  quarantine: { root: ws.root, dir: resolve(ws.root, ws.config.quarantine_dir) },
});

export async function readContext(ws: EvidenceWorkspace, taskId: string): Promise<TaskContext> {
  const file = join(contextDirFor(ws, taskId), CONTEXT_FILE);
  const raw = await readJsonFile<unknown>(file);
  if (raw === undefined)
    throw new St3Error('E_CONTEXT_NOT_FOUND', `no context for ${taskId}`, {
      hint: `run \`st3 tasks context init ${taskId}\``,
    });
  const parsed = TaskContextSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new St3Error(
      'E_CONTEXT_CORRUPT',
      `${file} is invalid${issue ? ` at ${issue.path.join('.')}: ${issue.message}` : ''}`,
      { file },
    );
  }
  return parsed.data;
}

/**
 * Reads, changes and writes a task's context under its lock (atomic write). The immutable
 * section is compared before and after: a change to it is a bug and is refused.
 */
export async function updateContext<T>(
  ws: EvidenceWorkspace,
  taskId: string,
  fn: (context: TaskContext, dir: string) => Promise<T> | T,
  clock: Clock = systemClock,
): Promise<T> {
  const dir = contextDirFor(ws, taskId);
  const file = join(dir, CONTEXT_FILE);
  return withFileLock(file, async () => {
    const context = await readContext(ws, taskId);
    const before = JSON.stringify(context.immutable);
    const result = await fn(context, dir);
    if (JSON.stringify(context.immutable) !== before)
      throw new St3Error('E_INTERNAL', 'the immutable section of a context cannot change');
    context.manifest.updated_at = clock().toISOString();
    await writeJsonAtomic(file, context);
    return result;
  });
}

export interface InitResult {
  context: TaskContext;
  dir: string;
  warnings: { code: string; message: string }[];
}

/**
 * Creates a task's context: checks completeness (E001), refuses a quarantined task, records a
 * ledger exception (and a quarantine entry) when the file does not parse, snapshots the task file
 * with its SHA-256, caches the standards sections it cites and snapshots the checklists it names.
 */
export async function initContext(
  ws: EvidenceWorkspace,
  ref: string,
  options: ContextOptions = {},
): Promise<InitResult> {
  const clock = options.clock ?? systemClock;
  const location = await findTask(ws.root, ws.config.task_dirs, ref);
  const p = paths(ws);
  if (await isQuarantined(p.quarantine, location.id)) {
    throw new St3Error('E_TASK_QUARANTINED', `${location.id} is quarantined`, {
      file: location.file,
      hint: `repair it with \`st3 tasks quarantine repair ${location.id}\`, then release it`,
    });
  }
  const verdict = await validateTaskFile(location.path, location.file);
  if (verdict.parseFailed) {
    const first = verdict.errors[0]!;
    const parseError = `${first.line ?? '?'}:${first.column ?? '?'} ${first.message}`;
    await addException(
      p.ledger,
      {
        task_id: location.id,
        exception_type: 'malformed_yaml',
        parse_error: parseError,
        notes: `detected by context init of ${location.file}`,
      },
      clock,
    );
    await quarantineTask({ ...p.quarantine, clock }, location.id, location.file, first);
    throw new St3Error('E_PARSE', `${location.file} does not parse; recorded in the exception ledger and quarantined`, {
      file: location.file,
      line: first.line,
      column: first.column,
      diagnostics: verdict.errors,
      hint: `\`st3 tasks quarantine repair ${location.id}\` tries the safe fixes`,
    });
  }
  const e001 = verdict.errors.filter((d) => d.code === 'E001');
  if (verdict.errors.length > 0) {
    const first = (e001[0] ?? verdict.errors[0])!;
    throw new St3Error(
      e001.length > 0 ? 'E001' : first.code,
      `${location.file} is not complete enough to start: ${first.message}`,
      { file: location.file, line: first.line, column: first.column, diagnostics: verdict.errors, hint: first.hint },
    );
  }
  const task = verdict.task!;
  const dir = contextDirFor(ws, location.id);
  const file = join(dir, CONTEXT_FILE);
  if (await exists(file)) throw contextExists(ws, location.id, dir);
  const worktree = await initialSnapshot(ws, options, clock);
  return withFileLock(file, async () => {
    if (await exists(file)) throw contextExists(ws, location.id, dir);
    await mkdir(dir, { recursive: true });
    const text = await readFile(location.path);
    // Each file init reads for the task counts once, however many sections are taken from it.
    const seen = new Set<string>();
    const read = (path: string, bytes: number): void => {
      if (seen.has(path)) return;
      seen.add(path);
      options.telemetry?.fileRead?.(path, bytes);
    };
    const handle = options.telemetry;
    const telemetry: TelemetryHandle | undefined = handle && {
      count: (name, value, labels) => handle.count(name, value, labels),
      observe: (name, value, labels) => handle.observe(name, value, labels),
      fileRead: read,
    };
    read(location.file, text.length);
    await copyFile(location.path, join(dir, 'task.snapshot.yaml'));
    const warnings: { code: string; message: string }[] = verdict.warnings.map((w) => ({
      code: w.code,
      message: `${w.line ? `${w.line}:${w.column} ` : ''}${w.message}`,
    }));
    warnings.push(...worktree.warnings);

    const standards: StandardsExcerpt[] = [];
    for (const cite of citedSections(task)) {
      try {
        const excerpt = await cacheExcerpt({
          root: ws.root,
          contextDir: dir,
          file: join(ws.config.standards_root, cite.file),
          section: cite.anchor,
          clock,
          telemetry,
        });
        if (!standards.some((s) => s.id === excerpt.id && s.file === excerpt.file)) standards.push(excerpt);
      } catch (error) {
        warnings.push({
          code: 'W_STANDARDS_CITATION',
          message: `${cite.file}#${cite.anchor}: ${(error as Error).message}`,
        });
      }
    }
    const checklists: TaskContext['immutable']['checklists'] = [];
    for (const ref of checklistRefs(task)) {
      const abs = resolve(ws.root, ref);
      if (!(await exists(abs))) {
        warnings.push({ code: 'W_CHECKLIST_MISSING', message: `checklist ${ref} is cited but not found` });
        continue;
      }
      const content = await readFile(abs);
      read(ref, content.length);
      const name = `${sha256(content).slice(0, 8)}-${ref.split('/').pop()}`;
      await mkdir(join(dir, 'checklists'), { recursive: true });
      await copyFile(abs, join(dir, 'checklists', name));
      checklists.push({ source: ref, path: `checklists/${name}`, sha256: sha256(content) });
    }
    const commands = commandsFromTask(task);
    for (const w of commands.warnings) warnings.push({ code: w.code, message: w.message });
    const now = clock().toISOString();
    const context: TaskContext = {
      schema_version: 1,
      manifest: {
        task_id: location.id,
        task_file: location.file,
        created_at: now,
        updated_at: now,
        tool: options.tool ?? '@st3/evidence',
      },
      immutable: {
        ...immutableFields(task),
        task_schema_version: verdict.schemaVersion ?? '1.0',
        snapshot: { path: 'task.snapshot.yaml', sha256: sha256(text) },
        checklists,
      },
      evidence: [],
      standards,
      validation_commands: commands.commands,
      validation_baseline: null,
      validation_runs: [],
      worktree: null,
      warnings,
    };
    if (worktree.snapshot) recordWorktree(context, worktree.snapshot);
    await writeJsonAtomic(file, context);
    return { context, dir, warnings };
  });
}

function contextExists(ws: EvidenceWorkspace, id: string, dir: string): St3Error {
  return new St3Error('E_CONTEXT_EXISTS', `${id} already has a context in ${displayPath(ws.root, dir)}`, {
    hint: `purge it first: \`st3 tasks context purge ${id}\``,
  });
}

/** The fields of a task its context keeps immutable (compared by `context diff`). */
export function immutableFields(task: Record<string, unknown>): {
  title: string;
  acceptance_criteria: unknown;
  plan: unknown;
  scope: unknown;
  deliverables: unknown;
} {
  return {
    title: String(task.title ?? ''),
    acceptance_criteria: task.acceptance_criteria ?? null,
    plan: task.plan ?? task.implementation_plan ?? null,
    scope: task.scope ?? null,
    deliverables: task.deliverables ?? null,
  };
}

/** Checklists a task names: markdown files with "checklist" in their path. */
function checklistRefs(task: unknown): string[] {
  const found = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(/(?:^|[\s(`'"])((?:[\w.-]+\/)*[\w.-]*checklist[\w.-]*\.md)\b/gi)) found.add(m[1]!);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(task);
  return [...found].sort();
}

/** Deletes a task's context folder (evidence, excerpts and snapshots). */
export async function purgeContext(ws: EvidenceWorkspace, taskId: string): Promise<{ removed: boolean; dir: string }> {
  const dir = contextDirFor(ws, taskId);
  const file = join(dir, CONTEXT_FILE);
  if (!(await exists(dir))) return { removed: false, dir };
  await withFileLock(file, async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return { removed: true, dir };
}

/** Checks the snapshot still matches its recorded SHA-256. */
export async function verifySnapshot(ws: EvidenceWorkspace, context: TaskContext): Promise<boolean> {
  try {
    const text = await readFile(join(contextDirFor(ws, context.manifest.task_id), context.immutable.snapshot.path));
    return sha256(text) === context.immutable.snapshot.sha256;
  } catch {
    return false;
  }
}
