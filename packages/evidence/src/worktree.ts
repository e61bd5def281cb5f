import { readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { findGitRoot, listDirtyFiles } from '@st3/fs';
import { St3Error, type TaskContext, type WorktreeSnapshot } from '@st3/schemas';
import { sha256, systemClock, type Clock } from './util.js';

/**
 * Worktree snapshots: HEAD, branch and every dirty file with the SHA-256 of its content, taken when
 * a task starts; `verifyWorktree` then says whether HEAD moved and which files changed since.
 */
export interface WorktreeOptions {
  /** Paths (prefixes, workspace-relative) left out: the context store, ledger, quarantine. */
  ignore?: readonly string[];
  /** The agent taking the snapshot (recorded in it). */
  agent?: string;
  clock?: Clock;
  env?: Record<string, string | undefined>;
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

/** HEAD, branch and the dirty files under `root`, read in-process (@st3/fs; no git binary needed). */
async function dirtyUnder(root: string, options: WorktreeOptions) {
  const abs = resolve(root);
  const top = workTreeOf(abs, options.env);
  let listing: Awaited<ReturnType<typeof listDirtyFiles>>;
  try {
    listing = await listDirtyFiles(top);
  } catch (error) {
    throw new St3Error('E_GIT_FAILED', `cannot read the git state of ${top}: ${(error as Error).message}`, {
      cause: error,
      hint: 'check the repository with `git status`',
    });
  }
  const rel = relative(top, abs).split(sep).join('/');
  return { top, prefix: rel ? `${rel}/` : '', listing };
}

export async function takeSnapshot(root: string, options: WorktreeOptions = {}): Promise<WorktreeSnapshot> {
  const { top, prefix, listing } = await dirtyUnder(root, options);
  const head = listing.head ?? null;
  const branch = listing.branch ?? null;
  const ignore = (options.ignore ?? []).map((p) => p.replace(/\/+$/, ''));
  const dirty: WorktreeSnapshot['dirty'] = [];
  for (const file of listing.files) {
    if (!file.path.startsWith(prefix)) continue;
    const path = file.path.slice(prefix.length);
    if (ignore.some((p) => path === p || path.startsWith(`${p}/`))) continue;
    let hash: string | null = null;
    try {
      hash = sha256(await readFile(join(top, file.path)));
    } catch {
      hash = null;
    }
    dirty.push({ path, status: file.status, sha256: hash });
  }
  dirty.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    ...(options.agent ? { agent: options.agent } : {}),
    head,
    branch,
    taken_at: (options.clock ?? systemClock)().toISOString(),
    dirty,
  };
}

export interface WorktreeDrift {
  head_moved: boolean;
  head_before: string | null;
  head_now: string | null;
  /** `dirtied`: clean at the snapshot, dirty now; `modified`: dirty then, content changed since; `reverted`: dirty then, clean now. */
  changed: { path: string; change: 'dirtied' | 'modified' | 'reverted'; status: string }[];
  clean: boolean;
}

export async function verifyWorktree(
  root: string,
  snapshot: WorktreeSnapshot,
  options: WorktreeOptions = {},
): Promise<WorktreeDrift> {
  const now = await takeSnapshot(root, options);
  const before = new Map(snapshot.dirty.map((d) => [d.path, d]));
  const after = new Map(now.dirty.map((d) => [d.path, d]));
  const changed: WorktreeDrift['changed'] = [];
  for (const [path, d] of after) {
    const old = before.get(path);
    if (!old) changed.push({ path, change: 'dirtied', status: d.status });
    else if (old.sha256 !== d.sha256) changed.push({ path, change: 'modified', status: d.status });
  }
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
