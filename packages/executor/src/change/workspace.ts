import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { decodeUtf8, St3Error } from '@st3/schemas';
import { withFileLock, writeFileAtomic } from '../fs.js';
import { directoryEditLog, memoryEditLog, type EditLog } from './edit-log.js';
import { applyHunks, diffHunks, rebaseHunks, type Hunk } from './hunks.js';
import { sha256, unifiedDiff } from './text.js';

/** An edit to apply: hunks in the coordinates of `base`, the file as the editor saw it. */
export interface Edit {
  base: string;
  hunks: Hunk[];
  /** Who made it (a node id), for the record of what later edits were rebased over. */
  label: string;
}

export interface AppliedEdit {
  before: string;
  after: string;
  /** Labels of the edits applied to the file between `base` and this write. */
  rebasedOver: string[];
}

/**
 * The files an execution reads and changes. `disk` writes atomically under the file lock (so a
 * review server and an execute never interleave a read-modify-write of one file); `dryRun` keeps
 * every change in memory and produces the run's patch.
 */
export interface WorkspaceFiles {
  readonly root: string;
  readonly dryRun: boolean;
  /** Current text of a file (relative to the root); undefined when it does not exist. */
  read(path: string): Promise<string | undefined>;
  /**
   * Applies an edit made on an older version of the file: rebased exactly over the edits written
   * since (by this process, or by any process sharing the `editLog` directory; atoms of one file never
   * touch the same lines, so they never conflict), refused with E_APPLY_CONFLICT when its lines were
   * changed meanwhile or the file changed by other means. `beforeWrite` runs under the lock just
   * before the write (to checkpoint the run).
   */
  applyEdit(path: string, edit: Edit, beforeWrite?: (result: AppliedEdit) => Promise<void>): Promise<AppliedEdit>;
  /** Read-modify-write under the file's lock: `compute` gets the current text and returns the new one. */
  replace(path: string, compute: (current: string) => string): Promise<{ before: string; after: string }>;
  /** Paths written through this object since it was made. */
  changed(): string[];
  /**
   * Takes the current text of `paths` as their starting versions (unless written through this object
   * already), so that `patch()` also shows what other processes change in them: agent nodes run on
   * workers write the files themselves.
   */
  track(paths: readonly string[]): Promise<void>;
  /** Unified diff of every changed or tracked file (as first read → now; unchanged ones omitted). */
  patch(): Promise<string>;
}

/** Resolves a workspace-relative path, refusing any that escapes the root. */
export function insideRoot(root: string, path: string): string {
  const abs = resolve(root, path);
  const rel = relative(root, abs);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel))
    throw new St3Error('E_USAGE', `path ${path} is outside the workspace ${root}`, {
      hint: 'atoms must name files inside the workspace',
    });
  return abs;
}

/** The file's exact text (a file that is not UTF-8 is E_FILE_ENCODING: rewriting a lossy copy would change bytes no atom touched). */
async function readText(abs: string): Promise<string | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(abs);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new St3Error('E_FILE_READ', `cannot read ${abs}: ${(error as Error).message}`, { file: abs });
  }
  return decodeUtf8(bytes, abs);
}

function conflict(path: string, label: string, why: string): St3Error {
  return Object.assign(
    new St3Error('E_APPLY_CONFLICT', `${path}: ${why}; ${label} is generated again from the file as it is now`),
    { category: 'context' as const },
  );
}

export interface WorkspaceFilesOptions {
  dryRun?: boolean;
  /**
   * Directory of the shared edit log (conventionally `.st3/edits`): processes writing the same files
   * (workers applying atoms of one file) rebase over each other's edits exactly instead of
   * regenerating. Without it the chain of versions is this object's own. Ignored in a dry run.
   */
  editLog?: string;
}

export function createWorkspaceFiles(root: string, options: WorkspaceFilesOptions = {}): WorkspaceFiles {
  const dryRun = options.dryRun === true;
  const state: FilesState = {
    root,
    dryRun,
    overlay: new Map(),
    original: new Map(),
    tracked: new Map(),
    log: options.editLog && !dryRun ? directoryEditLog(options.editLog) : memoryEditLog(),
    queues: new Map(),
  };
  return {
    root,
    dryRun,
    read: (path) => readCurrent(state, path),
    applyEdit: (path, edit, beforeWrite) => applyEdit(state, key(path), edit, beforeWrite),
    replace: (path, compute) => replaceText(state, key(path), compute),
    changed: () => [...state.original.keys()],
    track: (paths) => trackPaths(state, paths),
    patch: () => workspacePatch(state),
  };
}

/** What a WorkspaceFiles object keeps; maps are keyed by the path with forward slashes (see `key`). */
interface FilesState {
  root: string;
  dryRun: boolean;
  /** Dry run: the text of every file written. */
  overlay: Map<string, string>;
  /** Files written through this object: their text before the first write. */
  original: Map<string, string>;
  /** Files others write (see track): their text when tracking began. */
  tracked: Map<string, string>;
  /** Per file: the versions written, each with the edit that made it (in the previous version's lines). */
  log: EditLog;
  /** In-process queue per file: the file lock is per process; this orders this process's own writes. */
  queues: Map<string, Promise<unknown>>;
}

function key(path: string): string {
  return path.replace(/\\/g, '/');
}

async function readCurrent(state: FilesState, path: string): Promise<string | undefined> {
  const k = key(path);
  if (state.dryRun && state.overlay.has(k)) return state.overlay.get(k);
  return readText(insideRoot(state.root, k));
}

/** Runs `body` after this process's earlier writes of the file, under the file lock (none in a dry run). */
function serialized<T>(state: FilesState, k: string, body: () => Promise<T>): Promise<T> {
  const abs = insideRoot(state.root, k);
  const run = () => (state.dryRun ? body() : withFileLock(abs, body, { timeoutMs: 30_000 }));
  const next = (state.queues.get(k) ?? Promise.resolve()).then(run, run);
  state.queues.set(
    k,
    next.catch(() => undefined),
  );
  return next;
}

/** Writes a new version of a file (atomically, or to the overlay) and appends it to the file's edit log. */
async function writeVersion(
  state: FilesState,
  k: string,
  before: string,
  after: string,
  entry: { label: string; hunks: Hunk[] },
): Promise<void> {
  if (!state.original.has(k)) state.original.set(k, before);
  const chain = await state.log.load(k);
  if (chain.length === 0 || chain[chain.length - 1]!.sha !== sha256(before))
    // The first write of this file (or the first after a change by other means): its starting version.
    chain.splice(0, chain.length, { sha: sha256(before), label: '(start)', hunks: [] });
  if (state.dryRun) state.overlay.set(k, after);
  else await writeFileAtomic(insideRoot(state.root, k), after);
  chain.push({ sha: sha256(after), ...entry });
  await state.log.save(k, chain);
}

function applyEdit(
  state: FilesState,
  k: string,
  edit: Edit,
  beforeWrite?: (result: AppliedEdit) => Promise<void>,
): Promise<AppliedEdit> {
  return serialized(state, k, async () => {
    const current = (await readCurrent(state, k)) ?? '';
    const { hunks, rebasedOver } =
      current === edit.base ? { hunks: edit.hunks, rebasedOver: [] } : await rebaseEdit(state, k, edit, current);
    const result: AppliedEdit = { before: current, after: applyHunks(current, hunks), rebasedOver };
    await beforeWrite?.(result);
    await writeVersion(state, k, current, result.after, { label: edit.label, hunks });
    return result;
  });
}

/**
 * The edit's hunks moved over the versions written since its base (found in the edit log);
 * E_APPLY_CONFLICT when the base or the current text is not in the log, or a later edit changed its lines.
 */
async function rebaseEdit(
  state: FilesState,
  k: string,
  edit: Edit,
  current: string,
): Promise<{ hunks: Hunk[]; rebasedOver: string[] }> {
  let hunks = edit.hunks;
  const rebasedOver: string[] = [];
  const list = await state.log.load(k);
  const baseSha = sha256(edit.base);
  let from = list.length - 1;
  while (from >= 0 && list[from]!.sha !== baseSha) from--;
  if (from < 0 || list[list.length - 1]!.sha !== sha256(current))
    throw conflict(k, edit.label, 'the file was changed by other means since the agent read it');
  for (const entry of list.slice(from + 1)) {
    const r = rebaseHunks(hunks, entry.hunks);
    if (!r.ok) throw conflict(k, edit.label, `line ${r.conflictLine} was changed by ${entry.label} meanwhile`);
    hunks = r.hunks;
    rebasedOver.push(entry.label);
  }
  return { hunks, rebasedOver };
}

function replaceText(
  state: FilesState,
  k: string,
  compute: (current: string) => string,
): Promise<{ before: string; after: string }> {
  return serialized(state, k, async () => {
    const before = (await readCurrent(state, k)) ?? '';
    const after = compute(before);
    if (after !== before)
      await writeVersion(state, k, before, after, { label: '(review)', hunks: diffHunks(before, after) });
    return { before, after };
  });
}

async function trackPaths(state: FilesState, paths: readonly string[]): Promise<void> {
  for (const k of new Set(paths.map(key))) {
    if (state.original.has(k) || state.tracked.has(k)) continue;
    // A path that cannot be read (outside the workspace, say) fails its own node later, not the run.
    const text = await readCurrent(state, k).catch(() => null);
    if (text !== null) state.tracked.set(k, text ?? '');
  }
}

/** Unified diff of every written or tracked file from its starting text to now, in path order. */
async function workspacePatch(state: FilesState): Promise<string> {
  const parts: string[] = [];
  const starts = new Map([...state.tracked, ...state.original]);
  for (const [path, before] of [...starts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const diff = unifiedDiff(path, before, (await readCurrent(state, path)) ?? '');
    if (diff) parts.push(diff);
  }
  return parts.join('');
}
