// Creating a task's context (`st3 tasks context init`); store.ts reads, updates and purges it.
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { withFileLock, writeJsonAtomic } from '@st3/fs';
import {
  St3Error,
  type Diagnostic,
  type StandardsExcerpt,
  type TaskContext,
  type TelemetryHandle,
  type WorktreeSnapshot,
} from '@st3/schemas';
import { contextDirFor, type EvidenceWorkspace } from '../config.js';
import { addException } from '../ledger.js';
import { isQuarantined, quarantineTask } from '../quarantine.js';
import { cacheExcerpt, citedSections } from '../standards.js';
import { findTask, type TaskLocation } from '../tasks/find.js';
import { validateTaskFile, type TaskVerdict } from '../tasks/load.js';
import { displayPath, exists, sha256, systemClock, type Clock } from '../util.js';
import { commandsFromTask } from '../validation/task-commands.js';
import { checkCleanTree, recordWorktree, takeSnapshot, workspaceIgnores } from '../worktree.js';
import { CONTEXT_FILE, immutableFields } from './store.js';

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

type InitWarning = { code: string; message: string };

/** The worktree snapshot of `init`, or why there is none (as warnings). */
interface InitialSnapshot {
  snapshot: WorktreeSnapshot | null;
  warnings: InitWarning[];
}

async function initialSnapshot(ws: EvidenceWorkspace, options: ContextOptions, clock: Clock): Promise<InitialSnapshot> {
  const mode = options.worktree ?? 'record';
  if (mode === 'skip') return { snapshot: null, warnings: [] };
  // An entry recorded without a hash (it could not be read) is a warning of its own: verify cannot compare it.
  const unhashed: InitWarning[] = [];
  const common = {
    ignore: workspaceIgnores(ws.config),
    clock,
    agent: options.agent,
    env: options.env,
    onWarning: ({ code, message }: InitWarning) => unhashed.push({ code, message }),
  };
  try {
    if (mode === 'require-clean') return { snapshot: await checkCleanTree(ws.root, common), warnings: unhashed };
    const snapshot = await takeSnapshot(ws.root, common);
    const warnings: InitWarning[] =
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
    return { snapshot, warnings: [...warnings, ...unhashed] };
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
  const verdict = await loadStartableTask(ws, location, clock);
  const dir = contextDirFor(ws, location.id);
  const file = join(dir, CONTEXT_FILE);
  // Checked before the worktree snapshot (it runs git), and again under the lock, as a concurrent
  // init may have written the context meanwhile.
  if (await exists(file)) throw contextExists(ws, location.id, dir);
  const worktree = await initialSnapshot(ws, options, clock);
  return withFileLock(file, async () => {
    if (await exists(file)) throw contextExists(ws, location.id, dir);
    await mkdir(dir, { recursive: true });
    const run: InitRun = { ws, dir, clock, warnings: [], ...readsCountedOnce(options.telemetry) };
    const context = await assembleContext(run, location, verdict, worktree, options.tool);
    await writeJsonAtomic(file, context);
    return { context, dir, warnings: run.warnings };
  });
}

/** What the steps of `init` share while they fill a new context folder (under its lock). */
interface InitRun {
  ws: EvidenceWorkspace;
  /** The context folder being filled. */
  dir: string;
  clock: Clock;
  /** Warnings in the order they arise; the same array ends up in the context and the result. */
  warnings: InitWarning[];
  /** Reports a file read for the task to telemetry (once per file). */
  fileRead: (path: string, bytes: number) => void;
  /** The caller's telemetry with `fileRead` replaced by the one above (undefined without telemetry). */
  telemetry: TelemetryHandle | undefined;
}

/**
 * The task, once it may start: not quarantined, parses (else it is recorded in the ledger and
 * quarantined) and is complete. Throws the matching error otherwise.
 */
async function loadStartableTask(ws: EvidenceWorkspace, location: TaskLocation, clock: Clock): Promise<TaskVerdict> {
  const p = paths(ws);
  if (await isQuarantined(p.quarantine, location.id)) {
    throw new St3Error('E_TASK_QUARANTINED', `${location.id} is quarantined`, {
      file: location.file,
      hint: `repair it with \`st3 tasks quarantine repair ${location.id}\`, then release it`,
    });
  }
  const verdict = await validateTaskFile(location.path, location.file);
  if (verdict.parseFailed) throw await quarantineUnparsable(ws, location, verdict, clock);
  const e001 = verdict.errors.filter((d) => d.code === 'E001');
  if (verdict.errors.length > 0) {
    const first = (e001[0] ?? verdict.errors[0])!;
    throw new St3Error(
      e001.length > 0 ? 'E001' : first.code,
      `${location.file} is not complete enough to start: ${first.message}`,
      { file: location.file, line: first.line, column: first.column, diagnostics: verdict.errors, hint: first.hint },
    );
  }
  return verdict;
}

/** Records a task file that does not parse in the exception ledger and quarantines it; returns the error to throw. */
async function quarantineUnparsable(
  ws: EvidenceWorkspace,
  location: TaskLocation,
  verdict: TaskVerdict,
  clock: Clock,
): Promise<St3Error> {
  const p = paths(ws);
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
  return new St3Error('E_PARSE', `${location.file} does not parse; recorded in the exception ledger and quarantined`, {
    file: location.file,
    line: first.line,
    column: first.column,
    diagnostics: verdict.errors,
    hint: `\`st3 tasks quarantine repair ${location.id}\` tries the safe fixes`,
  });
}

/**
 * Telemetry that counts each file init reads for the task once, however many sections are taken
 * from it (the standards cache reports its reads through `telemetry`).
 */
function readsCountedOnce(handle: TelemetryHandle | undefined): Pick<InitRun, 'fileRead' | 'telemetry'> {
  const seen = new Set<string>();
  const fileRead = (path: string, bytes: number): void => {
    if (seen.has(path)) return;
    seen.add(path);
    handle?.fileRead?.(path, bytes);
  };
  const telemetry: TelemetryHandle | undefined = handle && {
    count: (name, value, labels) => handle.count(name, value, labels),
    observe: (name, value, labels) => handle.observe(name, value, labels),
    fileRead,
  };
  return { fileRead, telemetry };
}

/**
 * Fills the context folder (task snapshot, standards excerpts, checklists) and returns the new
 * context. Warnings keep this order: task file, worktree, standards, checklists, commands.
 */
async function assembleContext(
  run: InitRun,
  location: TaskLocation,
  verdict: TaskVerdict,
  worktree: InitialSnapshot,
  tool: string | undefined,
): Promise<TaskContext> {
  const task = verdict.task!;
  const snapshot = await snapshotTaskFile(run, location);
  run.warnings.push(...verdict.warnings.map(locatedWarning), ...worktree.warnings);
  const standards = await cacheCitedStandards(run, task);
  const checklists = await snapshotChecklists(run, task);
  const commands = commandsFromTask(task);
  // The task file's own findings already carry these with their line and column: each is said once.
  const said = new Set(verdict.warnings.map((w) => `${w.code}\0${w.message}`));
  for (const w of commands.warnings)
    if (!said.has(`${w.code}\0${w.message}`)) run.warnings.push({ code: w.code, message: w.message });
  const now = run.clock().toISOString();
  const context: TaskContext = {
    schema_version: 1,
    manifest: {
      task_id: location.id,
      task_file: location.file,
      created_at: now,
      updated_at: now,
      tool: tool ?? '@st3/evidence',
    },
    immutable: {
      ...immutableFields(task),
      task_schema_version: verdict.schemaVersion ?? '1.0',
      snapshot,
      checklists,
    },
    evidence: [],
    standards,
    validation_commands: commands.commands,
    validation_baseline: null,
    validation_runs: [],
    worktree: null,
    warnings: run.warnings,
  };
  if (worktree.snapshot) recordWorktree(context, worktree.snapshot);
  return context;
}

const locatedWarning = (w: Diagnostic): InitWarning => ({
  code: w.code,
  message: `${w.line ? `${w.line}:${w.column} ` : ''}${w.message}`,
});

/** Copies the task file into the context as `task.snapshot.yaml`; returns its path and SHA-256 (of the bytes read). */
async function snapshotTaskFile(run: InitRun, location: TaskLocation): Promise<TaskContext['immutable']['snapshot']> {
  const text = await readFile(location.path);
  run.fileRead(location.file, text.length);
  await copyFile(location.path, join(run.dir, 'task.snapshot.yaml'));
  return { path: 'task.snapshot.yaml', sha256: sha256(text) };
}

/** Caches each standards section the task cites (once each); a citation that fails is a warning, not an error. */
async function cacheCitedStandards(run: InitRun, task: Record<string, unknown>): Promise<StandardsExcerpt[]> {
  const standards: StandardsExcerpt[] = [];
  for (const cite of citedSections(task)) {
    try {
      const excerpt = await cacheExcerpt({
        root: run.ws.root,
        contextDir: run.dir,
        file: join(run.ws.config.standards_root, cite.file),
        section: cite.anchor,
        clock: run.clock,
        telemetry: run.telemetry,
      });
      if (!standards.some((s) => s.id === excerpt.id && s.file === excerpt.file)) standards.push(excerpt);
    } catch (error) {
      run.warnings.push({
        code: 'W_STANDARDS_CITATION',
        message: `${cite.file}#${cite.anchor}: ${(error as Error).message}`,
      });
    }
  }
  return standards;
}

/**
 * Copies each checklist the task names into `checklists/`, named by the first 8 hex of its SHA-256
 * and its base name; a checklist that is not found is a warning.
 */
async function snapshotChecklists(run: InitRun, task: unknown): Promise<TaskContext['immutable']['checklists']> {
  const checklists: TaskContext['immutable']['checklists'] = [];
  for (const ref of checklistRefs(task)) {
    const abs = resolve(run.ws.root, ref);
    if (!(await exists(abs))) {
      run.warnings.push({ code: 'W_CHECKLIST_MISSING', message: `checklist ${ref} is cited but not found` });
      continue;
    }
    const content = await readFile(abs);
    run.fileRead(ref, content.length);
    const name = `${sha256(content).slice(0, 8)}-${ref.split('/').pop()}`;
    await mkdir(join(run.dir, 'checklists'), { recursive: true });
    await copyFile(abs, join(run.dir, 'checklists', name));
    checklists.push({ source: ref, path: `checklists/${name}`, sha256: sha256(content) });
  }
  return checklists;
}

function contextExists(ws: EvidenceWorkspace, id: string, dir: string): St3Error {
  return new St3Error('E_CONTEXT_EXISTS', `${id} already has a context in ${displayPath(ws.root, dir)}`, {
    hint: `purge it first: \`st3 tasks context purge ${id}\``,
  });
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
