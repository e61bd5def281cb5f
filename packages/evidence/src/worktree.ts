import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { findGitRoot, listDirtyFiles } from '@st3/fs';
import { St3Error, type TaskContext, type WorktreeSnapshot } from '@st3/schemas';
import { systemClock, type Clock } from './util.js';

/**
 * Worktree snapshots: HEAD, branch and every dirty file with the SHA-256 of what git would record for
 * it, taken when a task starts; `verifyWorktree` then says whether HEAD moved and which files changed
 * since, and which it could not compare.
 *
 * The `sha256` of a dirty entry (see {@link hashEntry}): the SHA-256 of the content for a regular file
 * of mode 100644 (as snapshots always recorded it); for an executable file (100755) or a symlink
 * (120000, its link text, not what it points to) the SHA-256 of `\0st3:<mode>\0` and those bytes; for
 * an untracked nested repository (`dir/`) the SHA-256 of `\0st3:repo\0` and the JSON of its own
 * snapshot (its HEAD and its dirty entries, hashed the same way); `null` for a file that is gone, or for
 * an entry that could not be hashed (then a `W_WORKTREE_UNHASHED` warning says why, and verify reports it as
 * not verifiable).
 */
export interface WorktreeOptions {
  /** Paths (prefixes, workspace-relative) left out: the context store, ledger, quarantine. */
  ignore?: readonly string[];
  /** The agent taking the snapshot (recorded in it). */
  agent?: string;
  clock?: Clock;
  env?: Record<string, string | undefined>;
  /** Told about each dirty entry recorded without a hash (it could not be read): verify cannot compare it. */
  onWarning?: (warning: WorktreeWarning) => void;
}

/** A dirty entry the snapshot recorded without a hash, and why. */
export interface WorktreeWarning {
  code: 'W_WORKTREE_UNHASHED';
  /** Workspace-relative, as in the snapshot. */
  path: string;
  message: string;
}

/** The work tree holding `root`, found like git does (and stopped at GIT_CEILING_DIRECTORIES when `env` gives it). */
function workTreeOf(root: string, env?: Record<string, string | undefined>): string {
  const ceilings = (env?.GIT_CEILING_DIRECTORIES ?? '').split(':').filter(Boolean);
  const top = findGitRoot(root, { ceilings });
  if (!top)
    throw new St3Error('E_NOT_GIT', `${root} is not inside a git work tree`, {
      hint: 'run `git init`, or run the command inside the repository',
    });
  return top;
}

async function listingOf(top: string) {
  try {
    return await listDirtyFiles(top);
  } catch (error) {
    throw new St3Error('E_GIT_FAILED', `cannot read the git state of ${top}: ${(error as Error).message}`, {
      cause: error,
      hint: 'check the repository with `git status`',
    });
  }
}

/** HEAD, branch and the dirty files under `root`, read in-process (@st3/fs; no git binary needed). */
async function dirtyUnder(root: string, options: WorktreeOptions) {
  const abs = resolve(root);
  const top = workTreeOf(abs, options.env);
  const listing = await listingOf(top);
  const rel = relative(top, abs).split(sep).join('/');
  return { top, prefix: rel ? `${rel}/` : '', listing };
}

type DirtyEntry = WorktreeSnapshot['dirty'][number];
/** A dirty entry as scanned: `unhashable` says why `sha256` is null when the file is not simply gone. */
type ScannedEntry = DirtyEntry & { unhashable?: string };

/** Nested repositories inside nested repositories are followed this deep; deeper ones are not verifiable. */
const NESTED_DEPTH = 8;

const framed = (tag: string) => Buffer.from(`\0st3:${tag}\0`);

/** Streams a regular file through SHA-256 after `prefix` (files of any size: `readFile` stops at 2 GiB). */
function hashStream(path: string, prefix?: Buffer): Promise<string> {
  return new Promise((done, fail) => {
    const hash = createHash('sha256');
    if (prefix) hash.update(prefix);
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', fail)
      .on('end', () => done(hash.digest('hex')));
  });
}

const errorText = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

/**
 * The hash of one dirty entry, what git would record for it: its mode (from lstat) and its content —
 * for a symlink its link text. `null` with `unhashable` when it cannot be hashed; `null` alone when it is gone.
 */
async function hashEntry(
  abs: string,
  path: string,
  deleted: boolean,
  depth: number,
): Promise<Omit<ScannedEntry, 'path' | 'status'>> {
  let st: Awaited<ReturnType<typeof lstat>>;
  try {
    st = await lstat(abs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { sha256: null };
    return { sha256: null, unhashable: `cannot stat it (${errorText(error)})` };
  }
  if (deleted) return { sha256: null }; // git records it as deleted (e.g. a folder or a FIFO where the file was)
  try {
    if (st.isSymbolicLink()) {
      const target = await readlink(abs, { encoding: 'buffer' });
      return { sha256: createHash('sha256').update(framed('120000')).update(target).digest('hex') };
    }
    if (st.isFile()) return { sha256: await hashStream(abs, st.mode & 0o100 ? framed('100755') : undefined) };
    if (st.isDirectory() && path.endsWith('/')) return await hashNestedRepository(abs, depth);
  } catch (error) {
    return { sha256: null, unhashable: `cannot read it (${errorText(error)})` };
  }
  return { sha256: null, unhashable: 'it is not a regular file, a symlink or a repository' };
}

/** An untracked nested repository: its HEAD and its own dirty entries (what its files hold, not only its commit). */
async function hashNestedRepository(abs: string, depth: number): Promise<Omit<ScannedEntry, 'path' | 'status'>> {
  if (depth >= NESTED_DEPTH) return { sha256: null, unhashable: `a repository nested more than ${NESTED_DEPTH} deep` };
  let listing: Awaited<ReturnType<typeof listDirtyFiles>>;
  try {
    listing = await listDirtyFiles(abs);
  } catch (error) {
    return {
      sha256: null,
      unhashable: `a nested repository whose git state cannot be read (${(error as Error).message})`,
    };
  }
  const dirty = await scanEntries(abs, '', [], listing.files, depth + 1);
  const inner = dirty.find((d) => d.unhashable);
  if (inner) return { sha256: null, unhashable: `in the nested repository, ${inner.path}: ${inner.unhashable}` };
  const record = JSON.stringify({ head: listing.head ?? null, dirty: dirty.map((d) => [d.path, d.status, d.sha256]) });
  return { sha256: createHash('sha256').update(framed('repo')).update(record).digest('hex') };
}

async function scanEntries(
  top: string,
  prefix: string,
  ignore: readonly string[],
  files: Awaited<ReturnType<typeof listDirtyFiles>>['files'],
  depth: number,
): Promise<ScannedEntry[]> {
  const dirty: ScannedEntry[] = [];
  for (const file of files) {
    if (!file.path.startsWith(prefix)) continue;
    const path = file.path.slice(prefix.length);
    if (ignore.some((p) => path === p || path.startsWith(`${p}/`))) continue;
    dirty.push({
      path,
      status: file.status,
      ...(await hashEntry(join(top, file.path), file.path, file.deleted, depth)),
    });
  }
  dirty.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return dirty;
}

/** The snapshot with, for each entry recorded without a hash, why (kept out of the record: verify recomputes it). */
async function scan(
  root: string,
  options: WorktreeOptions,
): Promise<{ snapshot: WorktreeSnapshot; entries: ScannedEntry[] }> {
  const { top, prefix, listing } = await dirtyUnder(root, options);
  const ignore = (options.ignore ?? []).map((p) => p.replace(/\/+$/, ''));
  const entries = await scanEntries(top, prefix, ignore, listing.files, 0);
  return {
    entries,
    snapshot: {
      ...(options.agent ? { agent: options.agent } : {}),
      head: listing.head ?? null,
      branch: listing.branch ?? null,
      taken_at: (options.clock ?? systemClock)().toISOString(),
      dirty: entries.map(({ path, status, sha256 }) => ({ path, status, sha256 })),
    },
  };
}

export async function takeSnapshot(root: string, options: WorktreeOptions = {}): Promise<WorktreeSnapshot> {
  const { snapshot, entries } = await scan(root, options);
  for (const e of entries)
    if (e.unhashable)
      options.onWarning?.({
        code: 'W_WORKTREE_UNHASHED',
        path: e.path,
        message: `${e.path} is recorded in the worktree snapshot without a hash: ${e.unhashable}; \`worktree verify\` cannot tell whether it changes and reports it as not verifiable`,
      });
  return snapshot;
}

export interface WorktreeDrift {
  head_moved: boolean;
  head_before: string | null;
  head_now: string | null;
  /**
   * `dirtied`: clean at the snapshot, dirty now; `modified`: dirty then, content, mode or link target
   * changed since; `reverted`: dirty then, clean now; `unverifiable`: dirty then and now, but it could not
   * be hashed then or now, so whether it changed is not known (`reason` says why). Any entry fails the verify.
   */
  changed: {
    path: string;
    change: 'dirtied' | 'modified' | 'reverted' | 'unverifiable';
    status: string;
    reason?: string;
  }[];
  clean: boolean;
}

/**
 * What a verify found, in words (`st3 tasks worktree verify`, MCP `worktree_verify`): `2 file(s) changed since
 * the snapshot, 1 not verifiable` — an entry that could not be compared is not called a change.
 */
export function describeDrift(changed: readonly { change: string }[]): string {
  const unverifiable = changed.filter((c) => c.change === 'unverifiable').length;
  const moved = changed.length - unverifiable;
  const parts = [];
  if (moved > 0 || unverifiable === 0) parts.push(`${moved} file(s) changed since the snapshot`);
  if (unverifiable > 0) parts.push(`${unverifiable} file(s) not verifiable`);
  return parts.join(', ');
}

/** A status that says the file is absent from the work tree (`D`, `MD`, `AD`, `RD`...): its `sha256` is null by right. */
const deletedStatus = (status: string) => status.includes('D');

export async function verifyWorktree(
  root: string,
  snapshot: WorktreeSnapshot,
  options: WorktreeOptions = {},
): Promise<WorktreeDrift> {
  const { snapshot: now, entries } = await scan(root, options);
  const before = new Map(snapshot.dirty.map((d) => [d.path, d]));
  const changed: WorktreeDrift['changed'] = [];
  for (const d of entries) {
    const old = before.get(d.path);
    if (!old) changed.push({ path: d.path, change: 'dirtied', status: d.status });
    else if (d.unhashable)
      changed.push({
        path: d.path,
        change: 'unverifiable',
        status: d.status,
        reason: `cannot be hashed now: ${d.unhashable}`,
      });
    else if (old.sha256 === null) {
      // null was recorded for a file that was gone, or for one that could not be hashed then.
      if (!deletedStatus(old.status))
        changed.push({
          path: d.path,
          change: 'unverifiable',
          status: d.status,
          reason: 'recorded without a hash in the snapshot (it could not be read then)',
        });
      else if (d.sha256 !== null || d.status !== old.status)
        changed.push({ path: d.path, change: 'modified', status: d.status });
    } else if (old.sha256 !== d.sha256) changed.push({ path: d.path, change: 'modified', status: d.status });
  }
  const after = new Set(entries.map((d) => d.path));
  for (const path of before.keys()) if (!after.has(path)) changed.push({ path, change: 'reverted', status: 'clean' });
  changed.sort((a, b) => (a.path < b.path ? -1 : 1));
  const headMoved = snapshot.head !== now.head;
  return {
    head_moved: headMoved,
    head_before: snapshot.head,
    head_now: now.head,
    changed,
    clean: !headMoved && changed.length === 0,
  };
}

/** Fails fast on a dirty tree unless pre-existing changes are allowed (they are then recorded in the snapshot). */
export async function checkCleanTree(
  root: string,
  options: WorktreeOptions & { allowPreexistingDirty?: boolean } = {},
): Promise<WorktreeSnapshot> {
  const snapshot = await takeSnapshot(root, options);
  if (snapshot.dirty.length > 0 && !options.allowPreexistingDirty) {
    const list = snapshot.dirty
      .slice(0, 5)
      .map((d) => `${d.status} ${d.path}`)
      .join(', ');
    throw new St3Error(
      'E_DIRTY_TREE',
      `the work tree has ${snapshot.dirty.length} uncommitted change(s): ${list}${snapshot.dirty.length > 5 ? ' ...' : ''}`,
      { hint: 'commit or stash them, or pass --allow-preexisting-dirty', details: { dirty: snapshot.dirty } },
    );
  }
  return snapshot;
}

/**
 * Paths of ST3's own state that change while a task is worked on and so are left out of worktree
 * snapshots: the context store, the ledger (and its lock), the quarantine, telemetry, metrics, caches.
 */
export function workspaceIgnores(config: { context_dir: string; ledger: string; quarantine_dir: string }): string[] {
  return [
    config.context_dir,
    config.ledger,
    `${config.ledger}.lock`,
    config.quarantine_dir,
    '.st3/telemetry',
    '.st3/metrics',
    '.st3/cache',
  ];
}

/** Records a snapshot as the context's latest, and as the latest of the agent that took it. */
export function recordWorktree(context: TaskContext, snapshot: WorktreeSnapshot): void {
  context.worktree = snapshot;
  if (snapshot.agent) context.worktree_by_agent = { ...context.worktree_by_agent, [snapshot.agent]: snapshot };
}

/**
 * The snapshot to verify against: the latest one, or with `expectedAgent` the latest one that agent
 * took. A snapshot by another agent (or by none) is E_AGENT_MISMATCH; no snapshot at all is
 * E_CONTEXT_NOT_FOUND.
 */
export function snapshotFor(context: TaskContext, expectedAgent?: string): WorktreeSnapshot {
  const id = context.manifest.task_id;
  if (!context.worktree)
    throw new St3Error('E_CONTEXT_NOT_FOUND', `${id} has no worktree snapshot`, {
      hint: `run \`st3 tasks worktree snapshot ${id}\` first (\`context init\` takes one in a git work tree)`,
    });
  if (expectedAgent === undefined) return context.worktree;
  const own = context.worktree_by_agent?.[expectedAgent];
  if (own) return own;
  const taken = Object.keys(context.worktree_by_agent ?? {});
  throw new St3Error(
    'E_AGENT_MISMATCH',
    `${id}: no worktree snapshot was taken by ${expectedAgent} (${taken.length > 0 ? `taken by ${taken.join(', ')}` : 'no snapshot names its agent'})`,
    {
      hint: `have ${expectedAgent} take it: \`st3 tasks worktree snapshot ${id} --agent ${expectedAgent}\` (or ST3_AGENT=${expectedAgent})`,
      details: { expected: expectedAgent, agents: taken },
    },
  );
}
