import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runProcess } from '@st3/process';
import { St3Error, type WorktreeSnapshot } from '@st3/schemas';
import { sha256, systemClock, type Clock } from './util.js';

/**
 * Worktree snapshots: HEAD, branch and every dirty file with the SHA-256 of its content, taken when
 * a task starts; `verifyWorktree` then says whether HEAD moved and which files changed since.
 */
export interface WorktreeOptions {
  /** Paths (prefixes, workspace-relative) left out: the context store, ledger, quarantine. */
  ignore?: readonly string[];
  clock?: Clock;
  env?: Record<string, string | undefined>;
}

async function git(root: string, args: string[], env?: Record<string, string | undefined>): Promise<string> {
  const result = await runProcess({ argv: ['git', ...args], cwd: root, env, timeoutMs: 60_000 });
  if (result.error?.code === 'E_TOOL_NOT_FOUND')
    throw new St3Error('E_TOOL_NOT_FOUND', 'git is not installed', { hint: 'install git' });
  if (result.exitCode !== 0) {
    if (/not a git repository/i.test(result.stderr))
      throw new St3Error('E_NOT_GIT', `${root} is not inside a git work tree`, {
        hint: 'run `git init`, or run the command inside the repository',
      });
    throw new St3Error('E_GIT_FAILED', `git ${args.join(' ')} failed: ${result.stderr.trim()}`);
  }
  return result.stdout;
}

export async function takeSnapshot(root: string, options: WorktreeOptions = {}): Promise<WorktreeSnapshot> {
  const top = (await git(root, ['rev-parse', '--show-toplevel'], options.env)).trim();
  let head: string | null = null;
  try {
    head = (await git(root, ['rev-parse', '--verify', '-q', 'HEAD'], options.env)).trim() || null;
  } catch {
    head = null; // no commit yet
  }
  const branchOut = await git(root, ['rev-parse', '--abbrev-ref', 'HEAD'], options.env).catch(() => '');
  const branch = branchOut.trim() && branchOut.trim() !== 'HEAD' ? branchOut.trim() : null;
  const status = await git(root, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', '.'], options.env);
  const prefix = (await git(root, ['rev-parse', '--show-prefix'], options.env)).trim();
  const ignore = (options.ignore ?? []).map((p) => p.replace(/\/+$/, ''));
  const dirty: WorktreeSnapshot['dirty'] = [];
  const parts = status.split('\0');
  for (let i = 0; i < parts.length; i++) {
    const rec = parts[i]!;
    if (rec.length < 4) continue;
    const code = rec.slice(0, 2);
    const topPath = rec.slice(3);
    if (code[0] === 'R' || code[0] === 'C') i++; // the original path follows a rename
    if (!topPath.startsWith(prefix)) continue;
    const path = topPath.slice(prefix.length);
    if (ignore.some((p) => path === p || path.startsWith(`${p}/`))) continue;
    let hash: string | null = null;
    try {
      hash = sha256(await readFile(join(top, topPath)));
    } catch {
      hash = null;
    }
    dirty.push({ path, status: code.trim() || '??', sha256: hash });
  }
  dirty.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { head, branch, taken_at: (options.clock ?? systemClock)().toISOString(), dirty };
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
