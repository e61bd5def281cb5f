import * as fs from 'node:fs';
import { St3Error } from '@st3/schemas';
import type * as IsomorphicGit from 'isomorphic-git';
import { worktreeDiff } from './worktree-diff.js';

/**
 * Reading git with isomorphic-git (no git binary needed). Loaded lazily: `st3 --help` must not pay
 * for it.
 */
type Git = typeof IsomorphicGit;
let gitModule: Promise<Git> | undefined;
function git(): Promise<Git> {
  gitModule ??= import('isomorphic-git').then((m) => ((m as unknown as { default?: Git }).default ?? m) as Git);
  return gitModule;
}

export interface RepoInfo {
  /** The working tree root. */
  dir: string;
  /** The commit HEAD points at; undefined in a repository without commits. */
  head?: string;
  /** The checked-out branch name; undefined for a detached HEAD. */
  branch?: string;
}

/** Finds the repository holding `cwd`; undefined when there is none. */
export async function openRepo(cwd: string): Promise<RepoInfo | undefined> {
  const g = await git();
  let dir: string;
  try {
    dir = await g.findRoot({ fs, filepath: cwd });
  } catch {
    return undefined;
  }
  let head: string | undefined;
  try {
    head = await g.resolveRef({ fs, dir, ref: 'HEAD' });
  } catch {
    head = undefined;
  }
  let branch: string | undefined;
  try {
    const full = await g.resolveRef({ fs, dir, ref: 'HEAD', depth: 2 });
    if (full.startsWith('refs/heads/')) branch = full.slice('refs/heads/'.length);
  } catch {
    branch = undefined;
  }
  return { dir, head, branch };
}

/** Does this commit exist in the repository? */
export async function hasCommit(dir: string, oid: string): Promise<boolean> {
  const g = await git();
  try {
    const full = await g.expandOid({ fs, dir, oid });
    await g.readCommit({ fs, dir, oid: full });
    return true;
  } catch {
    return false;
  }
}

/** Resolves a branch name (local, then `origin/`) to a commit. */
export async function resolveBranch(dir: string, name: string): Promise<string | undefined> {
  const g = await git();
  for (const ref of [name, `refs/heads/${name}`, `refs/remotes/origin/${name}`]) {
    try {
      return await g.resolveRef({ fs, dir, ref });
    } catch {
      // try the next form
    }
  }
  return undefined;
}

export async function mergeBase(dir: string, a: string, b: string): Promise<string | undefined> {
  const g = await git();
  try {
    const bases = await g.findMergeBase({ fs, dir, oids: [a, b] });
    return bases[0];
  } catch (error) {
    throw new St3Error(
      'E_GIT',
      `cannot find the merge base of ${a.slice(0, 8)} and ${b.slice(0, 8)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * Files of the working tree that differ from commit `base`: committed since, staged, unstaged and
 * new untracked (not ignored) files. Deleted files are left out: there is nothing to check.
 * Read-only: the index is read, never written (see worktree-diff.ts; statusMatrix is the fallback).
 */
export async function changedSince(dir: string, base: string): Promise<string[]> {
  const g = await git();
  try {
    const fast = await worktreeDiff(g, dir, base);
    if (fast) return fast;
    const rows = await g.statusMatrix({ fs, dir, ref: base, refresh: false });
    const out: string[] = [];
    for (const [file, , workdir] of rows) if (workdir === 2) out.push(file);
    return out.sort();
  } catch (error) {
    throw new St3Error(
      'E_GIT',
      `cannot compare the working tree with ${base.slice(0, 8)}: ${(error as Error).message}`,
      { cause: error, hint: 'check the repository with `git status`, or use --scope project' },
    );
  }
}

/**
 * Files of the work tree that differ from commit `base` (as `changedSince`) and files of `base` that
 * are gone from the work tree (deleted or renamed away): a deletion can break the files that import it.
 */
export async function changesSince(dir: string, base: string): Promise<{ changed: string[]; deleted: string[] }> {
  const changed = await changedSince(dir, base);
  const g = await git();
  let tracked: string[];
  try {
    tracked = await g.listFiles({ fs, dir, ref: base });
  } catch (error) {
    throw new St3Error('E_GIT', `cannot list the files of ${base.slice(0, 8)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const deleted = tracked.filter((f) => !fs.existsSync(`${dir}/${f}`)).sort();
  return { changed, deleted };
}

/** Every file of a repository without commits that is not ignored (all of them are new). */
export async function untrackedFiles(dir: string): Promise<string[]> {
  const g = await git();
  const rows = await g.statusMatrix({ fs, dir, refresh: false }).catch(async () => {
    // No HEAD to compare with: list the work tree through the ignore rules instead.
    const files: string[] = [];
    await walkFiles(dir, '', files, async (p) => g.isIgnored({ fs, dir, filepath: p }));
    return files.map((f) => [f, 0, 2, 0] as [string, 0, 2, 0]);
  });
  return rows
    .filter((r) => r[2] === 2)
    .map((r) => r[0])
    .sort();
}

async function walkFiles(
  root: string,
  rel: string,
  out: string[],
  ignored: (p: string) => Promise<boolean>,
): Promise<void> {
  const entries = await fs.promises.readdir(rel ? `${root}/${rel}` : root, { withFileTypes: true });
  for (const e of entries) {
    if (e.name === '.git') continue;
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (await ignored(p)) continue;
    if (e.isDirectory()) await walkFiles(root, p, out, ignored);
    else if (e.isFile()) out.push(p);
  }
}

/** A checker of .gitignore rules for paths relative to `dir`. */
export async function ignoreChecker(dir: string): Promise<(path: string) => Promise<boolean>> {
  const g = await git();
  return (filepath) => g.isIgnored({ fs, dir, filepath }).catch(() => false);
}
